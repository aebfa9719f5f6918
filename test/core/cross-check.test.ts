import { describe, expect, it } from "vitest";
import {
  checkBucketResolution,
  crossCheckLatency,
  crossCheckRequestCounts,
} from "../../src/core/cross-check.js";

// The reference service's edges in ms (0.001 … 10 s).
const EDGES_MS = [1, 2.5, 5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2500, 5000, 10000];
const API_BOUNDARIES_MS = [100, 200, 500];

describe("checkBucketResolution", () => {
  it.each([
    {
      name: "p95 between 50 and 100 with no edge at 75",
      edges: [50, 100],
      estimate: 80,
      boundaries: [75],
      unresolved: [75],
      bucket: [50, 100],
    },
    {
      name: "an edge exactly at the boundary resolves it",
      edges: [50, 75, 100],
      estimate: 80,
      boundaries: [75],
      unresolved: [],
      bucket: [75, 100],
    },
    {
      name: "boundaries at the service's edges are all resolvable",
      edges: EDGES_MS,
      estimate: 140,
      boundaries: API_BOUNDARIES_MS,
      unresolved: [],
      bucket: [100, 150],
    },
    {
      name: "Prometheus' default buckets cannot resolve 200 ms",
      edges: [5, 10, 25, 50, 100, 250, 500, 1000],
      estimate: 180,
      boundaries: API_BOUNDARIES_MS,
      unresolved: [200],
      bucket: [100, 250],
    },
    {
      name: "estimate on an edge belongs to the bucket below it",
      edges: [50, 100, 250],
      estimate: 100,
      boundaries: [75, 200],
      unresolved: [75],
      bucket: [50, 100],
    },
    {
      name: "above the last edge nothing above it is resolvable",
      edges: [100, 250],
      estimate: 400,
      boundaries: [200, 500, 1000],
      unresolved: [500, 1000],
      bucket: [250, Infinity],
    },
    {
      name: "below the first edge",
      edges: [10, 50],
      estimate: 3,
      boundaries: [5, 10],
      unresolved: [5],
      bucket: [0, 10],
    },
  ])("$name", ({ edges, estimate, boundaries, unresolved, bucket }) => {
    const result = checkBucketResolution({
      edgesMs: edges,
      estimateMs: estimate,
      boundariesMs: boundaries,
      objective: "latency_p95",
    });
    expect(result.unresolvedBoundariesMs).toEqual(unresolved);
    expect([result.bucket.lowerMs, result.bucket.upperMs]).toEqual(bucket);
    expect(result.findings).toHaveLength(unresolved.length);
    for (const finding of result.findings) {
      expect(finding.code).toBe("BUCKET_RESOLUTION");
      expect(finding.message).toContain("latency_p95");
    }
  });
});

describe("crossCheckRequestCounts", () => {
  it.each([
    { name: "equal counts", client: 6000, server: 6000, window: 60, codes: [] },
    {
      name: "one scrape interval of traffic per edge is tolerated",
      client: 6000,
      server: 6000 - 2 * 100,
      window: 60,
      codes: [],
    },
    {
      name: "a third missing: requests never reached the service",
      client: 6000,
      server: 4000,
      window: 60,
      codes: ["SERVER_COUNT_LOW"],
    },
    {
      name: "half again as many: other traffic",
      client: 6000,
      server: 9000,
      window: 60,
      codes: ["SERVER_COUNT_HIGH"],
    },
    {
      name: "no client requests: nothing to compare",
      client: 0,
      server: 10,
      window: 60,
      codes: [],
    },
  ])("$name", ({ client, server, window, codes }) => {
    const findings = crossCheckRequestCounts({
      clientRequests: client,
      serverRequests: server,
      windowSeconds: window,
    });
    expect(findings.map((f) => f.code)).toEqual(codes);
  });

  it("a longer scrape interval widens the edge slack", () => {
    // 100 req/s; 400 missing is beyond 2 × 1 s of traffic but within 2 × 5 s.
    const base = {
      clientRequests: 6000,
      serverRequests: 5600,
      windowSeconds: 60,
      toleranceRatio: 0,
    };
    expect(crossCheckRequestCounts(base)).toHaveLength(1);
    expect(crossCheckRequestCounts({ ...base, scrapeIntervalSeconds: 5 })).toHaveLength(0);
  });
});

describe("crossCheckLatency", () => {
  it.each([
    { name: "close enough", client: 120, server: 110, bucket: undefined, codes: [] },
    {
      name: "server far below: time outside the handler",
      client: 400,
      server: 120,
      bucket: undefined,
      codes: ["SERVER_P95_FAR_BELOW_CLIENT"],
    },
    {
      name: "server above client: interpolation",
      client: 122,
      server: 147.5,
      bucket: undefined,
      codes: ["SERVER_P95_ABOVE_CLIENT"],
    },
    {
      name: "server above client but the client value is in the server's bucket",
      client: 122,
      server: 147.5,
      bucket: { lowerMs: 100, upperMs: 150 },
      codes: [],
    },
    {
      name: "far below, yet the same bucket: coarse histogram, no finding",
      client: 240,
      server: 110,
      bucket: { lowerMs: 100, upperMs: 250 },
      codes: [],
    },
    {
      name: "non-finite server value is ignored",
      client: 100,
      server: Number.NaN,
      bucket: undefined,
      codes: [],
    },
  ])("$name", ({ client, server, bucket, codes }) => {
    const findings = crossCheckLatency({
      clientP95Ms: client,
      serverP95Ms: server,
      ...(bucket ? { serverBucketMs: bucket } : {}),
    });
    expect(findings.map((f) => f.code)).toEqual(codes);
  });
});
