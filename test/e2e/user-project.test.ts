// slogate as a dependency of someone else's project, end to end: the packed
// tarball installed with npm into a fresh project outside this repository,
// `slogate init` scaffolding it, the project's own TypeScript scenarios (one
// imports an npm package of the project's and `slogate/k6`) run against the
// project's own service — a node:http server written here, not the
// reference service — then judged, compared with an injected slowdown,
// capacity-searched against a known capacity, and re-judged with `check`.
// Real parts: npm, tsc, esbuild, the real k6, loopback only; every load is
// bounded by its scenario's phases.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The service's known capacity: CONCURRENCY requests in service at once, SERVICE_MS each. */
const CONCURRENCY = 4;
const SERVICE_MS = 20;
const CAPACITY_PER_SECOND = (CONCURRENCY * 1000) / SERVICE_MS; // 200 req/s
/** Added to every answer in slow mode, past the seed's Target p95 of 500 ms. */
const SLOWDOWN_MS = 700;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

let project: string;
let service: http.Server;
let serviceUrl: string;
let slow = false;
/** Run directories of the healthy and the slowed-down load runs. */
const runDirs: { healthy?: string; slow?: string } = {};
const timings: Record<string, number> = {};

/**
 * A service with a fixed capacity: at most CONCURRENCY requests are served
 * at once, each for SERVICE_MS; the rest wait in line, so past
 * CAPACITY_PER_SECOND its latency grows without bound. GET /items/:id answers
 * JSON; everything else 404.
 */
function startService(): Promise<void> {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    busy -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  const acquire = () =>
    new Promise<void>((resolve) => {
      const start = () => {
        busy += 1;
        resolve();
      };
      if (busy < CONCURRENCY) start();
      else waiting.push(start);
    });
  service = http.createServer((req, res) => {
    const match = /^\/items\/(\d+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !match) {
      res.writeHead(404).end();
      return;
    }
    void acquire().then(() => {
      setTimeout(() => {
        release();
        // The slowdown holds no slot (a slow downstream call, say): the
        // service keeps its capacity, its answers come SLOWDOWN_MS later.
        setTimeout(
          () => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ id: Number(match[1]), name: `item ${match[1]}` }));
          },
          slow ? SLOWDOWN_MS : 0,
        );
      }, SERVICE_MS);
    });
  });
  return new Promise((resolve) => {
    service.listen(0, "127.0.0.1", () => {
      serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
      resolve();
    });
  });
}

/** Runs the project's installed `slogate` as its users would (`npx slogate …`), in the project. */
function slogate(args: string[], timeoutMs = 180_000): Promise<CliResult> {
  const started = Date.now();
  const bin = path.join(project, "node_modules", ".bin", "slogate");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: project,
      env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const explain = (result: CliResult) =>
  `exit ${result.code}\nstdout:\n${result.stdout.slice(-3000)}\nstderr:\n${result.stderr.slice(-3000)}`;

/** The run directory a command printed (`reports in <dir>` on run, `reports: <dir>` on capacity). */
function reportsDirOf(result: CliResult): string {
  const match = /reports(?: in|:) (\S+)/.exec(`${result.stderr}\n${result.stdout}`);
  if (!match?.[1]) throw new Error(`no reports directory printed\n${explain(result)}`);
  return match[1];
}

// The project's own scenario: an npm package of its own picks the item, the
// slogate/k6 helpers shape the open-model phases, record the offered rate and
// tag the route.
const LOAD_SCENARIO = `import { pickItemId } from "item-picker";
import {
  buildOpenOptions,
  call,
  checkResponse,
  describeStandardPhases,
  readBaseUrl,
  readRate,
  readVuBudget,
  recordOfferedRate,
} from "slogate/k6";

const baseUrl = readBaseUrl();
const rate = readRate(20);

export const options = buildOpenOptions(
  "items-load",
  describeStandardPhases(rate, { rampUp: 3, steady: 15, rampDown: 1 }),
  // VUs for iterations of up to a second, so a slow service still gets its rate.
  readVuBudget(1),
);

export function setup(): void {
  recordOfferedRate(rate);
}

export default function (): void {
  const id: number = pickItemId(500);
  const response = call(baseUrl, "GET", \`/items/\${id}\`, { route: "/items/:id" });
  checkResponse(response, "GET /items/:id", 200);
}
`;

// The capacity step contract: RATE and the step's durations come from
// \`slogate capacity\`; one request per iteration.
const STEP_SCENARIO = `import { pickItemId } from "item-picker";
import { buildCapacityOptions, call, readBaseUrl, readCapacityStep, recordOfferedRate } from "slogate/k6";

const baseUrl = readBaseUrl();
const step = readCapacityStep();

export const options = buildCapacityOptions(step);

export function setup(): void {
  recordOfferedRate(step.ratePerSecond);
}

export default function (): void {
  call(baseUrl, "GET", \`/items/\${pickItemId(500)}\`, { route: "/items/:id" });
}
`;

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), "slogate-user-project-"));
  let started = Date.now();
  // The package as it would be published (npm test built dist/ first).
  const { stdout: packed } = await exec("npm", ["pack", "--silent", "--pack-destination", work], {
    cwd: ROOT,
    timeout: 120_000,
  });
  const tarball = path.join(work, packed.trim().split("\n").at(-1) ?? "");
  expect(existsSync(tarball), packed).toBe(true);
  timings["npm pack"] = Date.now() - started;

  // The project's own npm package, used by its scenario.
  const picker = path.join(work, "item-picker");
  mkdirSync(picker);
  writeFileSync(
    path.join(picker, "package.json"),
    JSON.stringify({
      name: "item-picker",
      version: "1.0.0",
      type: "module",
      main: "index.js",
      types: "index.d.ts",
    }),
  );
  writeFileSync(
    path.join(picker, "index.js"),
    "export function pickItemId(count) {\n  return 1 + Math.floor(Math.random() * count);\n}\n",
  );
  writeFileSync(
    path.join(picker, "index.d.ts"),
    "export declare function pickItemId(count: number): number;\n",
  );

  project = path.join(work, "my-service");
  mkdirSync(project);
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "my-service", version: "1.0.0", private: true, type: "module" }),
  );
  started = Date.now();
  await exec(
    "npm",
    ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", tarball, picker],
    { cwd: project, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  );
  timings["npm install"] = Date.now() - started;
  await startService();
}, 900_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (service ? service.close(() => resolve()) : resolve()));
  console.log("user project timings (ms):", timings);
});

describe("slogate in a user's project, on the user's own service and scenarios", () => {
  it("init scaffolds slo.yaml, scenarios and CI files, and a second init overwrites nothing", async () => {
    const first = await slogate(["init"]);
    expect(first.code, explain(first)).toBe(0);
    for (const file of [
      "slo.yaml",
      "scenarios/smoke.ts",
      "scenarios/load.ts",
      "scenarios/tsconfig.json",
    ]) {
      expect(existsSync(path.join(project, file)), `${file}\n${explain(first)}`).toBe(true);
    }
    const before = readFileSync(path.join(project, "slo.yaml"), "utf8");
    const second = await slogate(["init"]);
    expect(second.code, explain(second)).toBe(0);
    expect(readFileSync(path.join(project, "slo.yaml"), "utf8")).toBe(before);
    expect(second.stdout).toMatch(/slo\.yaml/);
    writeFileSync(path.join(project, "scenarios", "items.ts"), LOAD_SCENARIO);
    writeFileSync(path.join(project, "scenarios", "step.ts"), STEP_SCENARIO);
  });

  it("the scaffolded smoke scenario, pointed at the service's endpoint, passes on its checks", async () => {
    const smoke = path.join(project, "scenarios", "smoke.ts");
    writeFileSync(
      smoke,
      readFileSync(smoke, "utf8").replace(
        '{ method: "GET", path: "/", route: "/", status: 200 }',
        '{ method: "GET", path: "/items/1", route: "/items/:id", status: 200 }',
      ),
    );
    const result = await slogate(["run", "scenarios/smoke.ts", "--target", serviceUrl]);
    timings["run smoke"] = result.seconds * 1000;
    expect(result.code, explain(result)).toBe(0);
  });

  it("run: the project's TypeScript scenario passes the tiers of its slo.yaml", async () => {
    const result = await slogate([
      "run",
      "scenarios/items.ts",
      "--target",
      serviceUrl,
      "--rate",
      "20",
    ]);
    timings["run items (healthy)"] = result.seconds * 1000;
    expect(result.code, explain(result)).toBe(0);
    runDirs.healthy = reportsDirOf(result);
    const verdict = JSON.parse(
      readFileSync(path.join(runDirs.healthy, "verdict.json"), "utf8"),
    ) as {
      verdict: string;
      profile: string;
      objectives: { id: string; verdict: string; samples: number; value: number | null }[];
    };
    expect(verdict.verdict).toBe("pass");
    // slo.yaml from init, found in the working directory without --profile.
    expect(verdict.profile).toBe("my-service");
    const p95 = verdict.objectives.find((o) => o.id === "latency_p95");
    expect(p95?.samples).toBeGreaterThanOrEqual(200);
    // One request in service for SERVICE_MS at 20 req/s: p95 well under 100 ms.
    expect(p95?.value).toBeGreaterThanOrEqual(SERVICE_MS);
    expect(p95?.value).toBeLessThan(100);
  });

  it("run: an injected slowdown fails the run (exit 1)", async () => {
    slow = true;
    try {
      const result = await slogate([
        "run",
        "scenarios/items.ts",
        "--target",
        serviceUrl,
        "--rate",
        "20",
      ]);
      timings["run items (slow)"] = result.seconds * 1000;
      expect(result.code, explain(result)).toBe(1);
      expect(result.stdout).toMatch(/latency_p95/);
      runDirs.slow = reportsDirOf(result);
    } finally {
      slow = false;
    }
  });

  it("a type error in the project's scenario is one line naming file and line", async () => {
    const broken = path.join(project, "scenarios", "broken.ts");
    writeFileSync(
      broken,
      'import { readRate } from "slogate/k6";\nconst rate: string = readRate(5);\nexport default function (): void {\n  void rate;\n}\n',
    );
    const result = await slogate(["run", "scenarios/broken.ts", "--target", serviceUrl]);
    expect(result.code, explain(result)).toBe(3);
    expect(result.stderr).toMatch(/broken\.ts:2:\d+/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("check: judges the same NDJSON without a profile flag, with slo.yaml or the generic profile", async () => {
    expect(runDirs.healthy && runDirs.slow, "the run tests come first").toBeTruthy();
    const healthyNdjson = path.join(runDirs.healthy ?? "", "k6.ndjson");
    const inProject = await slogate(["check", "--k6", healthyNdjson, "--format", "json"]);
    expect(inProject.code, explain(inProject)).toBe(0);
    expect((JSON.parse(inProject.stdout) as { profile: string }).profile).toBe("my-service");
    const slowCheck = await slogate(["check", "--k6", path.join(runDirs.slow ?? "", "k6.ndjson")]);
    expect(slowCheck.code, explain(slowCheck)).toBe(1);
    // Outside the project (no slo.yaml there): the generic profile, every request.
    const elsewhere = mkdtempSync(path.join(tmpdir(), "slogate-elsewhere-"));
    const bin = path.join(project, "node_modules", ".bin", "slogate");
    const generic = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(bin, ["check", "--k6", healthyNdjson, "--format", "json"], {
        cwd: elsewhere,
        env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, seconds: 0 }));
    });
    expect(generic.code, explain(generic)).toBe(0);
    expect((JSON.parse(generic.stdout) as { profile: string }).profile).toBe("generic");
  });

  it(`capacity: finds the service's known capacity (${CONCURRENCY} × ${SERVICE_MS} ms = ${CAPACITY_PER_SECOND} req/s) with the project's step scenario`, async () => {
    const result = await slogate(
      [
        "capacity",
        "--target",
        serviceUrl,
        "--scenario",
        "scenarios/step.ts",
        "--warmup",
        "1",
        "--step",
        "3",
        "--budget",
        "120",
      ],
      300_000,
    );
    timings.capacity = result.seconds * 1000;
    console.log(`user project capacity:\n${result.stdout}\n${result.stderr.slice(-2000)}`);
    expect(result.code, explain(result)).toBe(0);
    const json = JSON.parse(
      readFileSync(path.join(reportsDirOf(result), "capacity.json"), "utf8"),
    ) as {
      kind: string;
      capacityRatePerSecond: number | null;
    };
    expect(json.kind, explain(result)).toBe("found");
    const found = json.capacityRatePerSecond ?? 0;
    expect(
      Math.abs(found - CAPACITY_PER_SECOND) / CAPACITY_PER_SECOND,
      explain(result),
    ).toBeLessThanOrEqual(0.15);
  });
});
