import { describe, expect, it } from "vitest";
import { TargetError } from "../../../src/errors.js";
import { readFaultConfig } from "../../../src/targets/faults/config.js";
import {
  formatFaultSpec,
  parseFaultSpec,
  type FaultConfig,
} from "../../../src/targets/faults/spec.js";

const none: FaultConfig = {
  seed: 1,
  errorStatus: 503,
  errorRatio: 0,
  latency: null,
  dbLatency: null,
  routes: {},
  capacity: null,
};

describe("parseFaultSpec", () => {
  it.each<{ spec: string; expected: FaultConfig }>([
    { spec: "", expected: none },
    { spec: "none", expected: none },
    {
      spec: "error=0.02,latency=150ms,seed=7",
      expected: { ...none, errorRatio: 0.02, latency: { minMs: 150, maxMs: 150 }, seed: 7 },
    },
    { spec: "error=5%", expected: { ...none, errorRatio: 0.05 } },
    { spec: " latency = 1.5s ", expected: { ...none, latency: { minMs: 1500, maxMs: 1500 } } },
    { spec: "latency=50-150ms", expected: { ...none, latency: { minMs: 50, maxMs: 150 } } },
    { spec: "latency=1-2s", expected: { ...none, latency: { minMs: 1000, maxMs: 2000 } } },
    { spec: "latency=20ms-1s", expected: { ...none, latency: { minMs: 20, maxMs: 1000 } } },
    { spec: "db=20ms", expected: { ...none, dbLatency: { minMs: 20, maxMs: 20 } } },
    {
      spec: "db=10-30ms,latency=5ms",
      expected: { ...none, dbLatency: { minMs: 10, maxMs: 30 }, latency: { minMs: 5, maxMs: 5 } },
    },
    {
      spec: "latency@/api/v1/users/:id=50-150ms",
      expected: {
        ...none,
        routes: { "/api/v1/users/:id": { latency: { minMs: 50, maxMs: 150 } } },
      },
    },
    {
      spec: "latency=/api/v1/users/:id:50-150ms,error=/orders:0.5",
      expected: {
        ...none,
        routes: {
          "/api/v1/users/:id": { latency: { minMs: 50, maxMs: 150 } },
          "/orders": { errorRatio: 0.5 },
        },
      },
    },
    {
      spec: "error@/orders=1,latency@/orders=10ms,status=500",
      expected: {
        ...none,
        errorStatus: 500,
        routes: { "/orders": { errorRatio: 1, latency: { minMs: 10, maxMs: 10 } } },
      },
    },
    {
      spec: "capacity=8x50ms",
      expected: { ...none, capacity: { concurrency: 8, serviceTimeMs: 50, maxQueue: 10_000 } },
    },
    {
      spec: "queue=0,capacity=1x1s",
      expected: { ...none, capacity: { concurrency: 1, serviceTimeMs: 1000, maxQueue: 0 } },
    },
  ])("parses '$spec'", ({ spec, expected }) => {
    expect(parseFaultSpec(spec)).toEqual(expected);
  });

  it.each([
    { spec: "error", mentions: '"error"' },
    { spec: "error=2", mentions: "ratio" },
    { spec: "error=-0.1", mentions: "ratio" },
    { spec: "error=%", mentions: "ratio" },
    { spec: "latency=150", mentions: "150ms" },
    { spec: "latency=fast", mentions: "duration" },
    { spec: "latency=200-100ms", mentions: "lower bound" },
    { spec: "db=30", mentions: "not a duration" },
    { spec: "db=30-10ms", mentions: "lower bound" },
    { spec: "db@/orders=10ms", mentions: "only error and latency" },
    { spec: "latency=10m", mentions: "duration" },
    { spec: "status=404", mentions: "500 to 599" },
    { spec: "seed=-1", mentions: "whole number" },
    { spec: "seed=1.5", mentions: "whole number" },
    { spec: "capacity=8", mentions: "CONCURRENCYxDURATION" },
    { spec: "capacity=0x10ms", mentions: "whole number" },
    { spec: "capacity=2x0ms", mentions: "above 0" },
    { spec: "queue=10", mentions: "needs capacity" },
    { spec: "jitter=5ms", mentions: 'unknown key "jitter"' },
    { spec: "seed@/orders=1", mentions: "only error and latency" },
    { spec: "error@orders=0.1", mentions: "starts with /" },
    { spec: "error=0.1,error=0.2", mentions: "given twice" },
  ])("refuses '$spec' in one line mentioning $mentions", ({ spec, mentions }) => {
    let caught: unknown;
    try {
      parseFaultSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TargetError);
    const error = caught as TargetError;
    expect(error.code).toBe("TARGET_BAD_FAULT_SPEC");
    expect(error.message).toContain(mentions);
    expect(error.message).not.toContain("\n");
  });

  it.each([
    "error=0.02,latency=150ms,seed=7",
    "latency=50-150ms,error@/orders=0.5,latency@/orders=5ms,status=500,seed=3",
    "capacity=4x25ms,queue=9,seed=1",
    "db=10-30ms,error=0.01,seed=2",
  ])("formats back to an equivalent spec: %s", (spec) => {
    const config = parseFaultSpec(spec);
    expect(parseFaultSpec(formatFaultSpec(config))).toEqual(config);
  });
});

describe("readFaultConfig (admin JSON)", () => {
  it("fills in defaults, so {} means no faults", () => {
    expect(readFaultConfig({})).toEqual(none);
    expect(
      readFaultConfig({ errorRatio: 0.1, capacity: { concurrency: 2, serviceTimeMs: 5 } }),
    ).toEqual({
      ...none,
      errorRatio: 0.1,
      capacity: { concurrency: 2, serviceTimeMs: 5, maxQueue: 10_000 },
    });
  });

  it.each([
    { value: [], field: "body" },
    { value: { errorRatio: 1.5 }, field: "errorRatio" },
    { value: { latency: { minMs: 9, maxMs: 1 } }, field: "latency" },
    { value: { dbLatency: { minMs: -1, maxMs: 1 } }, field: "dbLatency.minMs" },
    { value: { routes: { "/orders": { errorRatio: "x" } } }, field: "routes./orders.errorRatio" },
    { value: { typo: 1 }, field: "body" },
    { value: { capacity: { concurrency: 0, serviceTimeMs: 5 } }, field: "capacity.concurrency" },
  ])("refuses $value naming field $field", ({ value, field }) => {
    expect(() => readFaultConfig(value)).toThrow(`fault config field ${field}:`);
  });
});
