import { mkdirSync } from "node:fs";
import { buildEvidenceFromK6, writeEvidenceFile } from "../../sources/evidence-file.js";
import path from "node:path";
import {
  CAPACITY_STEADY_PHASE,
  measureCapacityStep,
  selectSteadyWindow,
  type CapacityStepPlan,
} from "../../core/capacity/measure.js";
import type { CapacityStepServer } from "../../core/capacity/result.js";
import { checkRateContract, type RateContractCheck } from "../../core/capacity/rate-contract.js";
import { applyServerBreaches, judgeServerEvidence } from "../../core/capacity/server.js";
import {
  judgeCapacityStep,
  type CapacityStepCriteria,
  type CapacityStepFigures,
  type CapacityStepJudgement,
} from "../../core/capacity/step.js";
import type { StreamEvidence } from "../../core/evidence.js";
import type { SloProfile } from "../../core/profile.js";
import type { ObjectiveResult, RequiredTier } from "../../core/types.js";
import type { PrometheusCollector } from "../../sources/prometheus/collector.js";
import type { K6Binary } from "../../k6/provision.js";
import { runK6, type RunK6Result } from "../../k6/run-k6.js";
import { readK6Ndjson } from "../../sources/k6/ndjson.js";
import {
  ChildCpuWatcher,
  countHostCores,
  summarizeCpu,
  type CpuSample,
} from "../../sources/process-cpu.js";

export interface CapacityStepRun {
  k6: K6Binary;
  scriptPath: string;
  target: string;
  /** Where this step's k6.ndjson, summary.json and k6.log go (created). */
  dir: string;
  ratePerSecond: number;
  warmUpSeconds: number;
  steadySeconds: number;
  preAllocatedVUs: number;
  maxVUs: number;
  /** How long in-flight requests may finish after the steady phase. */
  gracefulStopSeconds: number;
  /** The required tier's p95 bound, ms (null without a latency objective). */
  latencyBoundMs: number | null;
  profile: SloProfile;
  requiredTier: RequiredTier;
  criteria: CapacityStepCriteria;
  /** More `__ENV` for the scenario. */
  env?: Record<string, string>;
  /** The scenario's name, recorded in the step's evidence.json. */
  scenario?: string;
  onK6Output?: (chunk: string) => void;
  /** With `--prometheus`: reads the server's evidence for the steady window (createPrometheusCollector). */
  collectServer?: PrometheusCollector;
  /** Interrupts the step: k6 gets the signal the abort names and the step is not judged. */
  signal?: AbortSignal;
}

export type CapacityStepReport =
  | {
      kind: "judged";
      figures: CapacityStepFigures;
      objectives: ObjectiveResult[];
      judgement: CapacityStepJudgement;
      k6: RunK6Result;
      /** Prometheus's view of the steady window; null without a collector. */
      server: CapacityStepServer | null;
      /** Whether the scenario ran the RATE it was given (the capacity env contract). */
      rateContract: RateContractCheck;
    }
  /** k6 was interrupted, or ended without evidence (script error…): nothing to judge. */
  | { kind: "unjudged"; k6: RunK6Result; why: string };

/** Seconds a step may run before it is stopped as hung: its phases, graceful stops and k6's start-up, doubled. */
export function estimateStepTimeoutMs(
  run: Pick<CapacityStepRun, "warmUpSeconds" | "steadySeconds" | "gracefulStopSeconds" | "maxVUs">,
): number {
  // Initialising a VU takes a few ms of CPU; a busy 2-core machine can take ~10 ms each.
  const initSeconds = 10 + run.maxVUs * 0.01;
  return Math.ceil(
    (run.warmUpSeconds + run.steadySeconds + 2 * run.gracefulStopSeconds + initSeconds) * 2 * 1000,
  );
}

/**
 * Runs one capacity step with the real k6 (scenarios/capacity.ts contract:
 * RATE, DURATION_WARMUP, DURATION_STEADY, PRE_VUS, MAX_VUS,
 * CAPACITY_GRACEFUL_STOP), samples k6's CPU meanwhile, reads its NDJSON and
 * judges the steady phase. Bounded by the scenario's durations and a hard
 * timeout; an abort of `signal` is relayed to k6 by runK6.
 */
export async function runCapacityStep(run: CapacityStepRun): Promise<CapacityStepReport> {
  mkdirSync(run.dir, { recursive: true });
  const watcher = new ChildCpuWatcher(path.basename(run.k6.path).slice(0, 15));
  watcher.start();
  let result: RunK6Result;
  let samples: CpuSample[];
  try {
    result = await runK6({
      k6: run.k6,
      scriptPath: run.scriptPath,
      outDir: run.dir,
      env: {
        BASE_URL: run.target.replace(/\/+$/, ""),
        ...run.env,
        RATE: String(run.ratePerSecond),
        DURATION_WARMUP: `${run.warmUpSeconds}s`,
        DURATION_STEADY: `${run.steadySeconds}s`,
        TIME_SCALE: "1",
        PRE_VUS: String(run.preAllocatedVUs),
        MAX_VUS: String(run.maxVUs),
        CAPACITY_GRACEFUL_STOP: `${run.gracefulStopSeconds}s`,
      },
      extraArgs: ["--quiet"],
      ...(run.onK6Output ? { onOutput: run.onK6Output } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
      timeoutMs: estimateStepTimeoutMs(run),
    });
  } finally {
    samples = watcher.stop();
  }
  if (result.interruptedBy !== null) {
    return { kind: "unjudged", k6: result, why: `interrupted by ${result.interruptedBy}` };
  }
  if (!result.exit.evidence) {
    return {
      kind: "unjudged",
      k6: result,
      why: `k6 ${result.exit.description} (exit ${result.exit.code} ${result.exit.name}); see ${result.logPath}`,
    };
  }
  const evidence = await readK6Ndjson([result.ndjsonPath], {
    trackMetrics: ["iteration_duration"],
  });
  // The step's steady window as an evidence file, so two searches' steps can be compared.
  await writeEvidenceFile(
    path.join(run.dir, "evidence.json"),
    await buildEvidenceFromK6({
      k6Paths: [result.ndjsonPath],
      profile: run.profile,
      window: "steady",
      scenario: run.scenario ?? null,
      k6Version: run.k6.version,
    }),
  );
  const plan: CapacityStepPlan = {
    offeredRatePerSecond: run.ratePerSecond,
    steadySeconds: run.steadySeconds,
    maxVUs: run.maxVUs,
    latencyBoundMs: run.latencyBoundMs,
  };
  const cpu = readSteadyCpu(evidence, samples);
  const { figures, objectives } = measureCapacityStep(
    evidence,
    run.profile,
    run.requiredTier,
    plan,
    cpu,
  );
  const judgement = judgeCapacityStep(figures, objectives, run.criteria);
  const rateContract = checkRateContract({
    configuredRatePerSecond: run.ratePerSecond,
    recordedRatePerSecond: evidence.offeredRatePerSecond,
    // Arrivals k6 dropped before it could tag them are the steady phase's too (measureCapacityStep).
    steadyPhaseSeen:
      evidence.phases.has(CAPACITY_STEADY_PHASE) || evidence.unattributedDroppedIterations > 0,
    steadySeconds: run.steadySeconds,
    completedIterations: figures.completedIterations,
    droppedIterations: figures.droppedIterations,
    maxVUs: run.maxVUs,
    generatorLimited: judgement.outcome === "generator-limited",
    serviceFailed: objectives.some((item) => item.mandatory && item.verdict === "fail"),
    hostBusyRatio: figures.hostBusyRatio,
  });
  const window = selectSteadyWindow(evidence);
  if (!run.collectServer || window.fromMs === null || window.toMs === null) {
    return {
      kind: "judged",
      figures,
      objectives,
      judgement,
      k6: result,
      server: null,
      rateContract,
    };
  }
  // The collector waits until Prometheus has scraped past the window's end, then queries it.
  const collected = await run.collectServer({
    fromMs: window.fromMs,
    toMs: window.toMs,
    client: { requests: figures.requests, p95Ms: figures.p95Ms },
  });
  const measured = (id: string) => {
    const item = collected.measurements.find((entry) => entry.id === id);
    return item?.status === "ok" ? item.value : null;
  };
  const server = judgeServerEvidence(
    run.profile,
    run.requiredTier,
    collected.measurements,
    collected.findings,
  );
  return {
    kind: "judged",
    figures,
    objectives,
    judgement: applyServerBreaches(judgement, server.breaches),
    k6: result,
    rateContract,
    server: {
      requests: collected.server.requests,
      requestsPerSecond: collected.server.requestsPerSecond,
      p95Ms: collected.server.p95Ms,
      errorRatio: collected.server.errorRatio,
      dbP95Ms: measured("db_latency_p95"),
      objectives: server.objectives,
      notes: server.notes,
      queryMs: collected.timing.totalMs,
    },
  };
}

function readSteadyCpu(
  evidence: StreamEvidence,
  samples: readonly CpuSample[],
): { k6CpuCores: number | null; hostBusyRatio: number | null; hostCores: number } {
  const steady = evidence.phases.get("steady");
  const hostCores = countHostCores();
  if (steady?.firstMs == null || steady.lastMs == null) {
    return { k6CpuCores: null, hostBusyRatio: null, hostCores };
  }
  const cpu = summarizeCpu(samples, steady.firstMs, steady.lastMs);
  return { k6CpuCores: cpu.processCores, hostBusyRatio: cpu.hostBusyRatio, hostCores };
}
