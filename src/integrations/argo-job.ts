import type { SloProfile } from "../core/profile.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { buildTemplate, checkTemplateOptions, type ArgoTemplateIdentity } from "./argo-common.js";
import type { GeneratedTemplate } from "./argo-analysis.js";

export interface JobTemplateOptions {
  profile: SloProfile;
  identity: ArgoTemplateIdentity;
  /** The toolkit's image (Dockerfile at the repository root), e.g. ghcr.io/acme/slogate:0.1.0. */
  image: string;
  /** Scenario the Job runs against the canary. Default `load`. */
  scenario?: string;
  /** Steady iterations per second. Default 20. */
  ratePerSecond?: number;
  /** Scale of the scenario's durations. Default 0.1 (load: 12 s ramp, 30 s steady, 12 s ramp). */
  timeScale?: number;
  requiredTier?: RequiredTier;
  /** Hard stop for the Job, seconds. Default 600. */
  activeDeadlineSeconds?: number;
  /** Runs of the Job per analysis. Default 1. */
  count?: number;
  /** Argo duration between runs when count > 1. */
  interval?: string;
}

export const CANARY_URL_ARG = "canary-url";
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const SCENARIO = /^[a-z][a-z0-9-]*$/;

function positive(option: string, value: number, integer: boolean): number {
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) {
    throw new ConfigError(
      "ARGO_OPTION_INVALID",
      `--${option} ${value}: ${integer ? "a whole number" : "a number"} > 0`,
    );
  }
  return value;
}

/**
 * An AnalysisTemplate with the job provider: the Job runs the toolkit's image,
 * which drives a short k6 scenario at the canary's URL and then judges it
 * (`slogate run`). The exit code decides: 0 (pass) completes the Job and the
 * measurement is Successful; 1 fail, 2 inconclusive and 3 error fail the Job,
 * and the measurement is Failed — the job provider has no Inconclusive, so
 * "not enough evidence" stops the rollout rather than letting it through.
 */
export function generateJobTemplate(options: JobTemplateOptions): GeneratedTemplate {
  const count = positive("count", options.count ?? 1, true);
  checkTemplateOptions(options.identity, {
    interval: options.interval ?? "1m",
    count,
    failureLimit: 0,
    inconclusiveLimit: 0,
  });
  if (count > 1 && options.interval === undefined) {
    throw new ConfigError("ARGO_OPTION_INVALID", "--count > 1 needs --interval between Job runs");
  }
  if (!IMAGE.test(options.image)) {
    throw new ConfigError(
      "ARGO_OPTION_INVALID",
      `--image ${JSON.stringify(options.image)}: an image reference such as ghcr.io/acme/slogate:0.1.0`,
    );
  }
  const scenario = options.scenario ?? "load";
  if (!SCENARIO.test(scenario)) {
    throw new ConfigError(
      "ARGO_OPTION_INVALID",
      `--scenario ${JSON.stringify(scenario)}: a scenario name such as load`,
    );
  }
  const rate = positive("rate", options.ratePerSecond ?? 20, false);
  const timeScale = positive("time-scale", options.timeScale ?? 0.1, false);
  const deadline = positive("active-deadline", options.activeDeadlineSeconds ?? 600, true);
  const requiredTier = options.requiredTier ?? options.profile.requiredTier;
  const args = [
    "run",
    scenario,
    "--target",
    `{{args.${CANARY_URL_ARG}}}`,
    "--profile",
    options.profile.name,
    "--rate",
    String(rate),
    "--time-scale",
    String(timeScale),
    "--reports-dir",
    "/reports",
    "--format",
    "text",
    ...(options.requiredTier ? ["--require", options.requiredTier] : []),
  ];
  const writable = [
    { name: "reports", mountPath: "/reports" },
    // `slogate run` bundles the scenario there; the rest of the filesystem stays read-only.
    { name: "scenario-build", mountPath: "/app/scenarios/build" },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const job = {
    metadata: {
      labels: {
        "app.kubernetes.io/managed-by": "slogate",
        "slogate.dev/profile": options.profile.name,
      },
    },
    spec: {
      // One try: a retried load test would judge a different window.
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "slogate-analysis" } },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "slogate",
              image: options.image,
              args,
              env: [
                { name: "HOME", value: "/tmp" },
                { name: "NO_COLOR", value: "1" },
                { name: "K6_NO_USAGE_REPORT", value: "true" },
              ],
              resources: {
                requests: { cpu: "500m", memory: "256Mi" },
                limits: { cpu: "1", memory: "512Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: writable,
            },
          ],
          volumes: writable.map(({ name }) => ({ name, emptyDir: {} })),
        },
      },
    },
  };
  const metric = {
    name: "slo-load-test",
    count,
    failureLimit: 0,
    ...(count > 1 && options.interval ? { interval: options.interval } : {}),
    provider: { job },
  };
  return {
    manifest: buildTemplate({
      identity: options.identity,
      profile: options.profile.name,
      requiredTier,
      provider: "job",
      args: [{ name: CANARY_URL_ARG }],
      metrics: [metric],
    }),
    skipped: [],
    requiredTier,
  };
}
