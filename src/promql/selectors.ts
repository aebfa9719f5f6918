import { quotePromql } from "./escape.js";

/** `label="value"`, the value quoted as a PromQL string. */
export function buildEqualityMatcher(label: string, value: string): string {
  return `${label}=${quotePromql(value)}`;
}

/** `label=~"regex"` or `label!~"regex"`: the regex as written, quoted as a PromQL string. */
export function buildRegexMatcher(label: string, operator: "=~" | "!~", regex: string): string {
  return `${label}${operator}${quotePromql(regex)}`;
}

/** Label matchers joined with commas, empty ones left out (no braces: a settings selector). */
export function joinMatchers(matchers: readonly string[]): string {
  return matchers.filter((matcher) => matcher !== "").join(",");
}

/** `{a="b",c="d"}` from label matchers; empty ones are left out. */
export function buildMatcherSelector(matchers: readonly string[]): string {
  return `{${joinMatchers(matchers)}}`;
}

/** `{a="b",c!~"d"}` from the profile's selector plus extra matchers. */
export function buildSelector(selector: string, ...extra: string[]): string {
  return buildMatcherSelector([selector.trim(), ...extra]);
}

/**
 * Window length as a PromQL range in whole milliseconds (`300000ms`), so
 * the range is the window itself and a rate divides by the same seconds.
 */
export function formatRange(windowSeconds: number): string {
  return `${Math.max(1, Math.round(windowSeconds * 1000))}ms`;
}

/** Window length as a PromQL range in whole seconds, at least one (`61s`). */
export function formatWholeSecondsRange(windowSeconds: number): string {
  return `${Math.max(1, Math.round(windowSeconds))}s`;
}
