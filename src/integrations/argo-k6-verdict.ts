import type { RequiredTier } from "../core/types.js";
import { buildTemplate } from "./argo-common.js";
import { buildVerdictPodSpec, type VerdictPodOptions } from "./k6-verdict-job.js";

/** Arg names a Rollout passes to the generated template. */
export const TESTRUN_ARG = "testrun";
export const TEST_ID_ARG = "test-id";

export interface K6VerdictTemplateOptions extends Omit<VerdictPodOptions, "testRun" | "testId"> {
  name: string;
  namespace: string;
  profileName: string;
  /** The tier the template's annotation states (the check's own is `requiredTier`, set only by --require). */
  statedTier: RequiredTier;
  /** Defaults of the args, so the template judges the TestRun generated with it unless a Rollout says otherwise. */
  defaultTestRun: string;
  defaultTestId: string;
  labels: Record<string, string>;
}

/**
 * An AnalysisTemplate whose job provider runs the verdict pod: wait for the
 * TestRun `{{args.testrun}}` to finish, then `slogate check --k6-prometheus …
 * --test-id {{args.test-id}}`. Exit 0 completes the Job (Successful); 1 fail,
 * 2 inconclusive and 3 error fail it (Failed): the job provider has no
 * Inconclusive, so missing evidence stops the rollout rather than passing.
 * Namespaced only: the ServiceAccount and Role it runs with live in one
 * namespace.
 */
export function buildK6VerdictTemplate(options: K6VerdictTemplateOptions): Record<string, unknown> {
  const podSpec = buildVerdictPodSpec({
    ...options,
    testRun: `{{args.${TESTRUN_ARG}}}`,
    testId: `{{args.${TEST_ID_ARG}}}`,
  });
  const job = {
    metadata: { labels: options.labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.waitTimeoutSeconds + 600,
      ttlSecondsAfterFinished: 3600,
      template: { metadata: { labels: options.labels }, spec: podSpec },
    },
  };
  return buildTemplate({
    identity: { kind: "AnalysisTemplate", name: options.name, namespace: options.namespace },
    profile: options.profileName,
    requiredTier: options.statedTier,
    provider: "job",
    args: [
      { name: TESTRUN_ARG, value: options.defaultTestRun },
      { name: TEST_ID_ARG, value: options.defaultTestId },
    ],
    metrics: [{ name: "k6-operator-verdict", count: 1, failureLimit: 0, provider: { job } }],
  });
}
