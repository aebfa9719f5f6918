import { createSeededRandom, drawNormal } from "../../src/core/compare/index.js";
import { buildEvidenceFile, type EvidenceFileV1 } from "../../src/core/evidence-file.js";
import { SlicingAccumulator } from "../../src/core/k6-slices.js";
import type { PointTags } from "../../src/core/k6-accumulator.js";
import type { SloProfile } from "../../src/core/profile.js";
import { selectStreamWindow, assessStreamLoad } from "../../src/core/stream-window.js";
import { fingerprintProfile } from "../../src/sources/evidence-file.js";

/** A synthetic k6 run fed point by point, as the NDJSON reader feeds them. */
export interface SyntheticRunOptions {
  seed: number;
  seconds: number;
  ratePerSecond: number;
  medianMs?: number;
  /** Multiplies every latency. */
  latencyFactor?: number;
  errorRate?: number;
  /** Route names the requests rotate through. */
  routes?: readonly string[];
  startMs?: number;
  offeredRatePerSecond?: number | null;
}

export function feedSyntheticRun(options: SyntheticRunOptions): SlicingAccumulator {
  const sink = new SlicingAccumulator();
  const random = createSeededRandom(options.seed);
  const routes = options.routes ?? ["/api/v1/users"];
  const start = options.startMs ?? Date.UTC(2025, 0, 1, 12, 0, 0, 500);
  const total = Math.round(options.seconds * options.ratePerSecond);
  const reqs = sink.lookupMetric("http_reqs");
  const duration = sink.lookupMetric("http_req_duration");
  const failed = sink.lookupMetric("http_req_failed");
  const iterations = sink.lookupMetric("iterations");
  const offered = sink.declareMetric("slogate_offered_rate", "gauge", "default");
  const base: PointTags = {
    phase: "steady",
    name: null,
    method: "GET",
    status: "200",
    expected: "true",
    scenario: "steady",
    check: null,
  };
  if (options.offeredRatePerSecond !== null) {
    sink.addPoint(offered, start, options.offeredRatePerSecond ?? options.ratePerSecond, base);
  }
  for (let i = 0; i < total; i++) {
    const timeMs = start + (i * 1000) / options.ratePerSecond;
    const fails = random() < (options.errorRate ?? 0);
    const tags: PointTags = {
      ...base,
      name: routes[i % routes.length] ?? "",
      status: fails ? "503" : "200",
      expected: fails ? "false" : "true",
    };
    const ms =
      (options.latencyFactor ?? 1) *
      Math.exp(Math.log(options.medianMs ?? 20) + 0.4 * drawNormal(random));
    sink.addPoint(reqs, timeMs, 1, tags);
    sink.addPoint(duration, timeMs, ms, tags);
    sink.addPoint(failed, timeMs, fails ? 1 : 0, tags);
    sink.addPoint(iterations, timeMs, 1, tags);
  }
  return sink;
}

/** The evidence file of a synthetic run, for the profile's window. */
export function buildSyntheticEvidence(
  options: SyntheticRunOptions & { profile: SloProfile; scenario?: string | null },
): EvidenceFileV1 {
  const sink = feedSyntheticRun(options);
  const evidence = sink.finish();
  const { window } = selectStreamWindow(evidence, options.profile.evaluation.window);
  const { load } = assessStreamLoad(evidence, window, options.profile.evaluation);
  return buildEvidenceFile(sink.finishSlices(), window, {
    createdAt: "2025-01-01T13:00:00.000Z",
    profile: fingerprintProfile(options.profile),
    scenario: options.scenario ?? "load",
    k6Version: "v2.2.0",
    ci: null,
    offeredRatePerSecond: evidence.offeredRatePerSecond,
    achievedIterationRatePerSecond: load.achievedIterationRatePerSecond,
  });
}
