import type { RequiredTier } from "../core/types.js";

/**
 * The verdict step of a distributed k6-operator run: a pod that waits for the
 * TestRun to end and then runs `slogate check --k6-prometheus … --test-id …`,
 * whose exit code (0 pass, 1 fail, 2 inconclusive, 3 error) is the pod's.
 * The same pod spec serves a plain Kubernetes Job and an Argo Rollouts
 * job-provider metric.
 */

/** Has `sh` and `kubectl` (the registry.k8s.io/kubectl image has no shell, and the wait needs one). */
export const DEFAULT_KUBECTL_IMAGE = "docker.io/alpine/k8s:1.34.5";

/** The env var the verdict container reads the bearer token from (`--prometheus-bearer-token-env`). */
export const VERDICT_BEARER_TOKEN_ENV = "SLOGATE_PROMETHEUS_BEARER_TOKEN";

/** Where a profile that is not one of the image's own is mounted. */
export const PROFILE_MOUNT_DIR = "/profile";

export const CHECK_FORMATS = ["text", "json", "markdown", "junit"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface SecretKeyRef {
  name: string;
  key: string;
}

/**
 * Polls the TestRun's `status.stage` until `finished` (exit 0) or `error`
 * (exit 3 at once, rather than hanging until the timeout as
 * `kubectl wait --for=jsonpath=…=finished` would), and gives up with exit 3
 * after WAIT_TIMEOUT_SECONDS. A TestRun not there yet (applied in the same
 * `kubectl apply` as this Job) is waited for like any other stage. Every
 * value comes from the environment, never spliced into the script, so no
 * name can change what the shell runs. kubectl talks to the pod's own
 * namespace (the ServiceAccount's) in-cluster.
 */
export const WAIT_SCRIPT = `deadline=$(( $(date +%s) + WAIT_TIMEOUT_SECONDS ))
last="-"
last_error=""
while :; do
  if out=$(kubectl get testruns.k6.io "$TESTRUN" -o 'jsonpath={.status.stage}' 2>&1); then
    stage=$out
  else
    stage=""
    if [ "$out" != "$last_error" ]; then echo "slogate: kubectl: $out" >&2; last_error=$out; fi
  fi
  if [ "$stage" != "$last" ]; then echo "slogate: TestRun $TESTRUN stage: \${stage:-none yet}"; last=$stage; fi
  case "$stage" in
    finished) exit 0 ;;
    error)
      echo "slogate: TestRun $TESTRUN ended in stage error: no verdict (see kubectl describe testrun $TESTRUN)" >&2
      exit 3 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "slogate: TestRun $TESTRUN did not finish within \${WAIT_TIMEOUT_SECONDS}s (last stage: \${stage:-none}): no verdict" >&2
    exit 3
  fi
  sleep "$POLL_SECONDS"
done
`;

export interface VerdictPodOptions {
  /** TestRun to wait for (a name, or `{{args.testrun}}` in an AnalysisTemplate). */
  testRun: string;
  /** The runs's `testid` tag (or `{{args.test-id}}`). */
  testId: string;
  /** Prometheus the runners remote-wrote to, as the check queries it (base URL). */
  prometheusUrl: string;
  /** `--profile` as the verdict container sees it: a built-in name or a path under /profile. */
  profileArgument: string;
  /** ConfigMap holding the profile (and its tiers), mounted at /profile; null for a built-in profile. */
  profileConfigMap: string | null;
  requiredTier?: RequiredTier;
  format: CheckFormat;
  bearerTokenSecret?: SecretKeyRef;
  serviceAccountName: string;
  image: string;
  kubectlImage: string;
  waitTimeoutSeconds: number;
  pollSeconds?: number;
}

/** `slogate check …` as the verdict container runs it (the image's entrypoint is slogate). */
export function buildVerdictCheckArgs(options: VerdictPodOptions): string[] {
  return [
    "check",
    "--k6-prometheus",
    options.prometheusUrl,
    "--test-id",
    options.testId,
    "--profile",
    options.profileArgument,
    "--format",
    options.format,
    ...(options.requiredTier ? ["--require", options.requiredTier] : []),
    ...(options.bearerTokenSecret
      ? ["--prometheus-bearer-token-env", VERDICT_BEARER_TOKEN_ENV]
      : []),
  ];
}

const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** The pod spec: wait (init container), then judge; nothing restarts, so the exit code stands. */
export function buildVerdictPodSpec(options: VerdictPodOptions): Record<string, unknown> {
  const tmp = { name: "tmp", mountPath: "/tmp" };
  const profileMount =
    options.profileConfigMap === null
      ? []
      : [{ name: "profile", mountPath: PROFILE_MOUNT_DIR, readOnly: true }];
  const tokenEnv = options.bearerTokenSecret
    ? [{ name: VERDICT_BEARER_TOKEN_ENV, valueFrom: { secretKeyRef: options.bearerTokenSecret } }]
    : [];
  return {
    serviceAccountName: options.serviceAccountName,
    restartPolicy: "Never",
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    },
    initContainers: [
      {
        name: "wait-for-testrun",
        image: options.kubectlImage,
        command: ["sh", "-c", WAIT_SCRIPT],
        env: [
          { name: "TESTRUN", value: options.testRun },
          { name: "WAIT_TIMEOUT_SECONDS", value: String(options.waitTimeoutSeconds) },
          { name: "POLL_SECONDS", value: String(options.pollSeconds ?? 5) },
          // kubectl keeps its discovery cache under $HOME.
          { name: "HOME", value: "/tmp" },
        ],
        resources: {
          requests: { cpu: "10m", memory: "32Mi" },
          limits: { cpu: "100m", memory: "128Mi" },
        },
        securityContext: CONTAINER_SECURITY,
        volumeMounts: [tmp],
      },
    ],
    containers: [
      {
        name: "slogate",
        image: options.image,
        args: buildVerdictCheckArgs(options),
        env: [{ name: "HOME", value: "/tmp" }, { name: "NO_COLOR", value: "1" }, ...tokenEnv],
        resources: {
          requests: { cpu: "100m", memory: "128Mi" },
          limits: { cpu: "500m", memory: "256Mi" },
        },
        securityContext: CONTAINER_SECURITY,
        volumeMounts: [tmp, ...profileMount],
      },
    ],
    volumes: [
      { name: "tmp", emptyDir: {} },
      ...(options.profileConfigMap === null
        ? []
        : [{ name: "profile", configMap: { name: options.profileConfigMap } }]),
    ],
  };
}

export interface VerdictRbacOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/**
 * The ServiceAccount the verdict pod runs as and the least it needs: read
 * TestRuns in its own namespace (get for the poll; list and watch so
 * `kubectl wait` works too when a team swaps the script for it).
 */
export function buildVerdictRbac(options: VerdictRbacOptions): Record<string, unknown>[] {
  const metadata = { name: options.name, namespace: options.namespace, labels: options.labels };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata,
      rules: [{ apiGroups: ["k6.io"], resources: ["testruns"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: options.name },
      subjects: [
        {
          kind: "ServiceAccount",
          name: options.name,
          // Kubernetes requires a ServiceAccount subject's namespace.
          namespace: options.namespace,
        },
      ],
    },
  ];
}

export interface VerdictJobOptions extends VerdictPodOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/**
 * A batch/v1 Job: one try (`backoffLimit: 0`, a retried check is not
 * needed and a fail must not be retried into a pass), bounded by the wait
 * plus ten minutes for the check itself.
 */
export function buildVerdictJob(options: VerdictJobOptions): Record<string, unknown> {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: options.name, namespace: options.namespace, labels: options.labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.waitTimeoutSeconds + 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: options.labels },
        spec: buildVerdictPodSpec(options),
      },
    },
  };
}
