import { selectStepObjectives } from "./measure.js";
import type { CapacitySearchSettings } from "./search.js";
import { DEFAULT_STEP_CRITERIA, type CapacityStepCriteria } from "./step.js";
import type { SloProfile } from "../profile.js";
import { findRequiredRequests, findRequiredSamples } from "../sample-rules.js";
import type { TierTable } from "../tiers.js";
import type { RequiredTier, TierBounds } from "../types.js";
import { ConfigError } from "../../errors.js";

/** The route the built-in capacity scenario requests. */
export const CAPACITY_ROUTE = { method: "GET", name: "/api/v1/products/:id" } as const;

/** What the user may set about a search (CapacityOptions in src/commands/capacity/capacity.ts). */
export interface CapacityPlanOptions {
  /** The latency and error tier that must hold; the profile's requiredTier by default. */
  require?: RequiredTier;
  /**
   * The bundled `capacity` scenario (the default) or the path of the user's own
   * `.ts` or `.js` file following the capacity env contract (scenarios/lib/capacity-step.ts);
   * a step that shows it ignores RATE stops the search with CAPACITY_SCENARIO_IGNORES_RATE.
   */
  scenario?: string;
  /** First rate, req/s; 50 by default, raised to what the objectives need to be judged. */
  startRatePerSecond?: number;
  /** Ceiling: never offer more, req/s; 10000 by default. */
  maxRatePerSecond?: number;
  /** Stop when (first failing − capacity) / capacity ≤ this; 0.05 by default. */
  precision?: number;
  /** Rate multiplier while steps pass; 2 by default. */
  growthFactor?: number;
  /** Wall-time budget for the whole search; 600 s by default. No step starts that would not fit. */
  budgetSeconds?: number;
  /** Warm-up before each measured phase (never judged); 5 s by default. */
  warmUpSeconds?: number;
  /** Measured phase of each step; 10 s by default. */
  steadySeconds?: number;
  maxSteps?: number;
  /** Most VUs any step may use (memory bound: ~0.5 MB each); 5000 by default. */
  maxVUs?: number;
  criteria?: Partial<CapacityStepCriteria>;
}

/** Everything a search runs with, resolved from options and the profile. */
export interface CapacityPlan {
  requiredTier: RequiredTier;
  scenario: string;
  settings: CapacitySearchSettings;
  criteria: CapacityStepCriteria;
  warmUpSeconds: number;
  steadySeconds: number;
  budgetSeconds: number;
  /** Most VUs any step may use. */
  maxVUsCap: number;
  latencyBounds: TierBounds | null;
  latencyBoundMs: number | null;
  gracefulStopSeconds: number;
  throughputBounds: TierBounds;
}

function requirePositive(value: number, flag: string, what: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError("CAPACITY_OPTION_INVALID", `${flag} ${value}: ${what}`);
  }
  return value;
}

/** The bounds of the profile's (first) latency objective; null without one. */
export function findLatencyBounds(profile: SloProfile): TierBounds | null {
  const latency = selectStepObjectives(profile).find(
    (spec) =>
      spec.measure.kind === "k6" &&
      spec.measure.metric === "http_req_duration" &&
      spec.bounds.direction === "max",
  );
  return latency ? { ...latency.bounds } : null;
}

/** Requests a steady phase needs before every objective can be judged at `tier`. */
export function findRequiredStepRequests(profile: SloProfile, tier: RequiredTier): number {
  let needed = 1;
  for (const spec of selectStepObjectives(profile)) {
    if (spec.measure.kind !== "k6") continue;
    needed = Math.max(
      needed,
      findRequiredSamples(spec.measure.stat, profile.evaluation.minTailSamples),
    );
    if (spec.measure.stat.kind === "rate" && spec.bounds.direction === "max") {
      needed = Math.max(
        needed,
        findRequiredRequests(spec.bounds[tier], profile.evaluation.minRateEvents),
      );
    }
  }
  return needed;
}

/** The built-in scenario requests one route: a profile judging other routes would see nothing. */
function checkScope(profile: SloProfile, scenario: string): void {
  if (scenario !== "capacity") return;
  for (const spec of selectStepObjectives(profile)) {
    const scope = spec.measure.kind === "k6" ? spec.measure.scope : null;
    const names = scope?.names ?? null;
    const methods = scope?.methods ?? null;
    if (
      (names && !names.includes(CAPACITY_ROUTE.name)) ||
      (methods && !methods.includes(CAPACITY_ROUTE.method))
    ) {
      throw new ConfigError(
        "CAPACITY_PROFILE_SCOPE",
        `${profile.file}: objective ${spec.id} judges ${[methods?.join("/"), names?.join(", ")].filter(Boolean).join(" ")}, but the capacity scenario requests ${CAPACITY_ROUTE.method} ${CAPACITY_ROUTE.name}; use --profile products-api or a profile whose requests include that route`,
      );
    }
  }
}

function readThroughputBounds(profile: SloProfile, tiers: TierTable): TierBounds {
  const own = profile.objectives.find(
    (spec) => spec.measure.kind === "k6" && spec.measure.stat.kind === "perSecond",
  );
  if (own) return { ...own.bounds };
  const row = tiers.rows.get("throughput");
  if (!row) {
    throw new ConfigError(
      "CAPACITY_NO_THROUGHPUT_TIERS",
      `${tiers.file}: no 'throughput' row and profile ${profile.name} has no throughput objective; add one to say which req/s each tier needs`,
    );
  }
  return { direction: row.direction, target: row.target, good: row.good, excellent: row.excellent };
}

/**
 * VUs for one step, all initialised before it starts: k6 drops arrivals
 * while it initialises VUs mid-step, which would look like a stalled
 * generator. Enough for the whole rate waiting 2 × the latency bound, so a
 * slow service fails the step on latency before it keeps every VU busy; drops
 * with VUs to spare then point at the generator (judgeCapacityStep). Each VU
 * costs ~0.4 MB and a few ms of CPU to initialise, hence no more.
 */
export function sizeStepVUs(ratePerSecond: number, plan: CapacityPlan): number {
  const boundSeconds = (plan.latencyBoundMs ?? 1000) / 1000;
  return Math.min(plan.maxVUsCap, Math.max(10, Math.ceil(ratePerSecond * boundSeconds * 2)));
}

/** Checks the options against the profile and fills in every default. Throws ConfigError naming the flag. */
export function resolveCapacityPlan(
  options: CapacityPlanOptions,
  profile: SloProfile,
  tiers: TierTable,
): CapacityPlan {
  const requiredTier = options.require ?? profile.requiredTier;
  const scenario = options.scenario ?? "capacity";
  checkScope(profile, scenario);
  const warmUpSeconds = requirePositive(
    options.warmUpSeconds ?? 5,
    "--warmup",
    "the warm-up must last more than 0 s",
  );
  const steadySeconds = requirePositive(
    options.steadySeconds ?? 10,
    "--step",
    "a step must last more than 0 s",
  );
  const budgetSeconds = requirePositive(
    options.budgetSeconds ?? 600,
    "--budget",
    "the time budget must be above 0 s",
  );
  const precision = requirePositive(
    options.precision ?? 0.05,
    "--precision",
    "give a ratio above 0, e.g. 0.05",
  );
  const growthFactor = options.growthFactor ?? 2;
  if (!(growthFactor > 1)) {
    throw new ConfigError(
      "CAPACITY_OPTION_INVALID",
      `--growth ${growthFactor}: the growth factor must be above 1, e.g. 2`,
    );
  }
  const maxVUsCap = Math.floor(
    requirePositive(options.maxVUs ?? 5000, "--max-vus", "give a whole number of VUs, e.g. 5000"),
  );
  const neededRequests = findRequiredStepRequests(profile, requiredTier);
  // 10% more than the bare minimum: a step completes slightly fewer than rate × seconds.
  const minRatePerSecond = Math.ceil((neededRequests * 1.1) / steadySeconds);
  const maxRatePerSecond = Math.floor(
    requirePositive(
      options.maxRatePerSecond ?? 10_000,
      "--max-rate",
      "give the most req/s to offer",
    ),
  );
  if (maxRatePerSecond < minRatePerSecond) {
    throw new ConfigError(
      "CAPACITY_OPTION_INVALID",
      `--max-rate ${maxRatePerSecond}: a ${steadySeconds} s step needs at least ${minRatePerSecond} req/s to judge ${requiredTier} (${neededRequests} requests); raise --max-rate or lengthen --step`,
    );
  }
  const startRatePerSecond = requirePositive(
    options.startRatePerSecond ?? 50,
    "--start-rate",
    "give the first rate in req/s",
  );
  const maxSteps = Math.floor(
    requirePositive(options.maxSteps ?? 20, "--max-steps", "give a whole number of steps"),
  );
  const latencyBounds = findLatencyBounds(profile);
  const latencyBoundMs = latencyBounds === null ? null : latencyBounds[requiredTier];
  return {
    requiredTier,
    scenario,
    settings: {
      startRatePerSecond: Math.max(minRatePerSecond, startRatePerSecond),
      minRatePerSecond,
      maxRatePerSecond,
      growthFactor,
      precisionRatio: precision,
      maxSteps,
    },
    criteria: {
      ...DEFAULT_STEP_CRITERIA,
      minOfferedRatio: profile.evaluation.minOfferedRatio,
      ...options.criteria,
    },
    warmUpSeconds,
    steadySeconds,
    budgetSeconds,
    maxVUsCap,
    latencyBounds,
    latencyBoundMs,
    // Requests slower than twice the bound fail the step anyway; waiting longer only costs time.
    gracefulStopSeconds: Math.max(1, Math.ceil((2 * (latencyBoundMs ?? 1000)) / 1000)),
    throughputBounds: readThroughputBounds(profile, tiers),
  };
}
