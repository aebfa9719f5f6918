import { describe, expect, it } from "vitest";
import { evaluateEvidence } from "../../src/core/evaluate.js";
import type { StreamEvidence, SummaryEvidence } from "../../src/core/evidence.js";
import { K6Accumulator } from "../../src/core/k6-accumulator.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
`,
  "tiers.yaml",
);

const PROFILE = resolveProfile(
  {
    version: 1,
    name: "users",
    requests: { names: ["/api/v1/users", "/api/v1/users/:id"] },
    objectives: [{ id: "latency_p95" }, { id: "error_rate" }],
  },
  tiers,
  "users.yaml",
);

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Requests as a foreign script's NDJSON holds them: per name, how many, in which phase, failing or not. */
interface Requests {
  name: string;
  count: number;
  phase?: string;
  failed?: boolean;
}

function evidenceOf(requests: Requests[]): StreamEvidence {
  const sink = new K6Accumulator();
  let time = START_MS;
  for (const { name, count, phase = "steady", failed = false } of requests) {
    const tags = {
      phase,
      name,
      method: "GET",
      status: failed ? "500" : "200",
      expected: failed ? "false" : "true",
      scenario: phase,
    };
    for (let i = 0; i < count; i++) {
      time += 10;
      sink.addPoint(sink.lookupMetric("http_reqs"), time, 1, tags);
      sink.addPoint(sink.lookupMetric("http_req_duration"), time, 20, tags);
      sink.addPoint(sink.lookupMetric("http_req_failed"), time, failed ? 1 : 0, tags);
    }
  }
  return sink.finish();
}

function reasonsOf(requests: Requests[]): { latency: string; errors: string } {
  const { verdict } = evaluateEvidence({ profile: PROFILE, evidence: evidenceOf(requests) });
  const reason = (id: string) => verdict.objectives.find((o) => o.id === id)?.reason ?? "";
  return { latency: reason("latency_p95"), errors: reason("error_rate") };
}

const HOW = "set requests.names in the profile to the names to judge";

describe("a profile whose request names match nothing in the evidence", () => {
  it.each([
    {
      name: "lists the names the evidence holds, busiest first, with counts",
      requests: [
        { name: "/health", count: 3 },
        { name: "http://shop.local/items?page=1", count: 1250 },
        { name: "/cart", count: 40 },
      ],
      listed:
        "the requests there are named http://shop.local/items?page=1 (1,250), /cart (40), /health (3); ",
    },
    {
      name: "lists the top five and says how many more there are",
      requests: [
        { name: "/a", count: 10 },
        { name: "/b", count: 60 },
        { name: "/c", count: 50 },
        { name: "/d", count: 40 },
        { name: "/e", count: 30 },
        { name: "/f", count: 20 },
        { name: "/g", count: 5 },
      ],
      listed:
        "the requests there are named /b (60), /c (50), /d (40), /e (30), /f (20) and 2 more; ",
    },
    {
      name: "orders equal counts by name",
      requests: [
        { name: "/z", count: 7 },
        { name: "/m", count: 7 },
      ],
      listed: "the requests there are named /m (7), /z (7); ",
    },
    {
      name: "counts only the window judged: the matching ramp-up requests are outside it",
      requests: [
        { name: "/api/v1/users", count: 30, phase: "ramp-up" },
        { name: "/orders", count: 12 },
      ],
      listed: "the requests there are named /orders (12); ",
    },
  ])("$name", ({ requests, listed }) => {
    const { latency, errors } = reasonsOf(requests);
    for (const reason of [latency, errors]) {
      expect(reason).toContain(
        "requests for /api/v1/users, /api/v1/users/:id in the steady window",
      );
      expect(reason).toContain(listed);
      expect(reason).toContain(HOW);
      expect(reason).toContain("or tag the scenario's requests with `name`");
    }
  });

  it.each([
    {
      name: "a matching name that only ever failed: the names are not what is wrong",
      requests: [
        { name: "/api/v1/users", count: 20, failed: true },
        { name: "/orders", count: 12 },
      ],
    },
    {
      name: "a matching name with successful requests",
      requests: [
        { name: "/api/v1/users/:id", count: 20 },
        { name: "/orders", count: 400 },
      ],
    },
  ])("says nothing about names when $name", ({ requests }) => {
    const { latency, errors } = reasonsOf(requests);
    expect(latency).not.toContain("named");
    expect(errors).not.toContain("named");
  });
});

describe("a summary without the profile's request names", () => {
  const entry = (metric: string, tags: Record<string, string>, values: Record<string, number>) => ({
    key: `${metric}{${Object.entries(tags)
      .map(([k, v]) => `${k}:${v}`)
      .join(",")}}`,
    metric,
    tags,
    type: metric === "http_reqs" ? ("counter" as const) : ("trend" as const),
    values,
  });
  const summaryOf = (metrics: ReturnType<typeof entry>[]): SummaryEvidence => ({
    kind: "summary",
    file: "summary.json",
    format: "summary-export",
    metrics,
    thresholds: [],
    durationSeconds: 60,
    generatedAt: null,
    k6Version: null,
    findings: [],
  });

  it.each([
    {
      name: "names the routes it does hold",
      metrics: [
        entry("http_req_duration", {}, { "p(95)": 40, count: 900 }),
        entry("http_req_duration", { expected_response: "true", name: "/orders" }, { "p(95)": 40 }),
        entry("http_req_duration", { expected_response: "true", name: "/cart" }, { "p(95)": 30 }),
      ],
      hint: "; the summary holds http_req_duration for the names /cart, /orders: set requests.names in the profile",
    },
    {
      name: "says k6 kept no per-name figures, and what to do",
      metrics: [entry("http_req_duration", {}, { "p(95)": 40, count: 900 })],
      hint: "; the summary holds no per-name http_req_duration figures (k6 keeps one only for a threshold naming it): set requests.names in the profile to the names to judge (or leave it out to judge every request), or pass NDJSON (--out json)",
    },
  ])("$name", ({ metrics, hint }) => {
    const { verdict } = evaluateEvidence({ profile: PROFILE, evidence: summaryOf(metrics) });
    const latency = verdict.objectives.find((o) => o.id === "latency_p95");
    expect(latency?.verdict).toBe("inconclusive");
    expect(latency?.reason).toContain("the summary has no http_req_duration{");
    expect(latency?.reason).toContain(hint);
  });
});
