// Calibration of the regression gate's statistics: runs with known truth,
// compared many times, counting how often each verdict comes out.
//
//   npm run build && node bench/compare-calibration.mjs [--pairs 200] [--dist DIR]
//
// Latency: lognormal requests (median 20 ms, log-sd 0.5) whose log-level
// drifts as AR(1) per 1 s slice, a level shift per run (noisy neighbours) and
// occasional GC-like pauses; 100 slices × ~1000 requests = ~100k per run.
// Errors: independent failures, or failures in bursts (a slice in 20 fails
// at +10 %). Each scenario is compared by three methods on the same pairs:
//   block bootstrap  — slogate's method (blocks from the data, t widening)
//   iid slices       — bootstrap over slices as if independent (blocks of 1, no widening)
//   iid requests     — every request independent: the binomial order-statistic
//                      interval of each percentile (latency) or plain Newcombe (errors)
// Printed per method: share of pairs regressed / unchanged / improved /
// inconclusive, share whose interval excludes "no change" (what a bare
// significance test would flag), coverage of the true effect, median width.
// Aims: A/A under drift ≤ 5 % regressed; 1.5× p95 at 100k requests ≥ 90 % regressed.
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] ? argv[at + 1] : fallback;
};
const pairs = Number(flag("--pairs", "200"));
const dist = path.resolve(flag("--dist", path.join(here, "..", "dist")));

const compare = await import(path.join(dist, "core/compare/index.js"));
const quantiles = await import(path.join(dist, "core/compare/slice-quantiles.js"));
const { normalQuantile } = await import(path.join(dist, "core/compare/quantiles.js"));
const { mergeHistograms } = await import(path.join(dist, "core/histogram.js"));
const {
  simulateRun,
  compareGroup,
  decideEffect,
  estimateErrorRateEffect,
  estimateLatencyEffect,
  prepareRun,
  createSeededRandom,
  drawNormal,
} = compare;

const Z = normalQuantile(0.975);
const LATENCY_MARGIN = { kind: "ratio", worse: "higher", ratio: 1.1 };
const ERROR_MARGIN = { kind: "difference", worse: "higher", difference: 0.001 };

// ------------------------------------------------------------ scenarios

const SIZE = { slices: 100, requestsPerSlice: 1000 };
const calm = { driftPhi: 0, driftLogSd: 0, runShiftSd: 0 };
const drift = {
  driftPhi: 0.8,
  driftLogSd: 0.1,
  runShiftSd: 0.03,
  pauseChance: 0.02,
  pauseShare: 0.3,
  pauseMs: 150,
};
const strong = {
  driftPhi: 0.9,
  driftLogSd: 0.15,
  runShiftSd: 0.03,
  pauseChance: 0.03,
  pauseShare: 0.5,
  pauseMs: 250,
};
const latencyScenarios = [
  { name: "iid, A/A", ...SIZE, ...calm, factor: 1 },
  { name: "iid, 1.5× p95", ...SIZE, ...calm, factor: 1.5 },
  { name: "drift φ=0.8, A/A", ...SIZE, ...drift, factor: 1 },
  { name: "drift φ=0.8, 1.5× p95", ...SIZE, ...drift, factor: 1.5 },
  { name: "drift φ=0.9 + pauses, A/A", ...SIZE, ...strong, factor: 1 },
  { name: "drift φ=0.9 + pauses, 1.5× p95", ...SIZE, ...strong, factor: 1.5 },
  {
    name: "drift φ=0.8, 12 slices × 100, A/A",
    ...drift,
    slices: 12,
    requestsPerSlice: 100,
    factor: 1,
  },
  {
    name: "drift φ=0.8, 12 slices × 100, 1.5×",
    ...drift,
    slices: 12,
    requestsPerSlice: 100,
    factor: 1.5,
  },
];
const errorScenarios = [
  { name: "errors iid 1 %, A/A", errorRate: 0.01, burstChance: 0, burstErrorRate: 0, shift: 0 },
  {
    name: "errors iid 1 %, +2 pp",
    errorRate: 0.01,
    burstChance: 0,
    burstErrorRate: 0,
    shift: 0.02,
  },
  {
    name: "errors in bursts 1 %, A/A",
    errorRate: 0.005,
    burstChance: 0.05,
    burstErrorRate: 0.1,
    shift: 0,
  },
  {
    name: "errors in bursts 1 %, +2 pp",
    errorRate: 0.005,
    burstChance: 0.05,
    burstErrorRate: 0.1,
    shift: 0.02,
  },
];

// ------------------------------------------------------------ naive interval

/** Each request independent: the order-statistic (binomial) interval of a percentile, per run, on the log scale. */
function estimateIidRequests(baseline, candidate, fraction) {
  const logSe = (run) => {
    const recorded = quantiles.readRecordedValues(
      mergeHistograms(run.slices.map((s) => s.histogram)),
    );
    const n = recorded.total;
    const spread = Z * Math.sqrt(n * fraction * (1 - fraction));
    const at = (rank) => quantiles.readQuantile(recorded, Math.min(1, Math.max(1, rank) / n));
    const point = quantiles.readQuantile(recorded, fraction);
    const width = Math.log(at(n * fraction + spread)) - Math.log(at(n * fraction - spread));
    return { point, se: width / (2 * Z) };
  };
  const b = logSe(baseline);
  const c = logSe(candidate);
  const estimate = Math.log(c.point) - Math.log(b.point);
  const half = Z * Math.hypot(b.se, c.se);
  return {
    kind: "effect",
    scale: "ratio",
    baseline: b.point / 1000,
    candidate: c.point / 1000,
    estimate: Math.exp(estimate),
    interval: [Math.exp(estimate - half), Math.exp(estimate + half)],
    confidence: 0.95,
    evidence: { unit: "requests", baseline: 1, candidate: 1 },
    method: "iid order statistic",
  };
}

// ------------------------------------------------------------ tallies

function tally() {
  return {
    regressed: 0,
    unchanged: 0,
    improved: 0,
    inconclusive: 0,
    flagged: 0,
    covered: 0,
    widths: [],
    n: 0,
  };
}
function record(t, effect, margin, subject, truth, noChange) {
  t.n++;
  t[decideEffect(subject, effect, margin).verdict]++;
  if (effect.kind !== "effect") return;
  const [lo, hi] = effect.interval;
  if (lo > noChange || hi < noChange) t.flagged++;
  if (lo <= truth && truth <= hi) t.covered++;
  t.widths.push(effect.scale === "ratio" ? Math.log(hi / lo) : hi - lo);
}
const pct = (x, n) => `${((100 * x) / Math.max(1, n)).toFixed(1).padStart(5)} %`;
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
function printRow(method, t, widthLabel) {
  const width = median(t.widths);
  console.log(
    `  ${method.padEnd(16)} regressed ${pct(t.regressed, t.n)}  unchanged ${pct(t.unchanged, t.n)}  improved ${pct(t.improved, t.n)}` +
      `  inconclusive ${pct(t.inconclusive, t.n)}  flags a change ${pct(t.flagged, t.n)}  covers truth ${pct(t.covered, t.n)}` +
      `  median width ${widthLabel(width)}`,
  );
}

// ------------------------------------------------------------ runs

console.log(
  `compare-calibration: ${pairs} seeded pairs per scenario, margins +10 % (latency), +0.1 pp (errors), 95 % intervals`,
);
const times = [];
for (const [index, s] of latencyScenarios.entries()) {
  const tallies = { block: tally(), slices: tally(), requests: tally() };
  for (let pair = 0; pair < pairs; pair++) {
    const seed = 1_000_003 * (index + 1) + pair;
    const shifts = createSeededRandom(seed);
    const shiftB = s.runShiftSd * drawNormal(shifts);
    const shiftC = s.runShiftSd * drawNormal(shifts);
    const common = {
      slices: s.slices,
      requestsPerSlice: s.requestsPerSlice,
      driftPhi: s.driftPhi,
      driftLogSd: s.driftLogSd,
      pauseChance: s.pauseChance ?? 0,
      pauseShare: s.pauseShare ?? 0,
      pauseMs: s.pauseMs ?? 0,
    };
    const baseline = simulateRun({ ...common, seed: 2 * seed, runLogShift: shiftB });
    const candidate = simulateRun({
      ...common,
      seed: 2 * seed + 1,
      runLogShift: shiftC,
      latencyFactor: s.factor,
    });
    const truth = s.factor * Math.exp(shiftC - shiftB);
    const started = performance.now();
    const [ours] = compareGroup(baseline, candidate, { seed });
    times.push(performance.now() - started);
    const iidSlices = estimateLatencyEffect(prepareRun(baseline), prepareRun(candidate), {
      seed,
      percent: 95,
      blockSlices: 1,
      dependenceCorrection: false,
    });
    record(tallies.block, ours.effect, LATENCY_MARGIN, "p(95)", truth, 1);
    record(tallies.slices, iidSlices, LATENCY_MARGIN, "p(95)", truth, 1);
    record(
      tallies.requests,
      estimateIidRequests(baseline, candidate, 0.95),
      LATENCY_MARGIN,
      "p(95)",
      truth,
      1,
    );
  }
  console.log(`\n${s.name} (${s.slices} slices × ~${s.requestsPerSlice} requests per run)`);
  const w = (x) => `×${Math.exp(x).toFixed(3)}`;
  printRow("block bootstrap", tallies.block, w);
  printRow("iid slices", tallies.slices, w);
  printRow("iid requests", tallies.requests, w);
}

for (const [index, s] of errorScenarios.entries()) {
  const tallies = { block: tally(), requests: tally() };
  for (let pair = 0; pair < pairs; pair++) {
    const seed = 7_000_001 * (index + 1) + pair;
    const common = {
      slices: SIZE.slices,
      requestsPerSlice: SIZE.requestsPerSlice,
      burstChance: s.burstChance,
      burstErrorRate: s.burstErrorRate,
      recordLatencies: false,
    };
    const baseline = simulateRun({ ...common, seed: 2 * seed, errorRate: s.errorRate });
    const candidate = simulateRun({
      ...common,
      seed: 2 * seed + 1,
      errorRate: s.errorRate + s.shift,
    });
    record(
      tallies.block,
      estimateErrorRateEffect(baseline, candidate),
      ERROR_MARGIN,
      "error rate",
      s.shift,
      0,
    );
    record(
      tallies.requests,
      estimateErrorRateEffect(baseline, candidate, { clustering: false }),
      ERROR_MARGIN,
      "error rate",
      s.shift,
      0,
    );
  }
  console.log(`\n${s.name} (${SIZE.slices} slices × ~${SIZE.requestsPerSlice} requests per run)`);
  const w = (x) => `${(x * 100).toFixed(2)} pp`;
  printRow("design effect", tallies.block, w);
  printRow("iid requests", tallies.requests, w);
}

const sorted = [...times].sort((a, b) => a - b);
console.log(
  `\ntime per comparison (p95 + error rate, 2000 replicates, ~100k requests per run; generation excluded): ` +
    `median ${median(sorted).toFixed(1)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(1)} ms`,
);
