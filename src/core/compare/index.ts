export { compareGroup, DEFAULT_MARGINS, type CompareGroupOptions } from "./compare-group.js";
export { decideEffect, formatMargin, type Decision } from "./decide.js";
export {
  estimateDesignEffect,
  estimateErrorRateEffect,
  newcombeInterval,
  wilsonInterval,
  type ErrorRateEffectOptions,
} from "./error-rate-effect.js";
export {
  estimateLatencyEffect,
  prepareRun,
  type LatencyEffectOptions,
  type PreparedRun,
} from "./latency-effect.js";
export { createSeededRandom, deriveSeed, drawNormal, type Random } from "./random.js";
export { simulateRun, type SimulatedRunOptions } from "./simulate.js";
export { estimateThroughputEffect, type OfferedLoad } from "./throughput-effect.js";
export type * from "./types.js";
