import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildK6Thresholds } from "../core/k6-thresholds.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { loadCrdValidator, SCHEMAS_DIR, type CrdValidator } from "../integrations/crd-validate.js";
import {
  buildK6TestRun,
  checkTestIdLabel,
  K6_OPERATOR_CRD_FILE,
  stripInlineSourceMap,
  type RunnerEnvVar,
  type RunnerResources,
} from "../integrations/k6-operator.js";
import {
  VERDICT_BEARER_TOKEN_ENV,
  type CheckFormat,
  type SecretKeyRef,
} from "../integrations/k6-verdict-job.js";
import {
  buildVerdictManifests,
  type VerdictManifests,
} from "../integrations/k6-verdict-manifests.js";
import {
  parseClusterUrlOption,
  parseSecretRefOption,
  planVerdict,
} from "../integrations/k6-verdict-options.js";
import { embedVerdictProfile } from "../integrations/k6-verdict-profile.js";
import { renderManifests } from "../integrations/manifest-yaml.js";
import { bundleScenario, deriveScenarioName } from "../k6/bundle.js";
import { parseTargetUrl } from "../k6/preflight.js";
import { readPinnedK6Version } from "../k6/provision.js";
import { buildK6RemoteWriteArgs, buildK6RemoteWriteEnv } from "../k6/remote-write.js";
import { loadProfile } from "../sources/load-profile.js";
import { createRunId } from "./run-id.js";

export interface K8sTestRunOptions {
  /** A bundled scenario's name (`load`) or the path of the user's own `.ts` or `.js` file. */
  scenario: string;
  /** The service's URL as the runner pods reach it (BASE_URL). */
  target: string;
  /** `slogate-<scenario>-<4 hex>` by default. */
  name?: string;
  namespace?: string;
  /** Runner pods; 3 by default. */
  parallelism?: number;
  /** Profile whose thresholds the runners get (SLOGATE_THRESHOLDS); absent: ./slo.yaml, else the generic profile. */
  profile?: string;
  require?: RequiredTier;
  thresholdsDir?: string;
  /** Steady iterations per second for the whole run (split across runners by k6's segments). */
  ratePerSecond?: number;
  timeScale?: number;
  /** More `__ENV` for the scenario. */
  env?: Record<string, string>;
  /** Prometheus remote-write receiver (…/api/v1/write); without it no metrics leave the pods. */
  prometheusRemoteWriteUrl?: string;
  /** How often each runner pushes, seconds. Default 5. */
  pushIntervalSeconds?: number;
  /** `<secret>:<key>` holding a bearer token for Prometheus (runners' pushes and the verdict's queries). */
  bearerTokenSecret?: string;
  /** Also a verdict Job (and its ServiceAccount, Role, RoleBinding) that waits for the TestRun and judges it. */
  verdictJob?: boolean;
  /** Also an Argo Rollouts AnalysisTemplate whose job provider runs the same wait and check. */
  argoTemplate?: boolean;
  /** Prometheus as the verdict queries it; from the remote-write URL when that ends in /api/v1/write. */
  k6PrometheusUrl?: string;
  /** The slogate image the verdict runs in. */
  verdictImage?: string;
  /** An image with sh and kubectl for the wait. */
  kubectlImage?: string;
  /** How long the verdict waits for the TestRun to finish. Default 3600. */
  verdictTimeoutSeconds?: number;
  /** The check's stdout format. Default text. */
  verdictFormat?: CheckFormat;
  /** The `testid` tag; a run id by default. */
  testId?: string;
  /** `grafana/k6:<pinned version>` by default. */
  image?: string;
  /** CPU and memory per runner, as Kubernetes quantities (requests = limits): e.g. "1", "512Mi". */
  cpu?: string;
  memory?: string;
  separate?: boolean;
  cleanup?: boolean;
  /** Writes the YAML there when given. */
  output?: string;
  /** Where the CRD files are; /work/shared/schemas beside the repository by default. */
  schemasDir?: string;
  now?: () => Date;
}

export interface K8sTestRunResult {
  name: string;
  testId: string;
  /** ConfigMap and TestRun, `---`-separated, validated against the CRD. */
  yaml: string;
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
  /** The verdict Job, or null without verdictJob. */
  verdictJob: Record<string, unknown> | null;
  /** ServiceAccount, Role, RoleBinding (and the profile's ConfigMap) the verdict needs; empty without it. */
  verdictSupport: Record<string, unknown>[];
  /** The AnalysisTemplate, or null without argoTemplate. */
  analysisTemplate: Record<string, unknown> | null;
  /** The file written, or null. */
  file: string | null;
}

const validators = new Map<string, CrdValidator>();

/** The TestRun CRD's validator (compiling the 6000-line schema takes a while: once per process). */
export function loadTestRunValidator(schemasDir: string = SCHEMAS_DIR): CrdValidator {
  const file = path.resolve(schemasDir, K6_OPERATOR_CRD_FILE);
  let validator = validators.get(file);
  if (validator === undefined) {
    validator = loadCrdValidator(file);
    validators.set(file, validator);
  }
  return validator;
}

function buildResources(options: K8sTestRunOptions): RunnerResources | undefined {
  const quantities: { cpu?: string; memory?: string } = {};
  if (options.cpu !== undefined) quantities.cpu = options.cpu;
  if (options.memory !== undefined) quantities.memory = options.memory;
  if (Object.keys(quantities).length === 0) return undefined;
  // Requests = limits: a runner that gets less CPU than it asked for becomes the bottleneck.
  return { requests: { ...quantities }, limits: { ...quantities } };
}

/**
 * Generates a k6-operator TestRun for a scenario: the bundled script in a
 * ConfigMap, `parallelism` runners with the scenario's env and the profile's
 * thresholds, Prometheus remote write tagged with a `testid` (native
 * histograms on, pushed every 5 s), and the k6 arguments that needs. With
 * verdictJob, also a Job that waits for the TestRun to finish and runs
 * `slogate check --k6-prometheus … --test-id …` (exit code = verdict), with
 * the ServiceAccount, Role and RoleBinding it needs; with argoTemplate, an
 * AnalysisTemplate running the same. The TestRun and the AnalysisTemplate
 * are validated against their CRDs the way the API server's strict field
 * validation would; a problem is a ConfigError naming the field or flag.
 */
export async function k8sTestRun(options: K8sTestRunOptions): Promise<K8sTestRunResult> {
  const now = options.now ?? (() => new Date());
  parseTargetUrl(options.target);
  const loaded = loadProfile(
    options.profile,
    options.thresholdsDir ? { thresholdsDir: options.thresholdsDir } : {},
  );
  const { profile } = loaded;
  const requiredTier = options.require ?? profile.requiredTier;
  // A scenario file is named by its base name: `./load/checkout.ts` → checkout.
  const scenarioName = deriveScenarioName(options.scenario);
  const testId = options.testId ?? createRunId(scenarioName, now());
  const testIdProblem = checkTestIdLabel(testId);
  if (testIdProblem !== null) throw new ConfigError("K8S_TESTRUN_OPTIONS", testIdProblem);
  const name =
    options.name ??
    `slogate-${scenarioName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${randomBytes(2).toString("hex")}`;
  const remoteWrite =
    options.prometheusRemoteWriteUrl === undefined
      ? null
      : parseClusterUrlOption("--prometheus-remote-write", options.prometheusRemoteWriteUrl);
  let tokenSecret: SecretKeyRef | undefined;
  if (options.bearerTokenSecret !== undefined) {
    if (remoteWrite === null) {
      throw new ConfigError(
        "K8S_TESTRUN_OPTIONS",
        "--prometheus-bearer-token-secret: needs --prometheus-remote-write (nothing talks to Prometheus without it)",
      );
    }
    tokenSecret = parseSecretRefOption(
      "--prometheus-bearer-token-secret",
      options.bearerTokenSecret,
    );
  }
  const pushIntervalSeconds = options.pushIntervalSeconds ?? 5;
  if (!(Number.isFinite(pushIntervalSeconds) && pushIntervalSeconds > 0)) {
    throw new ConfigError(
      "K8S_TESTRUN_OPTIONS",
      `--push-interval ${pushIntervalSeconds}: a number of seconds > 0, e.g. 5`,
    );
  }
  const verdictPlan = planVerdict(options, remoteWrite);
  const validator = loadTestRunValidator(options.schemasDir);

  // A private build directory: the shared scenarios/build may be rewritten by a parallel run.
  const outDir = mkdtempSync(path.join(tmpdir(), "slogate-k8s-"));
  let script: string;
  try {
    const bundle = await bundleScenario(options.scenario, { outDir });
    script = stripInlineSourceMap(readFileSync(bundle.scriptPath, "utf8"));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }

  const env: Record<string, string> = {
    BASE_URL: options.target.replace(/\/+$/, ""),
    SLOGATE_THRESHOLDS: JSON.stringify(buildK6Thresholds(profile, { requiredTier })),
    ...options.env,
  };
  if (options.ratePerSecond !== undefined) env.RATE = String(options.ratePerSecond);
  if (options.timeScale !== undefined) env.TIME_SCALE = String(options.timeScale);
  let args = ["--tag", `testid=${testId}`];
  const secretEnv: RunnerEnvVar[] = [];
  if (remoteWrite !== null && options.prometheusRemoteWriteUrl !== undefined) {
    const remote = {
      remoteWriteUrl: options.prometheusRemoteWriteUrl,
      testId,
      pushIntervalSeconds,
    };
    args = buildK6RemoteWriteArgs(remote);
    // No credentials reach buildK6RemoteWriteEnv (the URL has none: checked
    // above), so every value it returns may sit in the manifest in plain text.
    Object.assign(env, buildK6RemoteWriteEnv(remote));
    if (tokenSecret !== undefined) {
      // The token stays in its Secret; Kubernetes expands $(VAR) from an
      // earlier env entry when it starts the container.
      secretEnv.push(
        { name: VERDICT_BEARER_TOKEN_ENV, valueFrom: { secretKeyRef: tokenSecret } },
        {
          name: "K6_PROMETHEUS_RW_HEADERS_Authorization",
          value: `Bearer $(${VERDICT_BEARER_TOKEN_ENV})`,
        },
      );
    }
  }
  const resources = buildResources(options);
  const { configMap, testRun } = buildK6TestRun({
    name,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    scriptFile: `${scenarioName.replace(/[^-._a-zA-Z0-9]/g, "-")}.js`,
    script,
    parallelism: options.parallelism ?? 3,
    env,
    secretEnv,
    testId,
    arguments: args,
    image: options.image ?? `grafana/k6:${readPinnedK6Version().replace(/^v/, "")}`,
    ...(resources === undefined ? {} : { resources }),
    separate: options.separate ?? false,
    cleanup: options.cleanup ?? false,
  });
  const problems = validator.validate(testRun);
  if (problems.length > 0) {
    throw new ConfigError(
      "K8S_TESTRUN_INVALID",
      `the TestRun would be rejected by k6-operator's CRD (${K6_OPERATOR_CRD_FILE}): ${problems.join("; ")}`,
    );
  }
  const items: { manifest: unknown; comment?: string }[] = [
    {
      manifest: configMap,
      comment: `The bundled ${scenarioName} scenario (slogate), mounted at /test.`,
    },
    {
      manifest: testRun,
      comment: [
        `k6-operator TestRun: ${String((testRun.spec as { parallelism: number }).parallelism)} runners, testid ${testId}.`,
        remoteWrite === null
          ? "No metrics output: add --prometheus-remote-write, or collect each runner's --out json NDJSON for `slogate check`."
          : `Runners push to Prometheus (remote write, native histograms, every ${pushIntervalSeconds}s) tagged testid; \`slogate check --k6-prometheus … --test-id ${testId}\` judges them as one run.`,
        "Each runner evaluates the profile's thresholds on its own share of the load only.",
      ].join("\n"),
    },
  ];
  let verdict: VerdictManifests | null = null;
  if (verdictPlan !== null) {
    verdict = buildVerdictManifests({
      plan: verdictPlan,
      profile: embedVerdictProfile(loaded, `${name}-verdict-profile`),
      profileName: profile.name,
      profileFile: loaded.file,
      requiredTier,
      ...(options.require === undefined ? {} : { require: options.require }),
      testRun: name,
      testId,
      ...(tokenSecret === undefined ? {} : { bearerTokenSecret: tokenSecret }),
      ...(options.schemasDir === undefined ? {} : { schemasDir: options.schemasDir }),
    });
    items.push(...verdict.items);
  }
  const yaml = renderManifests(items);
  let file: string | null = null;
  if (options.output !== undefined) {
    file = path.resolve(options.output);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, yaml);
  }
  return {
    name,
    testId,
    yaml,
    configMap,
    testRun,
    verdictJob: verdict?.job ?? null,
    verdictSupport: verdict?.support ?? [],
    analysisTemplate: verdict?.analysisTemplate ?? null,
    file,
  };
}
