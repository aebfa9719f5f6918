import { describe, expect, it } from "vitest";
import type { RequestScope } from "../../src/core/profile.js";
import type { ServerSli } from "../../src/core/server-slis.js";
import { buildScopedSelector, buildScopeMatchers } from "../../src/promql/scope.js";
import {
  buildSelector,
  formatRange,
  formatWholeSecondsRange,
  joinMatchers,
} from "../../src/promql/selectors.js";

const LABELS = { route: "endpoint", method: "method" };

describe("buildScopeMatchers", () => {
  it.each<[string, RequestScope, "equality" | "regex", string[]]>([
    ["every request", { names: null, methods: null }, "equality", []],
    [
      "one route, equality",
      { names: ["/orders"], methods: null },
      "equality",
      ['endpoint="/orders"'],
    ],
    ["one route, regex", { names: ["/orders"], methods: null }, "regex", ['endpoint=~"/orders"']],
    [
      "routes and methods",
      { names: ["/a.b", "/c"], methods: ["GET", "POST"] },
      "equality",
      [String.raw`endpoint=~"/a\\.b|/c"`, 'method=~"GET|POST"'],
    ],
    [
      "a quote and a backslash in one route",
      { names: [String.raw`/q"\x`], methods: ["DELETE"] },
      "equality",
      [String.raw`endpoint="/q\"\\x"`, 'method="DELETE"'],
    ],
    [
      "the same route as a regex",
      { names: [String.raw`/q"\x`], methods: null },
      "regex",
      [String.raw`endpoint=~"/q\"\\\\x"`],
    ],
  ])("%s", (_name, scope, single, expected) => {
    expect(buildScopeMatchers(scope, LABELS, single)).toEqual(expected);
  });
});

describe("buildScopedSelector", () => {
  const scope: RequestScope = { names: ["/users/:id"], methods: ["GET"] };
  it.each<[string, string, ServerSli, string]>([
    [
      "latency, with a base",
      ' job="api" ',
      { kind: "latency", scope, quantile: 0.95 },
      'job="api",endpoint=~"/users/:id",method=~"GET"',
    ],
    [
      "error ratio, no base",
      "",
      { kind: "error_ratio", scope },
      'endpoint=~"/users/:id",method=~"GET"',
    ],
    [
      "throughput over everything",
      'job="api"',
      { kind: "throughput", scope: { names: null, methods: null } },
      'job="api"',
    ],
    ["cpu keeps the base as given", ' job="api" ', { kind: "cpu", cores: 2 }, ' job="api" '],
    ["a profile's own query keeps the base", "", { kind: "query", query: "vector(1)" }, ""],
  ])("%s", (_name, base, sli, expected) => {
    expect(buildScopedSelector(base, sli, LABELS)).toBe(expected);
  });
});

describe("selectors and ranges", () => {
  it.each<[string, string, string[], string]>([
    ["no matchers", "", [], "{}"],
    ["the selector trimmed", '  job="a"  ', [], '{job="a"}'],
    ["empty extras left out", 'job="a"', ["", 'x!~"y"', ""], '{job="a",x!~"y"}'],
    ["extras only", " ", ['x="1"'], '{x="1"}'],
  ])("buildSelector: %s", (_name, selector, extra, expected) => {
    expect(buildSelector(selector, ...extra)).toBe(expected);
  });

  it("joinMatchers leaves out empty matchers and adds no braces", () => {
    expect(joinMatchers(["", 'a="1"', "", 'b=~"2|3"'])).toBe('a="1",b=~"2|3"');
    expect(joinMatchers([])).toBe("");
  });

  it.each([
    [300, "300000ms"],
    [1.5, "1500ms"],
    [0.0016, "2ms"],
    [0.0001, "1ms"],
  ])("formatRange(%s) is %s", (seconds, expected) => {
    expect(formatRange(seconds)).toBe(expected);
  });

  it.each([
    [61.5, "62s"],
    [60.4, "60s"],
    [0.2, "1s"],
  ])("formatWholeSecondsRange(%s) is %s", (seconds, expected) => {
    expect(formatWholeSecondsRange(seconds)).toBe(expected);
  });
});
