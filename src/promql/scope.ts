import type { RequestScope } from "../core/profile.js";
import type { ServerSli } from "../core/server-slis.js";
import { buildAlternation } from "./escape.js";
import { buildEqualityMatcher, buildRegexMatcher, joinMatchers } from "./selectors.js";

/** The labels a request scope is matched on. */
export interface ScopeLabels {
  /** Route template label (the seed's `endpoint`). */
  route: string;
  /** HTTP method label (the seed's `method`). */
  method: string;
}

/**
 * How a scope of one route or method is written: `equality` as `label="v"`
 * (the templates and rules), `regex` as `label=~"v"` like any longer list.
 */
export type SingleValueMatcher = "equality" | "regex";

function buildValuesMatcher(label: string, values: string[], single: SingleValueMatcher): string {
  const only = values.length === 1 ? values[0] : undefined;
  return single === "equality" && only !== undefined
    ? buildEqualityMatcher(label, only)
    : buildRegexMatcher(label, "=~", buildAlternation(values));
}

/** Matchers for a request scope: its routes, then its methods, each value matched literally. */
export function buildScopeMatchers(
  scope: RequestScope,
  labels: ScopeLabels,
  single: SingleValueMatcher,
): string[] {
  const matchers: string[] = [];
  if (scope.names) matchers.push(buildValuesMatcher(labels.route, scope.names, single));
  if (scope.methods) matchers.push(buildValuesMatcher(labels.method, scope.methods, single));
  return matchers;
}

/**
 * A settings selector narrowed to a request SLI's scope (`job="a",endpoint=~"/x|/y"`),
 * for reading one objective through buildSliQueries; other SLIs keep `base`.
 */
export function buildScopedSelector(base: string, sli: ServerSli, labels: ScopeLabels): string {
  if (sli.kind !== "latency" && sli.kind !== "error_ratio" && sli.kind !== "throughput") {
    return base;
  }
  return joinMatchers([base.trim(), ...buildScopeMatchers(sli.scope, labels, "regex")]);
}
