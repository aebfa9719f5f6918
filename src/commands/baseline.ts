import { buildComparisonFigures } from "../core/comparison-figures.js";
import type { ComparisonFigures, VerdictComparison } from "../core/comparison-block.js";
import { compareRuns, toVerdictComparison, type ComparisonMargins } from "../core/compare-runs.js";
import type { EvidenceFileV1 } from "../core/evidence-file.js";
import type { SloProfile } from "../core/profile.js";
import {
  ensureSameProfile,
  readSide,
  type ReadSide,
  type SideReadOptions,
} from "./compare-side.js";

/** `--baseline` of run and check: what to compare the run with, and how the comparison gates. */
export interface BaselineOptions {
  /** An evidence file, a run directory, or k6 NDJSON files (several merge). */
  paths: readonly string[];
  /** An inconclusive comparison does not hold a passing run back (a regression still fails it). */
  advisory?: boolean;
  /** Margins set by flag; each overrides the profile's `regression:` margins of its kind. */
  margins?: Partial<ComparisonMargins>;
  /** Seed of the bootstrap; 1 by default. */
  seed?: number;
  /** Already read (run reads it before it sends load, so a bad baseline costs no run). */
  read?: ReadSide;
}

/** Reads the baseline; a missing, empty, truncated or other-version file is an InputError (exit 3). */
export async function readBaseline(
  options: BaselineOptions,
  profile: SloProfile,
  read: SideReadOptions = {},
): Promise<ReadSide> {
  return options.read ?? (await readSide("baseline", options.paths, profile, read));
}

/** The comparison block and its figures for a verdict. */
export interface BaselineComparison {
  comparison: VerdictComparison;
  figures: ComparisonFigures | null;
}

/**
 * Compares the run's evidence with the baseline's. Without the run's
 * evidence (a k6 summary, an explicit time range) the comparison is
 * inconclusive and says why; runs of different profiles are an InputError.
 */
export function compareWithBaseline(
  baseline: ReadSide,
  candidate: EvidenceFileV1 | { unavailable: string },
  profile: SloProfile,
  options: BaselineOptions,
): BaselineComparison {
  const advisory = options.advisory === true;
  if ("unavailable" in candidate) {
    return {
      comparison: {
        verdict: "inconclusive",
        advisory,
        baseline: baseline.run,
        objectives: [],
        skipped: [],
        notes: [`not compared: ${candidate.unavailable}`],
      },
      figures: null,
    };
  }
  ensureSameProfile(baseline, candidate, profile.name);
  const comparison = compareRuns({
    baseline: baseline.evidence,
    candidate,
    profile,
    ...(options.margins ? { margins: options.margins } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const latency = profile.objectives.find(
    (spec) =>
      spec.measure.kind === "k6" &&
      spec.measure.metric === "http_req_duration" &&
      spec.measure.stat.kind === "percentile",
  );
  return {
    comparison: toVerdictComparison(baseline.run, comparison, advisory),
    figures: buildComparisonFigures(baseline.evidence, candidate, latency),
  };
}
