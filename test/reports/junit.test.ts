import { describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { escapeXml, renderJunit } from "../../src/reports/junit.js";
import {
  buildHostileInput,
  EMPTY_INPUT,
  HOSTILE_STRINGS,
  MIXED_INPUT,
  PASSING_INPUT,
} from "../fixtures/report-inputs.js";
import { findAll, parseXml, type XmlElement } from "./parse-xml.js";

function testcase(root: XmlElement, name: string): XmlElement {
  const found = findAll(root, "testcase").find((element) => element.attributes.name === name);
  if (!found) throw new Error(`no testcase ${name}`);
  return found;
}

// What a CI shows for one testcase: the outcome element, if any.
function outcomeOf(element: XmlElement): string {
  return element.children.find((child) => ["failure", "error", "skipped"].includes(child.name))?.name ?? "passed";
}

describe("renderJunit", () => {
  it.each<[string, ReportInput, Record<string, string>]>([
    [
      "mixed",
      MIXED_INPUT,
      {
        latency_p95: "failure",
        error_rate: "passed",
        throughput: "passed",
        db_latency_p95: "skipped",
        cpu: "error",
        memory: "skipped",
      },
    ],
    ["passing", PASSING_INPUT, { latency_p95: "passed", error_rate: "passed" }],
    ["empty", EMPTY_INPUT, {}],
  ])("%s: one well-formed testsuite, one testcase per objective", (_name, input, expected) => {
    const root = parseXml(renderJunit(input));
    expect(root.name).toBe("testsuites");
    const suites = findAll(root, "testsuite");
    expect(suites).toHaveLength(1);
    const cases = findAll(root, "testcase");
    expect(Object.fromEntries(cases.map((c) => [c.attributes.name, outcomeOf(c)]))).toEqual(expected);

    const outcomes = Object.values(expected);
    const count = (outcome: string) => String(outcomes.filter((o) => o === outcome).length);
    for (const element of [root, suites[0] as XmlElement]) {
      expect(element.attributes).toMatchObject({
        tests: String(outcomes.length),
        failures: count("failure"),
        errors: count("error"),
        skipped: count("skipped"),
      });
    }
  });

  it("failure message gives value, bound and tiers", () => {
    const root = parseXml(renderJunit(MIXED_INPUT));
    const failure = testcase(root, "latency_p95").children.find((c) => c.name === "failure");
    expect(failure?.attributes.message).toBe(
      "latency_p95 = 263.2 ms; Good needs < 200 ms; achieved target, required good",
    );
    expect(failure?.text).toContain("p95 263.2 ms is above the Good bound 200 ms");
  });

  it("inconclusive and advisory fails are skipped with a reason; errors carry theirs", () => {
    const root = parseXml(renderJunit(MIXED_INPUT));
    const skippedOf = (name: string) =>
      testcase(root, name).children.find((c) => c.name === "skipped")?.attributes.message;
    expect(skippedOf("db_latency_p95")).toBe(
      "inconclusive: no db_query_duration_seconds samples in the window",
    );
    expect(skippedOf("memory")).toBe(
      "advisory: memory = 72 %; Good needs < 60 %; achieved target, required good",
    );
    const error = testcase(root, "cpu").children.find((c) => c.name === "error");
    expect(error?.attributes.message).toBe("Prometheus query failed: connection refused");
  });

  it("suite properties carry the overall verdict and findings go to system-out", () => {
    const root = parseXml(renderJunit(MIXED_INPUT));
    const properties = Object.fromEntries(
      findAll(root, "property").map((p): [string, string | undefined] => [
        p.attributes.name ?? "",
        p.attributes.value,
      ]),
    );
    expect(properties).toMatchObject({
      verdict: "FAIL",
      requiredTier: "good",
      achievedTier: "target",
      profile: "orders-api",
      target: "http://127.0.0.1:8080",
    });
    const suite = findAll(root, "testsuite")[0];
    expect(suite?.attributes.timestamp).toBe("2025-03-01T12:00:00.000Z");
    expect(suite?.attributes.time).toBe("60");
    const out = suite?.children.find((c) => c.name === "system-out");
    expect(out?.text).toContain("warning LOW_SAMPLES: db_latency_p95 had 0 samples; needs 100");
  });

  it.each(HOSTILE_STRINGS.map((hostile) => [JSON.stringify(hostile), hostile]))(
    "hostile %s stays well-formed and round-trips",
    (_name, hostile) => {
      const root = parseXml(renderJunit(buildHostileInput(hostile)));
      // Characters XML cannot carry at all come back as U+FFFD; all else as it was.
      // eslint-disable-next-line no-control-regex -- the characters XML cannot carry
      const expected = hostile.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\ufffd");
      const names = findAll(root, "testcase").map((c) => c.attributes.name);
      expect(names).toContain(`latency_p95${expected}`);
      expect(findAll(root, "property").find((p) => p.attributes.name === "profile")?.attributes.value).toBe(
        expected,
      );
    },
  );

  it.each([
    ["markup", "<a href='x'>&</a>", "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;"],
    ["quotes", '"q"', "&quot;q&quot;"],
    ["line break kept as a reference", "a\nb\tc", "a&#10;b&#9;c"],
    ["forbidden control", "a\u0007b", "a\ufffdb"],
    ["lone surrogate", "a\ud800b", "a\ufffdb"],
    ["surrogate pair kept", "a\ud83d\ude00b", "a\ud83d\ude00b"],
  ])("escapeXml: %s", (_name, input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});
