import { z } from "zod";
import { TargetError } from "../../errors.js";
import { DEFAULT_MAX_QUEUE, createNoFaults, type FaultConfig } from "./spec.js";

const latencySchema = z
  .object({ minMs: z.number().min(0).max(600_000), maxMs: z.number().min(0).max(600_000) })
  .strict()
  .refine((l) => l.minMs <= l.maxMs, { message: "minMs must not exceed maxMs" });

const ratioSchema = z.number().min(0).max(1);

/**
 * The JSON accepted by PUT /admin/faults: a whole FaultConfig where every field
 * may be left out (it then takes its no-fault default), so `{}` clears faults.
 */
const faultConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    errorStatus: z.number().int().min(500).max(599).optional(),
    errorRatio: ratioSchema.optional(),
    latency: latencySchema.nullable().optional(),
    dbLatency: latencySchema.nullable().optional(),
    routes: z
      .record(
        z.string(),
        z
          .object({ errorRatio: ratioSchema.optional(), latency: latencySchema.optional() })
          .strict(),
      )
      .optional(),
    capacity: z
      .object({
        concurrency: z.number().int().min(1).max(100_000),
        serviceTimeMs: z.number().gt(0).max(600_000),
        maxQueue: z.number().int().min(0).max(1_000_000).optional(),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

/**
 * Validates a fault config from JSON (admin API) and fills in defaults.
 * @throws TargetError TARGET_BAD_FAULT_CONFIG naming the first bad field.
 */
export function readFaultConfig(value: unknown): FaultConfig {
  const parsed = faultConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
    throw new TargetError(
      "TARGET_BAD_FAULT_CONFIG",
      `fault config field ${field}: ${issue?.message ?? "invalid"}`,
    );
  }
  const defaults = createNoFaults();
  const input = parsed.data;
  const routes: FaultConfig["routes"] = {};
  for (const [route, faults] of Object.entries(input.routes ?? {})) {
    routes[route] = {
      ...(faults.errorRatio === undefined ? {} : { errorRatio: faults.errorRatio }),
      ...(faults.latency === undefined ? {} : { latency: faults.latency }),
    };
  }
  return {
    seed: input.seed ?? defaults.seed,
    errorStatus: input.errorStatus ?? defaults.errorStatus,
    errorRatio: input.errorRatio ?? defaults.errorRatio,
    latency: input.latency ?? null,
    dbLatency: input.dbLatency ?? null,
    routes,
    capacity:
      input.capacity == null
        ? null
        : {
            concurrency: input.capacity.concurrency,
            serviceTimeMs: input.capacity.serviceTimeMs,
            maxQueue: input.capacity.maxQueue ?? DEFAULT_MAX_QUEUE,
          },
  };
}

/**
 * Refuses route keys that name no route, which would otherwise silently inject
 * nothing. @throws TargetError TARGET_UNKNOWN_ROUTE
 */
export function checkFaultRoutes(config: FaultConfig, knownRoutes: readonly string[]): void {
  for (const route of Object.keys(config.routes)) {
    if (!knownRoutes.includes(route)) {
      throw new TargetError(
        "TARGET_UNKNOWN_ROUTE",
        `fault route "${route}" is not a route template; use one of ${knownRoutes.join(", ")}`,
      );
    }
  }
}
