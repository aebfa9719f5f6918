/**
 * Text as a PromQL double-quoted string literal. Prometheus' lexer takes
 * Go-style escapes inside the quotes and ends the string with an error at a
 * raw newline, so backslash, the quote and newline are escaped; every other
 * character, UTF-8 included, stands for itself.
 */
export function quotePromql(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/**
 * Text as an RE2 pattern that matches exactly that text: each regex
 * metacharacter gets a backslash. The result is a pattern, not yet a PromQL
 * literal: quote it (quotePromql) to put it in a matcher.
 */
export function escapeRegexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * An RE2 alternation matching exactly these strings (Prometheus anchors a
 * matcher's regex at both ends), e.g. `/a\.b|/c` for `/a.b` and `/c`.
 */
export function buildAlternation(values: readonly string[]): string {
  return values.map(escapeRegexLiteral).join("|");
}
