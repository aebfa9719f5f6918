import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProfile } from "../../src/sources/load-profile.js";
import { buildEvidenceFromK6, writeEvidenceFile } from "../../src/sources/evidence-file.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { reportsDirOf, runCli, tempDir } from "./cli.js";

// The regression gate end to end: the built CLI runs the real k6 with the
// load scenario against the real reference service on loopback, twice
// healthy, once with 30 ms added to every request, once with 2 % of requests
// failing, once at a low rate; `slogate compare`, `run --baseline` and
// `check --baseline` judge the runs against each other. TIME_SCALE 0.1
// gives a ~30 s steady window (15 two-second slices: with fewer, a drifting
// run's interval is widened so far that even a 15× change can stay
// undecided), so each run takes ~55 s.

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

interface GateVerdict {
  verdict: string;
  achievedTier: string | null;
  objectives: { id: string; verdict: string; mandatory: boolean }[];
  findings: { code: string }[];
  comparison?: {
    verdict: string;
    advisory: boolean;
    baseline: { source: string; read: string };
    objectives: { id: string; verdict: string; interval: [number, number] | null }[];
  };
}

function readVerdict(dir: string): GateVerdict {
  return JSON.parse(readFileSync(path.join(dir, "verdict.json"), "utf8")) as GateVerdict;
}

function comparedVerdict(verdict: GateVerdict, id: string): string | undefined {
  return verdict.comparison?.objectives.find((o) => o.id === id)?.verdict;
}

/** A run of the load scenario; its exit code and reports directory. */
async function load(
  faults: string,
  rate: number,
  extra: string[] = [],
): Promise<{ dir: string; code: number | null }> {
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
        "0.1",
        "--target",
        targets.url,
        "-e",
        "PRE_VUS=40",
        "--format",
        "json",
        ...extra,
      ],
      { cwd },
    );
    expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
    return { dir: reportsDirOf(result), code: result.code };
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
  const codes: Record<string, number | null> = {};
  beforeAll(async () => {
    const keep = (name: string, result: { dir: string; code: number | null }) => {
      runs[name] = result.dir;
      codes[name] = result.code;
    };
    keep("healthyA", await load("none", 80));
    // The second healthy run and the faulty one are judged against the first as they run.
    keep("healthyB", await load("none", 80, ["--baseline", runs.healthyA ?? ""]));
    keep("slow", await load("latency=30ms,seed=3", 80));
    keep("errors", await load("error=2%,seed=5", 80, ["--baseline", runs.healthyA ?? ""]));
    keep("short", await load("none", 20));
  }, 600_000);

  it("never calls two runs of the same healthy service regressed (A/A)", async () => {
    const { result, json, byId } = await compare(runs.healthyA ?? "", runs.healthyB ?? "");
    // A run directory holds its evidence.json now; its NDJSON is read only without one.
    expect(json.baseline.read).toBe("evidence");
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

  it("writes every run's evidence.json beside its verdict", () => {
    for (const name of ["healthyA", "slow", "short"]) {
      const evidence = JSON.parse(
        readFileSync(path.join(runs[name] ?? "", "evidence.json"), "utf8"),
      ) as { format: string; version: number; scenario: string; groups: unknown[] };
      expect(evidence.format).toBe("slogate-evidence");
      expect(evidence.version).toBe(1);
      expect(evidence.scenario).toBe("load");
      expect(evidence.groups.length).toBeGreaterThan(0);
    }
  });

  it("run --baseline on the same healthy service (A/A) is never regressed and never fails", () => {
    const verdict = readVerdict(runs.healthyB ?? "");
    console.log(
      `run --baseline A/A: exit ${codes.healthyB}, verdict ${verdict.verdict}, comparison ${verdict.comparison?.verdict}`,
    );
    expect(verdict.comparison?.baseline.read).toBe("evidence");
    expect(["unchanged", "inconclusive", "improved"]).toContain(verdict.comparison?.verdict);
    expect(comparedVerdict(verdict, "latency_p95")).not.toBe("regressed");
    expect(comparedVerdict(verdict, "error_rate")).not.toBe("regressed");
    // The tiers pass; an undecided comparison may hold the pass back (2), never fail it.
    expect(verdict.objectives.find((o) => o.id === "latency_p95")?.verdict).toBe("pass");
    expect([0, 2]).toContain(codes.healthyB);
  });

  it("run --baseline calls 2 % injected errors an error_rate regression, exit 1", () => {
    const verdict = readVerdict(runs.errors ?? "");
    expect(comparedVerdict(verdict, "error_rate")).toBe("regressed");
    expect(verdict.comparison?.verdict).toBe("regressed");
    expect(verdict.findings.map((f) => f.code)).toContain("BASELINE_REGRESSED");
    expect(verdict.verdict).toBe("fail");
    expect(codes.errors).toBe(1);
  });

  it("check --baseline fails a run the tiers pass when it regressed (+30 ms), and writes its evidence", async () => {
    const out = path.join(cwd, "check-slow");
    const result = await runCli(
      [
        "check",
        "--k6",
        path.join(runs.slow ?? "", "k6.ndjson"),
        "--profile",
        "users-api",
        "--baseline",
        path.join(runs.healthyA ?? "", "k6.ndjson"),
        "--format",
        "json",
        "--out",
        out,
      ],
      { cwd },
    );
    const verdict = JSON.parse(result.stdout) as GateVerdict;
    // The tiers alone pass it: every mandatory objective passes.
    const mandatory = verdict.objectives.filter((o) => o.mandatory);
    expect(mandatory.length).toBeGreaterThan(0);
    expect(mandatory.every((o) => o.verdict === "pass")).toBe(true);
    expect(verdict.achievedTier).not.toBeNull();
    expect(verdict.comparison?.baseline.read).toBe("k6-ndjson");
    expect(comparedVerdict(verdict, "latency_p95")).toBe("regressed");
    expect(verdict.verdict).toBe("fail");
    expect(result.code).toBe(1);
    expect(readFileSync(path.join(out, "evidence.json"), "utf8")).toMatch(
      /^\{"format":"slogate-evidence","version":1,/,
    );
    const junit = readFileSync(path.join(out, "junit.xml"), "utf8");
    expect(junit).toMatch(/latency_p95/);
    const markdown = readFileSync(path.join(out, "verdict.md"), "utf8");
    expect(markdown).toMatch(/\*\*REGRESSED\*\*/);
  }, 60_000);

  it("check --baseline on a ~150-request run: the comparison is inconclusive (2); with --baseline-advisory the tiers alone decide", async () => {
    const args = [
      "check",
      "--k6",
      path.join(runs.short ?? "", "k6.ndjson"),
      "--profile",
      "users-api",
      "--baseline",
      path.join(runs.short ?? "", "evidence.json"),
      "--format",
      "json",
    ];
    const held = await runCli(args, { cwd });
    const heldVerdict = JSON.parse(held.stdout) as GateVerdict;
    expect(heldVerdict.comparison?.verdict).toBe("inconclusive");
    expect(heldVerdict.verdict).not.toBe("pass");
    expect(held.code).toBe(2);
    const advisory = await runCli([...args, "--baseline-advisory"], { cwd });
    const advisoryVerdict = JSON.parse(advisory.stdout) as GateVerdict;
    expect(advisoryVerdict.comparison?.advisory).toBe(true);
    // Advisory: the tiers alone decide; the short run's own tier verdict stands.
    const tiersOnly = await runCli(args.slice(0, 5).concat(["--format", "json"]), { cwd });
    expect(advisory.code).toBe(tiersOnly.code);
  }, 60_000);

  it("check --baseline with a bad baseline is one line, exit 3, before anything is judged", async () => {
    const truncated = path.join(cwd, "truncated-evidence.json");
    writeFileSync(
      truncated,
      readFileSync(path.join(runs.short ?? "", "evidence.json"), "utf8").slice(0, 200),
    );
    for (const [file, pattern] of [
      [truncated, /truncated-evidence\.json: the evidence file is cut short/],
      [path.join(cwd, "missing.json"), /missing\.json: no such file/],
    ] as const) {
      const result = await runCli(
        [
          "check",
          "--k6",
          path.join(runs.short ?? "", "k6.ndjson"),
          "--profile",
          "users-api",
          "--baseline",
          file,
        ],
        { cwd },
      );
      expect(result.code).toBe(3);
      expect(result.stderr.trim()).toMatch(pattern);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stdout).toBe("");
    }
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
