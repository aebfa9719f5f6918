// NDJSON evaluation benchmark: slogate's k6 reader + evaluation against a
// plain readline + JSON.parse loop, on generated k6-format files of two sizes.
//
//   npm run build && node bench/ndjson-eval.mjs [--sizes 1024,2048] [--keep]
//
// Sizes are in MB (default 1024 and 2048). Files go to bench/out/ (git-ignored)
// and are deleted afterwards unless --keep. Each measurement runs in its own
// child process so its peak RSS (process.resourceUsage().maxRSS) is its own.
// Targets: ≥ 150 MB/s, ≥ 2× the baseline, peak RSS ≤ 150 MB and flat in size.
import { spawnSync } from "node:child_process";
import {
  createReadStream,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
  closeSync,
} from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

// ---------------------------------------------------------------- generator

const ROUTES = [
  ["GET", "/api/v1/users", 200],
  ["GET", "/api/v1/users/:id", 200],
  ["POST", "/api/v1/users", 201],
  ["PUT", "/api/v1/users/:id", 200],
  ["PATCH", "/api/v1/users/:id", 200],
  ["DELETE", "/api/v1/users/:id", 204],
  ["GET", "/api/v1/products", 200],
  ["GET", "/api/v1/products/:id", 200],
  ["POST", "/orders", 201],
  ["GET", "/orders/:orderId", 200],
];
const HTTP_TRENDS = [
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
];
const TYPES = {
  http_reqs: ["counter", "default"],
  http_req_duration: ["trend", "time"],
  http_req_failed: ["rate", "default"],
  data_sent: ["counter", "data"],
  data_received: ["counter", "data"],
  checks: ["rate", "default"],
  iteration_duration: ["trend", "time"],
  iterations: ["counter", "default"],
  vus: ["gauge", "default"],
  slogate_offered_rate: ["gauge", "default"],
  order_completion_time: ["trend", "time"],
  ...Object.fromEntries(HTTP_TRENDS.map((name) => [name, ["trend", "time"]])),
};

function metricLine(name) {
  const [type, contains] = TYPES[name];
  return `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
}

/** A small deterministic PRNG so every run writes the same file. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function rfc3339(ms, nanos) {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, 23)}${String(nanos).padStart(6, "0")}Z`;
}

/** Writes k6 `--out json` lines until the file reaches `bytes`. Returns the number of requests written. */
function generate(file, bytes) {
  const rand = random(42);
  const fd = openSync(file, "w");
  const declared = new Set();
  let out = "";
  let written = 0;
  const emit = (name, time, value, tags) => {
    if (!declared.has(name)) {
      declared.add(name);
      out += metricLine(name);
    }
    out += `{"metric":"${name}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`;
  };
  const startMs = Date.UTC(2026, 0, 1, 12, 0, 0);
  emit("slogate_offered_rate", rfc3339(startMs, 0), 500, '{"group":"::setup"}');
  let ms = startMs;
  let requests = 0;
  const total = bytes;
  while (written < total) {
    // Arrivals at ~500/s; ramps of 10% at each end.
    ms += 2;
    const progress = written / total;
    const phase = progress < 0.1 ? "ramp-up" : progress > 0.9 ? "ramp-down" : "steady";
    const scenario = phase.replace("-", "_");
    const [method, name, okStatus] = ROUTES[Math.floor(rand() * ROUTES.length)];
    const failed = rand() < 0.004;
    const status = failed ? (rand() < 0.5 ? 500 : 0) : okStatus;
    const time = rfc3339(ms, Math.floor(rand() * 999999));
    const errorTags =
      status === 0
        ? `"error":"Get \\"http://127.0.0.1:8080${name}\\": read: connection reset","error_code":"1220",`
        : "";
    const tags = `{${errorTags}"expected_response":"${failed ? "false" : "true"}","group":"","method":"${method}","name":"${name}","phase":"${phase}","proto":"HTTP/1.1","scenario":"${scenario}","status":"${status}","url":"http://127.0.0.1:8080${name.replace(/:\w+/, String(Math.floor(rand() * 1000)))}"}`;
    const duration = (2 + -Math.log(1 - rand()) * 20).toFixed(6);
    emit("http_reqs", time, 1, tags);
    emit("http_req_duration", time, duration, tags);
    for (const trend of HTTP_TRENDS) emit(trend, time, (rand() * 0.5).toFixed(6), tags);
    emit("http_req_failed", time, failed ? 1 : 0, tags);
    const iterationTags = `{"group":"","phase":"${phase}","scenario":"${scenario}"}`;
    emit("data_sent", time, 120 + Math.floor(rand() * 200), iterationTags);
    emit("data_received", time, 300 + Math.floor(rand() * 900), iterationTags);
    emit(
      "checks",
      time,
      failed ? 0 : 1,
      `{"check":"status is 2xx","group":"","phase":"${phase}","scenario":"${scenario}"}`,
    );
    if (name === "/orders")
      emit("order_completion_time", time, (200 + rand() * 300).toFixed(3), iterationTags);
    emit("iteration_duration", time, (Number(duration) + 1).toFixed(6), iterationTags);
    emit("iterations", time, 1, iterationTags);
    requests++;
    if (out.length > 1 << 22) {
      written += writeSync(fd, out);
      out = "";
    }
  }
  written += writeSync(fd, out);
  closeSync(fd);
  return requests;
}

// ----------------------------------------------------------------- children

async function childSlogate(file) {
  const { readK6Ndjson } = await import(path.join(root, "dist/sources/k6/ndjson.js"));
  const { evaluateEvidence } = await import(path.join(root, "dist/core/evaluate.js"));
  const { loadProfile } = await import(path.join(root, "dist/sources/load-profile.js"));
  const { profile } = loadProfile("users-api");
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const evidence = await readK6Ndjson([file]);
  const report = evaluateEvidence({ profile, evidence });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    seconds,
    cpuSeconds: cpuSecondsSince(cpu),
    points: evidence.points,
    verdict: report.verdict.verdict,
    routes: report.routes.length,
  };
}

/** CPU time (user + system) since `start`: what the work cost even when other processes share the cores. */
function cpuSecondsSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function childBaseline(file) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const lines = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let points = 0;
  for await (const line of lines) {
    if (line === "") continue;
    const parsed = JSON.parse(line);
    if (parsed.type === "Point") points++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, cpuSeconds: cpuSecondsSince(cpu), points };
}

function runChild(kind, file) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", kind, file],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  if (child.status !== 0) throw new Error(`${kind} child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

// --------------------------------------------------------------------- main

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    const result =
      args[1] === "baseline" ? await childBaseline(args[2]) : await childSlogate(args[2]);
    // maxRSS is in kilobytes.
    process.stdout.write(
      `${JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
    );
    return;
  }
  const sizesFlag = args.indexOf("--sizes");
  const sizesMb = sizesFlag === -1 ? [1024, 2048] : args[sizesFlag + 1].split(",").map(Number);
  const keep = args.includes("--keep");
  const outDir = path.join(here, "out");
  mkdirSync(outDir, { recursive: true });
  const rows = [];
  for (const sizeMb of sizesMb) {
    const file = path.join(outDir, `k6-${sizeMb}mb.ndjson`);
    const genStart = Date.now();
    const requests = generate(file, sizeMb * 1024 * 1024);
    const bytes = statSync(file).size;
    console.log(
      `generated ${file}: ${(bytes / 1048576).toFixed(0)} MB, ${requests} requests in ${((Date.now() - genStart) / 1000).toFixed(1)} s`,
    );
    try {
      const slogate = runChild("slogate", file);
      const baseline = runChild("baseline", file);
      const mb = bytes / 1048576;
      rows.push({
        sizeMb: Math.round(mb),
        slogateMbPerS: mb / slogate.seconds,
        baselineMbPerS: mb / baseline.seconds,
        speedup: baseline.seconds / slogate.seconds,
        slogateCpuMbPerS: mb / slogate.cpuSeconds,
        baselineCpuMbPerS: mb / baseline.cpuSeconds,
        cpuSpeedup: baseline.cpuSeconds / slogate.cpuSeconds,
        slogateRssMb: slogate.maxRssMb,
        baselineRssMb: baseline.maxRssMb,
        verdict: slogate.verdict,
        points: slogate.points,
      });
      console.log(JSON.stringify(rows.at(-1)));
    } finally {
      if (!keep) rmSync(file, { force: true });
    }
  }
  console.log(
    "\nsize MB | slogate MB/s wall (cpu) | baseline MB/s wall (cpu) | speedup wall (cpu) | slogate peak RSS MB | baseline peak RSS MB",
  );
  for (const row of rows) {
    const pair = (wall, cpu) => `${wall.toFixed(1)} (${cpu.toFixed(1)})`;
    console.log(
      [
        String(row.sizeMb).padStart(7),
        pair(row.slogateMbPerS, row.slogateCpuMbPerS).padStart(24),
        pair(row.baselineMbPerS, row.baselineCpuMbPerS).padStart(24),
        `${row.speedup.toFixed(2)}× (${row.cpuSpeedup.toFixed(2)}×)`.padStart(18),
        row.slogateRssMb.toFixed(1).padStart(19),
        row.baselineRssMb.toFixed(1).padStart(20),
      ].join(" | "),
    );
  }
  const ok = rows.every(
    (row) => row.slogateMbPerS >= 150 && row.speedup >= 2 && row.slogateRssMb <= 150,
  );
  const rssSpread =
    Math.max(...rows.map((r) => r.slogateRssMb)) - Math.min(...rows.map((r) => r.slogateRssMb));
  console.log(
    `\ntargets (≥150 MB/s, ≥2× baseline, ≤150 MB RSS): ${ok ? "met" : "NOT met"}; RSS spread across sizes ${rssSpread.toFixed(1)} MB`,
  );
  if (!ok) process.exitCode = 1;
}

await main();
