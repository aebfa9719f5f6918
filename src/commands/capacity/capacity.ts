import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolveCapacityPlan, type CapacityPlanOptions } from "../../core/capacity/plan.js";
import {
  decideCapacityNext,
  FIRST_STEP_OVERHEAD_SECONDS,
  measureStepOverhead,
  planCapacityStep,
  shouldRepeatStep,
  type CapacityProgress,
} from "../../core/capacity/progress.js";
import type { CapacityResult, CapacityStep } from "../../core/capacity/result.js";
import type { StepReason, StopReason } from "../../core/capacity/search.js";
import { buildCapacityResult } from "../../core/capacity/summary.js";
import { runCapacityStep, type CapacityStepReport } from "./run-step.js";
import { settleRepeat, toCapacityStep, type StepContext } from "./step-record.js";
import { ConfigError } from "../../errors.js";
import { redactReportText, redactUrl, type ReportRedaction } from "../../redact.js";
import { bundleScenario } from "../../k6/bundle.js";
import { checkTargetReachable } from "../../k6/preflight.js";
import { ensureK6 } from "../../k6/provision.js";
import { writeCapacityReports } from "../../reports/capacity-write.js";
import { loadProfile } from "../../sources/load-profile.js";
import {
  createPrometheusCollector,
  type PrometheusOptions,
} from "../../sources/prometheus/collector.js";
import { createRunId } from "../run-id.js";

/** A search's settings (CapacityPlanOptions, documented in core/capacity/plan.ts) and what it runs against. */
export interface CapacityOptions extends CapacityPlanOptions {
  target: string;
  /**
   * Profile name or path; absent: ./slo.yaml, else `products-api` (the bundled
   * capacity scenario reads products).
   */
  profile?: string;
  /** Where `<run-id>/` goes; `./reports` by default. */
  reportsDir?: string;
  /** More `__ENV` for the scenario. */
  env?: Record<string, string>;
  /** Each step as soon as it is judged (progress). */
  onStep?: (step: CapacityStep) => void;
  onK6Output?: (chunk: string) => void;
  now?: () => Date;
  /** Where profiles and tiers.yaml live; the project's thresholds/ by default. */
  thresholdsDir?: string;
  /**
   * Also judge each step's steady window on the server's evidence from this
   * Prometheus (which must scrape the service): a breached mandatory
   * server-side objective fails the step; evidence it lacks is noted, and
   * the step keeps its k6 verdict.
   */
  prometheus?: PrometheusOptions;
  /** Stops the search after the current step; the step's k6 gets the signal the abort names. */
  signal?: AbortSignal;
}

export interface CapacityRunResult {
  runId: string;
  dir: string;
  result: CapacityResult;
  files: Record<string, string>;
  /** What the profile lets reports show of query values, for printing the result. */
  redaction: ReportRedaction;
}

/**
 * Searches the highest arrival rate at which the profile's latency and error
 * objectives still hold at the required tier: one bounded k6 run per step
 * (warm-up, then a judged constant-arrival-rate phase), growing ×growth until
 * a step fails, then narrowing to the precision, within the rate ceiling and
 * the time budget. A step k6 itself could not deliver ends the search with a
 * lower bound "limited by the load generator". An abort of `signal` stops it
 * after the current step (k6 is told to stop too); the steps done are reported.
 * Writes capacity.json, capacity.md, capacity.txt, report.html and each
 * step's raw k6 files under reports/<run-id>/.
 */
export async function capacity(options: CapacityOptions): Promise<CapacityRunResult> {
  const now = options.now ?? (() => new Date());
  const { profile, tiers } = loadProfile(options.profile, {
    fallback: "products-api",
    ...(options.thresholdsDir ? { thresholdsDir: options.thresholdsDir } : {}),
  });
  const plan = resolveCapacityPlan(options, profile, tiers);
  const { requiredTier, scenario, warmUpSeconds, steadySeconds } = plan;
  const { latencyBoundMs, gracefulStopSeconds } = plan;

  await checkTargetReachable(options.target);
  const k6 = await ensureK6();
  const startedAt = now();
  const runId = createRunId("capacity", startedAt);
  const dir = path.resolve(options.reportsDir ?? "reports", runId);
  mkdirSync(dir, { recursive: true });
  const bundle = await bundleScenario(scenario, { outDir: dir });
  const collectServer = options.prometheus
    ? createPrometheusCollector(profile, options.prometheus)
    : undefined;

  const steps: CapacityStep[] = [];
  const startMs = Date.now();
  let overheadSeconds = FIRST_STEP_OVERHEAD_SECONDS;
  const progress = (): CapacityProgress => ({
    steps,
    elapsedSeconds: (Date.now() - startMs) / 1000,
    overheadSeconds,
    interrupted: options.signal?.aborted === true,
  });
  const record = (step: CapacityStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  const runStep = async (
    rate: number,
    reason: StepReason,
  ): Promise<[CapacityStepReport, CapacityStep]> => {
    const setup = planCapacityStep(steps.length, rate, reason, plan);
    const stepStart = Date.now();
    const report = await runCapacityStep({
      k6,
      scriptPath: bundle.scriptPath,
      target: options.target,
      dir: path.join(dir, setup.dir),
      ratePerSecond: rate,
      warmUpSeconds,
      steadySeconds,
      preAllocatedVUs: setup.preAllocatedVUs,
      maxVUs: setup.maxVUs,
      gracefulStopSeconds,
      latencyBoundMs,
      profile,
      requiredTier,
      criteria: plan.criteria,
      scenario,
      ...(options.env ? { env: options.env } : {}),
      ...(options.onK6Output ? { onK6Output: options.onK6Output } : {}),
      ...(collectServer ? { collectServer } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (report.kind === "judged" && report.rateContract.kind === "ignored") {
      throw new ConfigError(
        "CAPACITY_SCENARIO_IGNORES_RATE",
        describeRateContractBreach(
          scenario,
          report.rateContract.problem,
          path.join(dir, setup.dir),
        ),
      );
    }
    const wallSeconds = (Date.now() - stepStart) / 1000;
    overheadSeconds = measureStepOverhead(plan, wallSeconds);
    const context: StepContext = {
      index: setup.index,
      ratePerSecond: rate,
      reason,
      preAllocatedVUs: setup.preAllocatedVUs,
      maxVUs: setup.maxVUs,
      warmUpSeconds,
      steadySeconds,
      startedAt: new Date(stepStart).toISOString(),
      wallSeconds,
      dir: setup.dir,
    };
    return [report, toCapacityStep(report, context)];
  };
  let stoppedBy: StopReason;
  for (;;) {
    const next = decideCapacityNext(progress(), plan);
    if (next.kind === "stop") {
      stoppedBy = next.reason;
      break;
    }
    const [report, first] = await runStep(next.ratePerSecond, next.reason);
    // A failure while the machine had no idle CPU is run again before it counts.
    if (!shouldRepeatStep(report.kind === "judged" ? report : null, progress(), plan)) {
      record(first);
      continue;
    }
    record({ ...first, repeated: true });
    const [again, second] = await runStep(next.ratePerSecond, "repeat");
    record(settleRepeat(report, again, second, plan.criteria));
  }

  const redaction: ReportRedaction = profile.redaction ?? {};
  const result = buildCapacityResult(plan, steps, stoppedBy, {
    runId,
    target: redactReportText(options.target, redaction),
    profile: profile.name,
    k6Version: k6.version,
    startedAt: startedAt.toISOString(),
    endedAt: now().toISOString(),
    wallSeconds: (Date.now() - startMs) / 1000,
  });
  writeFileSync(
    path.join(dir, "run.json"),
    `${JSON.stringify({ runId, target: result.target, profile: profile.name, scenario, requiredTier, prometheus: options.prometheus ? redactUrl(options.prometheus.url) : null, k6: { version: k6.version, path: k6.path, source: k6.source } }, null, 2)}\n`,
  );
  const { files } = await writeCapacityReports(dir, result, undefined, redaction);
  return { runId, dir, result, files, redaction };
}

/** One line: which scenario, what its step showed, what a capacity scenario must do. */
function describeRateContractBreach(scenario: string, problem: string, stepDir: string): string {
  return `capacity scenario '${scenario}' ignores RATE: it ${problem} (k6 files in ${stepDir}); a capacity scenario must run RATE iterations per second, one request each, in a phase tagged steady, and call recordOfferedRate(RATE) in setup(): build its options with buildCapacityOptions() from slogate/k6 (README: Writing a capacity scenario)`;
}
