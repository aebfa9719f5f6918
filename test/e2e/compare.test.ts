import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProfile } from "../../src/sources/load-profile.js";
import { buildEvidenceFromK6, writeEvidenceFile } from "../../src/sources/evidence-file.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { reportsDirOf, runCli, tempDir } from "./cli.js";

// The regression gate end to end: the built CLI runs the real k6 with the
// load scenario against the real reference service on loopback, twice
// healthy, once with 30 ms added to every request, once at a low rate, and
// `slogate compare` judges the runs against each other. TIME_SCALE 0.04
// gives a ~12 s steady window (~6 two-second slices beside the edges), so
// each run takes ~25 s.

interface ComparisonJson {
  verdict: string;
  baseline: { read: string; metadata: { scenario: string | null; sliceCount: number } };
  objectives: {
    id: string;
    verdict: string;
    reason: string;
    baseline: number | null;
    candidate: number | null;
    effect: number | null;
    interval: [number, number] | null;
  }[];
}

const cwd = tempDir("slogate-compare-");

async function load(faults: string, rate: number): Promise<string> {
  let targets: RunningTargets | undefined;
  try {
    targets = await startTargets({ port: 0, faults });
    const result = await runCli(
      [
        "run",
        "load",
        "--profile",
        "users-api",
        "--rate",
        String(rate),
        "--time-scale",
        "0.06",
        "--target",
        targets.url,
        "-e",
        "PRE_VUS=40",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
    return reportsDirOf(result);
  } finally {
    await targets?.close();
  }
}

async function compare(baseline: string, candidate: string, extra: string[] = []) {
  const result = await runCli(
    ["compare", baseline, candidate, "--profile", "users-api", "--format", "json", ...extra],
    { cwd },
  );
  expect(result.stderr).not.toMatch(/internal error/);
  const json = JSON.parse(result.stdout) as ComparisonJson;
  const byId = (id: string) => {
    const found = json.objectives.find((o) => o.id === id);
    if (!found) throw new Error(`no ${id} in ${result.stdout}`);
    return found;
  };
  console.log(
    `compare ${path.basename(baseline)} → ${path.basename(candidate)}: exit ${result.code}, ${json.verdict}; ` +
      json.objectives
        .map(
          (o) =>
            `${o.id} ${o.verdict} ${o.baseline?.toPrecision(3)}→${o.candidate?.toPrecision(3)} ` +
            `effect ${o.effect?.toFixed(3)} [${o.interval?.map((x) => x.toFixed(3)).join(", ")}]`,
        )
        .join("; "),
  );
  return { result, json, byId };
}

describe("slogate compare, real k6 against the reference service", () => {
  const runs: Record<string, string> = {};
  beforeAll(async () => {
    runs.healthyA = await load("none", 80);
    runs.healthyB = await load("none", 80);
    runs.slow = await load("latency=30ms,seed=3", 80);
    runs.short = await load("none", 20);
  }, 300_000);

  it("never calls two runs of the same healthy service regressed (A/A)", async () => {
    const { result, json, byId } = await compare(runs.healthyA ?? "", runs.healthyB ?? "");
    expect(json.baseline.read).toBe("k6-ndjson");
    expect(json.baseline.metadata.scenario).toBe("load");
    expect(["unchanged", "inconclusive", "improved"]).toContain(byId("latency_p95").verdict);
    expect(byId("error_rate").verdict).not.toBe("regressed");
    expect([0, 2]).toContain(result.code);
  }, 60_000);

  it("calls +30 ms on every request regressed, exit 1, while the tiers still pass", async () => {
    const verdict = JSON.parse(
      readFileSync(path.join(runs.slow ?? "", "verdict.json"), "utf8"),
    ) as { verdict: string };
    expect(verdict.verdict).toBe("pass");
    // The baseline as an evidence file (gzip), the candidate as a run directory.
    const evidence = path.join(cwd, "baseline-evidence.json.gz");
    await writeEvidenceFile(
      evidence,
      await buildEvidenceFromK6({
        k6Paths: [path.join(runs.healthyA ?? "", "k6.ndjson")],
        profile: loadProfile("users-api").profile,
        scenario: "load",
        env: {},
      }),
    );
    const out = path.join(cwd, "comparison");
    const { result, json, byId } = await compare(evidence, runs.slow ?? "", ["--out", out]);
    expect(json.baseline.read).toBe("evidence");
    expect(byId("latency_p95").verdict).toBe("regressed");
    expect(byId("latency_p95").effect).toBeGreaterThan(1.5);
    expect(json.verdict).toBe("regressed");
    expect(result.code).toBe(1);
    const markdown = readFileSync(path.join(out, "comparison.md"), "utf8");
    // The PR-comment table: objective, baseline, candidate, change, interval, margin, verdict.
    expect(markdown).toMatch(
      /\| latency\\_p95 \| [\d.]+ ms \| [\d.]+ ms \| \+\d+ % \| \[\+\d+ %, \+\d+ %\] \| 10 % \| \*\*REGRESSED\*\* \|/,
    );
  }, 60_000);

  it("is inconclusive (exit 2) on a run of ~150 requests", async () => {
    const { result, json, byId } = await compare(runs.short ?? "", runs.short ?? "");
    expect(byId("latency_p95").verdict).toBe("inconclusive");
    expect(json.verdict).toBe("inconclusive");
    expect(result.code).toBe(2);
  }, 60_000);

  it("rejects a missing baseline in one line, exit 3", async () => {
    const result = await runCli(["compare", path.join(cwd, "nope.json"), runs.short ?? ""], {
      cwd,
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim()).toMatch(
      /^slogate: .*nope\.json: no such file; pass an evidence\.json/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);
});
