import type { EvidenceFileV1 } from "../core/evidence-file.js";
import type { K6Evidence, PointSelection } from "../core/evidence.js";
import { evaluateEvidence, type EvaluateOptions } from "../core/evaluate.js";
import { resolveJudgedWindow } from "../core/judged-window.js";
import type { ExternalMeasurement } from "../core/measurement.js";
import type { PrometheusCollector } from "../sources/prometheus/collector.js";
import type { Finding, ReportInput, RequiredTier } from "../core/types.js";
import type { RunIdentity } from "../core/verdict.js";
import { ConfigError } from "../errors.js";
import { describeK6Exit } from "../k6/exit-codes.js";
import { readK6Evidence } from "../sources/k6/read-evidence.js";
import type { PrometheusConnection } from "../sources/prometheus/client.js";
import { readK6FromPrometheus } from "../sources/prometheus/k6-remote.js";
import type { SloProfile } from "../core/profile.js";
import { buildEvidenceFromK6, writeEvidenceFile } from "../sources/evidence-file.js";
import { loadProfile } from "../sources/load-profile.js";
import { compareWithBaseline, readBaseline, type BaselineOptions } from "./baseline.js";
import type { SideReadOptions } from "./compare-side.js";

/** Points tagged phase=steady, the whole run, or an explicit time range (ISO, Unix ms, `now`, `-10m`). */
export type CheckWindow =
  | { kind: "steady" }
  | { kind: "all" }
  | { kind: "range"; from: string | number; to: string | number };

export interface CheckOptions {
  /** k6 `--out json` NDJSON files (plain or .gz; several merge), or one k6 summary JSON. */
  k6Paths: string[];
  /**
   * Instead of files: the metrics the runners pushed to this Prometheus
   * (remote write, native histograms), for the run tagged `testId`.
   */
  k6Prometheus?: { connection: PrometheusConnection; testId: string; lookbackSeconds?: number };
  /** Profile name or path; absent: ./slo.yaml, else the generic profile (see loadProfile). */
  profile?: string;
  /** Overrides the profile's requiredTier. */
  require?: RequiredTier;
  /** Overrides the profile's window. */
  window?: CheckWindow;
  /** k6's exit code, when known: 99 means its thresholds crossed; an exit without evidence makes the verdict error. */
  k6ExitCode?: number | null;
  k6Version?: string | null;
  /** Clock for relative range bounds (`now`, `-10m`); the system clock by default. */
  now?: () => Date;
  /** Where profiles and tiers.yaml live; the project's thresholds/ by default. */
  thresholdsDir?: string;
  /**
   * The profile's source:prometheus objectives: measurements already made, or
   * a collector that check() calls with the window it judged and k6's view of
   * it (see createPrometheusCollector).
   */
  prometheus?: readonly ExternalMeasurement[] | PrometheusCollector;
  /** The signal that cut the k6 run short, if one did: the verdict says so and does not pass. */
  interruptedBy?: string | null;
  /** Which run produced the evidence (`slogate run`); written into the verdict. */
  run?: RunIdentity;
  /** Write the run's evidence file here (evidence.json, or .json.gz), for later comparisons. */
  evidenceFile?: string;
  /** Compare the run with this baseline as well: the verdict's second gate. */
  baseline?: BaselineOptions;
  /** The k6 version and scenario recorded in the evidence file. */
  scenario?: string | null;
  /** CI variables for the evidence file's metadata; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

const NO_WINDOW: Finding = {
  severity: "warning",
  code: "PROMETHEUS_NO_WINDOW",
  message: "the k6 evidence has no time window (a summary file), so Prometheus was not queried",
};

const WINDOW_HELP = "steady, all, or <from>..<to> with ISO times, Unix ms, now or -<n>(s|m|h)";

/** Parses a `--window` value: `steady`, `all` or `<from>..<to>`. Throws ConfigError. */
export function parseWindowOption(text: string): CheckWindow {
  const trimmed = text.trim();
  if (trimmed === "steady" || trimmed === "all") return { kind: trimmed };
  const parts = trimmed.split("..");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ConfigError(
      "WINDOW_INVALID",
      `--window: "${text}" is not a window; allowed: ${WINDOW_HELP}`,
    );
  }
  return { kind: "range", from: parts[0].trim(), to: parts[1].trim() };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

function readInstant(value: string | number, nowMs: number, which: string): number {
  if (typeof value === "number") return value;
  if (value === "now") return nowMs;
  const relative = /^-(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  if (relative?.[1] && relative[2])
    return nowMs - Number(relative[1]) * (UNIT_MS[relative[2]] ?? 0);
  if (/^\d{10,}$/.test(value)) return Number(value);
  const parsed = /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new ConfigError(
      "WINDOW_INVALID",
      `--window: ${which} "${value}" is not a time; allowed: ${WINDOW_HELP}`,
    );
  }
  return parsed;
}

function toSelection(window: CheckWindow | undefined, now: () => Date): PointSelection {
  if (window?.kind !== "range") return { kind: "phases" };
  const nowMs = now().getTime();
  const fromMs = readInstant(window.from, nowMs, "from");
  const toMs = readInstant(window.to, nowMs, "to");
  if (!(toMs > fromMs)) {
    throw new ConfigError(
      "WINDOW_INVALID",
      `--window: the range must end after it starts (${window.from}..${window.to})`,
    );
  }
  return { kind: "range", fromMs, toMs };
}

/**
 * Judges existing k6 results against an SLO profile: reads the evidence,
 * loads profile and tiers, evaluates, and returns what reports render. Never
 * prints or exits; a user's mistake is a ConfigError/InputError with one line.
 */
export async function check(options: CheckOptions): Promise<ReportInput> {
  const { profile } = loadProfile(
    options.profile,
    options.thresholdsDir ? { thresholdsDir: options.thresholdsDir } : {},
  );
  const selection = toSelection(options.window, options.now ?? (() => new Date()));
  const sideOptions = {
    ...(options.env ? { env: options.env } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  // A bad baseline is the user's mistake: said before anything else is read.
  const baseline = options.baseline
    ? await readBaseline(options.baseline, profile, sideOptions)
    : null;
  // Built-in metrics the reader skips by default (iteration_duration, http_req_waiting…) are read when an objective needs them.
  const trackMetrics = profile.objectives.flatMap((objective) =>
    objective.measure.kind === "k6" ? [objective.measure.metric] : [],
  );
  if (options.k6Prometheus && options.window?.kind === "range") {
    throw new ConfigError(
      "WINDOW_INVALID",
      "--window: a time range cannot be judged from --k6-prometheus (pushed metrics carry phases, not points); use steady or all",
    );
  }
  const remote = options.k6Prometheus
    ? await readK6FromPrometheus({
        ...options.k6Prometheus,
        trackMetrics,
        ...(options.now ? { now: options.now } : {}),
      })
    : null;
  const evidence = remote
    ? remote.evidence
    : await readK6Evidence(options.k6Paths, { selection, trackMetrics });
  const kept =
    options.evidenceFile !== undefined || baseline !== null
      ? await keepEvidence(evidence, profile, options, sideOptions)
      : null;
  const compared =
    baseline && options.baseline && kept
      ? compareWithBaseline(baseline, kept.candidate, profile, options.baseline)
      : null;
  const exitCode = options.k6ExitCode ?? null;
  const exit = exitCode === null ? null : describeK6Exit(exitCode, null);
  const base: EvaluateOptions = {
    profile,
    evidence,
    ...(options.require ? { requiredTier: options.require } : {}),
    ...(options.window && options.window.kind !== "range" ? { window: options.window.kind } : {}),
    k6: {
      version: options.k6Version ?? null,
      exitCode,
      exitEvidence: exit?.evidence ?? null,
      exitDescription: exit?.description ?? null,
    },
    ...(options.interruptedBy ? { interruptedBy: options.interruptedBy } : {}),
    ...(options.run ? { run: options.run } : {}),
    ...(compared ? { comparison: compared.comparison } : {}),
    ...(remote?.status.inProgress ? { inProgress: remote.status.inProgress } : {}),
  };
  const withFigures = (report: ReportInput): ReportInput =>
    compared?.figures ? { ...report, comparisonFigures: compared.figures } : report;
  const keptFindings = kept?.findings ?? [];
  const prometheus = options.prometheus;
  if (typeof prometheus !== "function") {
    return withFigures(
      evaluateEvidence({
        ...base,
        ...(prometheus ? { external: prometheus } : {}),
        ...(keptFindings.length > 0 ? { findings: keptFindings } : {}),
      }),
    );
  }

  // Prometheus is asked about the window the verdict judges, with k6's view
  // of it; then both sources are judged together, once.
  const judged = resolveJudgedWindow(base);
  if (judged.window === null) {
    return withFigures(evaluateEvidence({ ...base, findings: [NO_WINDOW, ...keptFindings] }));
  }
  const collected = await prometheus({ ...judged.window, client: judged.client });
  return withFigures(
    evaluateEvidence({
      ...base,
      external: collected.measurements,
      findings: [...collected.findings, ...keptFindings],
      prometheus: { server: collected.server, timing: collected.timing },
    }),
  );
}

/**
 * The run's evidence file: built from its NDJSON for the window the verdict
 * judges, written to `options.evidenceFile` when asked. Without NDJSON (a k6
 * summary) or with an explicit time range there is none; the comparison then
 * says why, and a file that cannot be written is a finding, not a lost verdict.
 */
async function keepEvidence(
  evidence: K6Evidence,
  profile: SloProfile,
  options: CheckOptions,
  sideOptions: SideReadOptions,
): Promise<{ candidate: EvidenceFileV1 | { unavailable: string }; findings: Finding[] }> {
  if (options.k6Prometheus) {
    // No evidence.json is written: pushed metrics have no slices to keep.
    return {
      candidate: {
        unavailable:
          "k6 metrics read from Prometheus have no 2 s time slices; compare the runners' NDJSON",
      },
      findings: [],
    };
  }
  if (evidence.kind !== "stream") {
    return {
      candidate: {
        unavailable: "a k6 summary has no time slices; pass the run's NDJSON (--out json)",
      },
      findings: [],
    };
  }
  if (options.window?.kind === "range") {
    return {
      candidate: {
        unavailable:
          "the verdict judged an explicit --window range; evidence files hold the steady or the whole-run window",
      },
      findings: [],
    };
  }
  const candidate = await buildEvidenceFromK6({
    k6Paths: options.k6Paths,
    profile,
    ...(options.window ? { window: options.window.kind } : {}),
    scenario: options.scenario ?? options.run?.scenario ?? null,
    k6Version: options.k6Version ?? null,
    ...sideOptions,
  });
  if (options.evidenceFile === undefined) return { candidate, findings: [] };
  try {
    await writeEvidenceFile(options.evidenceFile, candidate);
    return { candidate, findings: [] };
  } catch (cause) {
    return {
      candidate,
      findings: [
        {
          severity: "warning",
          code: "EVIDENCE_NOT_WRITTEN",
          message: `${options.evidenceFile}: the evidence file could not be written (${(cause as Error).message})`,
        },
      ],
    };
  }
}
