/**
 * Every k6 exit code slogate knows, and what it means for a run. From k6
 * v2.2.0 errext/exitcodes; 1 is k6's generic error (bad flag, missing file).
 * `evidence: true` means the result files are complete enough to evaluate.
 */
export interface K6ExitMeaning {
  code: number;
  name: string;
  description: string;
  evidence: boolean;
}

const KNOWN: readonly K6ExitMeaning[] = [
  { code: 0, name: "OK", description: "k6 finished and its thresholds passed", evidence: true },
  {
    code: 1,
    name: "GENERIC_ERROR",
    description: "k6 could not start the test (bad flag, missing file)",
    evidence: false,
  },
  {
    code: 97,
    name: "CLOUD_TEST_RUN_FAILED",
    description: "the cloud test run failed",
    evidence: false,
  },
  {
    code: 98,
    name: "CLOUD_PROGRESS_FAILED",
    description: "k6 lost the cloud test's progress",
    evidence: false,
  },
  {
    code: 99,
    name: "THRESHOLDS_FAILED",
    description: "k6 finished and some of its thresholds crossed",
    evidence: true,
  },
  {
    code: 100,
    name: "SETUP_TIMEOUT",
    description: "the script's setup() timed out",
    evidence: false,
  },
  {
    code: 101,
    name: "TEARDOWN_TIMEOUT",
    description: "the script's teardown() timed out",
    evidence: true,
  },
  { code: 102, name: "GENERIC_TIMEOUT", description: "k6 timed out", evidence: false },
  {
    code: 103,
    name: "STOPPED_FROM_REST_API",
    description: "the test was stopped through k6's REST API",
    evidence: true,
  },
  {
    code: 104,
    name: "INVALID_CONFIG",
    description: "k6 rejected the test's options",
    evidence: false,
  },
  {
    code: 105,
    name: "EXTERNAL_ABORT",
    description: "the test was interrupted (SIGINT/SIGTERM)",
    evidence: true,
  },
  {
    code: 106,
    name: "CANNOT_START_REST_API",
    description: "k6 could not start its REST API (address in use?)",
    evidence: false,
  },
  {
    code: 107,
    name: "SCRIPT_EXCEPTION",
    description: "the script threw an exception",
    evidence: false,
  },
  {
    code: 108,
    name: "SCRIPT_ABORTED",
    description: "the script called test.abort() or a threshold aborted it",
    evidence: true,
  },
  { code: 109, name: "GO_PANIC", description: "k6 crashed (Go panic)", evidence: false },
  {
    code: 110,
    name: "MARKED_AS_FAILED",
    description: "the script marked the test as failed",
    evidence: true,
  },
];

const BY_CODE = new Map(KNOWN.map((meaning) => [meaning.code, meaning]));

/** Explains a k6 exit; a signal death is 128 + signal number, as shells report it. */
export function describeK6Exit(code: number | null, signal: NodeJS.Signals | null): K6ExitMeaning {
  if (code === null) {
    return {
      code: -1,
      name: "KILLED",
      description: `k6 was killed by ${signal ?? "an unknown signal"}`,
      evidence: false,
    };
  }
  return (
    BY_CODE.get(code) ?? {
      code,
      name: "UNKNOWN",
      description: `k6 exited with code ${code}, which this k6 version does not document`,
      evidence: false,
    }
  );
}
