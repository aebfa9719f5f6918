import type { CapacityFinding, CapacitySearchSettings, StepReason, StopReason } from "./search.js";
import type { CapacityStepCriteria, CapacityStepOutcome } from "./step.js";
import type { Finding, Outcome, RequiredTier, Tier, TierBounds, Unit } from "../types.js";

/** Version of the capacity JSON (capacity.json); bump on any incompatible change. */
export const CAPACITY_SCHEMA_VERSION = 1;

/** One objective of one step, as judged at the required tier. */
export interface CapacityObjective {
  id: string;
  value: number | null;
  unit: Unit;
  samples: number;
  tier: Tier | null;
  verdict: Outcome;
  reason: string;
}

/** What Prometheus said about one step's steady window (`capacity --prometheus`). */
export interface CapacityStepServer {
  /** Requests the service counted in the window; null when Prometheus gave no usable value. */
  requests: number | null;
  requestsPerSecond: number | null;
  /** The server's own p95 (histogram), ms. */
  p95Ms: number | null;
  /** The server's 5xx share. */
  errorRatio: number | null;
  /** Database query p95, ms, when the service exports it. */
  dbP95Ms: number | null;
  /** The profile's server-side objectives, judged at the required tier on Prometheus's figures. */
  objectives: CapacityObjective[];
  /**
   * Why the server side does not confirm the step: mandatory server-side
   * objectives Prometheus could not measure, and cross-check warnings. The
   * step keeps its k6 verdict; these say what it does not claim.
   */
  notes: string[];
  /** Wall-clock ms spent waiting for the scrape and querying. */
  queryMs: number;
}

/** One point of the capacity curve: a step and what it showed. */
export interface CapacityStep {
  /** 1-based, in the order run. */
  index: number;
  /** Offered (constant arrival) rate, req/s. */
  ratePerSecond: number;
  reason: StepReason;
  /** True when the rate was run again and the repeat decided it: this run does not count. */
  repeated: boolean;
  /** `interrupted`/`error`: the step could not be judged and does not count. */
  outcome: CapacityStepOutcome | "interrupted" | "error";
  limitedBy: "service" | "generator" | null;
  /** Why it did not pass (or why it could not be judged), deciding reasons first. */
  reasons: string[];
  achievedRatePerSecond: number | null;
  completedRatio: number | null;
  requests: number;
  failedRequests: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  completedIterations: number;
  droppedIterations: number;
  meanIterationMs: number | null;
  vuDemand: number | null;
  preAllocatedVUs: number;
  maxVUs: number;
  k6CpuCores: number | null;
  hostBusyRatio: number | null;
  hostCores: number;
  objectives: CapacityObjective[];
  /** Prometheus's view of the steady window with `--prometheus`; null (or absent) without it or when unjudged. */
  server?: CapacityStepServer | null;
  warmUpSeconds: number;
  steadySeconds: number;
  startedAt: string;
  wallSeconds: number;
  k6ExitCode: number | null;
  /** The step's raw k6 files, relative to the report directory. */
  dir: string;
}

/** Everything `slogate capacity` found; capacity.json is this object. */
export interface CapacityResult extends CapacityFinding {
  schemaVersion: typeof CAPACITY_SCHEMA_VERSION;
  target: string;
  profile: string;
  scenario: string;
  requiredTier: RequiredTier;
  /** The latency bound the required tier sets (p95 of the profile's latency objective), ms; null without one. */
  latencyBoundMs: number | null;
  /** All tiers of that latency objective, for charts; null without one. */
  latencyBounds: TierBounds | null;
  throughputBounds: TierBounds;
  stoppedBy: StopReason;
  settings: CapacitySearchSettings & {
    warmUpSeconds: number;
    steadySeconds: number;
    budgetSeconds: number;
    criteria: CapacityStepCriteria;
  };
  steps: CapacityStep[];
  /** The highest rate k6 actually completed in any step, req/s. */
  highestAchievedRatePerSecond: number | null;
  findings: Finding[];
  k6: { version: string | null };
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
  runId: string;
}
