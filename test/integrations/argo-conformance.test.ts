// Argo Rollouts' own analysis controller (v1.9.1, test/argo-conformance/*.go)
// run on slogate's generated templates. What is real: the controller, its
// prometheus, web and job providers and condition evaluation; a Prometheus
// process scraping the reference services under k6 load (the shared live
// stack, test/fixtures/live-stack.ts, which also builds the harness);
// `slogate serve`; the built CLI the Job runs. What is not: there is no cluster here, so the
// Kubernetes API is a client-go fake (k8s.io/client-go/kubernetes/fake) and
// the Jobs the job provider creates are run by the harness as local processes
// (the container's args after the image's entrypoint, emptyDirs as temp dirs),
// which then sets the Job's Complete/Failed condition from the exit code.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { argo, type ArgoOptions } from "../../src/commands/argo.js";
import { rules } from "../../src/commands/rules.js";
import { loadArgoValidators } from "../../src/integrations/crd-validate.js";
import { serve } from "../../src/commands/serve.js";
import type { RunningServe } from "../../src/serve/server.js";
import { queryInstant } from "../../src/sources/prometheus/client.js";
import { closedPort, hostOf, LIVE_ERROR_RATIO, LIVE_PROFILE } from "../fixtures/live-stack.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(ROOT, "dist", "cli", "main.js");
const PROFILE = LIVE_PROFILE;
const TOKEN = "conformance-token-0123456789";
/** The faulty target answers this share of API requests with 503 (ground truth for the error ratio). */
const ERROR_RATIO = LIVE_ERROR_RATIO;
const stack = inject("liveStack");
const harness = stack.argoHarness;
const healthy = { url: stack.healthyUrl };
const faulty = { url: stack.faultyUrl };
const prometheus = { url: stack.prometheusUrl };
const JOB = { scenario: "load", ratePerSecond: 50, timeScale: 0.06 } as const;

interface HarnessRun {
  phase: string;
  message?: string;
  metrics: {
    name: string;
    phase: string;
    dryRun: boolean;
    measurements: { phase: string; value: string; message?: string }[];
  }[];
  jobs?: { args: string[]; exitCode: number; output: string }[];
}

let work: string;
let server: RunningServe;
const timings: Record<string, number> = {};

const hostPort = hostOf;

/** Runs the Go harness (Argo Rollouts' own controller) on a config; returns its JSON. */
async function runHarness(name: string, config: Record<string, unknown>): Promise<unknown> {
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const started = Date.now();
  const { stdout } = await run(harness, [file], {
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    // Loopback only: no proxy from the environment may sit between Argo and the servers.
    env: { ...process.env, HTTP_PROXY: "", HTTPS_PROXY: "", http_proxy: "", https_proxy: "" },
  });
  timings[`harness ${name}`] = Date.now() - started;
  return JSON.parse(stdout) as unknown;
}

function template(
  name: string,
  options: Partial<ArgoOptions> & Pick<ArgoOptions, "provider">,
): string {
  const out = path.join(work, `${name}.yaml`);
  argo({
    profile: PROFILE,
    // The reference targets' series carry job and instance; instance picks the "canary".
    serviceLabel: "job",
    namespaceLabel: "none",
    canaryLabel: "instance",
    interval: "1s",
    count: 3,
    failureLimit: 0,
    inconclusiveLimit: 1,
    range: "2m",
    out,
    ...options,
  });
  return out;
}

function argsFor(target: string): Record<string, string> {
  return { "service-name": "slogate-targets", "canary-hash": target };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "slogate-argo-"));
  // Compiling the CRD schemas blocks the event loop for seconds: done once, up front.
  loadArgoValidators();
  server = await serve({
    host: "127.0.0.1",
    port: 0,
    prometheus: prometheus.url,
    serviceLabel: "job",
    namespaceLabel: "none",
    canaryLabel: "instance",
    tokenEnv: "SLOGATE_TEST_SERVE_TOKEN",
    env: { SLOGATE_TEST_SERVE_TOKEN: TOKEN },
    log: () => undefined,
  });
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log("argo conformance timings (ms):", { ...stack.timings, ...timings });
});

describe("Argo Rollouts' own controller reads the prometheus-provider template as intended", () => {
  let file: string;
  beforeAll(() => {
    file = template("prometheus", { provider: "prometheus", prometheusAddress: prometheus.url });
  });

  it("healthy service: Successful, every mandatory metric Successful", async () => {
    const result = (await runHarness("prom-healthy", {
      templates: [file],
      args: argsFor(hostPort(healthy.url)),
    })) as HarnessRun;
    expect(result.phase, JSON.stringify(result, null, 1)).toBe("Successful");
    for (const metric of result.metrics.filter((m) => !m.dryRun)) {
      expect(metric.phase, metric.name).toBe("Successful");
      expect(metric.measurements.length).toBeGreaterThanOrEqual(3);
    }
  });

  it("injected 10 % errors: Failed on error_rate, the measured ratio near the injected one", async () => {
    const result = (await runHarness("prom-faulty", {
      templates: [file],
      args: argsFor(hostPort(faulty.url)),
    })) as HarnessRun;
    expect(result.phase).toBe("Failed");
    const errors = result.metrics.find((m) => m.name === "error_rate");
    expect(errors?.phase).toBe("Failed");
    // The prometheus provider records a vector as "[v]".
    const value = Number(/^\[(.+)\]$/.exec(errors?.measurements[0]?.value ?? "")?.[1]);
    expect(value).toBeGreaterThan(ERROR_RATIO / 2);
    expect(value).toBeLessThan(ERROR_RATIO * 2);
  });

  it("no data (a canary nobody scrapes): Inconclusive, never Successful or Error", async () => {
    const result = (await runHarness("prom-nodata", {
      templates: [file],
      args: argsFor("127.0.0.1:1"),
    })) as HarnessRun;
    expect(result.phase).toBe("Inconclusive");
    for (const metric of result.metrics.filter((m) => !m.dryRun)) {
      expect(metric.phase, metric.name).toBe("Inconclusive");
      for (const m of metric.measurements) expect(m.value).toBe("[]");
    }
  });

  it("conditions on empty, NaN and several series are Inconclusive; no evaluation error", async () => {
    const results = (await runHarness("prom-evaluate", {
      mode: "evaluate",
      templates: [file],
      results: [
        { name: "empty", vector: [] },
        { name: "nan", vector: ["NaN"] },
        { name: "two-series", vector: [0, 0] },
        { name: "zero", vector: [0] },
        { name: "huge", vector: [1e9] },
      ],
    })) as { metric: string; case: string; phase: string; error?: string }[];
    for (const row of results) {
      expect(row.error, `${row.metric}/${row.case}`).toBeUndefined();
      if (["empty", "nan", "two-series"].includes(row.case)) {
        expect(row.phase, `${row.metric}/${row.case}`).toBe("Inconclusive");
      }
    }
    const phase = (metric: string, name: string) =>
      results.find((r) => r.metric === metric && r.case === name)?.phase;
    // Lower is better for latency and errors; higher for throughput.
    expect(phase("latency_p95", "zero")).toBe("Successful");
    expect(phase("latency_p95", "huge")).toBe("Failed");
    expect(phase("error_rate", "zero")).toBe("Successful");
    expect(phase("throughput", "zero")).toBe("Failed");
  });
});

describe("Argo Rollouts' web provider reads `slogate serve` as intended", () => {
  let file: string;
  beforeAll(() => {
    file = template("web", {
      provider: "web",
      serveUrl: server.url,
      tokenSecret: "slogate-serve:token",
    });
  });
  const config = (target: string) => ({
    templates: [file],
    args: argsFor(target),
    // The controller resolves the token arg from this Secret, as in a cluster.
    secrets: [{ name: "slogate-serve", key: "token", value: TOKEN }],
  });

  it.each([
    { name: "healthy", target: () => hostPort(healthy.url), phase: "Successful", value: "pass" },
    { name: "faulty", target: () => hostPort(faulty.url), phase: "Failed", value: "fail" },
    { name: "no data", target: () => "127.0.0.1:1", phase: "Inconclusive", value: "inconclusive" },
  ])("$name → $phase", async ({ name, target, phase, value }) => {
    // What serve itself answers for the same window, for the failure message.
    const direct = await fetch(
      `${server.url}/v1/analysis/${PROFILE}?window=2m&service=slogate-targets&canary=${target()}`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );
    const verdict = (await direct.json()) as {
      verdict: string;
      objectives: { id: string; verdict: string; reason: string }[];
    };
    const why = verdict.objectives.map((o) => `${o.id}: ${o.verdict}: ${o.reason}`).join("\n");
    expect(verdict.verdict, why).toBe(value);
    const result = (await runHarness(`web-${name}`, config(target()))) as HarnessRun;
    expect(result.phase, JSON.stringify(result, null, 1)).toBe(phase);
    // The web provider stores the jsonPath value JSON-encoded.
    expect(result.metrics[0]?.measurements[0]?.value).toBe(JSON.stringify(value));
  });

  it("a wrong token is an Error measurement, not a verdict", async () => {
    const result = (await runHarness("web-badtoken", {
      ...config(hostPort(healthy.url)),
      secrets: [{ name: "slogate-serve", key: "token", value: "wrong-token-0123456789" }],
    })) as HarnessRun;
    const measurement = result.metrics[0]?.measurements[0];
    expect(measurement?.phase).toBe("Error");
    expect(measurement?.message).toMatch(/401/);
    expect(result.phase).not.toBe("Successful");
  }, 120_000);
});

describe("Argo Rollouts' job provider: the Job's exit code decides", () => {
  it("healthy → Successful (exit 0), injected errors → Failed (exit 1)", async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
    const file = template("job", {
      provider: "job",
      image: "ghcr.io/acme/slogate:test",
      scenario: JOB.scenario,
      ratePerSecond: JOB.ratePerSecond,
      timeScale: JOB.timeScale,
      activeDeadlineSeconds: 180,
    });
    const config = (url: string) => ({
      templates: [file],
      args: { "canary-url": url },
      jobCommand: [process.execPath, CLI],
      jobEnv: { NO_COLOR: "1" },
      timeoutSeconds: 240,
    });
    const [ok, bad] = (await Promise.all([
      runHarness("job-healthy", config(healthy.url)),
      runHarness("job-faulty", config(faulty.url)),
    ])) as HarnessRun[];
    expect(ok?.jobs?.[0]?.args.slice(0, 4)).toEqual(["run", "load", "--target", healthy.url]);
    expect(ok?.jobs?.[0]?.exitCode, ok?.jobs?.[0]?.output).toBe(0);
    expect(ok?.phase).toBe("Successful");
    expect(bad?.jobs?.[0]?.exitCode, bad?.jobs?.[0]?.output).toBe(1);
    expect(bad?.phase).toBe("Failed");
  }, 300_000);
});

describe("no data, no Prometheus: never Successful", () => {
  // Both runs at once: Argo retries an Error measurement only every 10 s.
  let job: Promise<HarnessRun>;
  let cluster: Promise<HarnessRun>;
  let closedUrl: string;
  beforeAll(async () => {
    const port = await closedPort();
    closedUrl = `http://127.0.0.1:${port}`;
    const jobFile = template("job-nodata", {
      provider: "job",
      image: "ghcr.io/acme/slogate:test",
      scenario: JOB.scenario,
      ratePerSecond: JOB.ratePerSecond,
      timeScale: JOB.timeScale,
      activeDeadlineSeconds: 180,
    });
    job = runHarness("job-nodata", {
      templates: [jobFile],
      args: { "canary-url": closedUrl },
      jobCommand: [process.execPath, CLI],
      jobEnv: { NO_COLOR: "1" },
      timeoutSeconds: 240,
    }) as Promise<HarnessRun>;
    const clusterFile = template("cluster-unreachable", {
      provider: "prometheus",
      kind: "ClusterAnalysisTemplate",
      prometheusAddress: closedUrl,
    });
    cluster = runHarness("cluster-unreachable", {
      templates: [clusterFile],
      args: argsFor(hostPort(healthy.url)),
      timeoutSeconds: 240,
    }) as Promise<HarnessRun>;
    // Either rejecting is reported by its own test.
    job.catch(() => undefined);
    cluster.catch(() => undefined);
  });

  it("job provider, canary on a closed port: the gate exits non-zero, the run is not Successful", async () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
    const result = await job;
    const ran = result.jobs?.[0];
    expect(ran?.args.slice(0, 4)).toEqual(["run", "load", "--target", closedUrl]);
    console.log(`job provider, no data: exit ${ran?.exitCode}, phase ${result.phase}`);
    // The job provider has no Inconclusive: any non-zero exit fails the Job.
    expect(ran?.exitCode, ran?.output).toBeGreaterThan(0);
    // slogate run checks the target once before k6 starts (exit 3, error).
    expect(ran?.output).toMatch(/unreachable/);
    expect(["Failed", "Error"]).toContain(result.phase);
  }, 300_000);

  it("ClusterAnalysisTemplate, Prometheus unreachable: Error, every measurement an Error", async () => {
    const result = await cluster;
    expect(result.phase, JSON.stringify(result, null, 1)).toBe("Error");
    for (const metric of result.metrics.filter((m) => !m.dryRun)) {
      expect(metric.phase, metric.name).toBe("Error");
      for (const m of metric.measurements) expect(m.phase, metric.name).toBe("Error");
    }
  }, 300_000);
});

describe("every generated PromQL expression runs on the real Prometheus", () => {
  it("templates (args filled in) and rules: no query error; rules pass promtool", async () => {
    const expressions: string[] = [];
    for (const profile of ["users-api", "products-api", "orders-api"]) {
      const generated = argo({
        provider: "prometheus",
        profile,
        cpuCores: 1,
        memoryLimitBytes: 512 * 1024 * 1024,
      });
      const metrics = (
        generated.manifest.spec as { metrics: { provider: { prometheus: { query: string } } }[] }
      ).metrics;
      for (const metric of metrics) {
        expressions.push(
          metric.provider.prometheus.query
            .replaceAll("{{args.service-name}}", "slogate-targets")
            .replaceAll("{{args.namespace}}", "default")
            .replaceAll("{{args.canary-hash}}", "abc123"),
        );
      }
      const generatedRules = rules({
        profile,
        selector: ["job=slogate-targets"],
        check: true,
      });
      expect(generatedRules.promtool?.ok, generatedRules.promtool?.output).toBe(true);
      expressions.push(...generatedRules.rules.expressions.map((e) => e.expr));
    }
    const outcomes = await Promise.all(
      expressions.map((expr) => queryInstant({ url: prometheus.url }, expr, Date.now())),
    );
    outcomes.forEach((outcome, i) => {
      expect(
        outcome.kind,
        `${expressions[i]}: ${outcome.kind === "error" ? outcome.message : ""}`,
      ).toBe("ok");
    });
    expect(expressions.length).toBeGreaterThan(30);
  });
});
