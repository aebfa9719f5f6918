import { buildObjectiveResult } from "./evaluate-objective.js";
import type { SloProfile } from "./objectives.js";
import type { ReportInput, RequiredTier } from "./types.js";
import { buildVerdict, type RunIdentity } from "./verdict.js";

export interface ErrorVerdictOptions {
  profile: SloProfile;
  requiredTier: RequiredTier;
  /** Stable code of what broke, e.g. `K6_INVALID_CONFIG`. */
  code: string;
  /** One line saying what broke and what to do. */
  message: string;
  k6: { version: string | null; exitCode: number | null };
  startedAt: Date;
  endedAt: Date;
  run?: RunIdentity;
}

/**
 * The verdict of a run that produced no evidence (k6 rejected its options,
 * the script threw): `error`, with every objective of the profile listed as
 * `error` so a JUnit consumer sees failing test cases rather than none.
 */
export function buildErrorVerdict(options: ErrorVerdictOptions): ReportInput {
  const fromMs = options.startedAt.getTime();
  const toMs = options.endedAt.getTime();
  const verdict = buildVerdict({
    profile: options.profile.name,
    requiredTier: options.requiredTier,
    window: { kind: "all", fromMs, toMs, seconds: Math.max(0, (toMs - fromMs) / 1000) },
    k6: { kind: "no-evidence", version: options.k6.version, exitCode: options.k6.exitCode },
    objectives: options.profile.objectives.map((spec) =>
      buildObjectiveResult(spec, null, 0, null, "error", `not evaluated: ${options.message}`),
    ),
    findings: [{ severity: "warning", code: options.code, message: options.message }],
    ...(options.run ? { run: options.run } : {}),
  });
  const { redaction } = options.profile;
  return {
    verdict,
    timeline: [],
    routes: [],
    ...(redaction ? { redaction: { showQueryValues: [...redaction.showQueryValues] } } : {}),
  };
}
