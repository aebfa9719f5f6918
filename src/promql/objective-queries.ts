import { formatThresholdNumber } from "../core/k6-thresholds.js";
import type { RequestScope } from "../core/profile.js";
import type { PlannedObjective } from "../core/server-slis.js";
import { buildScopeMatchers } from "./scope.js";
import { buildMatcherSelector, buildRegexMatcher } from "./selectors.js";
import type { PrometheusSliSettings } from "./settings.js";

/** Which series the generated PromQL reads, and over what range. */
export interface PromqlContext {
  settings: PrometheusSliSettings;
  /** The label holding the HTTP method (the seed's `method`). */
  methodLabel: string;
  /** Label matchers on every selector, e.g. `service="{{args.service-name}}"`. */
  matchers: readonly string[];
  /** PromQL range, e.g. `5m`. */
  range: string;
  /** Labels kept through aggregation (alert rules keep the service's); none by default. */
  aggregateBy?: readonly string[];
}

function selector(context: PromqlContext, ...extra: string[]): string {
  return buildMatcherSelector([...context.matchers, ...extra]);
}

/** Matchers for request series: the scope, minus the scraper's own calls. */
function requestSelector(context: PromqlContext, scope: RequestScope, ...extra: string[]): string {
  const { excludeRoutesRegex, labels } = context.settings;
  const exclude =
    excludeRoutesRegex && !scope.names
      ? buildRegexMatcher(labels.route, "!~", excludeRoutesRegex)
      : "";
  const scoped = buildScopeMatchers(
    scope,
    { route: labels.route, method: context.methodLabel },
    "equality",
  );
  return selector(context, ...scoped, exclude, ...extra);
}

/** `sum(expr)` or `sum by (a, b) (expr)`; quantiles add `le`. */
function sumOf(expr: string, context: PromqlContext, ...extra: string[]): string {
  const by = [...extra, ...(context.aggregateBy ?? [])];
  return by.length > 0 ? `sum by (${by.join(", ")}) (${expr})` : `sum(${expr})`;
}

function quantileOf(
  metric: string,
  sel: string,
  quantile: number,
  context: PromqlContext,
): { value: string; count: string } {
  const toMs = context.settings.durationUnit === "seconds" ? " * 1000" : "";
  const q = formatThresholdNumber(quantile);
  if (context.settings.histogramKind === "native") {
    return {
      value: `histogram_quantile(${q}, ${sumOf(`rate(${metric}${sel}[${context.range}])`, context)})${toMs}`,
      count: sumOf(`histogram_count(increase(${metric}${sel}[${context.range}]))`, context),
    };
  }
  return {
    value: `histogram_quantile(${q}, ${sumOf(`rate(${metric}_bucket${sel}[${context.range}])`, context, "le")})${toMs}`,
    count: sumOf(`increase(${metric}_count${sel}[${context.range}])`, context),
  };
}

function maxOf(expr: string, context: PromqlContext): string {
  const by = context.aggregateBy ?? [];
  return by.length > 0 ? `max by (${by.join(", ")}) (${expr})` : `max(${expr})`;
}

/**
 * Share of 5xx among the scope's requests over the range, and the request
 * count behind it. A service creates its 5xx series at the first 5xx, so a
 * missing error series means none happened: `or (all * 0)` makes that 0
 * with the same labels, while no requests at all still give an empty result.
 */
export function buildErrorRatio(
  scope: RequestScope,
  context: PromqlContext,
): { value: string; count: string } {
  const { metrics, labels } = context.settings;
  const sel = requestSelector(context, scope);
  const errorsSel = requestSelector(
    context,
    scope,
    buildRegexMatcher(labels.status, "=~", context.settings.errorStatusRegex),
  );
  const all = sumOf(`rate(${metrics.requestsTotal}${sel}[${context.range}])`, context);
  const errors = sumOf(`rate(${metrics.requestsTotal}${errorsSel}[${context.range}])`, context);
  return {
    value: `(${errors} or ${all} * 0) / ${all}`,
    count: sumOf(`increase(${metrics.requestsTotal}${sel}[${context.range}])`, context),
  };
}

/** The scope's request-latency quantile in ms over the range, and the observation count. */
export function buildLatencyQuantile(
  scope: RequestScope,
  quantile: number,
  context: PromqlContext,
): { value: string; count: string } {
  return quantileOf(
    context.settings.metrics.requestDuration,
    requestSelector(context, scope),
    quantile,
    context,
  );
}

/** Keeps `value` only while `count` reached `min`: too little data reads as no data. */
function guard(value: string, count: string, min: number): string {
  return `(${value}) and on() (${count} >= ${min})`;
}

/**
 * One PromQL expression per planned objective, returning a single number in
 * the objective's unit (ms, ratio, req/s) — or an empty vector when the
 * window holds too few requests to judge, and NaN when it holds none.
 * Rates over the range (not `increase`), so ratios are exact and latency
 * quantiles come from the histogram buckets as the seed's alerts do.
 */
export function buildObjectiveQuery(planned: PlannedObjective, context: PromqlContext): string {
  const { settings, range } = context;
  const { metrics } = settings;
  const sli = planned.sli;
  switch (sli.kind) {
    case "error_ratio": {
      const { value, count } = buildErrorRatio(sli.scope, context);
      return guard(value, count, planned.minSamples);
    }
    case "latency": {
      const { value, count } = buildLatencyQuantile(sli.scope, sli.quantile, context);
      return guard(value, count, planned.minSamples);
    }
    case "throughput": {
      const sel = requestSelector(context, sli.scope);
      return guard(
        sumOf(`rate(${metrics.requestsTotal}${sel}[${range}])`, context),
        sumOf(`increase(${metrics.requestsTotal}${sel}[${range}])`, context),
        planned.minSamples,
      );
    }
    case "db_latency": {
      const { value, count } = quantileOf(
        metrics.dbQueryDuration,
        selector(context),
        sli.quantile,
        context,
      );
      return guard(value, count, planned.minSamples);
    }
    case "cpu":
      return `${sumOf(`rate(${metrics.cpuSecondsTotal}${selector(context)}[${range}])`, context)} / ${formatThresholdNumber(sli.cores)}`;
    case "memory":
      return `${maxOf(`max_over_time(${metrics.residentMemoryBytes}${selector(context)}[${range}])`, context)} / ${formatThresholdNumber(sli.limitBytes)}`;
    case "query":
      return sli.query;
  }
}
