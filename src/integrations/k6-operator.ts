import { ConfigError } from "../errors.js";

/** The CRD this generator targets (grafana/k6-operator v1.6.0, config/crd/bases/k6.io_testruns.yaml). */
export const K6_OPERATOR_CRD_FILE = "k6-operator-v1.6.0-k6.io_testruns.yaml";
export const TESTRUN_API_VERSION = "k6.io/v1alpha1";

/** Where the operator mounts a ConfigMap script in every k6 pod. */
export const OPERATOR_SCRIPT_DIR = "/test";

/** A ConfigMap holds at most 1 MiB (etcd's object limit). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export interface RunnerResources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

/** A runner env entry that is not a plain value: a Secret reference, or a value expanding one. */
export type RunnerEnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

export interface K6TestRunOptions {
  /** TestRun name; its Jobs are `<name>-1` … `<name>-N`, `<name>-initializer`, `<name>-starter`. */
  name: string;
  namespace?: string;
  /** The bundled scenario's file name in the ConfigMap, e.g. `load.js`. */
  scriptFile: string;
  /** The bundled scenario (plain ES module for k6). */
  script: string;
  /** Runner pods; each gets 1/N of the load through `--execution-segment`. */
  parallelism: number;
  /** The scenario's `__ENV` (BASE_URL, RATE, SLOGATE_THRESHOLDS…), set on every runner. */
  env: Record<string, string>;
  /** Entries after `env`, in order (a `$(VAR)` value may only name an earlier entry). */
  secretEnv?: RunnerEnvVar[];
  /** Tags every sample (`testid`) so this run's metrics stay apart in Prometheus. */
  testId: string;
  /** k6's own arguments, e.g. ["--out", "experimental-prometheus-rw", "--tag", "testid=…"]. */
  arguments: string[];
  image: string;
  resources?: RunnerResources;
  /** Put every runner on a different node (podAntiAffinity). */
  separate?: boolean;
  /** Delete the Jobs and pods once the run finished. */
  cleanup?: boolean;
}

export interface K6TestRunManifests {
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
}

/** The longest TestRun name whose derived Job and Service names stay DNS labels (≤ 63). */
export const MAX_TESTRUN_NAME_LENGTH = 63 - "-initializer".length;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A Kubernetes label value: the testid is one (`slogate/testid`). */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The problem with a testid as a label value (`slogate/testid`), or null. */
export function checkTestIdLabel(testId: string): string | null {
  return LABEL_VALUE.test(testId)
    ? null
    : `--test-id ${JSON.stringify(testId)}: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters (it is a label value)`;
}

/** One line per problem with what was asked; empty when the options can make a valid TestRun. */
export function checkTestRunOptions(options: K6TestRunOptions): string[] {
  const problems: string[] = [];
  if (!DNS_LABEL.test(options.name) || options.name.length > MAX_TESTRUN_NAME_LENGTH) {
    problems.push(
      `--name ${JSON.stringify(options.name)}: use lowercase letters, digits and '-', at most ${MAX_TESTRUN_NAME_LENGTH} characters (its Jobs add suffixes)`,
    );
  }
  const testIdProblem = checkTestIdLabel(options.testId);
  if (testIdProblem !== null) problems.push(testIdProblem);
  if (options.namespace !== undefined && !DNS_LABEL.test(options.namespace)) {
    problems.push(`--namespace ${JSON.stringify(options.namespace)}: not a DNS label`);
  }
  if (
    !Number.isInteger(options.parallelism) ||
    options.parallelism < 1 ||
    options.parallelism > 1000
  ) {
    problems.push(
      `--parallelism ${options.parallelism}: give a whole number of runners from 1 to 1000`,
    );
  }
  if (!CONFIGMAP_KEY.test(options.scriptFile)) {
    problems.push(`script file ${JSON.stringify(options.scriptFile)}: not a valid ConfigMap key`);
  }
  const bytes = Buffer.byteLength(options.script, "utf8");
  if (bytes > CONFIGMAP_MAX_BYTES) {
    problems.push(
      `the bundled script is ${bytes} bytes, above a ConfigMap's ${CONFIGMAP_MAX_BYTES}; keep it smaller or ship it in the runner image`,
    );
  }
  for (const name of [
    ...Object.keys(options.env),
    ...(options.secretEnv ?? []).map((entry) => entry.name),
  ]) {
    if (!ENV_NAME.test(name))
      problems.push(`env ${JSON.stringify(name)}: not a valid variable name`);
  }
  for (const argument of options.arguments) {
    // The operator splits `arguments` on whitespace.
    if (/\s/.test(argument) || argument === "") {
      problems.push(
        `k6 argument ${JSON.stringify(argument)}: must not be empty or hold spaces; pass such values through env`,
      );
    }
  }
  return problems;
}

/**
 * A k6-operator TestRun and the ConfigMap holding its script. The operator
 * then starts `parallelism` runner pods, each running
 * `k6 run --quiet --execution-segment=… --execution-segment-sequence=…
 * <arguments> /test/<file> --paused …` and a starter that unpauses them all
 * at once. The scenario's environment goes on the runners as env vars (not
 * arguments) so JSON and secrets need no shell quoting.
 * @throws ConfigError naming every problem with the options.
 */
export function buildK6TestRun(options: K6TestRunOptions): K6TestRunManifests {
  const problems = checkTestRunOptions(options);
  if (problems.length > 0) {
    throw new ConfigError("K8S_TESTRUN_OPTIONS", problems.join("; "));
  }
  const labels = {
    "app.kubernetes.io/managed-by": "slogate",
    "app.kubernetes.io/name": "slogate-k6",
    "slogate/testid": options.testId,
  };
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  const configMapName = `${options.name}-script`;
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName, ...namespace, labels },
    data: { [options.scriptFile]: options.script },
  };
  const runner: Record<string, unknown> = {
    image: options.image,
    metadata: { labels },
    env: [
      ...Object.entries(options.env).map(([name, value]) => ({ name, value })),
      ...(options.secretEnv ?? []),
    ],
  };
  if (options.resources !== undefined) runner.resources = options.resources;
  const spec: Record<string, unknown> = {
    parallelism: options.parallelism,
    script: { configMap: { name: configMapName, file: options.scriptFile } },
    arguments: options.arguments.join(" "),
    separate: options.separate ?? false,
    runner,
  };
  if (options.cleanup === true) spec.cleanup = "post";
  const testRun = {
    apiVersion: TESTRUN_API_VERSION,
    kind: "TestRun",
    metadata: { name: options.name, ...namespace, labels },
    spec,
  };
  return { configMap, testRun };
}

/**
 * The segment flags the operator gives runner `index` (1-based) of `total`,
 * as in its pkg/segmentation: `--execution-segment=<(i-1)/N>:<i/N>` and the
 * whole sequence `0,1/N,…,(N-1)/N,1`. A single runner gets none.
 */
export function buildSegmentArgs(index: number, total: number): string[] {
  if (total <= 1) return [];
  const point = (i: number) => (i === 0 ? "0" : i === total ? "1" : `${i}/${total}`);
  const sequence = Array.from({ length: total + 1 }, (_, i) => point(i)).join(",");
  return [
    `--execution-segment=${point(index - 1)}:${point(index)}`,
    `--execution-segment-sequence=${sequence}`,
  ];
}

/** The bundle without its inline source map: a ConfigMap has 1 MiB and k6 runs the same code. */
export function stripInlineSourceMap(script: string): string {
  return script.replace(/\n?\/\/# sourceMappingURL=data:[^\n]*\n?$/, "\n");
}
