import { describe, expect, it } from "vitest";
import { analyzeScrapeCoverage } from "../../src/core/scrape-coverage.js";

const FROM_MS = 1_700_000_000_000;
const TO_MS = FROM_MS + 60_000;

/** One `up` sample per `stepSeconds` from `startSeconds` after the window start, skipping some. */
function upSamples(options: {
  start?: number;
  end?: number;
  step?: number;
  skip?: [number, number];
  downAt?: number[];
}) {
  const points: [number, number][] = [];
  const step = options.step ?? 1;
  for (let t = options.start ?? 0.3; t <= (options.end ?? 59.8); t += step) {
    const inSkip = options.skip !== undefined && t >= options.skip[0] && t < options.skip[1];
    if (inSkip) continue;
    const down = options.downAt?.some((d) => Math.abs(d - t) < step / 2) ?? false;
    points.push([FROM_MS / 1000 + t, down ? 0 : 1]);
  }
  return { instance: "127.0.0.1:8080", points };
}

describe("analyzeScrapeCoverage", () => {
  it.each([
    {
      name: "a scrape every second across the window",
      series: [upSamples({})],
      kind: "complete",
      reason: undefined,
    },
    {
      name: "one missed scrape is tolerated",
      series: [upSamples({ skip: [10, 11] })],
      kind: "complete",
      reason: undefined,
    },
    {
      name: "five seconds without a scrape",
      series: [upSamples({ skip: [10, 15] })],
      kind: "gap",
      reason: /no scrape for 6\.0 s/,
    },
    {
      name: "a failed scrape (up = 0)",
      series: [upSamples({ downAt: [30] })],
      kind: "gap",
      reason: /1 failed scrape/,
    },
    {
      name: "scraping started late",
      series: [upSamples({ start: 8 })],
      kind: "gap",
      reason: /after the window starts/,
    },
    {
      name: "the last scrape is before the end",
      series: [upSamples({ end: 50 })],
      kind: "gap",
      reason: /before the window ends/,
    },
    { name: "nothing scraped", series: [], kind: "gap", reason: /no `up` series/ },
    {
      name: "a single scrape",
      series: [upSamples({ start: 30, end: 30 })],
      kind: "gap",
      reason: /1 scrape/,
    },
    {
      name: "a 15 s interval with every scrape there",
      series: [upSamples({ step: 15, start: 5, end: 50 })],
      kind: "complete",
      reason: undefined,
    },
    {
      name: "one healthy target and one with a gap",
      series: [upSamples({}), { ...upSamples({ skip: [20, 40] }), instance: "127.0.0.1:9" }],
      kind: "gap",
      reason: /127\.0\.0\.1:9/,
    },
  ])("$name → $kind", ({ series, kind, reason }) => {
    const coverage = analyzeScrapeCoverage(series, { fromMs: FROM_MS, toMs: TO_MS });
    expect(coverage.kind).toBe(kind);
    if (reason) expect(coverage.kind === "gap" ? coverage.reason : "").toMatch(reason);
  });

  it("a known interval overrides the estimate: 3 s steps are gaps when 1 s was configured", () => {
    const series = [upSamples({ step: 3 })];
    expect(analyzeScrapeCoverage(series, { fromMs: FROM_MS, toMs: TO_MS }).kind).toBe("complete");
    expect(
      analyzeScrapeCoverage(series, { fromMs: FROM_MS, toMs: TO_MS, scrapeIntervalSeconds: 1 })
        .kind,
    ).toBe("gap");
  });
});
