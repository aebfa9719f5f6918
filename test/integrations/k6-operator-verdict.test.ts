import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  k8sTestRun,
  loadTestRunValidator,
  type K8sTestRunOptions,
} from "../../src/commands/k8s-testrun.js";
import { ConfigError } from "../../src/errors.js";
import { loadArgoValidators } from "../../src/integrations/crd-validate.js";
import { deriveQueryUrl } from "../../src/integrations/k6-verdict-options.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";
import { checkBuiltinObject } from "./k8s-object-rules.js";

const TARGET = "http://users-api.shop.svc:8080";
const REMOTE_WRITE = "http://prometheus.monitoring.svc:9090/api/v1/write";
const IMAGE = "ghcr.io/acme/slogate:0.1.0";

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef: unknown } }[];
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface PodSpec {
  serviceAccountName: string;
  initContainers: { name: string; image: string; env: Env; command: string[] }[];
  containers: { name: string; image: string; args: string[]; env: Env }[];
  volumes: { name: string; configMap?: { name: string } }[];
}

const base = {
  scenario: "smoke",
  target: TARGET,
  name: "users-load",
  namespace: "perf",
  profile: "users-api",
  testId: "users-load-7",
  prometheusRemoteWriteUrl: REMOTE_WRITE,
  verdictJob: true,
  verdictImage: IMAGE,
} satisfies K8sTestRunOptions;

async function generate(options: Partial<K8sTestRunOptions> = {}) {
  const result = await k8sTestRun({ ...base, ...options });
  const documents = parseAllDocuments(result.yaml).map((doc) => doc.toJS() as Manifest);
  const byKind = (kind: string) => {
    const found = documents.filter((doc) => doc.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0] as Manifest;
  };
  return { result, documents, byKind };
}

const envOf = (env: Env) => Object.fromEntries(env.map((entry) => [entry.name, entry]));
const podOf = (job: Manifest) => (job.spec as { template: { spec: PodSpec } }).template.spec;
const runnerEnv = (testRun: Manifest) =>
  envOf((testRun.spec as { runner: { env: Env } }).runner.env);

async function refusal(options: Partial<K8sTestRunOptions>): Promise<Error> {
  const caught: unknown = await k8sTestRun({ ...base, ...options }).then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as Error;
}

describe("k8s testrun --verdict-job", () => {
  it("emits the TestRun, the verdict's RBAC and a Job judging that testid, in apply order", async () => {
    const { documents, byKind } = await generate();
    expect(documents.map((doc) => doc.kind)).toEqual([
      "ConfigMap",
      "TestRun",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Job",
    ]);
    for (const doc of documents) expect(doc.metadata.namespace, doc.kind).toBe("perf");
    for (const kind of ["ServiceAccount", "Role", "RoleBinding", "Job"]) {
      expect(byKind(kind).metadata.name).toBe("users-load-verdict");
      expect(byKind(kind).metadata.labels?.["slogate/testid"]).toBe("users-load-7");
    }
    const job = byKind("Job");
    expect(job.apiVersion).toBe("batch/v1");
    expect((job.spec as { backoffLimit: number }).backoffLimit).toBe(0);
    const pod = podOf(job);
    expect(pod.serviceAccountName).toBe("users-load-verdict");
    // The check, flag by flag as other tools call it.
    expect(pod.containers[0]?.image).toBe(IMAGE);
    expect(pod.containers[0]?.args).toEqual([
      "check",
      "--k6-prometheus",
      "http://prometheus.monitoring.svc:9090",
      "--test-id",
      "users-load-7",
      "--profile",
      "users-api",
      "--format",
      "text",
    ]);
    const wait = pod.initContainers[0];
    expect(wait?.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(envOf(wait?.env ?? []).TESTRUN?.value).toBe("users-load");
    expect(envOf(wait?.env ?? []).WAIT_TIMEOUT_SECONDS?.value).toBe("3600");

    const testRun = byKind("TestRun");
    expect((testRun.spec as { arguments: string }).arguments).toBe(
      "--out experimental-prometheus-rw --tag testid=users-load-7",
    );
    expect(loadTestRunValidator().validate(testRun)).toEqual([]);
  });

  it.each([
    { name: "default push interval", options: {}, interval: "5s" },
    { name: "--push-interval 2", options: { pushIntervalSeconds: 2 }, interval: "2s" },
    {
      name: "without the verdict",
      options: { verdictJob: false, verdictImage: undefined },
      interval: "5s",
    },
  ])(
    "runners push native histograms ($name)",
    async ({ options, interval }: { options: Partial<K8sTestRunOptions>; interval: string }) => {
      const { byKind } = await generate(options);
      const env = runnerEnv(byKind("TestRun"));
      expect(env.K6_FEATURES?.value).toBe("native-histograms");
      expect(env.K6_PROMETHEUS_RW_PUSH_INTERVAL?.value).toBe(interval);
      expect(env.K6_PROMETHEUS_RW_SERVER_URL?.value).toBe(REMOTE_WRITE);
    },
  );

  it("takes --k6-prometheus, --require, --verdict-format and --verdict-timeout into the Job", async () => {
    const { byKind } = await generate({
      prometheusRemoteWriteUrl: "http://mimir.monitoring.svc:8080/api/v1/push",
      k6PrometheusUrl: "http://mimir.monitoring.svc:8080/prometheus",
      require: "good",
      verdictFormat: "junit",
      verdictTimeoutSeconds: 900,
    });
    const pod = podOf(byKind("Job"));
    expect(pod.containers[0]?.args).toEqual([
      "check",
      "--k6-prometheus",
      "http://mimir.monitoring.svc:8080/prometheus",
      "--test-id",
      "users-load-7",
      "--profile",
      "users-api",
      "--format",
      "junit",
      "--require",
      "good",
    ]);
    expect(envOf(pod.initContainers[0]?.env ?? []).WAIT_TIMEOUT_SECONDS?.value).toBe("900");
    expect((byKind("Job").spec as { activeDeadlineSeconds: number }).activeDeadlineSeconds).toBe(
      1500,
    );
  });

  it("Job, ServiceAccount, Role and RoleBinding keep Kubernetes' rules for built-in kinds", async () => {
    // No CRD exists for these kinds: the rules are checked structurally.
    const { documents } = await generate({ argoTemplate: true });
    const builtin = documents.filter((doc) =>
      ["ServiceAccount", "Role", "RoleBinding", "Job"].includes(doc.kind),
    );
    expect(builtin).toHaveLength(4);
    for (const doc of builtin) expect(checkBuiltinObject(doc, documents), doc.kind).toEqual([]);

    // The rules do bite: each mutation below is something the API server refuses.
    const mutated = (kind: string, change: (doc: Manifest) => void) => {
      const copy = structuredClone(builtin.find((doc) => doc.kind === kind)) as Manifest;
      change(copy);
      return checkBuiltinObject(copy, documents).join("\n");
    };
    expect(mutated("Job", (doc) => (doc.apiVersion = "batch/v1beta1"))).toContain("apiVersion");
    expect(mutated("Job", (doc) => (podOf(doc).containers[0]!.name = "Slogate"))).toContain(
      "container[1].name",
    );
    expect(
      mutated("Job", (doc) => {
        podOf(doc).serviceAccountName = "someone-else";
      }),
    ).toContain("serviceAccountName");
    expect(
      mutated("RoleBinding", (doc) => {
        delete (doc.subjects as { namespace?: string }[])[0]!.namespace;
      }),
    ).toContain("needs its namespace");
    expect(
      mutated("Role", (doc) => {
        (doc.rules as { verbs: string[] }[])[0]!.verbs = ["read"];
      }),
    ).toContain("unknown verb read");
    expect(
      mutated("ServiceAccount", (doc) => {
        doc.metadata.labels = { "slogate/testid": "a:b" };
      }),
    ).toContain("not a valid label value");
  });

  it("a bearer token stays in its Secret: runners and Job reference it, the YAML never holds it", async () => {
    const { result, byKind } = await generate({
      bearerTokenSecret: "prometheus-auth:token",
      argoTemplate: true,
    });
    const reference = { secretKeyRef: { name: "prometheus-auth", key: "token" } };
    const runner = runnerEnv(byKind("TestRun"));
    expect(runner.SLOGATE_PROMETHEUS_BEARER_TOKEN?.valueFrom).toEqual(reference);
    // Kubernetes expands $(VAR) from the entry above when it starts the runner.
    expect(runner.K6_PROMETHEUS_RW_HEADERS_Authorization?.value).toBe(
      "Bearer $(SLOGATE_PROMETHEUS_BEARER_TOKEN)",
    );
    const names = (byKind("TestRun").spec as { runner: { env: Env } }).runner.env.map(
      (entry) => entry.name,
    );
    expect(names.indexOf("SLOGATE_PROMETHEUS_BEARER_TOKEN")).toBeLessThan(
      names.indexOf("K6_PROMETHEUS_RW_HEADERS_Authorization"),
    );
    const pod = podOf(byKind("Job"));
    expect(envOf(pod.containers[0]?.env ?? []).SLOGATE_PROMETHEUS_BEARER_TOKEN?.valueFrom).toEqual(
      reference,
    );
    expect(pod.containers[0]?.args.slice(-2)).toEqual([
      "--prometheus-bearer-token-env",
      "SLOGATE_PROMETHEUS_BEARER_TOKEN",
    ]);
    expect(loadTestRunValidator().validate(result.testRun)).toEqual([]);
    expect(loadArgoValidators().AnalysisTemplate.validate(result.analysisTemplate)).toEqual([]);
  });

  it("refuses credentials in a URL, without echoing them", async () => {
    for (const options of [
      { prometheusRemoteWriteUrl: "http://writer:hunter2-secret@prometheus:9090/api/v1/write" },
      { k6PrometheusUrl: "http://reader:hunter2-secret@prometheus:9090" },
    ]) {
      const error = await refusal(options);
      expect(error.message).toMatch(/^--(prometheus-remote-write|k6-prometheus): credentials/);
      expect(error.message).not.toContain("hunter2-secret");
      expect(error.message).toContain("--prometheus-bearer-token-secret");
    }
  });

  it.each([
    { flag: "--name", options: { name: "x\nkind: Secret" } },
    {
      flag: "--name",
      options: { name: "a-testrun-name-that-is-far-too-long-for-the-jobs-the-operator-makes" },
    },
    { flag: "--namespace", options: { namespace: "perf\n  evil: true" } },
    { flag: "--test-id", options: { testId: "t1\n- --profile=/etc/passwd" } },
    { flag: "--test-id", options: { testId: "a:b" } },
    { flag: "--verdict-image", options: { verdictImage: "ghcr.io/acme/slogate:0.1\n  x: y" } },
    { flag: "--kubectl-image", options: { kubectlImage: "alpine/k8s:1.34 ; rm -rf /" } },
    { flag: "--k6-prometheus", options: { k6PrometheusUrl: "http://prom:9090/\n- --x" } },
    {
      flag: "--prometheus-remote-write",
      options: { prometheusRemoteWriteUrl: "http://prom:9090/api/v1/write\t" },
    },
    {
      flag: "--prometheus-bearer-token-secret",
      options: { bearerTokenSecret: "auth:token\nvalue: leaked" },
    },
    { flag: "--verdict-timeout", options: { verdictTimeoutSeconds: 1.5 } },
  ])("refuses a hostile $flag in one line naming it", async ({ flag, options }) => {
    const error = await refusal(options);
    expect(error.message).toContain(flag);
    expect(error.message).not.toContain("\n");
  });

  it.each([
    {
      name: "no remote write",
      options: { prometheusRemoteWriteUrl: undefined },
      expected: "--verdict-job: needs --prometheus-remote-write",
    },
    {
      name: "no namespace",
      options: { namespace: undefined },
      expected: "--verdict-job: needs --namespace",
    },
    {
      name: "no image",
      options: { verdictImage: undefined },
      expected: "--verdict-job: needs --verdict-image",
    },
    {
      name: "--cleanup (the operator would delete the TestRun the Job waits for)",
      options: { cleanup: true },
      expected: "--cleanup:",
    },
    {
      name: "a remote-write URL that does not tell the query URL",
      options: { prometheusRemoteWriteUrl: "http://mimir:8080/api/v1/push" },
      expected: "--verdict-job: needs --k6-prometheus <url>",
    },
    {
      name: "a verdict flag without the verdict",
      options: { verdictJob: false, verdictImage: undefined, k6PrometheusUrl: "http://p:9090" },
      expected: "--k6-prometheus: only used by the verdict step",
    },
  ])("refuses $name", async ({ options, expected }) => {
    const error = await refusal(options);
    expect(error.message.startsWith(expected)).toBe(true);
  });
});

describe("the query URL from the remote-write URL", () => {
  it.each([
    {
      write: "http://prometheus.monitoring.svc:9090/api/v1/write",
      query: "http://prometheus.monitoring.svc:9090",
    },
    {
      write: "https://prom.example.com/prometheus/api/v1/write",
      query: "https://prom.example.com/prometheus",
    },
    // Mimir and other receivers: not Prometheus' own path, so --k6-prometheus must say.
    { write: "http://mimir:8080/api/v1/push", query: null },
    { write: "http://prom:9090/api/v1/write?tenant=a", query: null },
  ])("$write → $query", ({ write, query }) => {
    expect(deriveQueryUrl(new URL(write))).toBe(query);
  });
});

describe("k8s testrun --argo-template", () => {
  it("an AnalysisTemplate the Argo Rollouts CRD accepts, judging {{args.test-id}}", async () => {
    const { result, documents, byKind } = await generate({
      verdictJob: false,
      argoTemplate: true,
    });
    expect(documents.map((doc) => doc.kind)).toEqual([
      "ConfigMap",
      "TestRun",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "AnalysisTemplate",
    ]);
    const template = byKind("AnalysisTemplate");
    expect(loadArgoValidators().AnalysisTemplate.validate(template)).toEqual([]);
    expect(template).toEqual(result.analysisTemplate);
    const spec = template.spec as {
      args: { name: string; value: string }[];
      metrics: {
        provider: { job: { spec: { backoffLimit: number; template: { spec: PodSpec } } } };
      }[];
    };
    expect(spec.args).toEqual([
      { name: "testrun", value: "users-load" },
      { name: "test-id", value: "users-load-7" },
    ]);
    const job = spec.metrics[0]?.provider.job;
    expect(job?.spec.backoffLimit).toBe(0);
    // The Rollout may pass another test id: no label pins the default one.
    expect(JSON.stringify(job)).not.toContain("users-load-7");
    const pod = job?.spec.template.spec;
    // The same check as the Job's, the test id from the Rollout.
    expect(pod?.containers[0]?.args).toEqual([
      "check",
      "--k6-prometheus",
      "http://prometheus.monitoring.svc:9090",
      "--test-id",
      "{{args.test-id}}",
      "--profile",
      "users-api",
      "--format",
      "text",
    ]);
    expect(envOf(pod?.initContainers[0]?.env ?? []).TESTRUN?.value).toBe("{{args.testrun}}");
  });
});

describe("a profile the image does not have", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-verdict-profile-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("goes into a ConfigMap (with its tiers) mounted at /profile", async () => {
    copyFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), path.join(dir, "tiers.yaml"));
    const profileText =
      readFileSync(path.join(THRESHOLDS_DIR, "profiles", "users-api.yaml"), "utf8") +
      "\ntiers: ./tiers.yaml\n";
    writeFileSync(path.join(dir, "slo.yaml"), profileText);
    const { byKind, documents } = await generate({ profile: path.join(dir, "slo.yaml") });
    const maps = documents.filter((doc) => doc.kind === "ConfigMap");
    const profileMap = maps.find((doc) => doc.metadata.name === "users-load-verdict-profile");
    expect(profileMap?.data).toEqual({
      "slo.yaml": profileText,
      "tiers.yaml": readFileSync(path.join(dir, "tiers.yaml"), "utf8"),
    });
    const pod = podOf(byKind("Job"));
    const args = pod.containers[0]?.args ?? [];
    expect(args[args.indexOf("--profile") + 1]).toBe("/profile/slo.yaml");
    expect(pod.volumes).toContainEqual({
      name: "profile",
      configMap: { name: "users-load-verdict-profile" },
    });
  });

  it("refuses one whose tiers file is elsewhere, naming --profile", async () => {
    writeFileSync(
      path.join(dir, "far.yaml"),
      readFileSync(path.join(THRESHOLDS_DIR, "profiles", "users-api.yaml"), "utf8") +
        `\ntiers: ${path.join(THRESHOLDS_DIR, "tiers.yaml")}\n`,
    );
    const error = await refusal({ profile: path.join(dir, "far.yaml") });
    expect(error.message).toMatch(/^--profile .*far\.yaml: its tiers file/);
  });
});
