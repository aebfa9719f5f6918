// Cost of `slogate compare`: wall time and peak RSS for two k6 NDJSON runs of
// a chosen size, and for the two evidence files made from them.
//
//   npm run build && node bench/compare-size.mjs [MiB per side, default 64] [--repeats 5] [--minutes 15] [--shift 1.3] [--keep]
//
// Writes two k6 `--out json` files (the lines, tags and metric definitions
// k6 writes for slogate's load scenario: ramp-up, steady, ramp-down at a fixed
// arrival rate over `--minutes`, the rate chosen to reach the size) with
// lognormal latencies that drift slowly within a run. The candidate's
// latencies are the baseline's distribution × `--shift`, so its p95 is that
// much higher and the comparison must say `regressed`. Each measurement is a
// child process: the CLI under `/usr/bin/time -v` (else a preload that reads
// process.resourceUsage() on exit), so its peak RSS is its own. Files go to a
// temp dir, deleted at the end unless --keep.
// Aim: < 1 s to compare two evidence files.
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..");
const cli = path.join(root, "dist/cli/main.js");
const PROFILE = "users-api";
const dist = (file) => import(pathToFileURL(path.join(root, "dist", file)).href);

// ---------------------------------------------------------------- generator

// The load scenario's routes, weighted as a real run of it mixed them, and its second check.
const ROUTES = [
  ["GET", "/api/v1/products", 200, 17, "is a list"],
  ["GET", "/api/v1/products/:id", 200, 29, "has id"],
  ["GET", "/api/v1/users", 200, 10, "is a list"],
  ["GET", "/api/v1/users/:id", 200, 20, "has id"],
  ["PATCH", "/api/v1/users/:id", 200, 6, "has id"],
  ["POST", "/api/v1/users", 201, 9, "has id"],
  ["POST", "/orders", 201, 5, "has orderId"],
];
const WEIGHT = ROUTES.reduce((sum, route) => sum + route[3], 0);
const TREND = '"type":"trend","contains":"time"';
const SUBMETRICS = (metric, withExpected) =>
  `[${["/api/v1/users", "/api/v1/users/:id"]
    .map((name) => {
      const pairs = [
        ...(withExpected ? [["expected_response", "true"]] : []),
        ["name", name],
        ["phase", "steady"],
      ];
      const suffix = pairs.map(([k, v]) => `${k}:${v}`).join(",");
      const tags = pairs.map(([k, v]) => `"${k}":"${v}"`).join(",");
      return `{"name":"${metric}{${suffix}}","suffix":"${suffix}","tags":{${tags}}}`;
    })
    .join(",")}]`;
const METRICS = {
  slogate_offered_rate: ['"type":"gauge","contains":"default"', "null"],
  http_reqs: ['"type":"counter","contains":"default"', SUBMETRICS("http_reqs", true)],
  http_req_duration: [TREND, SUBMETRICS("http_req_duration", true)],
  http_req_blocked: [TREND, "null"],
  http_req_connecting: [TREND, "null"],
  http_req_tls_handshaking: [TREND, "null"],
  http_req_sending: [TREND, "null"],
  http_req_waiting: [TREND, "null"],
  http_req_receiving: [TREND, "null"],
  http_req_failed: ['"type":"rate","contains":"default"', SUBMETRICS("http_req_failed", false)],
  checks: ['"type":"rate","contains":"default"', "null"],
  data_sent: ['"type":"counter","contains":"data"', "null"],
  data_received: ['"type":"counter","contains":"data"', "null"],
  iteration_duration: [TREND, "null"],
  iterations: ['"type":"counter","contains":"default"', "null"],
  vus: ['"type":"gauge","contains":"default"', "null"],
  vus_max: ['"type":"gauge","contains":"default"', "null"],
};

/** mulberry32: a small seeded PRNG, so each side's file is the same on every run. */
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createNormal(random) {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** k6's timestamps: RFC 3339 with nanoseconds. */
function rfc3339(ms) {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(nanos).padStart(6, "0")}Z`;
}

/**
 * Writes one run's NDJSON: every iteration is one request and the 15 lines
 * k6 writes for it. Latencies (ms) are lognormal around a per-route median,
 * on a level that drifts as AR(1) per second, all × `shift`; 0.2 % fail (500).
 */
function generateRun({ file, seed, ratePerSecond, seconds, shift }) {
  const random = createRandom(seed);
  const normal = createNormal(random);
  const fd = openSync(file, "w");
  const declared = new Set();
  let out = "";
  let requests = 0;
  const flush = () => {
    writeSync(fd, out);
    out = "";
  };
  const point = (metric, time, value, tags) => {
    if (!declared.has(metric)) {
      declared.add(metric);
      const [type, submetrics] = METRICS[metric];
      out += `{"type":"Metric","data":{"name":"${metric}",${type},"thresholds":[],"submetrics":${submetrics}},"metric":"${metric}"}\n`;
    }
    out += `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`;
  };
  const startMs = Date.UTC(2026, 0, 1, 12, 0, 0);
  point(
    "slogate_offered_rate",
    rfc3339(startMs),
    ratePerSecond,
    '{"group":"::setup","test_type":"load"}',
  );
  const ramp = Math.max(1, Math.round(seconds * 0.1));
  let level = 0;
  let carry = 0;
  for (let second = 0; second < seconds; second++) {
    const phase = second < ramp ? "ramp-up" : second >= seconds - ramp ? "ramp-down" : "steady";
    const scenario = phase.replace("-", "_");
    const factor =
      phase === "ramp-up"
        ? (second + 0.5) / ramp
        : phase === "ramp-down"
          ? (seconds - second - 0.5) / ramp
          : 1;
    // Slow drift of the latency level: what makes requests within a run autocorrelated.
    level = 0.9 * level + 0.03 * normal();
    const secondMs = startMs + 1000 + second * 1000;
    const tick = rfc3339(secondMs + random());
    const vus = Math.max(1, Math.round(ratePerSecond * factor * 0.02 * shift) + 2);
    point("vus", tick, vus, '{"test_type":"load"}');
    point("vus_max", tick, vus + 10, '{"test_type":"load"}');
    carry += ratePerSecond * factor;
    const arrivals = Math.floor(carry);
    carry -= arrivals;
    const iterTags = `{"group":"","phase":"${phase}","scenario":"${scenario}","test_type":"load"}`;
    for (let i = 0; i < arrivals; i++) {
      let pick = random() * WEIGHT;
      let route = ROUTES[0];
      for (const candidate of ROUTES) {
        route = candidate;
        if ((pick -= candidate[3]) < 0) break;
      }
      const [method, name, okStatus, , secondCheck] = route;
      const failed = random() < 0.002;
      const status = failed ? 500 : okStatus;
      const median = name.startsWith("/orders") ? 14 : method === "GET" ? 6 : 9;
      const duration = median * Math.exp(level + 0.5 * normal()) * shift;
      const sending = 0.01 + random() * 0.05;
      const receiving = 0.02 + random() * 0.15;
      const fresh = random() < 0.01;
      const connecting = fresh ? 0.1 + random() * 0.3 : 0;
      const blocked = connecting + 0.001 + random() * 0.004;
      const startedMs = secondMs + ((i + random()) / arrivals) * 1000;
      const endMs = startedMs + blocked + duration;
      const time = rfc3339(endMs);
      const url = `http://127.0.0.1:8080${name.replace(/:\w+/, String(1 + Math.floor(random() * 5000)))}`;
      const tags = `{"expected_response":"${failed ? "false" : "true"}","group":"","method":"${method}","name":"${name}","phase":"${phase}","proto":"HTTP/1.1","scenario":"${scenario}","status":"${status}","test_type":"load","url":"${url}"}`;
      point("http_reqs", time, 1, tags);
      point("http_req_duration", time, duration.toFixed(6), tags);
      point("http_req_blocked", time, blocked.toFixed(6), tags);
      point("http_req_connecting", time, connecting.toFixed(6), tags);
      point("http_req_tls_handshaking", time, 0, tags);
      point("http_req_sending", time, sending.toFixed(6), tags);
      point("http_req_waiting", time, (duration - sending - receiving).toFixed(6), tags);
      point("http_req_receiving", time, receiving.toFixed(6), tags);
      point("http_req_failed", time, failed ? 1 : 0, tags);
      const checkTime = rfc3339(endMs + 0.15);
      const check = (what, ok) =>
        point(
          "checks",
          checkTime,
          ok ? 1 : 0,
          `{"check":"${method} ${name}: ${what}","group":"","phase":"${phase}","scenario":"${scenario}","test_type":"load"}`,
        );
      check(`status ${okStatus}`, !failed);
      check(secondCheck, !failed);
      const iterationEnd = rfc3339(endMs + 0.2);
      point("data_sent", iterationEnd, 110 + Math.floor(random() * 120), iterTags);
      point("data_received", iterationEnd, 240 + Math.floor(random() * 900), iterTags);
      point("iteration_duration", iterationEnd, (endMs + 0.2 - startedMs).toFixed(6), iterTags);
      point("iterations", iterationEnd, 1, iterTags);
      requests++;
      if (out.length > 1 << 22) flush();
    }
  }
  flush();
  closeSync(fd);
  return requests;
}

/** Bytes one iteration takes, from a throwaway file of a few thousand: sets the rate that reaches a size. */
function measureBytesPerRequest(dir) {
  const file = path.join(dir, "probe.ndjson");
  const requests = generateRun({ file, seed: 7, ratePerSecond: 500, seconds: 10, shift: 1 });
  const bytes = statSync(file).size;
  rmSync(file);
  return bytes / requests;
}

// ----------------------------------------------------------------- children

function maxRssMib() {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

const since = (started) => Number(process.hrtime.bigint() - started) / 1e9;

/** Builds a side's evidence file from its NDJSON, as compare does for an NDJSON side. */
async function childBuildEvidence(ndjson, out) {
  const { buildEvidenceFromK6, writeEvidenceFile } = await dist("sources/evidence-file.js");
  const { loadProfile } = await dist("sources/load-profile.js");
  const started = process.hrtime.bigint();
  const evidence = await buildEvidenceFromK6({
    k6Paths: [ndjson],
    profile: loadProfile(PROFILE).profile,
    env: {},
  });
  const bytes = await writeEvidenceFile(out, evidence);
  return { seconds: since(started), bytes, groups: evidence.groups.length };
}

/** compare() in one process: the first call (cold) and the repeats after it, and compareRuns alone. */
async function childInProcess(baseline, candidate, repeats) {
  const { compare } = await dist("commands/compare.js");
  const { compareRuns } = await dist("core/compare-runs.js");
  const { readEvidenceFile } = await dist("sources/evidence-file.js");
  const { loadProfile } = await dist("sources/load-profile.js");
  let started = process.hrtime.bigint();
  const first = await compare({ baseline, candidate, profile: PROFILE, env: {} });
  const coldSeconds = since(started);
  const warm = [];
  for (let i = 0; i < repeats; i++) {
    started = process.hrtime.bigint();
    await compare({ baseline, candidate, profile: PROFILE, env: {} });
    warm.push(since(started));
  }
  const { profile } = loadProfile(PROFILE);
  let sides = [];
  const reads = [];
  for (let i = 0; i < repeats; i++) {
    started = process.hrtime.bigint();
    sides = [await readEvidenceFile(baseline), await readEvidenceFile(candidate)];
    reads.push(since(started));
  }
  const statistics = [];
  for (let i = 0; i < repeats; i++) {
    started = process.hrtime.bigint();
    compareRuns({ baseline: sides[0], candidate: sides[1], profile });
    statistics.push(since(started));
  }
  return {
    verdict: first.comparison.verdict,
    coldSeconds,
    warmSeconds: median(warm),
    readSeconds: median(reads),
    statisticsSeconds: median(statistics),
  };
}

function runChild(...args) {
  const child = spawnSync(process.execPath, [self, "--child", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`child ${args[0]} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

// Without /usr/bin/time: a preload that writes the process's own peak RSS where RSS_OUT says, on exit.
const RSS_PRELOAD = `const fs=require("node:fs");process.on("exit",()=>fs.writeFileSync(process.env.RSS_OUT,String(process.resourceUsage().maxRSS)));`;

/** Runs node with `args` as a measured child: wall seconds, peak RSS (MiB), exit code, stdout. */
function measure(args, scratch) {
  const useTime = existsSync("/usr/bin/time");
  const rssOut = path.join(scratch, "rss.txt");
  const preload = path.join(scratch, "rss-preload.cjs");
  if (!useTime) writeFileSync(preload, RSS_PRELOAD);
  const command = useTime ? "/usr/bin/time" : process.execPath;
  const argv = useTime ? ["-v", process.execPath, ...args] : ["-r", preload, ...args];
  const started = process.hrtime.bigint();
  const child = spawnSync(command, argv, {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, RSS_OUT: rssOut, GITHUB_STEP_SUMMARY: "" },
  });
  const seconds = since(started);
  let rssKib;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
    if (!match) throw new Error(`no peak RSS from /usr/bin/time: ${child.stderr}`);
    rssKib = Number(match[1]);
  } else {
    rssKib = Number(readFileSync(rssOut, "utf8"));
  }
  return {
    seconds,
    rssMib: rssKib / 1024,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `slogate compare A B --format json`, measured; exits 0/1/2 are verdicts, anything else fails the bench. */
function measureCompare(baseline, candidate, scratch) {
  const run = measure(
    [cli, "compare", baseline, candidate, "--profile", PROFILE, "--format", "json"],
    scratch,
  );
  if (![0, 1, 2].includes(run.status)) {
    throw new Error(`slogate compare exited ${run.status}: ${run.stderr.trim()}`);
  }
  return { ...run, report: JSON.parse(run.stdout) };
}

function describeObjectives(report) {
  return report.objectives
    .map((o) => {
      const fmt = (x) => (typeof x === "number" ? x.toPrecision(4) : String(x));
      const interval = o.interval ? `[${fmt(o.interval[0])}, ${fmt(o.interval[1])}]` : "—";
      return `  ${o.id.padEnd(14)} ${String(o.verdict).padEnd(12)} effect ${fmt(o.effect)} ${interval}`;
    })
    .join("\n");
}

// --------------------------------------------------------------------- main

function readArgs(argv) {
  const value = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
  };
  const valued = new Set(["--repeats", "--minutes", "--shift"]);
  const positional = argv.find(
    (arg, i) => /^\d+(\.\d+)?$/.test(arg) && !valued.has(argv[i - 1] ?? ""),
  );
  return {
    sizeMib: Number(positional ?? 64),
    repeats: Math.max(5, Number(value("--repeats", 5))),
    minutes: Number(value("--minutes", 15)),
    shift: Number(value("--shift", 1.3)),
    keep: argv.includes("--keep"),
  };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    const [kind, ...rest] = argv.slice(1);
    const result =
      kind === "build-evidence"
        ? await childBuildEvidence(rest[0], rest[1])
        : await childInProcess(rest[0], rest[1], Number(rest[2]));
    process.stdout.write(`${JSON.stringify({ ...result, rssMib: maxRssMib() })}\n`);
    return;
  }
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run npm run build first`);
  const args = readArgs(argv);
  const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-compare-size-"));
  const cores = os.cpus().length;
  console.log(
    `compare-size: ${args.sizeMib} MiB per side, ${args.minutes} min runs, candidate latency ×${args.shift}, ${args.repeats} repeats; ${cores} cores, node ${process.version}; files in ${dir}`,
  );
  try {
    const seconds = Math.round(args.minutes * 60);
    const requestsWanted = (args.sizeMib * 1048576) / measureBytesPerRequest(dir);
    // Ramps run at half the rate on average: 0.9 of the run at full rate.
    const ratePerSecond = Math.max(1, Math.round(requestsWanted / (seconds * 0.9)));
    const sides = {};
    for (const [side, seed, shift] of [
      ["baseline", 1, 1],
      ["candidate", 2, args.shift],
    ]) {
      const file = path.join(dir, `${side}.ndjson`);
      const started = process.hrtime.bigint();
      const requests = generateRun({ file, seed, ratePerSecond, seconds, shift });
      const bytes = statSync(file).size;
      sides[side] = { file, bytes, requests };
      console.log(
        `generated ${side}: ${(bytes / 1048576).toFixed(0)} MiB, ${requests} requests at ${ratePerSecond}/s in ${since(started).toFixed(1)} s`,
      );
    }
    const ndjsonMib = (sides.baseline.bytes + sides.candidate.bytes) / 1048576;

    // 1. Two NDJSON runs, as a user would pass them.
    const fromNdjson = measureCompare(sides.baseline.file, sides.candidate.file, dir);
    console.log(
      `\nNDJSON compare (CLI, both sides read): ${fromNdjson.seconds.toFixed(1)} s wall, ${(ndjsonMib / fromNdjson.seconds).toFixed(1)} MiB/s over ${ndjsonMib.toFixed(0)} MiB, peak RSS ${fromNdjson.rssMib.toFixed(0)} MiB, exit ${fromNdjson.status}, verdict ${fromNdjson.report.verdict}`,
    );
    console.log(describeObjectives(fromNdjson.report));

    // 2. Evidence files from the same NDJSON.
    const evidence = {};
    for (const side of ["baseline", "candidate"]) {
      const out = path.join(dir, `${side}-evidence.json`);
      const built = runChild("build-evidence", sides[side].file, out);
      const gzipBytes = gzipSync(readFileSync(out)).length;
      evidence[side] = out;
      console.log(
        `evidence ${side}: built in ${built.seconds.toFixed(1)} s (peak RSS ${built.rssMib.toFixed(0)} MiB), ${built.groups} groups, ${(built.bytes / 1024).toFixed(0)} KiB (${(gzipBytes / 1024).toFixed(0)} KiB gzip)`,
      );
    }

    // 3. Two evidence files: the CLI end to end (node start-up included), repeated.
    const runs = [];
    for (let i = 0; i < args.repeats; i++)
      runs.push(measureCompare(evidence.baseline, evidence.candidate, dir));
    const startup = [];
    for (let i = 0; i < args.repeats; i++) startup.push(measure([cli, "--version"], dir));
    const cliSeconds = median(runs.map((r) => r.seconds));
    const cliRss = median(runs.map((r) => r.rssMib));
    const verdicts = [...new Set(runs.map((r) => r.report.verdict))].join(", ");
    const inProcess = runChild(
      "in-process",
      evidence.baseline,
      evidence.candidate,
      String(args.repeats),
    );
    console.log(
      `\nevidence compare (CLI, median of ${args.repeats}): ${cliSeconds.toFixed(3)} s wall (min ${Math.min(...runs.map((r) => r.seconds)).toFixed(3)}, max ${Math.max(...runs.map((r) => r.seconds)).toFixed(3)}), peak RSS ${cliRss.toFixed(0)} MiB, verdict ${verdicts}`,
    );
    console.log(describeObjectives(runs[0].report));
    console.log(
      `  of which CLI start-up (\`slogate --version\`, median): ${median(startup.map((r) => r.seconds)).toFixed(3)} s, peak RSS ${median(startup.map((r) => r.rssMib)).toFixed(0)} MiB`,
    );
    console.log(
      `evidence compare in process: first compare() ${inProcess.coldSeconds.toFixed(3)} s (reads, schema-checks and decodes both files, then the statistics), later calls ${inProcess.warmSeconds.toFixed(3)} s (median): reading and checking both files ${inProcess.readSeconds.toFixed(3)} s, the statistics (compareRuns on the read files) ${inProcess.statisticsSeconds.toFixed(3)} s; process peak RSS ${inProcess.rssMib.toFixed(0)} MiB`,
    );

    const ndjsonRegressed = fromNdjson.report.verdict === "regressed";
    const same =
      JSON.stringify(runs[0].report.objectives) === JSON.stringify(fromNdjson.report.objectives);
    console.log(
      `\nsize MiB/side | NDJSON: wall s | MiB/s | peak RSS MiB | evidence (CLI): wall s | peak RSS MiB | in process s`,
    );
    console.log(
      [
        String(args.sizeMib).padStart(13),
        fromNdjson.seconds.toFixed(1).padStart(14),
        (ndjsonMib / fromNdjson.seconds).toFixed(1).padStart(5),
        fromNdjson.rssMib.toFixed(0).padStart(12),
        cliSeconds.toFixed(3).padStart(22),
        cliRss.toFixed(0).padStart(12),
        inProcess.coldSeconds.toFixed(3).padStart(12),
      ].join(" | "),
    );
    const aimMet = cliSeconds < 1;
    console.log(
      `\naim < 1 s for evidence files (CLI, node start-up included): ${aimMet ? "met" : "NOT met"}; ×${args.shift} latency ${ndjsonRegressed ? "regressed" : "NOT regressed"}; evidence and NDJSON give ${same ? "the same" : "DIFFERENT"} objectives`,
    );
    if (!aimMet || !ndjsonRegressed || !same) process.exitCode = 1;
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
