import type { ComparisonVerdict, Margin } from "./compare/types.js";
import type { EvidenceHeaderV1 } from "./run-metadata.js";

/**
 * The shape of a comparison as reports and verdict.json carry it: flat
 * figures per objective, no histograms. `compare` prints it on its own;
 * `run`/`check --baseline` add it to the verdict as `comparison`.
 */

/** What a side's evidence says about its run, without its slices. */
export type ComparedRunMetadata = EvidenceHeaderV1 & {
  sliceCount: number;
  requests: number;
};

/** One side of a comparison: where its evidence came from and what it says. */
export interface ComparedRunBlock {
  /** The path given (a file or a run directory), several joined by spaces. */
  source: string;
  /** What was read: an evidence file, or k6 NDJSON turned into evidence on the fly. */
  read: "evidence" | "k6-ndjson";
  files: string[];
  metadata: ComparedRunMetadata;
}

/** One compared objective, as verdict.json's `comparison.objectives[]`. */
export interface ComparisonObjectiveBlock {
  id: string;
  source: "k6" | "prometheus";
  mandatory: boolean;
  /** What is compared, e.g. "p(95) of http_req_duration". */
  subject: string;
  /** Each run's own figure: ms, a fraction, or requests per second; null when it had none. */
  baseline: number | null;
  candidate: number | null;
  /** The estimate: a ratio candidate/baseline (latency, throughput) or a difference (error rate). */
  effect: number | null;
  scale: "ratio" | "difference" | null;
  interval: [number, number] | null;
  confidence: number | null;
  margin: Margin;
  verdict: ComparisonVerdict;
  reason: string;
  /** How the interval was formed (block length, design effect), or null. */
  method: string | null;
}

/** verdict.json's `comparison` block (additive to schema version 1). */
export interface VerdictComparison {
  /** Worst of the mandatory objectives: regressed, then inconclusive, then improved, else unchanged. */
  verdict: ComparisonVerdict;
  /** True when an inconclusive comparison was not allowed to hold a passing run back (`--baseline-advisory`). */
  advisory: boolean;
  baseline: ComparedRunBlock;
  objectives: ComparisonObjectiveBlock[];
  /** Objectives the evidence cannot compare at all (Prometheus, custom metrics), with why. */
  skipped: { id: string; reason: string }[];
  notes: string[];
}

/** One run's latency picture for the overlaid charts of a comparison. */
export interface ComparisonRunFigures {
  /** Percentile spectrum of the compared requests' durations: `percent` (0–99.99) → ms, ascending. */
  spectrum: { percent: number; ms: number }[];
  /** Per slice of the judged window, from its start: seconds since the window began, p50/p95 in ms, requests per second. */
  timeline: {
    offsetSeconds: number;
    p50Ms: number | null;
    p95Ms: number | null;
    requestsPerSecond: number;
    failureRatio: number | null;
  }[];
}

/** What the HTML report draws for a comparison: both runs' spectra overlaid, both timelines. */
export interface ComparisonFigures {
  /** What the durations are, e.g. "http_req_duration of expected responses". */
  subject: string;
  baseline: ComparisonRunFigures;
  candidate: ComparisonRunFigures;
}
