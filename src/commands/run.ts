import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildErrorVerdict } from "../core/error-verdict.js";
import { buildK6Thresholds } from "../core/k6-thresholds.js";
import { redactReportText } from "../redact.js";
import type { ReportInput, RequiredTier } from "../core/types.js";
import { K6Error } from "../errors.js";
import { bundleScenario } from "../k6/bundle.js";
import { checkTargetReachable } from "../k6/preflight.js";
import { ensureK6 } from "../k6/provision.js";
import { runK6, type RunK6Result } from "../k6/run-k6.js";
import { writeReports } from "../reports/write-reports.js";
import { loadProfile } from "../sources/load-profile.js";
import { buildK6RemoteWriteArgs, buildK6RemoteWriteEnv } from "../k6/remote-write.js";
import { check, type CheckOptions } from "./check.js";
import {
  createPrometheusCollector,
  type PrometheusOptions,
} from "../sources/prometheus/collector.js";
import { resolvePrometheusAuth } from "../sources/prometheus/auth.js";
import { readBaseline, type BaselineOptions } from "./baseline.js";
import { createRunId } from "./run-id.js";

export interface RunOptions {
  /** A bundled scenario's name (`load`) or the path of the user's own `.ts` or `.js` file. */
  scenario: string;
  target: string;
  /** Profile name or path; absent: ./slo.yaml, else the generic profile (see loadProfile). */
  profile?: string;
  require?: RequiredTier;
  window?: CheckOptions["window"];
  /** Steady iterations per second (the scenario's RATE). */
  ratePerSecond?: number;
  /** Multiplies every duration in the scenario (e.g. 0.05 for a short CI run). */
  timeScale?: number;
  /** More `__ENV` for the scenario. */
  env?: Record<string, string>;
  /**
   * Prometheus to judge server-side SLIs from (db p95, CPU, memory, and the
   * cross-checks); k6 also remote-writes its metrics there, tagged testid=<run-id>.
   */
  prometheus?: PrometheusOptions;
  /** Where `<run-id>/` goes; `./reports` by default. */
  reportsDir?: string;
  /** k6's console output as it comes (progress); nothing by default. */
  onK6Output?: (chunk: string) => void;
  /** Compare the run with this baseline too (`--baseline`); it is read before any load is sent. */
  baseline?: BaselineOptions;
  /** Interrupts the run: k6 gets the signal the abort names, ends gracefully, and what it measured is judged. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface RunResult {
  runId: string;
  dir: string;
  report: ReportInput;
  files: Record<string, string>;
  k6: RunK6Result;
}

/** Environment the scenarios read (see scenarios/lib): never secrets on k6's command line. */
function scenarioEnv(options: RunOptions, thresholds: unknown): Record<string, string> {
  const env: Record<string, string> = {
    BASE_URL: options.target.replace(/\/+$/, ""),
    SLOGATE_THRESHOLDS: JSON.stringify(thresholds),
    ...options.env,
  };
  if (options.ratePerSecond !== undefined) env.RATE = String(options.ratePerSecond);
  if (options.timeScale !== undefined) env.TIME_SCALE = String(options.timeScale);
  return env;
}

/**
 * Bundles the scenario, runs it with the real k6 against the target, keeps
 * every raw file in reports/<run-id>/, then judges the results against the
 * profile and writes all report formats there. A k6 exit that leaves no usable
 * evidence (script error, invalid options…) writes an `error` verdict in every
 * format beside k6's raw files, then is a K6Error quoting k6's own error line.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const loaded = loadProfile(options.profile);
  const { profile } = loaded;
  // The file found is what check() judges against below, whatever the lookup chose.
  const profileName = options.profile ?? loaded.file;
  // Fail on bad Prometheus settings (selector, credentials) before any load is sent.
  const collector = options.prometheus
    ? createPrometheusCollector(profile, options.prometheus)
    : undefined;
  const requiredTier = options.require ?? profile.requiredTier;
  // A bad baseline is one line and exit 3 before any load is sent.
  const baseline = options.baseline
    ? { ...options.baseline, read: await readBaseline(options.baseline, profile) }
    : undefined;
  const bundle = await bundleScenario(options.scenario);
  await checkTargetReachable(options.target);
  const k6 = await ensureK6();

  // A scenario file is named by its base name: `./load/checkout.ts` → checkout.
  const runId = createRunId(bundle.name, now());
  const dir = path.resolve(options.reportsDir ?? "reports", runId);
  mkdirSync(dir, { recursive: true });
  const thresholds = buildK6Thresholds(profile, { requiredTier });
  const runInfo = {
    runId,
    scenario: options.scenario,
    // run.json sits beside the reports (and is uploaded with them): shown as they show it.
    target: redactReportText(options.target, profile.redaction),
    profile: profileName,
    requiredTier,
    k6: { version: k6.version, path: k6.path, source: k6.source },
    ratePerSecond: options.ratePerSecond ?? null,
    timeScale: options.timeScale ?? null,
    thresholds,
  };
  writeFileSync(path.join(dir, "run.json"), `${JSON.stringify(runInfo, null, 2)}\n`);

  const remoteWrite = options.prometheus
    ? {
        remoteWriteUrl: new URL("api/v1/write", `${options.prometheus.url.replace(/\/+$/, "")}/`)
          .href,
        testId: runId,
        // k6 pushes with the same credentials and headers the queries send.
        auth: resolvePrometheusAuth(options.prometheus.auth ?? { kind: "none" }),
        ...(options.prometheus.headers ? { headers: options.prometheus.headers } : {}),
      }
    : null;
  const result = await runK6({
    k6,
    scriptPath: bundle.scriptPath,
    outDir: dir,
    env: {
      ...scenarioEnv(options, thresholds),
      ...(remoteWrite ? buildK6RemoteWriteEnv(remoteWrite) : {}),
    },
    ...(remoteWrite ? { extraArgs: buildK6RemoteWriteArgs(remoteWrite) } : {}),
    ...(options.onK6Output ? { onOutput: options.onK6Output } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const exitInfo = {
    ...runInfo,
    startedAt: result.startedAt.toISOString(),
    endedAt: result.endedAt.toISOString(),
    exit: { ...result.exit, signal: result.signal, interruptedBy: result.interruptedBy },
  };
  writeFileSync(path.join(dir, "run.json"), `${JSON.stringify(exitInfo, null, 2)}\n`);

  const run = {
    id: runId,
    scenario: options.scenario,
    target: redactReportText(options.target, profile.redaction),
  };
  if (!result.exit.evidence) {
    const { code, name, description } = result.exit;
    const said = result.errorMessages[0];
    const cause = `${description} (k6 exit ${code} ${name})${said === undefined ? "" : `: ${said}`}`;
    await writeReports(
      dir,
      buildErrorVerdict({
        profile,
        requiredTier,
        code: `K6_${name}`,
        message: cause,
        k6: { version: k6.version, exitCode: code },
        startedAt: result.startedAt,
        endedAt: result.endedAt,
        run,
      }),
    );
    throw new K6Error(
      `K6_${name}`,
      `${cause}; raw output kept in ${path.join(dir, "k6.log")}, error verdict in ${path.join(dir, "verdict.json")}`,
    );
  }

  const report = await check({
    k6Paths: [result.ndjsonPath],
    profile: profileName,
    require: requiredTier,
    ...(options.window ? { window: options.window } : {}),
    k6ExitCode: result.exit.code,
    k6Version: k6.version,
    ...(collector ? { prometheus: collector } : {}),
    interruptedBy: result.interruptedBy,
    run,
    scenario: options.scenario,
    evidenceFile: path.join(dir, "evidence.json"),
    ...(baseline ? { baseline } : {}),
  });
  const { files } = await writeReports(dir, report);
  return { runId, dir, report, files, k6: result };
}
