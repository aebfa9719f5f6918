export {
  startTargets,
  DEFAULT_ORDER_PROCESSING_DELAY_MS,
  DEFAULT_RATE_LIMIT,
} from "./start-targets.js";
export type { RunningTargets, StartTargetsOptions } from "./start-targets.js";
export { parseFaultSpec, formatFaultSpec, createNoFaults } from "./faults/spec.js";
export type { FaultConfig, LatencyRange, RouteFaults, CapacityLimit } from "./faults/spec.js";
export { readFaultConfig } from "./faults/config.js";
export type { RateLimitOptions } from "./rate-limiter.js";
export { createMemoryStorage } from "./storage/memory.js";
export type { MemoryStorageOptions } from "./storage/memory.js";
export { generateSeedUsers, generateSeedProducts } from "./seed-data.js";
export { HTTP_DURATION_BUCKETS_SECONDS, DB_DURATION_BUCKETS_SECONDS } from "./metrics.js";
export type * from "./storage/storage.js";
