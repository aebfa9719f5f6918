import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { capacity, type CapacityOptions } from "../../src/commands/capacity/capacity.js";
import type { CapacityResult, CapacityStep } from "../../src/core/capacity/result.js";
import type { CapacityStepCriteria } from "../../src/core/capacity/step.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";

// Real searches: the real k6 against the reference service in capacity mode
// (C concurrent slots × S ms each → C / S × 1000 req/s, the ground truth).
// Steps are short (1 s warm-up + 3 s judged) so the whole file stays under
// two minutes on a shared 2-core machine.

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

async function search(
  faults: string,
  options: Partial<CapacityOptions> = {},
): Promise<{ result: CapacityResult; dir: string; files: Record<string, string> }> {
  targets = await startTargets({ faults, rateLimit: false });
  const reportsDir = mkdtempSync(path.join(tmpdir(), "slogate-capacity-"));
  return capacity({
    target: targets.url,
    warmUpSeconds: 1,
    steadySeconds: 3,
    budgetSeconds: 90,
    reportsDir,
    ...options,
  });
}

function describeSteps(result: CapacityResult): string {
  return result.steps
    .map(
      (step) =>
        `${step.ratePerSecond}/s ${step.outcome} achieved=${step.achievedRatePerSecond?.toFixed(1)} p95=${step.p95Ms} dropped=${step.droppedIterations} k6=${step.k6CpuCores?.toFixed(2)} host=${step.hostBusyRatio?.toFixed(2)} ${step.reasons[0] ?? ""}`,
    )
    .join("\n");
}

/**
 * Judged steps carry k6's CPU and the machine's busy share, measured from
 * /proc while the steady phase ran, not left unknown.
 */
function expectCpuMeasured(result: CapacityResult, steps: string): void {
  const judged = result.steps.filter(
    (step) => step.outcome !== "interrupted" && step.outcome !== "error",
  );
  expect(judged.length, steps).toBeGreaterThan(0);
  for (const step of judged) {
    expect(step.hostCores, steps).toBeGreaterThanOrEqual(1);
    expect(step.k6CpuCores, steps).not.toBeNull();
    expect(step.hostBusyRatio, steps).not.toBeNull();
    // k6 works while it sends load, and cannot use more than the machine has.
    expect(step.k6CpuCores ?? 0, steps).toBeGreaterThan(0.01);
    expect(step.k6CpuCores ?? 0, steps).toBeLessThanOrEqual(step.hostCores * 1.05);
    expect(step.hostBusyRatio ?? 0, steps).toBeGreaterThan(0);
    expect(step.hostBusyRatio ?? 0, steps).toBeLessThanOrEqual(1);
  }
}

/** The causes a step may be blamed on the load generator for, each with what its figures must show. */
const GENERATOR_CAUSES = [
  {
    cause: "dropped iterations with idle VUs",
    pattern: /^k6 dropped arrivals while only ~[\d.]+ of its \d+ VUs were needed/,
    shows: (step: CapacityStep, criteria: CapacityStepCriteria) =>
      step.droppedIterations > 0 &&
      step.vuDemand !== null &&
      step.vuDemand < criteria.idleVuRatio * step.maxVUs,
  },
  {
    cause: "k6 CPU ≥ 90% of the machine",
    pattern: /^k6 used [\d.]+ of the machine's \d+ cores$/,
    shows: (step: CapacityStep, criteria: CapacityStepCriteria) =>
      (step.k6CpuCores ?? 0) >= criteria.generatorCpuRatio * step.hostCores,
  },
  {
    cause: "machine saturated",
    // Also a failure run again on a saturated machine whose two runs disagreed.
    pattern:
      /^the machine's CPU was saturated|no idle CPU: the generator's machine is the limit$|^the machine running k6 had no idle CPU in either run/,
    shows: (step: CapacityStep, criteria: CapacityStepCriteria) =>
      (step.hostBusyRatio ?? 0) >= criteria.hostSaturatedRatio,
  },
  {
    cause: "VU pool",
    pattern: /^k6 ran out of its \d+ VUs .* the generator's VU pool limited the rate$/,
    shows: (step: CapacityStep) => step.droppedIterations > 0,
  },
];

describe("capacity search against a service of known capacity", () => {
  it.each([
    { name: "C=4, S=20 ms", faults: "capacity=4x20ms", concurrency: 4, serviceMs: 20 },
    { name: "C=10, S=25 ms", faults: "capacity=10x25ms", concurrency: 10, serviceMs: 25 },
  ])("$name: finds C/S within ±10%", async ({ faults, concurrency, serviceMs }) => {
    const truth = (concurrency / serviceMs) * 1000;
    const { result, dir, files } = await search(faults);
    const steps = describeSteps(result);
    console.log(`${faults}: ${result.statement} in ${result.wallSeconds.toFixed(1)} s\n${steps}`);
    expect(result.kind, steps).toBe("found");
    const found = result.capacityRatePerSecond ?? 0;
    expect(Math.abs(found - truth) / truth, steps).toBeLessThanOrEqual(0.1);
    expect(result.firstFailingRatePerSecond, steps).toBeGreaterThan(found);
    // Fails were the service's: no step was blamed on the generator.
    expect(
      result.steps.every((step) => step.limitedBy !== "generator"),
      steps,
    ).toBe(true);
    expectCpuMeasured(result, steps);
    // 200 and 400 req/s are below the seed's 1000 req/s Target throughput.
    expect(result.throughputTier).toBe("none");

    // Files: the curve in every format, and each step's raw k6 output.
    const json = JSON.parse(readFileSync(files.json ?? "", "utf8")) as CapacityResult;
    expect(json.capacityRatePerSecond).toBe(found);
    expect(json.steps).toHaveLength(result.steps.length);
    for (const step of result.steps) {
      expect(existsSync(path.join(dir, step.dir, "k6.ndjson"))).toBe(true);
    }
    expect(readFileSync(files.text ?? "", "utf8")).toContain(`capacity ${found} req/s`);
    expect(readFileSync(files.markdown ?? "", "utf8")).toContain("| offered req/s |");
    expect(readFileSync(files.html ?? "", "utf8")).toContain('id="chart-latency"');
  });

  it("C=1000, S=1 ms (1,000,000 req/s): marks the result as limited by the load generator", async () => {
    const { result } = await search("capacity=1000x1ms", {
      startRatePerSecond: 400,
      growthFactor: 4,
      maxRatePerSecond: 100_000,
      // Initialising thousands of VUs per step would take longer than the step.
      maxVUs: 1000,
      // Narrowing k6's own limit: a coarse bound keeps the test short.
      precision: 0.2,
    });
    const steps = describeSteps(result);
    console.log(
      `capacity=1000x1ms: ${result.statement} in ${result.wallSeconds.toFixed(1)} s\n${steps}`,
    );
    expect(result.kind, steps).toBe("generator-limited");
    expect(result.atLeast).toBe(true);
    expect(result.statement, steps).toMatch(
      /^at least \d+ req\/s \(limited by the load generator\)$/,
    );
    expect(result.stoppedBy).toBe("generator");
    // Never a false capacity: no step was blamed on the service.
    expect(result.firstFailingRatePerSecond, steps).toBeNull();
    // The bracket's upper end, the lowest rate that did not pass, is the
    // generator's limit (the search may well end on a passing step below it).
    const notPassing = result.steps
      .filter((step) => step.outcome !== "pass")
      .sort((a, b) => a.ratePerSecond - b.ratePerSecond);
    expect(notPassing[0]?.limitedBy, steps).toBe("generator");
    expectCpuMeasured(result, steps);

    // Every step blamed on the generator names one of the known causes first,
    // and its own figures show that cause.
    const blamed = result.steps.filter((step) => step.limitedBy === "generator");
    expect(blamed.length, steps).toBeGreaterThan(0);
    for (const step of blamed) {
      const named = GENERATOR_CAUSES.find(({ pattern }) => pattern.test(step.reasons[0] ?? ""));
      expect(named, `step ${step.index}: ${step.reasons.join("; ")}`).toBeDefined();
      console.log(`capacity=1000x1ms step ${step.index}: generator-limited by ${named?.cause}`);
      expect(named?.shows(step, result.settings.criteria), steps).toBe(true);
    }
  });

  it("an interrupt keeps the finished steps and reports them", async () => {
    let sent = false;
    const controller = new AbortController();
    const { result, files } = await search("capacity=4x20ms", {
      signal: controller.signal,
      // The second step is cut short by SIGINT (as the CLI aborts on Ctrl-C) while it runs.
      onStep: (step) => {
        if (step.index === 1 && !sent) {
          sent = true;
          setTimeout(() => controller.abort("SIGINT"), 2500);
        }
      },
    });
    expect(result.stoppedBy).toBe("interrupted");
    expect(result.steps.map((step) => step.outcome)).toEqual(["pass", "interrupted"]);
    expect(result.kind).toBe("lower-bound");
    const first = result.steps[0]?.ratePerSecond;
    expect(result.statement).toBe(`at least ${first} req/s (stopped: interrupted)`);
    expect(result.steps[1]?.reasons).toEqual(["interrupted by SIGINT"]);
    expect(result.findings.map((finding) => finding.code)).toContain("CAPACITY_INTERRUPTED");
    expect(readFileSync(files.text ?? "", "utf8")).toContain("interrupted");
  });
});
