import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamEvidence } from "../../../src/core/evidence.js";
import { readPercentileMs } from "../../../src/core/histogram.js";
import { K6Accumulator, type PointTags } from "../../../src/core/k6-accumulator.js";
import { readK6Ndjson } from "../../../src/sources/k6/ndjson.js";
import {
  PHASED_SCRIPT,
  runK6Fixture,
  startLoopbackServer,
  type K6Results,
} from "../../fixtures/k6-results.js";

/** Unix ms with the sub-ms digits, computed independently of the reader's byte parser. */
function referenceTime(text: string): number {
  const match = /^(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match?.[1] || !match[3]) throw new Error(`bad time ${text}`);
  return Date.parse(`${match[1]}${match[3]}`) + (match[2] ? Number(`0.${match[2]}`) * 1000 : 0);
}

/** The same aggregation fed by JSON.parse on every line: the ground truth for the fast path. */
function readWithJsonParse(file: string): StreamEvidence {
  const sink = new K6Accumulator();
  sink.addFile(file);
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as {
      type: string;
      metric: string;
      data: {
        name: string;
        type: "trend";
        contains: string;
        time: string;
        value: number;
        tags: Record<string, string> | null;
      };
    };
    if (parsed.type === "Metric") {
      sink.declareMetric(parsed.data.name, parsed.data.type, parsed.data.contains);
      continue;
    }
    const info = sink.lookupMetric(parsed.metric);
    if (!K6Accumulator.needsPoint(info)) {
      sink.points++;
      continue;
    }
    const raw = parsed.data.tags ?? {};
    const tags: PointTags = {
      phase: raw.phase ?? null,
      name: raw.name ?? null,
      method: raw.method ?? null,
      status: raw.status ?? null,
      expected: raw.expected_response ?? null,
      scenario: raw.scenario ?? null,
    };
    sink.addPoint(info, referenceTime(parsed.data.time), parsed.data.value, tags);
  }
  return sink.finish();
}

/** Everything evaluation reads, as comparable plain data. */
function digest(evidence: StreamEvidence) {
  const groups = evidence.groups
    .map((g) => ({
      key: [g.phase, g.name, g.method, g.statusClass, String(g.expected)].join("|"),
      requests: g.requests,
      failed: g.failed,
      failedSamples: g.failedSamples,
      count: g.durations.totalCount,
      p50: readPercentileMs(g.durations, 50),
      p95: readPercentileMs(g.durations, 95),
      max: g.durations.maxValue,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
  // Phase extents are compared apart, with a tolerance (expectSameExtents): the
  // two time parsers may differ in the last bits of a float.
  const phases = [...evidence.phases.values()]
    .map((p) => ({ ...p, firstMs: null, lastMs: null }))
    .sort((a, b) => a.phase.localeCompare(b.phase));
  const metrics = evidence.metrics
    .map((m) => ({
      metric: m.metric,
      phase: m.phase,
      count: m.count,
      sum: m.sum,
      nonZero: m.nonZero,
      last: m.last,
    }))
    .sort((a, b) => `${a.metric}${a.phase}`.localeCompare(`${b.metric}${b.phase}`));
  const timeline = evidence.timeline.map((b) => [
    b.startMs,
    b.requests,
    b.failed,
    b.durations.totalCount,
  ]);
  return {
    groups,
    phases,
    metrics,
    timeline,
    points: evidence.points,
    offered: evidence.offeredRatePerSecond,
    hasPhaseTags: evidence.hasPhaseTags,
  };
}

function expectSameExtents(fast: StreamEvidence, reference: StreamEvidence): void {
  for (const [phase, stats] of reference.phases) {
    const other = fast.phases.get(phase);
    for (const key of ["firstMs", "lastMs"] as const) {
      const expected = stats[key];
      if (expected === null) expect(other?.[key]).toBeNull();
      else expect(Math.abs((other?.[key] ?? Number.NaN) - expected)).toBeLessThan(0.001);
    }
  }
}

describe("the NDJSON fast path agrees with JSON.parse", () => {
  let results: K6Results;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const server = await startLoopbackServer();
    close = server.close;
    results = await runK6Fixture(PHASED_SCRIPT, { BASE_URL: server.url, RATE: "30", STEADY: "2s" });
  });
  afterAll(async () => {
    await close();
    rmSync(results.dir, { recursive: true, force: true });
  });

  it("on real k6 output", async () => {
    expect(results.run.exit.code).toBe(0);
    const fast = await readK6Ndjson([results.ndjsonPath]);
    const reference = readWithJsonParse(results.ndjsonPath);
    expect(fast.groups.length).toBeGreaterThan(3);
    expect(digest(fast)).toEqual(digest(reference));
    expectSameExtents(fast, reference);
  });

  it("on tricky but valid lines (escapes, unicode, odd numbers, offsets, extra fields)", async () => {
    const t = "2026-03-01T12:00:00.123456789Z";
    const tags = (extra: string) =>
      `{${extra}"expected_response":"true","method":"GET","name":"/caf\u00e9","phase":"steady","scenario":"steady","status":"200"}`;
    const lines = [
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}',
      '{"type":"Metric","data":{"name":"my_gauge","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"my_gauge"}',
      // An error tag with escaped quotes and backslashes before the wanted tags.
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":12.5,"tags":${tags('"error":"Get \\"http://x/a\\\\b\\": EOF","error_code":"1000",')}}}`,
      // The route name written with a \\u escape must land in the same group as the raw UTF-8 one.
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":7,"tags":{"expected_response":"true","method":"GET","name":"/caf\\u00e9","phase":"steady","scenario":"steady","status":"200"}}}`,
      // Numbers JSON allows that a decimal scanner could get wrong.
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":1e-7,"tags":${tags("")}}}`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":1.5E+2,"tags":${tags("")}}}`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":-0,"tags":${tags("")}}}`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":0.1,"tags":${tags("")}}}`,
      `{"metric":"my_gauge","type":"Point","data":{"time":"${t}","value":123456789012345678901,"tags":{"phase":"steady"}}}`,
      `{"metric":"my_gauge","type":"Point","data":{"time":"2026-03-01T14:00:01+02:00","value":0.30000000000000004,"tags":{"phase":"steady"}}}`,
      // An offset time, a time without fraction, extra fields, null tags, spacing, an escaped key, CRLF.
      `{"metric":"http_req_duration","type":"Point","data":{"time":"2026-03-01T13:00:00.5+01:00","value":3,"tags":${tags("")}}}`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"2026-03-01T12:00:01Z","value":4,"tags":${tags("")},"metadata":{"trace_id":"a\\"b"}}}`,
      `{"metric":"my_gauge","type":"Point","data":{"time":"${t}","value":5,"tags":null}}`,
      `{ "metric": "http_req_duration", "type": "Point", "data": { "time": "${t}", "value": 6, "tags": ${tags("")} } }`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":8,"tags":{"na\\u006de":"/escaped-key","phase":"steady"}}}\r`,
      `{"metric":"http_req_duration","type":"Point","data":{"time":"${t}","value":9,"tags":{"expected_response":"true","name":"/ünïcode/✓","phase":"steady"}}}`,
    ];
    const file = path.join(results.dir, "tricky.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const fast = await readK6Ndjson([file]);
    const reference = readWithJsonParse(file);
    expect(digest(fast)).toEqual(digest(reference));
    expectSameExtents(fast, reference);
    const names = new Set(fast.groups.map((g) => g.name));
    expect(names).toEqual(new Set(["/café", "/escaped-key", "/ünïcode/✓"]));
    expect(fast.groups.find((g) => g.name === "/café")?.durations.totalCount).toBe(9);
  });
});
