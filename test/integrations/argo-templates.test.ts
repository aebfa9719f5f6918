import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { argo, type ArgoOptions } from "../../src/commands/argo.js";
import { loadArgoValidators, SCHEMAS_DIR } from "../../src/integrations/crd-validate.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";

const PROFILES = ["users-api", "products-api", "orders-api"] as const;
const KINDS = ["AnalysisTemplate", "ClusterAnalysisTemplate"] as const;
const validators = loadArgoValidators();

/** The tier table read straight from the YAML, not through slogate's loader. */
const tiers = (
  parse(readFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), "utf8")) as {
    rows: Record<string, { target: number; good: number }>;
  }
).rows;

type Metric = {
  name: string;
  successCondition?: string;
  failureCondition?: string;
  count?: number;
  inconclusiveLimit?: number;
  provider: Record<string, Record<string, unknown>>;
};
type Template = {
  kind: string;
  metadata: Record<string, unknown>;
  spec: { args: { name: string }[]; metrics: Metric[]; dryRun?: { metricName: string }[] };
};

function generate(options: Partial<ArgoOptions> & Pick<ArgoOptions, "provider" | "profile">) {
  const result = argo({
    serveUrl: "http://slogate.slogate:8080",
    image: "ghcr.io/acme/slogate:0.1.0",
    prometheusAddress: "http://prometheus.monitoring:9090",
    ...options,
  });
  return { ...result, template: parse(result.yaml) as Template };
}

describe("generated Argo templates validate against the Argo Rollouts v1.9.1 CRDs", () => {
  const cases = PROFILES.flatMap((profile) =>
    (["prometheus", "web", "job"] as const).flatMap((provider) =>
      KINDS.map((kind) => ({ profile, provider, kind })),
    ),
  );
  it.each(cases)("$provider $kind for $profile", ({ profile, provider, kind }) => {
    const { template, yaml } = generate({
      provider,
      profile,
      kind,
      tokenSecret: "slogate-serve:token",
      cpuCores: 1,
      memoryLimitBytes: 512 * 1024 * 1024,
      ...(kind === "AnalysisTemplate" ? { namespace: "prod" } : {}),
    });
    // The YAML text, parsed back, is what kubectl would send.
    expect(validators[kind].validate(template)).toEqual([]);
    expect(template.kind).toBe(kind);
    expect(yaml).not.toMatch(/[&*]a\d/); // no YAML anchors/aliases
  });
});

describe("the CRD validator rejects what strict field validation rejects", () => {
  const base = generate({
    provider: "prometheus",
    profile: "users-api",
    namespace: "prod",
  }).template;
  const cases: { name: string; mutate: (t: Template) => void; expected: RegExp }[] = [
    {
      name: "an unknown field in the provider",
      mutate: (t) => {
        t.spec.metrics[0]!.provider.prometheus!.queryy = "up";
      },
      expected: /spec\.metrics\[0\]\.provider\.prometheus\.queryy: unknown field/,
    },
    {
      name: "an unknown top-level spec field",
      mutate: (t) => ((t.spec as Record<string, unknown>).metric = []),
      expected: /spec\.metric: unknown field/,
    },
    {
      name: "a fractional count (int-or-string)",
      mutate: (t) => (t.spec.metrics[0]!.count = 1.5),
      expected: /spec\.metrics\[0\]\.count: must match a schema in anyOf/,
    },
    {
      name: "an arg without a name",
      mutate: (t) => t.spec.args.push({} as { name: string }),
      expected: /spec\.args\[3\]\.name: required/,
    },
    {
      name: "an unknown metadata field",
      mutate: (t) => (t.metadata.owner = "me"),
      expected: /metadata\.owner: unknown field/,
    },
    {
      name: "an invalid label value",
      mutate: (t) => ((t.metadata.labels as Record<string, string>).x = "not ok!"),
      expected: /metadata\.labels\.x: invalid label value/,
    },
  ];
  it.each(cases)("$name", ({ mutate, expected }) => {
    const copy = structuredClone(base);
    mutate(copy);
    expect(validators.AnalysisTemplate.validate(copy).join("\n")).toMatch(expected);
  });

  it("a namespace on a ClusterAnalysisTemplate, and the wrong kind", () => {
    const problems = validators.ClusterAnalysisTemplate.validate(base);
    expect(problems).toContain("metadata.namespace: a cluster-scoped object has none");
    expect(problems.join("\n")).toMatch(/kind: "AnalysisTemplate" is not ClusterAnalysisTemplate/);
  });

  it("reads the CRDs shipped in schemas/", () => {
    expect(SCHEMAS_DIR).toMatch(/[\\/]schemas$/);
    expect(validators.AnalysisTemplate.versions).toEqual(["v1alpha1"]);
    expect(validators.ClusterAnalysisTemplate.scope).toBe("Cluster");
  });
});

describe("prometheus provider: one metric per measurable objective, bounds from the tier table", () => {
  it("users-api: conditions at the Target bounds, informational objectives as dryRun", () => {
    const { template, skipped } = generate({
      provider: "prometheus",
      profile: "users-api",
      cpuCores: 2,
      memoryLimitBytes: 1024,
    });
    const byName = new Map(template.spec.metrics.map((m) => [m.name, m]));
    expect([...byName.keys()]).toEqual([
      "latency_p95",
      "error_rate",
      "throughput",
      "db_latency_p95",
      "cpu",
      "memory",
    ]);
    expect(skipped).toEqual([]);
    const latency = byName.get("latency_p95");
    expect(latency?.successCondition).toContain(`result[0] < ${tiers.api_latency_p95?.target}`);
    expect(latency?.failureCondition).toContain(`result[0] >= ${tiers.api_latency_p95?.target}`);
    expect(byName.get("error_rate")?.successCondition).toContain(
      `result[0] < ${tiers.error_rate?.target}`,
    );
    // Throughput is "at least": success is >=, failure is <.
    expect(byName.get("throughput")?.successCondition).toContain(
      `result[0] >= ${tiers.throughput?.target}`,
    );
    for (const metric of template.spec.metrics) {
      expect(metric.successCondition).toMatch(/^len\(result\) == 1 && !isNaN\(result\[0\]\) && /);
      expect(metric.failureCondition).toMatch(/^len\(result\) == 1 && !isNaN\(result\[0\]\) && /);
    }
    expect(template.spec.dryRun?.map((d) => d.metricName)).toEqual([
      "throughput",
      "db_latency_p95",
      "cpu",
      "memory",
    ]);
    expect(template.spec.args.map((a) => a.name)).toEqual([
      "service-name",
      "namespace",
      "canary-hash",
    ]);
    // p95 needs 200 requests (10 beyond the percentile), < 1 % needs 300 (rule of three).
    const query = (name: string) => String(byName.get(name)?.provider.prometheus?.query);
    expect(query("latency_p95")).toMatch(/>= 200\)$/);
    expect(query("error_rate")).toMatch(/>= 300\)$/);
    expect(query("cpu")).toMatch(/\/ 2$/);
    expect(query("latency_p95")).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
  });

  it("--require good moves every bound to the Good column", () => {
    const { template } = generate({
      provider: "prometheus",
      profile: "users-api",
      require: "good",
    });
    const latency = template.spec.metrics.find((m) => m.name === "latency_p95");
    expect(latency?.successCondition).toContain(`< ${tiers.api_latency_p95?.good}`);
    const errors = template.spec.metrics.find((m) => m.name === "error_rate");
    // < 0.1 % needs 3000 requests.
    expect(errors?.successCondition).toContain(`< ${tiers.error_rate?.good}`);
    expect(String(errors?.provider.prometheus?.query)).toMatch(/>= 3000\)$/);
  });

  it("orders-api: the k6-only completion trend is reported as skipped, not silently dropped", () => {
    const { skipped, yaml } = generate({ provider: "prometheus", profile: "orders-api" });
    // cpu and memory need the allowance and limit, which neither flags nor the profile give here.
    expect(skipped.map((s) => s.id)).toEqual(["order_completion_p95", "cpu", "memory"]);
    expect(yaml).toContain("# Not measured here: order_completion_p95");
  });

  it("a profile's prometheus: section names the series and gives the memory limit", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-argo-profile-"));
    try {
      const file = path.join(dir, "shop.yaml");
      writeFileSync(
        file,
        [
          "version: 1",
          "name: shop",
          `tiers: ${path.join(THRESHOLDS_DIR, "tiers.yaml")}`,
          "prometheus:",
          "  metrics: { requestsTotal: shop_requests_total, residentMemoryBytes: shop_rss_bytes }",
          "  labels: { route: path, status: code, method: verb }",
          "  memoryLimitBytes: 1073741824",
          "objectives:",
          "  - id: error_rate",
          "    requests: { methods: [GET] }",
          "  - id: memory",
          "    mandatory: false",
          "",
        ].join("\n"),
      );
      const { template, skipped } = generate({ provider: "prometheus", profile: file });
      expect(skipped).toEqual([]);
      const query = (name: string) =>
        String(template.spec.metrics.find((m) => m.name === name)?.provider.prometheus?.query);
      expect(query("error_rate")).toContain("shop_requests_total");
      expect(query("error_rate")).toMatch(/code=~"5\.\."/);
      expect(query("error_rate")).not.toContain("http_requests_total");
      // The scope's method reaches the query under the profile's label name.
      expect(query("error_rate")).toContain('verb="GET"');
      expect(query("error_rate")).not.toContain("method=");
      expect(query("memory")).toContain("shop_rss_bytes");
      expect(query("memory")).toContain("1073741824");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("labels set to none drop their args and matchers", () => {
    const { template } = generate({
      provider: "prometheus",
      profile: "products-api",
      namespaceLabel: "none",
      canaryLabel: "none",
      serviceLabel: "job",
    });
    expect(template.spec.args).toEqual([{ name: "service-name" }]);
    expect(String(template.spec.metrics[0]?.provider.prometheus?.query)).toContain(
      'job="{{args.service-name}}"',
    );
  });
});

describe("option checks name the option", () => {
  const cases: { name: string; options: Partial<ArgoOptions>; expected: RegExp }[] = [
    {
      name: "inconclusive limit not below count",
      options: { count: 2, inconclusiveLimit: 2 },
      expected: /--inconclusive-limit 2: must be below --count \(2\)/,
    },
    {
      name: "failure limit not below count",
      options: { count: 3, failureLimit: 3 },
      expected: /--failure-limit 3/,
    },
    { name: "bad interval", options: { interval: "1 minute" }, expected: /--interval "1 minute"/ },
    { name: "bad range", options: { range: "5 m" }, expected: /--range "5 m"/ },
    {
      name: "credentials in the address",
      options: { prometheusAddress: "http://u:p@prom:9090" },
      expected: /carries credentials/,
    },
    {
      name: "namespace on a cluster template",
      options: { kind: "ClusterAnalysisTemplate", namespace: "prod" },
      expected: /has no namespace/,
    },
    {
      name: "bad label",
      options: { canaryLabel: "pod-hash" },
      expected: /--canary-label "pod-hash"/,
    },
  ];
  it.each(cases)("$name", ({ options, expected }) => {
    expect(() => generate({ provider: "prometheus", profile: "users-api", ...options })).toThrow(
      expected,
    );
  });

  it("web needs --serve-url, job needs --image", () => {
    expect(() => argo({ provider: "web", profile: "users-api" })).toThrow(
      /--serve-url is required/,
    );
    expect(() => argo({ provider: "job", profile: "users-api" })).toThrow(/--image is required/);
  });
});

describe("web and job providers", () => {
  it("web: the verdict decides; inconclusive and error satisfy neither condition", () => {
    const { template } = generate({ provider: "web", profile: "users-api", require: "good" });
    const metric = template.spec.metrics[0];
    expect(metric?.successCondition).toBe('result == "pass"');
    expect(metric?.failureCondition).toBe('result == "fail"');
    expect(metric?.provider.web?.jsonPath).toBe("{$.verdict}");
    expect(String(metric?.provider.web?.url)).toBe(
      "http://slogate.slogate:8080/v1/analysis/users-api?window=5m&require=good&service={{args.service-name}}&namespace={{args.namespace}}&canary={{args.canary-hash}}",
    );
  });

  it("job: one run of the image against the canary URL, no retries", () => {
    const { template } = generate({ provider: "job", profile: "orders-api", require: "good" });
    const job = template.spec.metrics[0]?.provider.job as {
      spec: {
        backoffLimit: number;
        template: { spec: { containers: { image: string; args: string[] }[] } };
      };
    };
    expect(job.spec.backoffLimit).toBe(0);
    const container = job.spec.template.spec.containers[0];
    expect(container?.image).toBe("ghcr.io/acme/slogate:0.1.0");
    expect(container?.args.slice(0, 6)).toEqual([
      "run",
      "load",
      "--target",
      "{{args.canary-url}}",
      "--profile",
      "orders-api",
    ]);
    expect(container?.args.slice(-2)).toEqual(["--require", "good"]);
  });
});
