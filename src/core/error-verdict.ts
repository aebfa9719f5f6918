import { buildObjectiveResult } from "./evaluate-objective.js";
import type { SloProfile } from "./objectives.js";
import { VERDICT_SCHEMA_VERSION, type ReportInput, type RequiredTier } from "./types.js";

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
  run?: { id: string; scenario: string; target: string };
}

/**
 * The verdict of a run that produced no evidence (k6 rejected its options,
 * the script threw): `error`, with every objective of the profile listed as
 * `error` so a JUnit consumer sees failing test cases rather than none.
 */
export function buildErrorVerdict(options: ErrorVerdictOptions): ReportInput {
  const seconds = Math.max(0, (options.endedAt.getTime() - options.startedAt.getTime()) / 1000);
  return {
    verdict: {
      schemaVersion: VERDICT_SCHEMA_VERSION,
      verdict: "error",
      requiredTier: options.requiredTier,
      achievedTier: null,
      profile: options.profile.name,
      window: {
        from: options.startedAt.toISOString(),
        to: options.endedAt.toISOString(),
        kind: "all",
        seconds,
      },
      k6: { ...options.k6, thresholdsPassed: null },
      objectives: options.profile.objectives.map((spec) =>
        buildObjectiveResult(spec, null, 0, null, "error", `not evaluated: ${options.message}`),
      ),
      findings: [{ severity: "warning", code: options.code, message: options.message }],
      ...(options.run ? { run: options.run } : {}),
    },
    timeline: [],
    routes: [],
  };
}
