import path from "node:path";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { buildK6VerdictTemplate } from "./argo-k6-verdict.js";
import { loadArgoValidators } from "./crd-validate.js";
import {
  buildVerdictJob,
  buildVerdictRbac,
  PROFILE_MOUNT_DIR,
  type SecretKeyRef,
  type VerdictPodOptions,
} from "./k6-verdict-job.js";
import type { VerdictPlan } from "./k6-verdict-options.js";
import type { EmbeddedProfile } from "./k6-verdict-profile.js";

export interface VerdictManifestsOptions {
  plan: VerdictPlan;
  profile: EmbeddedProfile;
  /** The profile's own name and file, for labels and comments. */
  profileName: string;
  profileFile: string;
  /** The tier the template's annotation states (the profile's unless `require`). */
  requiredTier: RequiredTier;
  /** `--require` as given; absent, the check uses the profile's own. */
  require?: RequiredTier;
  testRun: string;
  testId: string;
  bearerTokenSecret?: SecretKeyRef;
  schemasDir?: string;
}

export interface VerdictManifests {
  /** In apply order, each with its comment. */
  items: { manifest: unknown; comment?: string }[];
  job: Record<string, unknown> | null;
  analysisTemplate: Record<string, unknown> | null;
  /** ServiceAccount, Role, RoleBinding and, for a profile the image lacks, its ConfigMap. */
  support: Record<string, unknown>[];
}

/**
 * Everything the verdict step of one TestRun needs, named `<testrun>-verdict`
 * in the TestRun's namespace. The AnalysisTemplate, when asked for, is
 * validated against the Argo Rollouts CRD; the Job and RBAC objects have no
 * CRD (they are built-in kinds).
 * @throws ConfigError when the AnalysisTemplate would be rejected.
 */
export function buildVerdictManifests(options: VerdictManifestsOptions): VerdictManifests {
  const { plan, profile } = options;
  const name = `${options.testRun}-verdict`;
  const labels = {
    "app.kubernetes.io/managed-by": "slogate",
    "app.kubernetes.io/name": "slogate-verdict",
    "slogate/testid": options.testId,
  };
  const pod: VerdictPodOptions = {
    testRun: options.testRun,
    testId: options.testId,
    prometheusUrl: plan.prometheusUrl,
    profileArgument: profile.argument,
    profileConfigMap: profile.configMap,
    ...(options.require === undefined ? {} : { requiredTier: options.require }),
    format: plan.format,
    ...(options.bearerTokenSecret === undefined
      ? {}
      : { bearerTokenSecret: options.bearerTokenSecret }),
    serviceAccountName: name,
    image: plan.image,
    kubectlImage: plan.kubectlImage,
    waitTimeoutSeconds: plan.waitTimeoutSeconds,
  };
  const support = buildVerdictRbac({ name, namespace: plan.namespace, labels });
  const items: VerdictManifests["items"] = support.map((manifest, index) => ({
    manifest,
    ...(index === 0
      ? { comment: "The verdict's identity: it may read TestRuns in this namespace, nothing else." }
      : {}),
  }));
  if (profile.configMap !== null && profile.data !== null) {
    const profileMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: profile.configMap, namespace: plan.namespace, labels },
      data: profile.data,
    };
    support.push(profileMap);
    items.push({
      manifest: profileMap,
      comment: `The SLO profile ${path.basename(options.profileFile)}, mounted at ${PROFILE_MOUNT_DIR} for the verdict.`,
    });
  }
  let job: Record<string, unknown> | null = null;
  if (plan.job) {
    job = buildVerdictJob({ ...pod, name, namespace: plan.namespace, labels });
    items.push({
      manifest: job,
      comment: [
        `The verdict: waits for TestRun ${options.testRun} to reach stage finished (exit 3 at once on stage`,
        `error, or after ${plan.waitTimeoutSeconds}s), then judges testid ${options.testId} from Prometheus. The pod's`,
        "exit code is the verdict: 0 pass, 1 fail, 2 inconclusive, 3 error. backoffLimit 0: a fail is not retried.",
      ].join("\n"),
    });
  }
  let analysisTemplate: Record<string, unknown> | null = null;
  if (plan.argoTemplate) {
    analysisTemplate = buildK6VerdictTemplate({
      ...pod,
      name,
      namespace: plan.namespace,
      profileName: options.profileName,
      statedTier: options.requiredTier,
      defaultTestRun: options.testRun,
      defaultTestId: options.testId,
      // Without slogate/testid: a Rollout may pass another test id than the default.
      labels: {
        "app.kubernetes.io/managed-by": labels["app.kubernetes.io/managed-by"],
        "app.kubernetes.io/name": labels["app.kubernetes.io/name"],
      },
    });
    const problems = loadArgoValidators(options.schemasDir).AnalysisTemplate.validate(
      analysisTemplate,
    );
    if (problems.length > 0) {
      throw new ConfigError(
        "K8S_TESTRUN_INVALID",
        `the AnalysisTemplate would be rejected by Argo Rollouts' CRD: ${problems.join("; ")}`,
      );
    }
    items.push({
      manifest: analysisTemplate,
      comment: [
        "Argo Rollouts job provider: the same wait and check for a canary. A Rollout's analysis passes",
        "args testrun and test-id (defaults: this TestRun); exit 0 is Successful, anything else Failed.",
      ].join("\n"),
    });
  }
  return { items, job, analysisTemplate, support };
}
