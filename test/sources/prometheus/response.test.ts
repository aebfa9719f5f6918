import { describe, expect, it } from "vitest";
import { parseQueryBody, parseSampleValue } from "../../../src/sources/prometheus/response.js";

describe("parseSampleValue", () => {
  it.each([
    ["0.25", 0.25],
    ["1e3", 1000],
    ["+Inf", Number.POSITIVE_INFINITY],
    ["-Inf", Number.NEGATIVE_INFINITY],
    ["NaN", Number.NaN],
    ["", Number.NaN],
    [12, Number.NaN],
  ])("%j → %s", (text, value) => {
    expect(parseSampleValue(text)).toBe(value);
  });
});

describe("parseQueryBody", () => {
  it.each([
    ["a scalar", { status: "success", data: { resultType: "scalar", result: [1, "2"] } }, "ok"],
    [
      "a string result",
      { status: "success", data: { resultType: "string", result: [1, "x"] } },
      "error",
    ],
    [
      "a matrix point without a value",
      {
        status: "success",
        data: { resultType: "matrix", result: [{ metric: {}, values: [[1]] }] },
      },
      "error",
    ],
    ["an unknown status", { status: "partial" }, "error"],
    ["null", null, "error"],
  ])("%s → %s", (_name, body, kind) => {
    expect(parseQueryBody(body).kind).toBe(kind);
  });
});
