import { describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { renderText } from "../../src/reports/text.js";
import {
  buildHostileInput,
  EMPTY_INPUT,
  HOSTILE_STRINGS,
  MIXED_INPUT,
  PASSING_INPUT,
} from "../fixtures/report-inputs.js";

const ESC = "\u001b";

describe("renderText", () => {
  it.each<[string, ReportInput, string, string[]]>([
    [
      "mixed",
      MIXED_INPUT,
      "slogate FAIL  profile orders-api · required good, achieved target",
      ["latency_p95 FAIL", "error_rate PASS", "throughput PASS", "db_latency_p95 INCONCLUSIVE", "cpu ERROR", "memory* FAIL"],
    ],
    [
      "passing",
      PASSING_INPUT,
      "slogate PASS  profile orders-api · required good, achieved excellent",
      ["latency_p95 PASS", "error_rate PASS"],
    ],
    ["empty", EMPTY_INPUT, "slogate INCONCLUSIVE  profile orders-api · required good, achieved none", []],
  ])("%s: header and one row per objective", (_name, input, header, rows) => {
    const text = renderText(input, { color: false });
    const lines = text.split("\n");
    expect(lines[0]).toBe(header);
    expect(text).not.toContain(ESC);
    expect(text.endsWith("\n")).toBe(true);
    for (const row of rows) {
      const [id, word] = row.split(" ") as [string, string];
      const line = lines.find((candidate) => candidate.startsWith(`${id} `));
      expect(line, `row for ${id}`).toBeDefined();
      expect(line).toContain(` ${word} `);
    }
  });

  it("aligns the columns: every row's verdict starts under the VERDICT heading", () => {
    const lines = renderText(MIXED_INPUT, { color: false }).split("\n");
    const heading = lines.find((line) => line.startsWith("OBJECTIVE")) ?? "";
    const column = heading.indexOf("VERDICT");
    expect(column).toBeGreaterThan(0);
    const rows = lines.filter((line) => MIXED_INPUT.verdict.objectives.some((o) => line.startsWith(o.id)));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row.slice(column)).toMatch(/^(PASS|FAIL|INCONCLUSIVE|ERROR) /);
    }
  });

  it("shows window, k6 run, required bound, value with unit and findings", () => {
    const text = renderText(MIXED_INPUT, { color: false });
    expect(text).toContain("steady window 2025-03-01T12:00:00.000Z → 2025-03-01T12:01:00.000Z (60 s)");
    expect(text).toContain("k6 v2.2.0, exit 0, thresholds passed");
    expect(text).toContain("target http://127.0.0.1:8080");
    expect(text).toMatch(/latency_p95 .* 263\.2 ms {2}< 200 ms .* 12034 {2}target/);
    expect(text).toMatch(/error_rate .* 0\.04 % {2}< 0\.1 %/);
    expect(text).toMatch(/throughput .* 200\.5 req\/s {2}≥ 150 req\/s/);
    expect(text).toContain("* advisory");
    expect(text).toContain("warning LOW_SAMPLES    db_latency_p95 had 0 samples; needs 100");
    expect(text).toContain("info    STEADY_WINDOW  evaluated phase=steady only (60 s)");
  });

  it("shows server and k6 figures side by side and what Prometheus cost, when it was queried", () => {
    expect(renderText(MIXED_INPUT, { color: false })).not.toContain("scrape wait");
    const input: ReportInput = {
      ...MIXED_INPUT,
      verdict: {
        ...MIXED_INPUT.verdict,
        prometheus: {
          client: { requests: 1200, errorRatio: 0.015, p95Ms: 122, requestsPerSecond: 40 },
          server: {
            requests: 1190,
            errorRatio: 0.016,
            p95Ms: 145,
            requestsPerSecond: 39.7,
            p95BucketMs: { lowerMs: 100, upperMs: 150 },
          },
          timing: { scrapeWaitMs: 900, queriesMs: 40, totalMs: 940, queryCount: 14 },
          mismatch: { policy: "finding", codes: [] },
        },
      },
    };
    expect(renderText(input, { color: false })).toContain(
      "server 1190 req, 1.6 % errors, p95 145 ms in (100, 150] ms, 39.7 req/s · " +
        "k6 1200 req, 1.5 % errors, p95 122 ms, 40 req/s · " +
        "Prometheus 940 ms (scrape wait 900 ms, 14 queries 40 ms)",
    );
  });

  it("colors verdicts only when asked", () => {
    const text = renderText(MIXED_INPUT, { color: true });
    expect(text).toContain(`${ESC}[31mFAIL`);
    expect(text).toContain(`${ESC}[32mPASS`);
    expect(text).toContain(`${ESC}[33mINCONCLUSIVE`);
    expect(text).toContain(`${ESC}[35mERROR`);
    // Stripping the styles gives back exactly the plain report.
    const ansi = new RegExp(`${ESC}\\[[0-9;]*m`, "g");
    expect(text.replace(ansi, "")).toBe(renderText(MIXED_INPUT, { color: false }));
  });

  it.each(HOSTILE_STRINGS.map((hostile) => [JSON.stringify(hostile), hostile]))(
    "hostile %s cannot send control characters to the terminal",
    (_name, hostile) => {
      const text = renderText(buildHostileInput(hostile), { color: false });
      // eslint-disable-next-line no-control-regex -- asserting no control characters got through
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
      if (hostile.includes(ESC)) expect(text).toContain("\\u001b[31m");
    },
  );

  it("redacts credentials", () => {
    const input: ReportInput = {
      ...MIXED_INPUT,
      verdict: {
        ...MIXED_INPUT.verdict,
        run: { id: "r", scenario: "s", target: "http://admin:hunter2@127.0.0.1:8080/?token=abc" },
      },
    };
    const text = renderText(input, { color: false });
    expect(text).toContain("target http://***@127.0.0.1:8080/?token=***");
    expect(text).not.toContain("hunter2");
  });
});
