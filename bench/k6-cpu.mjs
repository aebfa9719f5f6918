#!/usr/bin/env node
// k6's own CPU per request for each bundled open-model scenario (load,
// stress, spike, soak, breakpoint, capacity) and for a minimal script (one
// GET and a status check, constant arrival rate), all at the same rate
// against the same reference service on loopback, printed as ratios to the
// minimal script; then the highest rate one k6 process sustains here with
// each (achieved ≥ 95 % of offered, no dropped iterations, < 1 % failed),
// found by short steps up ×1.2 from 1,000 req/s and two halvings of the gap.
// Rounds (2) run the scripts interleaved; the ceiling steps run once each,
// so one transient stall decides a step: read them as ±1 step.
// k6 runs as slogate runs it: NDJSON output and a summary export.
// Runs on the built dist/ (npm run build first) with the real k6.
//
//   node bench/k6-cpu.mjs [--rate 800] [--seconds 16] [--rounds 2]
//                         [--only minimal,load,stress,spike,soak,breakpoint,capacity]
//                         [--ceiling-start 1000] [--ceiling-factor 1.2]
//                         [--ceiling-seconds 5] [--no-ceiling]
//                         [--scenarios-dir DIR] [--label before]
//
// CPU is user+sys of the k6 process from /proc/<pid>/stat, sampled every
// 250 ms and taken over the middle of the run (start-up, VU initialisation
// and the summary are left out), divided by the requests k6 started in that
// window (http_reqs points in its NDJSON). --scenarios-dir bundles the
// scenarios of another checkout (e.g. an unchanged copy, with its own lib/ and
// tsconfig.json: `git show REV:scenarios/…` into a folder) for a before/after.
// The reference service is Node in this process, on the same cores as k6:
// the ceilings are this machine's with the service sharing it.
// Writes the figures to bench/out/k6-cpu[-<label>].json.
import { spawn } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entries = {
  targets: path.join(root, "dist/targets/index.js"),
  provision: path.join(root, "dist/k6/provision.js"),
  bundle: path.join(root, "dist/k6/bundle.js"),
};
for (const entry of Object.values(entries)) {
  if (!existsSync(entry)) fail(`${entry} is missing; run npm run build first`);
}
const { startTargets } = await import(pathToFileURL(entries.targets).href);
const { ensureK6 } = await import(pathToFileURL(entries.provision).href);
const { bundleScenario } = await import(pathToFileURL(entries.bundle).href);

const args = readArgs(process.argv.slice(2));
const ratePerSecond = Math.max(10, Math.round(Number(args.rate ?? 800)));
const seconds = Math.min(120, Math.max(8, Number(args.seconds ?? 16)));
const ceilingStart = Math.max(50, Number(args["ceiling-start"] ?? 1000));
const ceilingFactor = Math.min(3, Math.max(1.05, Number(args["ceiling-factor"] ?? 1.2)));
const ceilingSeconds = Math.min(60, Math.max(3, Number(args["ceiling-seconds"] ?? 5)));
const ceilingMaxSteps = 6;
const rounds = Math.min(5, Math.max(1, Math.round(Number(args.rounds ?? 2))));
const label = args.label === undefined ? "" : String(args.label);
const scenariosDir =
  args["scenarios-dir"] === undefined ? null : path.resolve(String(args["scenarios-dir"]));
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/**
 * Each scenario shaped to hold `rate` for about `s` seconds (1 s ramps where
 * the shape has them), and the iterations that shape offers in total.
 * Spike's factor must be above 1: 1.001 keeps its rate the same.
 */
const SHAPES = {
  minimal: (rate, s) => ({ env: { RATE: rate, DURATION: s + 1 }, offered: rate * (s + 1) }),
  load: (rate, s) => standard(rate, s),
  soak: (rate, s) => standard(rate, s),
  stress: (rate, s) => ({
    env: {
      RATE: rate,
      STRESS_FACTORS: "1",
      DURATION_RAMP_UP: "1s",
      DURATION_STEADY: `${s / 2}s`,
      DURATION_STEP_RAMP: "1s",
      DURATION_STEP: `${s / 2}s`,
      DURATION_RAMP_DOWN: "1s",
    },
    offered: rate * (s + 2),
  }),
  spike: (rate, s) => ({
    env: {
      RATE: rate,
      SPIKE_FACTOR: "1.001",
      DURATION_RAMP_UP: "1s",
      DURATION_STEADY: `${s / 3}s`,
      DURATION_SPIKE_RISE: "1s",
      DURATION_SPIKE: `${s / 3}s`,
      DURATION_SPIKE_FALL: "1s",
      DURATION_RECOVERY: `${s / 3}s`,
      DURATION_RAMP_DOWN: "1s",
    },
    offered: rate * (s + 3),
  }),
  // One ramp from 0 to 2 × rate: the same requests as `rate` held, the middle near it.
  breakpoint: (rate, s) => ({
    env: { MAX_RATE: 2 * rate, DURATION_RAMP_UP: `${s + 1}s`, DURATION_ABORT_DELAY: "5s" },
    offered: rate * (s + 1),
  }),
  capacity: (rate, s) => ({
    env: { RATE: rate, DURATION_WARMUP: "1s", DURATION_STEADY: `${s}s` },
    offered: rate * (s + 1),
  }),
};
const NAMES = Object.keys(SHAPES);
const only = args.only === undefined ? NAMES : String(args.only).split(",");
for (const name of only)
  if (!NAMES.includes(name)) fail(`--only: unknown '${name}'; use ${NAMES.join(", ")}`);

function standard(rate, s) {
  return {
    env: { RATE: rate, DURATION_RAMP_UP: "1s", DURATION_STEADY: `${s}s`, DURATION_RAMP_DOWN: "1s" },
    offered: rate * (s + 1),
  };
}

// The floor: one GET and one status check, at the executor the scenarios use.
const MINIMAL_SCRIPT = `import http from "k6/http";
import { check } from "k6";
const rate = Number(__ENV.RATE);
export const options = {
  scenarios: {
    steady: {
      executor: "constant-arrival-rate",
      rate,
      timeUnit: "1s",
      duration: __ENV.DURATION + "s",
      preAllocatedVUs: Math.max(1, Math.ceil(rate * 0.2)),
      maxVUs: Math.max(2, Math.ceil(rate * 0.2) * 4),
    },
  },
};
export default function () {
  const res = http.get(__ENV.BASE_URL + "/api/v1/products/" + (1 + Math.floor(Math.random() * 100)));
  check(res, { "status 200": (r) => r.status === 200 });
}
`;

const workDir = mkdtempSync(path.join(tmpdir(), "slogate-k6-cpu-"));
const k6 = await ensureK6();
const scripts = {};
for (const name of only) scripts[name] = await bundle(name);

console.log(
  `k6 ${k6.version}, ${cpus().length} cores, ${ratePerSecond} req/s for ~${seconds} s each` +
    (scenariosDir === null ? "" : `, scenarios from ${scenariosDir}`),
);
// Rounds interleave the scripts, so a neighbour's burst on this shared machine
// lands on all of them alike; each row sums its rounds' CPU and requests.
const cpuRows = only.map((name) => ({
  name,
  windowSeconds: 0,
  windowCpuSeconds: 0,
  windowRequests: 0,
  runs: [],
}));
for (let round = 1; round <= rounds; round++) {
  for (const row of cpuRows) {
    const shape = SHAPES[row.name](ratePerSecond, seconds);
    const run = await runOnce(row.name, shape, { sampleCpu: true });
    row.runs.push(run);
    row.windowSeconds += run.windowSeconds;
    row.windowCpuSeconds += run.windowCpuSeconds;
    row.windowRequests += run.windowRequests;
    console.log(
      `  round ${round} ${row.name}: ${run.windowRequests > 0 ? ((run.windowCpuSeconds * 1e6) / run.windowRequests).toFixed(0) : "n/a"} CPU-µs/request` +
        ` (${run.windowRequests} requests in ${run.windowSeconds.toFixed(1)} s, k6 ${(run.windowCpuSeconds / Math.max(run.windowSeconds, 1e-9)).toFixed(2)} cores;` +
        ` ${run.iterations}/${shape.offered} iterations, ${run.dropped} dropped, exit ${run.exitCode})`,
    );
  }
}
for (const row of cpuRows) {
  row.cpuMicrosPerRequest =
    row.windowRequests > 0 ? (row.windowCpuSeconds * 1e6) / row.windowRequests : null;
}
const floor = cpuRows.find((row) => row.name === "minimal")?.cpuMicrosPerRequest ?? null;

const ceilings = {};
if (args["no-ceiling"] === undefined) {
  console.log(
    `\nhighest rate one k6 process sustains (${ceilingSeconds} s steps from ${ceilingStart} req/s, ×${ceilingFactor})`,
  );
  for (const name of only) ceilings[name] = await searchCeiling(name);
}

console.log(`\nk6 CPU per request at ${ratePerSecond} req/s${label === "" ? "" : ` (${label})`}`);
const header = ["scenario", "CPU-µs/req", "× minimal", "max req/s (1 k6)"];
const table = cpuRows.map((row) => [
  row.name,
  row.cpuMicrosPerRequest === null ? "n/a" : row.cpuMicrosPerRequest.toFixed(0),
  floor === null || row.cpuMicrosPerRequest === null
    ? "n/a"
    : (row.cpuMicrosPerRequest / floor).toFixed(2),
  ceilings[row.name] === undefined ? "-" : describeCeiling(ceilings[row.name]),
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...table.map((cells) => cells[column].length)),
);
for (const cells of [header, ...table])
  console.log(cells.map((cell, i) => cell.padEnd(widths[i])).join("  "));
console.log("(ceilings are this machine's: the reference service runs on the same cores as k6)");

const outDir = path.join(root, "bench", "out");
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, `k6-cpu${label === "" ? "" : `-${label}`}.json`),
  `${JSON.stringify({ k6: k6.version, cores: cpus().length, ratePerSecond, seconds, rounds, scenariosDir, minimalCpuMicrosPerRequest: floor, rows: cpuRows, ceilings }, null, 2)}\n`,
);
rmSync(workDir, { recursive: true, force: true });

function describeCeiling(ceiling) {
  const value =
    ceiling.highestPerSecond === null
      ? `< ${ceiling.firstFailPerSecond}`
      : String(ceiling.highestPerSecond);
  return ceiling.firstFailPerSecond === null ? `≥ ${value}` : value;
}

/** Geometric steps up until one fails, then two halvings of the gap (or steps down). */
async function searchCeiling(name) {
  let highest = null;
  let firstFail = null;
  let rate = ceilingStart;
  for (let index = 0; index < ceilingMaxSteps && firstFail === null; index++) {
    if (await tryRate(name, rate)) {
      highest = rate;
      rate = Math.round(rate * ceilingFactor);
    } else firstFail = rate;
  }
  for (let index = 0; index < 2 && firstFail !== null; index++) {
    const low = highest ?? Math.round(firstFail / ceilingFactor);
    const middle = Math.round((low + firstFail) / 2);
    if (middle === low || middle === firstFail) break;
    if (await tryRate(name, middle)) highest = middle;
    else firstFail = middle;
  }
  return { highestPerSecond: highest, firstFailPerSecond: firstFail };
}

async function tryRate(name, rate) {
  const shape = SHAPES[name](rate, ceilingSeconds);
  const run = await runOnce(name, shape, { sampleCpu: false });
  const achieved = run.iterations / shape.offered;
  const ok = achieved >= 0.95 && run.dropped === 0 && run.failedRate < 0.01 && run.exitCode === 0;
  console.log(
    `  ${name} ${rate} req/s: ${ok ? "sustained" : "not sustained"} (${(achieved * 100).toFixed(1)} % of offered,` +
      ` ${run.dropped} dropped, ${(run.failedRate * 100).toFixed(2)} % failed, exit ${run.exitCode})`,
  );
  return ok;
}

/** One k6 run against a fresh service (a store grown by earlier runs would slow later ones). */
async function runOnce(name, shape, { sampleCpu }) {
  const outDir = mkdtempSync(path.join(workDir, `${name}-`));
  const ndjsonPath = path.join(outDir, "k6.ndjson");
  const summaryPath = path.join(outDir, "summary.json");
  const targets = await startTargets({ rateLimit: false });
  const samples = [];
  let exitCode;
  try {
    const env = { ...process.env, K6_NO_USAGE_REPORT: "true", BASE_URL: targets.url };
    for (const [key, value] of Object.entries(shape.env)) env[key] = String(value);
    const child = spawn(
      k6.path,
      [
        "run",
        "--no-usage-report",
        "--quiet",
        "--out",
        `json=${ndjsonPath}`,
        "--summary-export",
        summaryPath,
        scripts[name],
      ],
      { env, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr
      .setEncoding("utf8")
      .on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = sampleCpu
      ? setInterval(() => {
          const cpuSeconds = readCpuSeconds(child.pid);
          if (cpuSeconds !== null) samples.push({ timeMs: Date.now(), cpuSeconds });
        }, 250)
      : undefined;
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + ceilingSeconds + 120) * 1000);
    exitCode = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code));
    });
    clearInterval(timer);
    clearTimeout(killer);
    if (exitCode !== 0 && exitCode !== 99)
      console.log(`    k6 exit ${exitCode}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  } finally {
    await targets.close();
  }
  const summary = existsSync(summaryPath)
    ? JSON.parse(readFileSync(summaryPath, "utf8")).metrics
    : {};
  const result = {
    exitCode,
    iterations: summary.iterations?.count ?? 0,
    dropped: summary.dropped_iterations?.count ?? 0,
    failedRate: summary.http_req_failed?.value ?? 1,
    windowSeconds: 0,
    windowCpuSeconds: 0,
    windowRequests: 0,
  };
  if (sampleCpu) Object.assign(result, await measureWindow(ndjsonPath, samples));
  rmSync(outDir, { recursive: true, force: true });
  return result;
}

/**
 * CPU over the requests' middle: from 3 s after the first request to 2 s
 * before the last, so VU start-up, ramps and the summary are left out.
 */
async function measureWindow(ndjsonPath, samples) {
  const times = [];
  const lines = createInterface({ input: createReadStream(ndjsonPath), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"metric":"http_reqs"') || !line.includes('"type":"Point"')) continue;
    times.push(Date.parse(JSON.parse(line).data.time));
  }
  if (times.length === 0 || samples.length < 2)
    return { windowSeconds: 0, windowCpuSeconds: 0, windowRequests: 0 };
  times.sort((a, b) => a - b);
  const fromMs = times[0] + 3000;
  const toMs = times[times.length - 1] - 2000;
  const inside = samples.filter((sample) => sample.timeMs >= fromMs && sample.timeMs <= toMs);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if (first === undefined || last === undefined || last === first)
    return { windowSeconds: 0, windowCpuSeconds: 0, windowRequests: 0 };
  const windowRequests = times.filter((time) => time >= first.timeMs && time < last.timeMs).length;
  return {
    windowSeconds: (last.timeMs - first.timeMs) / 1000,
    windowCpuSeconds: last.cpuSeconds - first.cpuSeconds,
    windowRequests,
  };
}

/** utime + stime (fields 14 and 15) of a process, all its threads, in seconds. */
function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function bundle(name) {
  if (name === "minimal") {
    const file = path.join(workDir, "minimal.js");
    writeFileSync(file, MINIMAL_SCRIPT);
    return file;
  }
  if (scenariosDir === null) return (await bundleScenario(name, { outDir: workDir })).scriptPath;
  // Another checkout's scenarios, with its own helpers as `slogate/k6` (its tsconfig paths).
  const { build } = await import("esbuild");
  const outfile = path.join(workDir, `${name}.js`);
  await build({
    entryPoints: [path.join(scenariosDir, `${name}.ts`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2020",
    external: ["k6", "k6/*"],
    sourcemap: "inline",
    tsconfig: path.join(scenariosDir, "tsconfig.json"),
    logLevel: "silent",
  });
  return outfile;
}

function readArgs(list) {
  const parsed = {};
  for (let i = 0; i < list.length; i++) {
    const key = list[i];
    if (!key.startsWith("--")) fail(`unexpected argument ${key}`);
    if (key === "--no-ceiling") {
      parsed["no-ceiling"] = true;
      continue;
    }
    parsed[key.slice(2)] = list[i + 1];
    i++;
  }
  return parsed;
}

function fail(message) {
  console.error(`bench/k6-cpu: ${message}`);
  process.exit(2);
}
