import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/start-targets.js";
import { call } from "./http-client.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → samples; written here so the test does not trust prom-client. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ""] = pair[2] ?? "";
    }
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

function find(samples: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

describe("/metrics", () => {
  let targets: RunningTargets;
  let samples: Sample[];
  const gets = 7;
  const misses = 3;

  beforeAll(async () => {
    targets = await startTargets({ rateLimit: false });
    for (let i = 1; i <= gets; i++) await call(targets.url, "GET", `/api/v1/users/${i}`);
    for (let i = 0; i < misses; i++) await call(targets.url, "GET", `/api/v1/users/${900 + i}`);
    await call(targets.url, "GET", "/no/such/thing?x=1");
    await call(targets.url, "POST", "/api/v1/users", { name: "M", email: "m@x.io" });
    const response = await call<string>(targets.url, "GET", "/metrics");
    expect(response.headers.get("content-type")).toContain("text/plain");
    samples = parseExposition(response.body);
  });
  afterAll(() => targets.close());

  it("counts requests by method, route template and status", () => {
    const byId = { method: "GET", endpoint: "/api/v1/users/:id" };
    expect(find(samples, "http_requests_total", { ...byId, status: "200" })[0]?.value).toBe(gets);
    expect(find(samples, "http_requests_total", { ...byId, status: "404" })[0]?.value).toBe(misses);
    expect(
      find(samples, "http_requests_total", { endpoint: "unmatched", status: "404" })[0]?.value,
    ).toBe(1);
    const post = { method: "POST", endpoint: "/api/v1/users", status: "201" };
    expect(find(samples, "http_requests_total", post)[0]?.value).toBe(1);
    // Only templates (and "unmatched") become label values, never concrete URLs.
    const endpoints = new Set(
      find(samples, "http_requests_total", {}).map((s) => s.labels.endpoint),
    );
    expect(endpoints).toEqual(new Set(["/api/v1/users/:id", "/api/v1/users", "unmatched"]));
  });

  it("has a duration histogram per route template with the tier boundaries as edges", () => {
    const buckets = find(samples, "http_request_duration_seconds_bucket", {
      method: "GET",
      endpoint: "/api/v1/users/:id",
    });
    const edges = buckets.map((b) => b.labels.le);
    for (const edge of ["0.01", "0.05", "0.1", "0.2", "0.5", "+Inf"]) expect(edges).toContain(edge);
    const inf = buckets.find((b) => b.labels.le === "+Inf");
    expect(inf?.value).toBe(gets + misses);
  });

  it("times every storage call", () => {
    const getUser = find(samples, "db_query_duration_seconds_count", {
      operation: "getUser",
      table: "users",
    });
    expect(getUser[0]?.value).toBe(gets + misses);
    const create = find(samples, "db_query_duration_seconds_count", { operation: "createUser" });
    expect(create[0]?.value).toBe(1);
    const dbEdges = find(samples, "db_query_duration_seconds_bucket", { operation: "getUser" }).map(
      (b) => b.labels.le,
    );
    for (const edge of ["0.01", "0.05", "0.1"]) expect(dbEdges).toContain(edge);
  });

  it("exports process CPU and memory", () => {
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(find(samples, name, {})[0]?.value).toBeGreaterThan(0);
    }
  });
});
