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
  K6_OPERATOR_CRD_FILE,
  stripInlineSourceMap,
  type RunnerResources,
} from "../integrations/k6-operator.js";
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
 * thresholds, Prometheus remote write tagged with a `testid`, and the k6
 * arguments that needs. The result is validated against the operator's CRD
 * the way the API server's strict field validation would; a problem is a
 * ConfigError naming the field.
 */
export async function k8sTestRun(options: K8sTestRunOptions): Promise<K8sTestRunResult> {
  const now = options.now ?? (() => new Date());
  parseTargetUrl(options.target);
  const { profile } = loadProfile(
    options.profile,
    options.thresholdsDir ? { thresholdsDir: options.thresholdsDir } : {},
  );
  const requiredTier = options.require ?? profile.requiredTier;
  // A scenario file is named by its base name: `./load/checkout.ts` → checkout.
  const scenarioName = deriveScenarioName(options.scenario);
  const testId = options.testId ?? createRunId(scenarioName, now());
  const name =
    options.name ??
    `slogate-${scenarioName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${randomBytes(2).toString("hex")}`;
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
  if (options.prometheusRemoteWriteUrl !== undefined) {
    const remote = { remoteWriteUrl: options.prometheusRemoteWriteUrl, testId };
    args = buildK6RemoteWriteArgs(remote);
    Object.assign(env, buildK6RemoteWriteEnv(remote));
  }
  const resources = buildResources(options);
  const { configMap, testRun } = buildK6TestRun({
    name,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    scriptFile: `${scenarioName.replace(/[^-._a-zA-Z0-9]/g, "-")}.js`,
    script,
    parallelism: options.parallelism ?? 3,
    env,
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
  const yaml = renderManifests([
    {
      manifest: configMap,
      comment: `The bundled ${scenarioName} scenario (slogate), mounted at /test.`,
    },
    {
      manifest: testRun,
      comment: [
        `k6-operator TestRun: ${String((testRun.spec as { parallelism: number }).parallelism)} runners, testid ${testId}.`,
        options.prometheusRemoteWriteUrl === undefined
          ? "No metrics output: add --prometheus-rw-url, or collect each runner's --out json NDJSON for `slogate check`."
          : "Runners push to Prometheus (remote write) tagged testid; per-runner NDJSON would merge exactly with `slogate check`.",
        "Each runner evaluates the profile's thresholds on its own share of the load only.",
      ].join("\n"),
    },
  ]);
  let file: string | null = null;
  if (options.output !== undefined) {
    file = path.resolve(options.output);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, yaml);
  }
  return { name, testId, yaml, configMap, testRun, file };
}
