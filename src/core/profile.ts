import { configErrorFromZod, configIssue, parseYamlText } from "./config-issues.js";
import {
  BUILT_IN_OBJECTIVES,
  HTTP_METRICS,
  parseStat,
  type BuiltIn,
  type ObjectiveMeasure,
  type ObjectiveSpec,
  type RegressionMargins,
  type RequestScope,
  type SloProfile,
} from "./objectives.js";
import {
  profileFileSchema,
  type ObjectiveEntry,
  type ProfileFile,
  type RequestScopeEntry,
} from "./profile-schema.js";
import { InternalError } from "../errors.js";
import { findBoundsProblem, type TierTable } from "./tiers.js";
import type { ObjectiveSource, TierBounds, Unit } from "./types.js";

export {
  BUILT_IN_OBJECTIVES,
  formatStat,
  parseStat,
  type EvaluationKind,
  type EvaluationSettings,
  type ObjectiveMeasure,
  type ObjectiveSpec,
  type RegressionMargins,
  type RequestScope,
  type SloProfile,
  type Stat,
} from "./objectives.js";

function resolveScope(
  own: RequestScopeEntry | undefined,
  profile: RequestScopeEntry | undefined,
): RequestScope {
  const scope = own ?? profile;
  return { names: scope?.names ?? null, methods: scope?.methods ?? null };
}

function resolveBounds(
  entry: ObjectiveEntry,
  builtIn: BuiltIn | undefined,
  unit: Unit,
  tiers: TierTable,
  file: string,
  at: (string | number)[],
): { bounds: TierBounds; tierRow: string | null } {
  if (entry.tier !== undefined && entry.bounds !== undefined) {
    throw configIssue("PROFILE_INVALID", file, at, "give either tier or bounds, not both");
  }
  if (entry.bounds) {
    const problem = findBoundsProblem(entry.bounds);
    if (problem) throw configIssue("PROFILE_INVALID", file, [...at, "bounds"], problem);
    return { bounds: { ...entry.bounds }, tierRow: null };
  }
  const rowName = entry.tier ?? builtIn?.tier;
  if (rowName === undefined) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      at,
      "needs a tier (a row of tiers.yaml) or its own bounds",
      [...tiers.rows.keys()],
    );
  }
  const row = tiers.rows.get(rowName);
  if (!row) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "tier"],
      `no tier row "${rowName}" in ${tiers.file}`,
      [...tiers.rows.keys()],
    );
  }
  if (row.unit !== unit) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "tier"],
      `tier row "${rowName}" is in ${row.unit} but the objective is in ${unit}`,
    );
  }
  return {
    bounds: {
      direction: row.direction,
      target: row.target,
      good: row.good,
      excellent: row.excellent,
    },
    tierRow: rowName,
  };
}

function resolveMeasure(
  entry: ObjectiveEntry,
  builtIn: BuiltIn | undefined,
  profile: ProfileFile,
  file: string,
  at: (string | number)[],
): { source: ObjectiveSource; measure: ObjectiveMeasure } {
  if (
    builtIn &&
    (entry.metric !== undefined || entry.stat !== undefined || entry.unit !== undefined)
  ) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      at,
      `"${entry.id}" is built in (${builtIn.description}); to measure something else give the objective its own id`,
    );
  }
  if (builtIn && entry.source !== undefined && entry.source !== builtIn.source) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "source"],
      `"${entry.id}" is read from ${builtIn.source}`,
      [builtIn.source],
    );
  }
  const source =
    builtIn?.source ?? entry.source ?? (entry.query !== undefined ? "prometheus" : "k6");
  if (source === "prometheus") {
    const query =
      entry.query ?? (builtIn?.measure.kind === "prometheus" ? builtIn.measure.query : null);
    // Built-in memory has no query of its own: it is resident memory over the
    // limit the run is given (flag or prometheus.memoryLimitBytes).
    if (!query && entry.id !== "memory")
      throw configIssue(
        "PROFILE_INVALID",
        file,
        [...at, "query"],
        "missing: a PromQL query in the objective's unit",
      );
    for (const key of ["requests", "responses", "metric", "stat"] as const) {
      if (entry[key] !== undefined) {
        throw configIssue(
          "PROFILE_INVALID",
          file,
          [...at, key],
          "applies to k6 objectives only (source prometheus)",
        );
      }
    }
    return { source, measure: { kind: "prometheus", query } };
  }
  if (entry.query !== undefined) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "query"],
      "applies to prometheus objectives only",
    );
  }
  let base = builtIn?.measure;
  if (!base) {
    if (entry.metric === undefined || entry.stat === undefined) {
      throw configIssue(
        "PROFILE_INVALID",
        file,
        [...at, "id"],
        `unknown objective "${entry.id}"; for your own give metric, stat, unit and tier or bounds`,
        Object.keys(BUILT_IN_OBJECTIVES),
      );
    }
    base = {
      kind: "k6",
      metric: entry.metric,
      stat: parseStat(entry.stat),
      scope: null,
      responses: "all",
    };
  }
  if (base.kind !== "k6")
    throw new InternalError("PROFILE_BASE", "a k6 objective with a prometheus base");
  const isHttp = HTTP_METRICS.has(base.metric);
  if (!isHttp && (entry.requests !== undefined || entry.responses !== undefined)) {
    const key = entry.requests !== undefined ? "requests" : "responses";
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, key],
      `applies to http_req_* metrics only, not ${base.metric}`,
    );
  }
  if (entry.responses !== undefined && base.metric !== "http_req_duration") {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "responses"],
      "applies to http_req_duration only",
    );
  }
  const responses =
    entry.responses ??
    (builtIn ? base.responses : base.metric === "http_req_duration" ? "expected" : "all");
  return {
    source,
    measure: {
      ...base,
      scope: isHttp ? resolveScope(entry.requests, profile.requests) : null,
      responses,
    },
  };
}

function resolveObjective(
  entry: ObjectiveEntry,
  index: number,
  profile: ProfileFile,
  tiers: TierTable,
  file: string,
): ObjectiveSpec {
  const at = ["objectives", index];
  const builtIn = BUILT_IN_OBJECTIVES[entry.id];
  const { source, measure } = resolveMeasure(entry, builtIn, profile, file, at);
  const unit = builtIn?.unit ?? entry.unit;
  if (unit === undefined) {
    throw configIssue("PROFILE_INVALID", file, [...at, "unit"], "missing", [
      "ms",
      "ratio",
      "req/s",
    ]);
  }
  const { bounds, tierRow } = resolveBounds(entry, builtIn, unit, tiers, file, at);
  let abortAt: number | null = null;
  if (entry.abortAt === false) abortAt = null;
  else if (entry.abortAt !== undefined) abortAt = entry.abortAt;
  else {
    const factor = profile.k6.abortFactor;
    abortAt = bounds.direction === "max" ? bounds.target * factor : bounds.target / factor;
  }
  if (
    abortAt !== null &&
    (bounds.direction === "max" ? abortAt < bounds.target : abortAt > bounds.target)
  ) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      [...at, "abortAt"],
      `a gross breach must be beyond the target bound ${bounds.target}`,
    );
  }
  return {
    id: entry.id,
    description: entry.description ?? builtIn?.description ?? "",
    source,
    mandatory: entry.mandatory,
    unit,
    bounds,
    tierRow,
    measure,
    abortAt,
  };
}

/** The profile's `regression:` margins; an objective id the profile lacks is a ConfigError. */
function resolveRegression(
  entry: NonNullable<ProfileFile["regression"]>,
  objectives: readonly ObjectiveSpec[],
  file: string,
): RegressionMargins {
  for (const id of Object.keys(entry.objectives)) {
    if (!objectives.some((objective) => objective.id === id)) {
      throw configIssue(
        "PROFILE_INVALID",
        file,
        ["regression", "objectives", id],
        `no objective "${id}" in this profile; use one of ${objectives.map((o) => o.id).join(", ")}`,
      );
    }
  }
  return {
    ...(entry.latency !== undefined ? { latency: entry.latency } : {}),
    ...(entry.errorRate !== undefined ? { errorRate: entry.errorRate } : {}),
    ...(entry.throughput !== undefined ? { throughput: entry.throughput } : {}),
    objectives: { ...entry.objectives },
  };
}

/** Validates a parsed profile document against the tier table. Throws ConfigError. */
export function resolveProfile(raw: unknown, tiers: TierTable, file: string): SloProfile {
  const parsed = profileFileSchema.safeParse(raw);
  if (!parsed.success)
    throw configErrorFromZod("PROFILE_INVALID", file, parsed.error, profileFileSchema);
  const profile = parsed.data;
  const seen = new Set<string>();
  const objectives = profile.objectives.map((entry, index) => {
    if (seen.has(entry.id)) {
      throw configIssue(
        "PROFILE_INVALID",
        file,
        ["objectives", index, "id"],
        `"${entry.id}" appears twice`,
      );
    }
    seen.add(entry.id);
    return resolveObjective(entry, index, profile, tiers, file);
  });
  if (!objectives.some((objective) => objective.mandatory)) {
    throw configIssue(
      "PROFILE_INVALID",
      file,
      "objectives",
      "no mandatory objective: a verdict needs at least one objective with mandatory: true",
    );
  }
  return {
    name: profile.name,
    file,
    description: profile.description ?? "",
    requiredTier: profile.requiredTier,
    evaluation: { ...profile.evaluation },
    k6: { ...profile.k6 },
    ...(profile.prometheus ? { prometheus: profile.prometheus } : {}),
    ...(profile.redaction
      ? { redaction: { showQueryValues: [...profile.redaction.showQueryValues] } }
      : {}),
    ...(profile.regression
      ? { regression: resolveRegression(profile.regression, objectives, file) }
      : {}),
    objectives,
  };
}

/** Reads the `tiers:` reference of a profile text without validating the rest (the loader needs it first). */
export function readTiersReference(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const value = (raw as Record<string, unknown>).tiers;
  return typeof value === "string" ? value : null;
}

/** Parses and validates profile YAML text. */
export function parseProfile(text: string, file: string, tiers: TierTable): SloProfile {
  return resolveProfile(parseYamlText(text, file, "PROFILE_INVALID"), tiers, file);
}
