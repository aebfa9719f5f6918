#!/usr/bin/env node
// Throughput and p95 of the reference service's GET /api/v1/users/{id}, next to
// a bare node:http server giving the same JSON answer, both driven by wrk on
// loopback. Runs on the built dist/ (npm run build first).
//
//   node bench/targets-wrk.mjs [--duration 10] [--connections 32] [--rounds 1]
//
// Prints req/s and p95 for each and the ratio service / baseline; writes the
// figures to bench/out/targets-wrk.json.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const targetsEntry = path.join(root, "dist/targets/index.js");
if (!existsSync(targetsEntry)) fail(`${targetsEntry} is missing; run npm run build first`);
const WRK = ["/usr/bin/wrk", "/usr/local/bin/wrk"].find((p) => existsSync(p));
if (WRK === undefined) fail("wrk is not installed (Debian package wrk)");

const args = readArgs(process.argv.slice(2));
const durationSeconds = Math.min(60, Math.max(1, Number(args.duration ?? 10)));
const connections = Math.min(256, Math.max(1, Number(args.connections ?? 32)));
const rounds = Math.min(5, Math.max(1, Number(args.rounds ?? 1)));
const warmupSeconds = 2;
const USER_ID = 42;

const { startTargets, generateSeedUsers } = await import(pathToFileURL(targetsEntry).href);

// wrk's done() runs once with the merged latency histogram (microseconds).
const luaPath = path.join(tmpdir(), `slogate-wrk-${process.pid}.lua`);
writeFileSync(
  luaPath,
  `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SLOGATE requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d non2xx=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
`,
);

/** The floor: node:http, no router, no metrics, same JSON for the same id. */
async function startBaseline() {
  const users = new Map(generateSeedUsers(100).map((u) => [u.id, u]));
  const server = createServer((req, res) => {
    const match = /^\/api\/v1\/users\/(\d+)$/.exec(req.url ?? "");
    const user = match === null ? undefined : users.get(Number(match[1]));
    const payload = JSON.stringify(user ?? { error: "no such user" });
    res.writeHead(user === undefined ? 404 : 200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

async function startService() {
  return startTargets({ port: 0 });
}

function runWrk(url, seconds) {
  const wrkArgs = [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "5s",
    "-s",
    luaPath,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, wrkArgs, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    // wrk stops itself after -d; this only guards against a hang.
    const guard = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      const line = /SLOGATE (.*)/.exec(out);
      if (code !== 0 || line === null) {
        reject(new Error(`wrk exited ${code}:\n${out}`));
        return;
      }
      const pairs = Object.fromEntries(
        line[1].split(" ").map((kv) => [kv.split("=")[0], Number(kv.split("=")[1])]),
      );
      resolve({
        requestsPerSecond: pairs.requests / (pairs.duration_us / 1e6),
        p50Ms: pairs.p50_us / 1000,
        p95Ms: pairs.p95_us / 1000,
        p99Ms: pairs.p99_us / 1000,
        requests: pairs.requests,
        socketErrors: pairs.errors,
        non2xx: pairs.non2xx,
      });
    });
  });
}

async function measure(name, start) {
  const target = await start();
  try {
    const url = `${target.url}/api/v1/users/${USER_ID}`;
    await runWrk(url, warmupSeconds);
    // The server runs in this process and wrk in a child, so this process's CPU
    // time is the server's: a figure that other load on the machine disturbs
    // far less than req/s.
    const cpuBefore = process.cpuUsage();
    const result = await runWrk(url, durationSeconds);
    const cpu = process.cpuUsage(cpuBefore);
    result.cpuMicrosPerRequest = (cpu.user + cpu.system) / result.requests;
    console.log(
      `${name.padEnd(9)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p95 ${result.p95Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  cpu ${result.cpuMicrosPerRequest.toFixed(1)} µs/req  errors ${result.socketErrors} non-2xx ${result.non2xx}`,
    );
    return result;
  } finally {
    await target.close();
  }
}

console.log(
  `wrk -t1 -c${connections} -d${durationSeconds}s (after ${warmupSeconds}s warm-up) GET /api/v1/users/${USER_ID}, ${rounds} round(s)`,
);
const runs = [];
for (let round = 1; round <= rounds; round++) {
  const baseline = await measure("baseline", startBaseline);
  const service = await measure("service", startService);
  runs.push({ round, baseline, service });
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = {
  connections,
  durationSeconds,
  rounds: runs,
  baselineRequestsPerSecond: median(runs.map((r) => r.baseline.requestsPerSecond)),
  serviceRequestsPerSecond: median(runs.map((r) => r.service.requestsPerSecond)),
  baselineP95Ms: median(runs.map((r) => r.baseline.p95Ms)),
  serviceP95Ms: median(runs.map((r) => r.service.p95Ms)),
  baselineCpuMicrosPerRequest: median(runs.map((r) => r.baseline.cpuMicrosPerRequest)),
  serviceCpuMicrosPerRequest: median(runs.map((r) => r.service.cpuMicrosPerRequest)),
};
summary.throughputRatio = summary.serviceRequestsPerSecond / summary.baselineRequestsPerSecond;
summary.p95Ratio = summary.serviceP95Ms / summary.baselineP95Ms;
summary.cpuRatio = summary.serviceCpuMicrosPerRequest / summary.baselineCpuMicrosPerRequest;
console.log(
  `ratio service/baseline: throughput ${summary.throughputRatio.toFixed(2)}, p95 ${summary.p95Ratio.toFixed(2)}, cpu per request ${summary.cpuRatio.toFixed(2)}`,
);
const outDir = path.join(root, "bench/out");
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "targets-wrk.json"), JSON.stringify(summary, null, 2) + "\n");

function readArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, "");
    if (key === undefined || argv[i + 1] === undefined)
      fail(`usage: --duration S --connections N --rounds R`);
    parsed[key] = argv[i + 1];
  }
  return parsed;
}

function fail(message) {
  console.error(`targets-wrk: ${message}`);
  process.exit(1);
}
