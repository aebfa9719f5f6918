import { z } from "zod";
import { UNITS } from "./tiers.js";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * Route `name` tags as scenarios set them (`/api/v1/users/:id`). Commas and
 * braces are refused because k6 threshold selectors (`metric{name:…}`) cannot
 * carry them.
 */
const routeName = z
  .string()
  .min(1)
  .regex(
    /^[^,{}]+$/,
    "route names cannot contain ',', '{' or '}' (k6 selectors cannot carry them)",
  );

const requestScopeSchema = z
  .object({
    names: z.array(routeName).min(1).optional(),
    methods: z.array(z.enum(HTTP_METHODS)).min(1).optional(),
  })
  .strict();

const boundsSchema = z
  .object({
    direction: z.enum(["max", "min"]).default("max"),
    target: z.number(),
    good: z.number(),
    excellent: z.number(),
  })
  .strict();

/** `p(95)`, `p(99.9)`, `avg`, `min`, `max`, `med`, `rate`, `count`, `perSecond`, `value`. */
export const STAT_PATTERN = /^(p\((\d{1,2}(\.\d+)?)\)|avg|min|max|med|rate|count|perSecond|value)$/;

const objectiveSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, "ids are snake_case, e.g. latency_p95"),
    description: z.string().optional(),
    source: z.enum(["k6", "prometheus"]).optional(),
    mandatory: z.boolean().default(true),
    /** A row of tiers.yaml. */
    tier: z.string().optional(),
    /** The objective's own bounds, instead of a tier row. */
    bounds: boundsSchema.optional(),
    metric: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "k6 metric names are letters, digits and '_'")
      .optional(),
    stat: z
      .string()
      .regex(STAT_PATTERN, "stat is p(N), avg, min, max, med, rate, count, perSecond or value")
      .optional(),
    unit: z.enum(UNITS).optional(),
    requests: requestScopeSchema.optional(),
    responses: z.enum(["expected", "all"]).optional(),
    /** Gross-breach level for k6's abortOnFail threshold; false: never abort on this objective. */
    abortAt: z
      .union([z.number(), z.literal(false)], {
        error: "expected a number in the objective's unit, or false",
      })
      .optional(),
    /** PromQL returning the objective's value in its unit (source prometheus). */
    query: z.string().min(1).optional(),
  })
  .strict();

const evaluationSchema = z
  .object({
    /**
     * `slo`: judged on the tiers; `functional`: judged on checks and failed
     * requests, latency and throughput informational; `auto`: functional when
     * the scenario declared itself so (declareFunctional()), else slo.
     */
    kind: z.enum(["auto", "slo", "functional"]).default("auto"),
    window: z.enum(["steady", "all"]).default("steady"),
    minWindowSeconds: z.number().nonnegative().default(10),
    minTailSamples: z.int().positive().default(10),
    minRateEvents: z.number().nonnegative().default(3),
    minOfferedRatio: z.number().min(0).max(1).default(0.95),
  })
  .strict();

const k6Schema = z
  .object({
    abortFactor: z.number().gt(1).default(3),
    delayAbortEval: z
      .string()
      .regex(/^\d+(ms|s|m|h)$/, "a k6 duration such as 10s or 1m")
      .default("10s"),
  })
  .strict();

const metricName = z
  .string()
  .regex(
    /^[a-zA-Z_:][a-zA-Z0-9_:]*$/,
    "not a Prometheus metric name (letters, digits, '_' and ':')",
  );
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "not a Prometheus label name (letters, digits and '_')");

/**
 * Which series the server-side SLIs come from, for services whose metrics
 * are named otherwise than the seed's. Every field is optional: unset ones
 * keep the defaults (DEFAULT_PROMETHEUS_SLI_SETTINGS); CLI flags override.
 */
export const profilePrometheusSchema = z
  .object({
    /** Label matchers added to every query, e.g. `job="users-api"` (no braces). */
    selector: z
      .string()
      .regex(/^[^{}]*$/, 'give label matchers without braces, e.g. job="api"')
      .optional(),
    metrics: z
      .object({
        requestsTotal: metricName.optional(),
        /** Histogram base name, without `_bucket`. */
        requestDuration: metricName.optional(),
        dbQueryDuration: metricName.optional(),
        cpuSecondsTotal: metricName.optional(),
        residentMemoryBytes: metricName.optional(),
      })
      .strict()
      .optional(),
    labels: z
      .object({
        route: labelName.optional(),
        status: labelName.optional(),
        method: labelName.optional(),
      })
      .strict()
      .optional(),
    /** Status label values counted as errors, as a PromQL (RE2) regex. */
    errorStatusRegex: z
      .string()
      .min(1)
      .refine(compilesAsRegex, "not a valid regular expression")
      .optional(),
    cpuCores: z.number().positive().optional(),
    memoryLimitBytes: z.number().positive().optional(),
    /**
     * A gross client/server mismatch (SERVER_COUNT_LOW/HIGH,
     * SERVER_P95_FAR_BELOW_CLIENT): only a finding, or the run cannot pass.
     */
    onMismatch: z.enum(["finding", "inconclusive"]).optional(),
  })
  .strict();

function compilesAsRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * What reports may show of URLs in the evidence: query values are hidden
 * unless their parameter is listed here (credential-named ones stay hidden).
 */
const redactionSchema = z
  .object({
    showQueryValues: z
      .array(
        z
          .string()
          .regex(/^[^\s=&#?]+$/, "a query parameter name, without '=', '&', '#', '?' or spaces"),
      )
      .default([]),
  })
  .strict();

/** A regression margin: a fraction, 0.10 = 10 % for ratios, 0.001 = 0.1 percentage point for the error rate. */
const marginSchema = z
  .number()
  .positive("a margin is a positive fraction, e.g. 0.10 for 10 %")
  .lt(1, "a margin is a fraction below 1, e.g. 0.10 for 10 %");

/**
 * How far a run may move from its baseline before the comparison calls it a
 * change (`--baseline`, `slogate compare`): per kind of objective, and per
 * objective id.
 */
const regressionSchema = z
  .object({
    /** Latency percentiles: a ratio beyond 1 + latency is worse (0.10 = +10 %). */
    latency: marginSchema.optional(),
    /** Error rate: a difference beyond errorRate is worse (0.001 = +0.1 percentage point). */
    errorRate: marginSchema.optional(),
    /** Throughput, when the offered load matched: a ratio below 1 − throughput is worse. */
    throughput: marginSchema.optional(),
    /** One objective's own margin, in its kind's meaning, e.g. latency_p99: 0.25. */
    objectives: z.record(z.string(), marginSchema).default({}),
  })
  .strict();

/** The SLO profile file as written (thresholds/profiles/<name>.yaml), before tiers are resolved. */
export const profileFileSchema = z
  .object({
    version: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "profile names are kebab-case"),
    description: z.string().optional(),
    requiredTier: z.enum(["target", "good", "excellent"]).default("target"),
    /** Path to a tiers file, relative to the profile; the project's thresholds/tiers.yaml by default. */
    tiers: z.string().min(1).optional(),
    requests: requestScopeSchema.optional(),
    evaluation: evaluationSchema.default(() => evaluationSchema.parse({})),
    k6: k6Schema.default(() => k6Schema.parse({})),
    prometheus: profilePrometheusSchema.optional(),
    redaction: redactionSchema.optional(),
    regression: regressionSchema.optional(),
    objectives: z.array(objectiveSchema).min(1),
  })
  .strict();

export type ProfileFile = z.infer<typeof profileFileSchema>;
export type ObjectiveEntry = z.infer<typeof objectiveSchema>;
export type RequestScopeEntry = z.infer<typeof requestScopeSchema>;
export type ProfilePrometheusEntry = z.infer<typeof profilePrometheusSchema>;
