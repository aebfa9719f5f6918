import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleScenario } from "../../src/k6/bundle.js";
import { ensureK6, type K6Binary } from "../../src/k6/provision.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, runScenario } from "./run-scenario.js";

// scenarios/capacity.ts, one step of `slogate capacity`: its options as k6
// reads them, its env checks, and one short real run.

let k6: K6Binary;
let scriptPath: string;
let targets: RunningTargets;

beforeAll(async () => {
  k6 = await ensureK6();
  scriptPath = (
    await bundleScenario("capacity", { outDir: mkdtempSync(path.join(tmpdir(), "slogate-cap-")) })
  ).scriptPath;
  targets = await startTargets({ rateLimit: false });
});

afterAll(async () => {
  await targets.close();
});

function inspect(env: Record<string, string>) {
  const args = ["inspect", "--execution-requirements", "--log-output=stderr"];
  for (const [key, value] of Object.entries({ BASE_URL: "http://127.0.0.1:9", ...env })) {
    args.push("-e", `${key}=${value}`);
  }
  return spawnSync(k6.path, [...args, scriptPath], {
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "", K6_NO_USAGE_REPORT: "true" },
  });
}

interface Inspected {
  scenarios: Record<
    string,
    {
      executor: string;
      rate: number;
      timeUnit: string;
      duration: string;
      startTime: string | null;
      preAllocatedVUs: number;
      maxVUs: number;
      gracefulStop: string;
      tags: Record<string, string>;
    }
  >;
}

describe("capacity scenario options", () => {
  it("is a warm-up then a judged phase at the same constant arrival rate", () => {
    const result = inspect({
      RATE: "250",
      DURATION_WARMUP: "2s",
      DURATION_STEADY: "6s",
      PRE_VUS: "40",
      MAX_VUS: "80",
      CAPACITY_GRACEFUL_STOP: "1s",
    });
    expect(result.status, result.stderr).toBe(0);
    const { scenarios } = JSON.parse(result.stdout) as Inspected;
    expect(Object.keys(scenarios).sort()).toEqual(["steady", "warm_up"]);
    expect(scenarios.warm_up).toMatchObject({
      executor: "constant-arrival-rate",
      rate: 250,
      timeUnit: "1s",
      duration: "2s",
      preAllocatedVUs: 40,
      maxVUs: 80,
      gracefulStop: "1s",
      tags: { phase: "warm-up" },
    });
    expect(scenarios.steady).toMatchObject({
      executor: "constant-arrival-rate",
      rate: 250,
      duration: "6s",
      startTime: "2s",
      tags: { phase: "steady" },
    });
  });

  it.each<{ env: Record<string, string>; variable: string }>([
    { env: { RATE: "1.5" }, variable: "RATE" },
    { env: { RATE: "0" }, variable: "RATE" },
    { env: { CAPACITY_GRACEFUL_STOP: "soon" }, variable: "CAPACITY_GRACEFUL_STOP" },
    { env: { DURATION_STEADY: "-1s" }, variable: "DURATION_STEADY" },
  ])("refuses $variable in one line before sending anything", ({ env, variable }) => {
    const result = inspect(env);
    expect(result.status).not.toBe(0);
    const line = result.stderr.split("\n").find((text) => text.includes("slogate scenario:")) ?? "";
    expect(line).toContain(variable);
  });
});

describe("capacity scenario run", () => {
  it("offers RATE requests per second, one request per iteration, each tagged with its route", async () => {
    const run = await runScenario(
      "capacity",
      { BASE_URL: targets.url, RATE: "40", DURATION_WARMUP: "1s", DURATION_STEADY: "3s" },
      60_000,
    );
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);
    const steadyIterations = points.filter(
      (p) => p.metric === "iterations" && p.tags.phase === "steady",
    );
    const steadyRequests = points.filter(
      (p) => p.metric === "http_reqs" && p.tags.phase === "steady",
    );
    // 40/s for 3 s.
    expect(steadyIterations.length).toBeGreaterThanOrEqual(114);
    expect(steadyIterations.length).toBeLessThanOrEqual(121);
    expect(steadyRequests).toHaveLength(steadyIterations.length);
    expect(new Set(steadyRequests.map((p) => p.tags.name))).toEqual(
      new Set(["/api/v1/products/:id"]),
    );
    expect(points.filter((p) => p.metric === "slogate_offered_rate").map((p) => p.value)).toEqual([
      40,
    ]);
    expect(points.some((p) => p.metric === "iterations" && p.tags.phase === "warm-up")).toBe(true);
  });
});
