import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The suites that share the live stack (test/fixtures/live-stack.ts). */
const LIVE_STACK_SUITES = [
  // Its alerts are checked while still pending (`for: 2m` and more after the
  // stack starts), so it runs first; Argo's long harness runs last.
  "test/integrations/prometheus-rules-live.test.ts",
  "test/serve/serve-prometheus.test.ts",
  "test/integrations/argo-conformance.test.ts",
];

/** vitest's order, except that the live-stack suites keep the order above. */
class LiveStackSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) =>
      LIVE_STACK_SUITES.findIndex((suite) => spec.moduleId.endsWith(suite));
    const live = sorted.filter((spec) => rank(spec) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...live, ...sorted.filter((spec) => rank(spec) < 0)];
  }
}

export default defineConfig({
  test: {
    // Real k6 runs and real servers share two cores: run files one at a time so
    // load tests don't measure each other.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: LiveStackSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: "live-stack",
          include: LIVE_STACK_SUITES,
          // Starts the stack once, only in runs that include one of these suites.
          globalSetup: ["test/fixtures/live-stack-setup.ts"],
          // The go build of the Argo harness can take minutes on a fresh machine.
          hookTimeout: 1_900_000,
          // Runs before the other files, while the stack's data is fresh.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts"],
          exclude: LIVE_STACK_SUITES,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
