import type {
  Finding,
  MismatchPolicy,
  PrometheusSection,
  TrafficFigures,
  Verdict,
} from "./types.js";

/**
 * Cross-check codes (core/cross-check.ts) that mean k6 and the service did
 * not see the same requests, or not the same time: the server counted
 * markedly fewer or more requests than k6 sent, or its p95 is far below the
 * client's. A profile may refuse to pass on such evidence.
 */
export const GROSS_MISMATCH_CODES: readonly string[] = [
  "SERVER_COUNT_LOW",
  "SERVER_COUNT_HIGH",
  "SERVER_P95_FAR_BELOW_CLIENT",
];

/** What Prometheus said about the judged window: the server's figures and what asking cost. */
export interface ServerReading {
  server: PrometheusSection["server"];
  timing: PrometheusSection["timing"];
}

export interface AttachPrometheusOptions extends ServerReading {
  /** The profile's `prometheus.onMismatch`; `finding` by default. */
  policy?: MismatchPolicy;
}

/** k6's figures for the window, from the verdict's own k6 objectives. */
export function readClientFigures(verdict: Pick<Verdict, "objectives" | "window">): TrafficFigures {
  const k6 = (id: string) =>
    verdict.objectives.find((objective) => objective.id === id && objective.source === "k6");
  // error_rate counts every request in the profile's scope: its samples are the request count.
  const errors = k6("error_rate");
  const requests = errors ? errors.samples : null;
  const seconds = verdict.window.seconds;
  const throughput = k6("throughput")?.value ?? null;
  return {
    requests,
    errorRatio: errors?.value ?? null,
    p95Ms: k6("latency_p95")?.value ?? null,
    requestsPerSecond: throughput ?? (requests !== null && seconds > 0 ? requests / seconds : null),
  };
}

/**
 * Adds the `prometheus` section (server and k6 figures side by side, the
 * time Prometheus took, which gross-mismatch codes fired) to a verdict whose
 * findings already hold the cross-checks. With policy `inconclusive` a pass
 * over a gross mismatch becomes inconclusive, with a finding saying why; a
 * fail or error stays (the client saw the breach, or nothing can be judged).
 * Pure: returns a new verdict. buildVerdict (core/verdict.ts) applies it
 * while assembling a verdict.
 */
export function attachPrometheusSection(
  verdict: Verdict,
  options: AttachPrometheusOptions,
): Verdict {
  const policy = options.policy ?? "finding";
  const codes = [
    ...new Set(
      verdict.findings
        .map((finding) => finding.code)
        .filter((code) => GROSS_MISMATCH_CODES.includes(code)),
    ),
  ];
  const prometheus: PrometheusSection = {
    client: readClientFigures(verdict),
    server: options.server,
    timing: options.timing,
    mismatch: { policy, codes },
  };
  if (policy !== "inconclusive" || codes.length === 0 || verdict.verdict !== "pass") {
    return { ...verdict, prometheus };
  }
  const finding: Finding = {
    severity: "warning",
    code: "PROMETHEUS_MISMATCH",
    message: `the objectives passed, but k6 and the service disagree grossly (${codes.join(", ")}) and the profile sets prometheus.onMismatch: inconclusive, so the run is not judged; see those findings for the likely cause`,
  };
  return {
    ...verdict,
    verdict: "inconclusive",
    achievedTier: null,
    findings: [...verdict.findings, finding],
    prometheus,
  };
}
