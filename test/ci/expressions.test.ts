import { describe, expect, it } from "vitest";
import { evaluate, evaluateCondition, interpolate, type Contexts } from "./expressions.js";

// The stand-in runner for action.yml evaluates expressions as GitHub documents
// them ("Evaluate expressions in workflows and actions"); these cases are the
// documented rules it relies on.
const contexts: Contexts = {
  inputs: { "node-version": "", scenario: "load", upload: "true" },
  steps: { node: { outputs: { usable: "true" } }, empty: { outputs: {} } },
  runner: { os: "Linux" },
};

describe("GitHub expression subset", () => {
  it.each([
    ["a missing output is null, so it equals ''", "steps.empty.outputs.x == ''", true],
    ["|| returns the first truthy operand", "inputs.node-version || '20'", "20"],
    ["|| keeps a non-empty value", "inputs.scenario || 'smoke'", "load"],
    ["&& returns the last operand when all are truthy", "inputs.scenario && 'yes'", "yes"],
    ["string comparison ignores case", "runner.os == 'linux'", true],
    ["!= on strings", "steps.node.outputs.usable != 'true'", false],
    ["! negates truthiness", "!inputs.node-version", true],
    [
      "parentheses group",
      "(inputs.node-version != '' || steps.node.outputs.usable != 'true')",
      false,
    ],
    ["always() is true", "always() && inputs.upload == 'true'", true],
    ["a quote inside a string is doubled", "'it''s'", "it's"],
  ] as const)("%s", (_, source, expected) => {
    expect(evaluate(source, contexts, { failed: false })).toBe(expected);
  });

  it("runs a step without if: only while nothing failed, and success()/failure() follow the job", () => {
    expect(evaluateCondition(undefined, contexts, { failed: false })).toBe(true);
    expect(evaluateCondition(undefined, contexts, { failed: true })).toBe(false);
    expect(evaluateCondition("failure()", contexts, { failed: true })).toBe(true);
    expect(evaluateCondition("${{ success() }}", contexts, { failed: true })).toBe(false);
    expect(evaluateCondition("always()", contexts, { failed: true })).toBe(true);
  });

  it("substitutes ${{ }} in text, null as ''", () => {
    expect(
      interpolate("v=${{ inputs.scenario }} x=${{ steps.empty.outputs.x }}", contexts, {
        failed: false,
      }),
    ).toBe("v=load x=");
  });

  it("refuses a context or function it does not know rather than guess", () => {
    expect(() => evaluate("secrets.TOKEN", contexts, { failed: false })).toThrow(
      /unknown context 'secrets'/,
    );
    expect(() => evaluate("contains(inputs.scenario, 'l')", contexts, { failed: false })).toThrow();
  });
});
