import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { readCiMetadata } from "../../src/core/ci-metadata.js";
import { compareRuns } from "../../src/core/compare-runs.js";
import {
  decodeSliceHistogram,
  findEvidenceInconsistency,
  planSlices,
} from "../../src/core/evidence-file.js";
import { loadProfile } from "../../src/sources/load-profile.js";
import { EVIDENCE_SCHEMA_FILE } from "../../src/sources/evidence-file.js";
import { buildSyntheticEvidence } from "./evidence-run.js";

const generic = loadProfile("generic").profile;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

describe("planSlices", () => {
  it.each([
    {
      name: "a window on slice boundaries keeps whole slices",
      from: T0,
      to: T0 + 6000,
      // [0,2) [2,4) [4,6) and the instant at 6 s, folded into the last.
      expected: [
        [T0, 2000],
        [T0 + 2000, 2000],
        [T0 + 4000, 2000],
      ],
    },
    {
      name: "a short first piece folds into the next slice, a long last piece stays",
      from: T0 + 1500,
      to: T0 + 7200,
      expected: [
        [T0 + 1500, 2500],
        [T0 + 4000, 2000],
        [T0 + 6000, 1200],
      ],
    },
    {
      name: "a window inside one slice is one slice",
      from: T0 + 100,
      to: T0 + 900,
      expected: [[T0 + 100, 800]],
    },
  ])("$name", ({ from, to, expected }) => {
    expect(planSlices(from, to, 2000).slices.map((s) => [s.startMs, s.durationMs])).toEqual(
      expected,
    );
  });

  it("merges consecutive slices past 300 so long runs stay bounded, covering the whole window", () => {
    // One hour of 2 s slices: 1800, merged 6 by 6.
    const { slices, sliceMs } = planSlices(T0, T0 + 3_600_000, 2000);
    expect(sliceMs).toBe(12_000);
    expect(slices.length).toBeLessThanOrEqual(300);
    expect(slices.reduce((sum, s) => sum + s.durationMs, 0)).toBe(3_600_000);
    expect(slices[1]?.durationMs).toBe(12_000);
  });
});

describe("the evidence file of a run", () => {
  const evidence = buildSyntheticEvidence({
    seed: 3,
    seconds: 60,
    ratePerSecond: 50,
    errorRate: 0.05,
    routes: ["/a", "/b"],
    profile: generic,
  });

  it("holds every request of the window once, per group and slice", () => {
    // 3000 requests over 60 s from 12:00:00.500: 30 slices of 2 s, edges folded.
    const requests = evidence.groups.reduce(
      (sum, g) => sum + g.requests.reduce((a, b) => a + b, 0),
      0,
    );
    expect(requests).toBe(3000);
    const durations = evidence.groups.reduce(
      (sum, g) =>
        sum +
        g.durations.reduce((a, d) => a + (d === null ? 0 : decodeSliceHistogram(d).totalCount), 0),
      0,
    );
    expect(durations).toBe(3000);
    expect(evidence.slices.length).toBe(30);
    // Routes × 2xx/5xx: four groups, failures only in the 5xx ones.
    expect(evidence.groups.map((g) => `${g.name} ${g.statusClass} ${g.expected}`)).toEqual([
      "/a 2xx true",
      "/a 5xx false",
      "/b 2xx true",
      "/b 5xx false",
    ]);
    for (const group of evidence.groups) {
      const failures = group.failures.reduce((a, b) => a + b, 0);
      const all = group.requests.reduce((a, b) => a + b, 0);
      expect(failures).toBe(group.statusClass === "5xx" ? all : 0);
    }
  });

  it("states window, offered and achieved rate and the profile's fingerprint", () => {
    expect(evidence.window?.kind).toBe("steady");
    expect(evidence.window?.seconds).toBeCloseTo(59.98, 2);
    expect(evidence.load.offeredRatePerSecond).toBe(50);
    expect(evidence.load.achievedRequestRatePerSecond).toBeCloseTo(3000 / 59.98, 3);
    expect(evidence.profile.name).toBe("generic");
    expect(evidence.profile.objectives.map((o) => o.id)).toEqual([
      "latency_p95",
      "error_rate",
      "throughput",
    ]);
    expect(evidence.profile.objectivesHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("validates against schemas/evidence-v1.schema.json after a JSON round trip", () => {
    const schema = JSON.parse(readFileSync(EVIDENCE_SCHEMA_FILE, "utf8")) as object;
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    const copy: unknown = JSON.parse(JSON.stringify(evidence));
    expect(validate(copy), JSON.stringify(validate.errors)).toBe(true);
    expect(findEvidenceInconsistency(copy as typeof evidence)).toBeNull();
    // What the schema rejects: another version, a missing field, an unknown one.
    expect(validate({ ...evidence, version: 2 })).toBe(false);
    expect(validate({ ...evidence, groups: undefined })).toBe(false);
    expect(validate({ ...evidence, extra: 1 })).toBe(false);
  });

  it("finds a group whose figures do not match the slices", () => {
    const broken = structuredClone(evidence);
    broken.groups[0]?.requests.pop();
    expect(findEvidenceInconsistency(broken)).toBe(
      "groups[0].requests has 29 entries for 30 slices",
    );
  });
});

describe("compareRuns on synthetic runs with known truth", () => {
  const run = (seed: number, extra: Partial<Parameters<typeof buildSyntheticEvidence>[0]> = {}) =>
    buildSyntheticEvidence({ seed, seconds: 120, ratePerSecond: 100, profile: generic, ...extra });

  it("calls the same service twice not regressed, with throughput compared at the same offered load", () => {
    const result = compareRuns({ baseline: run(1), candidate: run(2), profile: generic });
    const byId = Object.fromEntries(result.objectives.map((o) => [o.id, o]));
    expect(byId.latency_p95?.verdict).not.toBe("regressed");
    expect(byId.error_rate?.verdict).toBe("unchanged");
    expect(byId.throughput?.effect.kind).toBe("effect");
    expect(result.verdict).not.toBe("regressed");
  });

  it("calls 1.5× latency regressed", () => {
    const result = compareRuns({
      baseline: run(1),
      candidate: run(2, { latencyFactor: 1.5 }),
      profile: generic,
    });
    const latency = result.objectives.find((o) => o.id === "latency_p95");
    expect(latency?.verdict).toBe("regressed");
    expect(latency?.effect.kind === "effect" && latency.effect.estimate).toBeGreaterThan(1.35);
    expect(result.verdict).toBe("regressed");
  });

  it("calls +5 pp of errors regressed", () => {
    const result = compareRuns({
      baseline: run(1),
      candidate: run(2, { errorRate: 0.05 }),
      profile: generic,
    });
    expect(result.objectives.find((o) => o.id === "error_rate")?.verdict).toBe("regressed");
  });

  it("is inconclusive, never unchanged, when no mandatory objective can be compared", () => {
    const informational = {
      ...generic,
      objectives: generic.objectives.map((spec) => ({ ...spec, mandatory: false })),
    };
    const result = compareRuns({ baseline: run(1), candidate: run(2), profile: informational });
    expect(result.objectives.length).toBeGreaterThan(0);
    expect(result.verdict).toBe("inconclusive");
    expect(result.notes.join(" ")).toMatch(/no mandatory objective could be compared/);
  });

  it("is inconclusive on 150 requests, saying why", () => {
    const short = (seed: number) =>
      buildSyntheticEvidence({ seed, seconds: 15, ratePerSecond: 10, profile: generic });
    const result = compareRuns({ baseline: short(1), candidate: short(2), profile: generic });
    expect(result.verdict).toBe("inconclusive");
    const latency = result.objectives.find((o) => o.id === "latency_p95");
    expect(latency?.verdict).toBe("inconclusive");
    expect(latency?.reason).toMatch(/too few time slices|cannot be claimed/);
  });

  it("compares nothing across scenarios, and throughput only at the same offered load", () => {
    const scenarios = compareRuns({
      baseline: run(1, { scenario: "load" }),
      candidate: run(2, { scenario: "spike", latencyFactor: 2 }),
      profile: generic,
    });
    for (const objective of scenarios.objectives) {
      expect(objective.verdict).toBe("inconclusive");
      expect(objective.reason).toMatch(/not comparable: the baseline ran scenario "load"/);
    }
    const offered = compareRuns({
      baseline: run(1),
      candidate: run(2, { offeredRatePerSecond: 200 }),
      profile: generic,
    });
    const throughput = offered.objectives.find((o) => o.id === "throughput");
    expect(throughput?.verdict).toBe("inconclusive");
    expect(throughput?.reason).toMatch(
      /same offered load: the baseline was offered 100 \/s, the candidate 200 \/s/,
    );
    expect(offered.notes.join()).toMatch(/offered 100 \/s/);
  });

  it("says which objective a changed profile defines differently, and skips Prometheus ones", () => {
    const usersApi = loadProfile("users-api").profile;
    const baseline = run(1);
    const candidate = run(2, { profile: usersApi });
    candidate.profile.name = "generic";
    const result = compareRuns({ baseline, candidate, profile: usersApi });
    const latency = result.objectives.find((o) => o.id === "latency_p95");
    // users-api scopes latency to its two routes: measured differently than generic's.
    expect(latency?.reason).toMatch(
      /latency_p95 measures something else in the baseline's profile/,
    );
    expect(result.skipped.map((s) => s.id)).toEqual(["db_latency_p95", "cpu", "memory"]);
  });
});

describe("readCiMetadata", () => {
  it.each([
    { name: "outside CI", env: {}, expected: null },
    {
      name: "GitHub Actions on a push",
      env: {
        GITHUB_ACTIONS: "true",
        GITHUB_SHA: "abc123",
        GITHUB_REF_NAME: "main",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_RUN_ID: "42",
      },
      expected: {
        provider: "github",
        commit: "abc123",
        branch: "main",
        runUrl: "https://github.com/acme/shop/actions/runs/42",
      },
    },
    {
      name: "GitHub Actions on a pull request: the source branch",
      env: { GITHUB_SHA: "def", GITHUB_REF_NAME: "7/merge", GITHUB_HEAD_REF: "feature/x" },
      expected: { provider: "github", commit: "def", branch: "feature/x", runUrl: null },
    },
    {
      name: "GitLab CI, credentials in the job URL hidden",
      env: {
        GITLAB_CI: "true",
        CI_COMMIT_SHA: "f00",
        CI_COMMIT_REF_NAME: "dev",
        CI_JOB_URL: "https://user:secret@gitlab.example/acme/shop/-/jobs/9",
      },
      expected: {
        provider: "gitlab",
        commit: "f00",
        branch: "dev",
        runUrl: "https://***@gitlab.example/acme/shop/-/jobs/9",
      },
    },
  ])("$name", ({ env, expected }) => {
    expect(readCiMetadata(env)).toEqual(expected);
  });
});
