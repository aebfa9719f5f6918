#!/usr/bin/env node
// Capacity searches against the reference service in capacity mode, whose
// capacity is known: C concurrent slots × S ms each = C / S × 1000 req/s.
// Runs on the built dist/ (npm run build first) with the real k6.
//
//   node bench/capacity.mjs [--cases 4x20,10x25,1000x1] [--warmup 1] [--step 3]
//
// Prints, per case, the capacity found against C/S (error %), the first
// failing rate, how the search ended, its steps and wall time, and the
// highest rate k6 completed in any step; the 1000x1 case (1,000,000 req/s)
// is beyond any generator here and must end "limited by the load generator".
// Writes the figures to bench/out/capacity.json and each search's reports
// under bench/out/capacity/.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const capacityEntry = path.join(root, "dist/commands/capacity/capacity.js");
const targetsEntry = path.join(root, "dist/targets/index.js");
for (const entry of [capacityEntry, targetsEntry]) {
  if (!existsSync(entry)) fail(`${entry} is missing; run npm run build first`);
}
const { capacity } = await import(pathToFileURL(capacityEntry).href);
const { startTargets } = await import(pathToFileURL(targetsEntry).href);

const args = readArgs(process.argv.slice(2));
const warmUpSeconds = Math.min(30, Math.max(1, Number(args.warmup ?? 1)));
const steadySeconds = Math.min(60, Math.max(2, Number(args.step ?? 3)));
const cases = String(args.cases ?? "4x20,10x25,1000x1")
  .split(",")
  .map((text) => {
    const match = /^(\d+)x(\d+(?:\.\d+)?)$/.exec(text.trim());
    if (match === null) fail(`--cases: "${text}" is not CxS (slots x milliseconds), e.g. 4x20`);
    return { concurrency: Number(match[1]), serviceMs: Number(match[2]) };
  });

const outDir = path.join(root, "bench", "out");
mkdirSync(path.join(outDir, "capacity"), { recursive: true });
const rows = [];
for (const { concurrency, serviceMs } of cases) {
  const truth = (concurrency / serviceMs) * 1000;
  // Far beyond what k6 can offer here: go up fast, and keep VU pools small.
  const huge = truth > 50_000;
  const targets = await startTargets({
    faults: `capacity=${concurrency}x${serviceMs}ms`,
    rateLimit: false,
  });
  const startedMs = Date.now();
  let run;
  try {
    run = await capacity({
      target: targets.url,
      warmUpSeconds,
      steadySeconds,
      budgetSeconds: 240,
      reportsDir: path.join(outDir, "capacity"),
      ...(huge
        ? {
            startRatePerSecond: 400,
            growthFactor: 4,
            maxRatePerSecond: 1e6,
            maxVUs: 1000,
            precision: 0.1,
          }
        : {}),
      onStep: (step) =>
        console.log(
          `  ${concurrency}x${serviceMs}ms step ${step.index}: ${step.ratePerSecond} req/s ${step.outcome}` +
            ` (achieved ${step.achievedRatePerSecond?.toFixed(1) ?? "n/a"}, p95 ${step.p95Ms ?? "n/a"} ms,` +
            ` dropped ${step.droppedIterations}, k6 ${step.k6CpuCores?.toFixed(2) ?? "n/a"} cores)`,
        ),
    });
  } finally {
    await targets.close();
  }
  const { result } = run;
  const found = result.capacityRatePerSecond;
  rows.push({
    case: `C=${concurrency}, S=${serviceMs} ms`,
    truthRatePerSecond: truth,
    kind: result.kind,
    statement: result.statement,
    capacityRatePerSecond: found,
    firstFailingRatePerSecond: result.firstFailingRatePerSecond,
    errorPercent: found === null || huge ? null : ((found - truth) / truth) * 100,
    steps: result.steps.length,
    wallSeconds: (Date.now() - startedMs) / 1000,
    highestAchievedRatePerSecond: result.highestAchievedRatePerSecond,
    // The highest rate k6 delivered as offered (a passing step): what this machine can drive cleanly.
    highestDeliveredRatePerSecond: Math.max(
      0,
      ...result.steps.filter((step) => step.outcome === "pass").map((step) => step.ratePerSecond),
    ),
    report: run.dir,
  });
}

const header = [
  "case",
  "C/S req/s",
  "result",
  "found",
  "first fail",
  "error",
  "steps",
  "wall s",
  "k6 max req/s",
];
const table = rows.map((row) => [
  row.case,
  String(row.truthRatePerSecond),
  row.kind,
  row.capacityRatePerSecond === null ? "n/a" : String(row.capacityRatePerSecond),
  row.firstFailingRatePerSecond === null ? "n/a" : String(row.firstFailingRatePerSecond),
  row.errorPercent === null
    ? "n/a"
    : `${row.errorPercent >= 0 ? "+" : ""}${row.errorPercent.toFixed(1)}%`,
  String(row.steps),
  row.wallSeconds.toFixed(1),
  row.highestAchievedRatePerSecond === null ? "n/a" : row.highestAchievedRatePerSecond.toFixed(0),
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...table.map((cells) => cells[column].length)),
);
console.log(`\ncapacity search: ${warmUpSeconds} s warm-up + ${steadySeconds} s judged per step`);
for (const cells of [header, ...table])
  console.log(cells.map((cell, i) => cell.padEnd(widths[i])).join("  "));
for (const row of rows) console.log(`${row.case}: ${row.statement}`);
const highest = Math.max(...rows.map((row) => row.highestAchievedRatePerSecond ?? 0));
const delivered = Math.max(...rows.map((row) => row.highestDeliveredRatePerSecond));
console.log(`highest rate k6 completed in any step here: ${highest.toFixed(0)} req/s`);
console.log(`highest rate k6 delivered as offered (a passing step): ${delivered} req/s`);
writeFileSync(
  path.join(outDir, "capacity.json"),
  `${JSON.stringify({ warmUpSeconds, steadySeconds, highestAchievedRatePerSecond: highest, highestDeliveredRatePerSecond: delivered, rows }, null, 2)}\n`,
);

const bad = rows.filter(
  (row) =>
    (row.truthRatePerSecond > 50_000 && row.kind !== "generator-limited") ||
    (row.truthRatePerSecond <= 50_000 &&
      (row.errorPercent === null || Math.abs(row.errorPercent) > 10)),
);
process.exit(bad.length > 0 ? 1 : 0);

function readArgs(list) {
  const parsed = {};
  for (let i = 0; i < list.length; i++) {
    const key = list[i];
    if (!key.startsWith("--")) fail(`unexpected argument ${key}`);
    parsed[key.slice(2)] = list[i + 1];
    i++;
  }
  return parsed;
}

function fail(message) {
  console.error(`bench/capacity: ${message}`);
  process.exit(2);
}
