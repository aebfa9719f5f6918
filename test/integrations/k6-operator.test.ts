import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { k8sTestRun, loadTestRunValidator } from "../../src/commands/k8s-testrun.js";
import { ConfigError } from "../../src/errors.js";
import { buildSegmentArgs, stripInlineSourceMap } from "../../src/integrations/k6-operator.js";

const TARGET = "http://orders.shop.svc.cluster.local:8080";

interface ConfigMapDocument {
  kind: string;
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

interface TestRunDocument {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string };
  spec: {
    parallelism: number;
    cleanup?: string;
    arguments: string;
    script: unknown;
    runner: { image: string; resources?: unknown; env: { name: string; value: string }[] };
  };
}
const REMOTE_WRITE = "http://prometheus.monitoring.svc:9090/api/v1/write";

describe("buildSegmentArgs", () => {
  // What k6-operator's pkg/segmentation gives runner i of N, written out by hand.
  it.each([
    { index: 1, total: 1, expected: [] },
    {
      index: 1,
      total: 3,
      expected: ["--execution-segment=0:1/3", "--execution-segment-sequence=0,1/3,2/3,1"],
    },
    {
      index: 2,
      total: 3,
      expected: ["--execution-segment=1/3:2/3", "--execution-segment-sequence=0,1/3,2/3,1"],
    },
    {
      index: 3,
      total: 3,
      expected: ["--execution-segment=2/3:1", "--execution-segment-sequence=0,1/3,2/3,1"],
    },
    {
      index: 4,
      total: 4,
      expected: ["--execution-segment=3/4:1", "--execution-segment-sequence=0,1/4,2/4,3/4,1"],
    },
  ])("runner $index of $total", ({ index, total, expected }) => {
    expect(buildSegmentArgs(index, total)).toEqual(expected);
  });
});

describe("stripInlineSourceMap", () => {
  it("drops only a trailing inline source map", () => {
    const script =
      "export default function () {}\n//# sourceMappingURL=data:application/json;base64,eyJ2IjozfQ==\n";
    expect(stripInlineSourceMap(script)).toBe("export default function () {}\n");
    expect(stripInlineSourceMap("const a = 1;\n")).toBe("const a = 1;\n");
  });
});

describe("k8sTestRun", () => {
  it("generates a ConfigMap and a TestRun the CRD accepts, with script, runners, remote write and testid", async () => {
    const result = await k8sTestRun({
      scenario: "load",
      target: TARGET,
      name: "checkout-load",
      namespace: "perf",
      parallelism: 4,
      ratePerSecond: 400,
      prometheusRemoteWriteUrl: REMOTE_WRITE,
      testId: "checkout-2026-11-22",
      cpu: "1",
      memory: "512Mi",
      cleanup: true,
    });
    const documents = parseAllDocuments(result.yaml).map((document) => document.toJS() as unknown);
    expect(documents).toHaveLength(2);
    const [configMap, testRun] = documents as [ConfigMapDocument, TestRunDocument];
    expect([configMap.kind, testRun.kind]).toEqual(["ConfigMap", "TestRun"]);
    expect(testRun).toEqual(result.testRun);

    // The script, small enough for a ConfigMap, without its source map.
    const script = configMap.data["load.js"] ?? "";
    expect(script).toMatch(/as default\b|export default/);
    expect(script).not.toContain("sourceMappingURL=data:");
    expect(Buffer.byteLength(script)).toBeLessThan(1024 * 1024);
    expect(testRun.spec.script).toEqual({
      configMap: { name: configMap.metadata.name, file: "load.js" },
    });
    expect(configMap.metadata.namespace).toBe("perf");

    expect(testRun.apiVersion).toBe("k6.io/v1alpha1");
    expect(testRun.metadata).toMatchObject({ name: "checkout-load", namespace: "perf" });
    expect(testRun.spec.parallelism).toBe(4);
    expect(testRun.spec.cleanup).toBe("post");
    expect(testRun.spec.arguments.split(" ")).toEqual([
      "--out",
      "experimental-prometheus-rw",
      "--tag",
      "testid=checkout-2026-11-22",
    ]);
    expect(testRun.spec.runner.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
    expect(testRun.spec.runner.resources).toEqual({
      requests: { cpu: "1", memory: "512Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    });
    const env = Object.fromEntries(
      testRun.spec.runner.env.map((entry) => [entry.name, entry.value]),
    );
    expect(env.BASE_URL).toBe(TARGET);
    expect(env.RATE).toBe("400");
    expect(env.K6_PROMETHEUS_RW_SERVER_URL).toBe(REMOTE_WRITE);
    expect(env.K6_FEATURES).toBe("native-histograms");
    // The profile's thresholds, as k6 reads them.
    const thresholds = JSON.parse(env.SLOGATE_THRESHOLDS ?? "") as Record<string, unknown[]>;
    expect(Object.keys(thresholds).some((key) => key.startsWith("http_req_duration{"))).toBe(true);

    expect(loadTestRunValidator().validate(result.testRun)).toEqual([]);
  });

  it("without Prometheus, still tags the run with its testid", async () => {
    const result = await k8sTestRun({
      scenario: "smoke",
      target: TARGET,
      name: "smoke-run",
      testId: "t-1",
    });
    const spec = result.testRun.spec as { arguments: string; runner: { env: { name: string }[] } };
    expect(spec.arguments).toBe("--tag testid=t-1");
    expect(spec.runner.env.map((entry) => entry.name)).not.toContain("K6_PROMETHEUS_RW_SERVER_URL");
    expect(loadTestRunValidator().validate(result.testRun)).toEqual([]);
  });

  it("refuses a quantity the CRD rejects, naming the field", async () => {
    const error = await k8sTestRun({
      scenario: "smoke",
      target: TARGET,
      name: "bad-cpu",
      cpu: "1 core",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("K8S_TESTRUN_INVALID");
    expect((error as Error).message).toContain("spec.runner.resources.limits.cpu");
  });

  it.each([
    { name: "--name with capitals", options: { name: "Load" }, message: "--name" },
    { name: "--parallelism 0", options: { parallelism: 0 }, message: "--parallelism" },
  ])("refuses $name in one line", async ({ options, message }) => {
    const error = await k8sTestRun({ scenario: "smoke", target: TARGET, ...options }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("the TestRun CRD validator is strict", () => {
  const valid = {
    apiVersion: "k6.io/v1alpha1",
    kind: "TestRun",
    metadata: { name: "t", namespace: "perf" },
    spec: {
      parallelism: 2,
      script: { configMap: { name: "t-script", file: "load.js" } },
      arguments: "--tag testid=x",
      runner: { image: "grafana/k6:2.2.0", env: [{ name: "BASE_URL", value: "http://x" }] },
    },
  };
  type Path = (string | number)[];
  /** A copy of `valid` with the value at `path` replaced (or removed when `value` is undefined). */
  const mutate = (path: Path, value?: unknown): unknown => {
    const copy = structuredClone(valid) as unknown as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] ?? "";
    if (value === undefined) delete node[last];
    else node[last] = value;
    return copy;
  };

  it("accepts the minimal valid TestRun", () => {
    expect(loadTestRunValidator().validate(valid)).toEqual([]);
  });

  it.each([
    {
      name: "unknown spec field",
      path: ["spec", "parallelizm"],
      value: 3,
      expected: "spec.parallelizm: unknown field",
    },
    {
      name: "unknown nested field",
      path: ["spec", "runner", "resource"],
      value: {},
      expected: "spec.runner.resource: unknown field",
    },
    {
      name: "unknown field in an env entry",
      path: ["spec", "runner", "env", 0, "val"],
      value: "x",
      expected: "spec.runner.env[0].val: unknown field",
    },
    {
      name: "parallelism as a string",
      path: ["spec", "parallelism"],
      value: "3",
      expected: "spec.parallelism",
    },
    {
      name: "a quantity with a space",
      path: ["spec", "runner", "resources"],
      value: { limits: { cpu: "1 core" } },
      expected: "spec.runner.resources.limits.cpu",
    },
    {
      name: "cleanup outside its enum",
      path: ["spec", "cleanup"],
      value: "always",
      expected: "spec.cleanup",
    },
    {
      name: "no script",
      path: ["spec", "script"],
      value: undefined,
      expected: "spec.script: required",
    },
    {
      name: "configMap without a name",
      path: ["spec", "script", "configMap", "name"],
      value: undefined,
      expected: "spec.script.configMap.name: required",
    },
    { name: "wrong apiVersion", path: ["apiVersion"], value: "k6.io/v1", expected: "apiVersion" },
    {
      name: "bad metadata name",
      path: ["metadata", "name"],
      value: "Not_A_Name",
      expected: "metadata.name",
    },
  ])("rejects $name", ({ path, value, expected }) => {
    const problems = loadTestRunValidator().validate(mutate(path, value));
    expect(problems.join("\n")).toContain(expected);
  });
});
