import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readK6Ndjson } from "../../../src/sources/k6/ndjson.js";
import { parseK6Summary, readSummaryChecks } from "../../../src/sources/k6/summary.js";

const dir = mkdtempSync(path.join(tmpdir(), "slogate-functional-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Lines in k6's own layout (Go field order, tags sorted by key), as `--out json` writes them.
const METRICS = [
  '{"type":"Metric","data":{"name":"checks","type":"rate","contains":"default","thresholds":["rate==1"],"submetrics":null},"metric":"checks"}',
  '{"type":"Metric","data":{"name":"slogate_functional","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"slogate_functional"}',
];

function checkPoint(second: number, value: number, check: string): string {
  const tags = `{"check":${JSON.stringify(check)},"group":"","scenario":"smoke"}`;
  return `{"metric":"checks","type":"Point","data":{"time":"2026-01-01T12:00:0${second}.000Z","value":${value},"tags":${tags}}}`;
}

const MARKER =
  '{"metric":"slogate_functional","type":"Point","data":{"time":"2026-01-01T12:00:00.000Z","value":1,"tags":{"group":"::setup","scenario":"setup"}}}';

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("reading the functional marker and failing check names from NDJSON", () => {
  it("finds the marker and names failing checks, on the fast path and through JSON.parse", async () => {
    const file = write("smoke.ndjson", [
      ...METRICS,
      MARKER,
      checkPoint(1, 1, "GET /a: status 200"),
      checkPoint(2, 0, "GET /b: status 200"),
      checkPoint(3, 0, "GET /b: status 200"),
      // An escaped quote sends the line through JSON.parse.
      checkPoint(4, 0, 'GET /c: says "ok"'),
    ]);
    const evidence = await readK6Ndjson([file]);
    expect(evidence.functional).toBe(true);
    const stats = evidence.phases.get("");
    expect([stats?.checksPassed, stats?.checksFailed]).toEqual([1, 3]);
    expect(Object.fromEntries(stats?.failedChecks ?? [])).toEqual({
      "GET /b: status 200": 2,
      'GET /c: says "ok"': 1,
    });
  });

  it("a run without the marker is not functional", async () => {
    const file = write("plain.ndjson", [...METRICS, checkPoint(1, 1, "x")]);
    expect((await readK6Ndjson([file])).functional).toBe(false);
  });

  it("keeps the marker outside an explicit time range (it describes the script)", async () => {
    const file = write("ranged.ndjson", [...METRICS, MARKER, checkPoint(5, 0, "late")]);
    const evidence = await readK6Ndjson([file], {
      selection: {
        kind: "range",
        fromMs: Date.parse("2026-01-01T12:00:04Z"),
        toMs: Date.parse("2026-01-01T12:00:06Z"),
      },
    });
    expect(evidence.functional).toBe(true);
    expect(Object.fromEntries(evidence.phases.get("range")?.failedChecks ?? [])).toEqual({
      late: 1,
    });
  });
});

describe("check names from a summary's groups", () => {
  it.each([
    {
      name: "handleSummary data: groups and checks as lists",
      doc: {
        root_group: {
          name: "",
          groups: [
            {
              name: "orders",
              groups: [],
              checks: [{ name: "POST /orders: status 201", passes: 0, fails: 2 }],
            },
          ],
          checks: [
            { name: "GET /a: status 200", passes: 3, fails: 0 },
            { name: "POST /orders: status 201", passes: 1, fails: 1 },
          ],
        },
      },
      expected: [
        { name: "GET /a: status 200", passes: 3, fails: 0 },
        { name: "POST /orders: status 201", passes: 1, fails: 3 },
      ],
    },
    {
      name: "legacy --summary-export: groups and checks keyed by name",
      doc: {
        root_group: {
          name: "",
          groups: {},
          checks: { "GET /a: status 200": { name: "GET /a: status 200", passes: 1, fails: 4 } },
        },
      },
      expected: [{ name: "GET /a: status 200", passes: 1, fails: 4 }],
    },
    { name: "no groups at all", doc: { metrics: {} }, expected: null },
  ])("$name", ({ doc, expected }) => {
    expect(readSummaryChecks(doc)).toEqual(expected);
  });

  it("is part of the parsed summary", () => {
    const summary = parseK6Summary("s.json", {
      metrics: {
        checks: { type: "rate", contains: "default", values: { passes: 1, fails: 1, rate: 0.5 } },
      },
      root_group: { checks: [{ name: "c", passes: 1, fails: 1 }], groups: [] },
    });
    expect(summary?.checks).toEqual([{ name: "c", passes: 1, fails: 1 }]);
  });
});
