import { describe, expect, it } from "vitest";
import { buildAlternation, escapeRegexLiteral, quotePromql } from "../../src/promql/escape.js";

// Expected values follow the two languages' rules, written out by hand:
// a PromQL double-quoted string takes Go escapes and ends with an error at a
// raw newline, so `\` → `\\`, `"` → `\"`, newline → `\n`, anything else as is;
// RE2's metacharacters are . * + ? ^ $ { } ( ) | [ ] and `\`, each escaped
// with a backslash, and nothing else (`-`, `/`, `:` only matter inside a class).

describe("quotePromql", () => {
  it.each([
    ["plain text", "orders", String.raw`"orders"`],
    ["empty", "", String.raw`""`],
    ["double quotes", 'say "hi"', String.raw`"say \"hi\""`],
    ["a backslash", String.raw`C:\temp`, String.raw`"C:\\temp"`],
    ["backslash then quote", String.raw`\"`, String.raw`"\\\""`],
    ["two backslashes", String.raw`\\`, String.raw`"\\\\"`],
    ["a newline, as the \\n escape", "line1\nline2", String.raw`"line1\nline2"`],
    ["a tab, which the lexer takes raw", "a\tb", '"a\tb"'],
    ["single quotes and backticks", "it's `x`", '"it\'s `x`"'],
    ["unicode as is", "/café/✓/日本", '"/café/✓/日本"'],
    ["regex metacharacters untouched", String.raw`5..|4\d+`, String.raw`"5..|4\\d+"`],
    ["an Argo placeholder", "{{args.service-name}}", '"{{args.service-name}}"'],
  ])("%s", (_name, input, expected) => {
    expect(quotePromql(input)).toBe(expected);
  });
});

describe("escapeRegexLiteral", () => {
  it.each([
    ["a dot", "/a.b", String.raw`/a\.b`],
    ["quantifiers", "a*b+c?", String.raw`a\*b\+c\?`],
    ["anchors", "^x$", String.raw`\^x\$`],
    ["groups and alternation", "(x)|y", String.raw`\(x\)\|y`],
    ["classes and repetition", "[a]{2}", String.raw`\[a\]\{2\}`],
    ["a backslash", String.raw`a\b`, String.raw`a\\b`],
    ["a route template unchanged", "/orders/:orderId", "/orders/:orderId"],
    ["a hyphen unchanged", "pod-7f9c", "pod-7f9c"],
    ["quotes left for quotePromql", 'x"y', 'x"y'],
    ["a newline left for quotePromql", "a\nb", "a\nb"],
    ["unicode unchanged", "/ünï/✓", "/ünï/✓"],
    ["empty", "", ""],
  ])("%s", (_name, input, expected) => {
    expect(escapeRegexLiteral(input)).toBe(expected);
  });
});

describe("buildAlternation", () => {
  it.each<[string, string[], string]>([
    ["none", [], ""],
    ["one", ["/users"], "/users"],
    ["methods", ["GET", "POST"], "GET|POST"],
    ["metacharacters in each value", ["/a.b", "/c|d", "/e(f)"], String.raw`/a\.b|/c\|d|/e\(f\)`],
    ["a backslash", [String.raw`back\slash`], String.raw`back\\slash`],
  ])("%s", (_name, values, expected) => {
    expect(buildAlternation(values)).toBe(expected);
  });

  it("matches exactly its values once anchored, as Prometheus anchors a matcher's regex", () => {
    const values = ["/a.b", "/x*y+z?", "/p(q)|r", "/[s]{t}^$", String.raw`/back\slash`, "/ünï/✓"];
    // JavaScript's `u` regexes read these escapes as RE2 does.
    const anchored = new RegExp(`^(?:${buildAlternation(values)})$`, "u");
    for (const value of values) expect(anchored.test(value)).toBe(true);
    for (const nearMiss of ["/aXb", "/xxxyzz", "/pq", "/p(q)", "r", "/back/slash", "/a.b/c"]) {
      expect(anchored.test(nearMiss)).toBe(false);
    }
  });

  it("quoted for a matcher: regex escapes first, then PromQL string escapes", () => {
    const values = ["/a.b", 'x"y', String.raw`back\slash`];
    expect(quotePromql(buildAlternation(values))).toBe(String.raw`"/a\\.b|x\"y|back\\\\slash"`);
  });
});
