import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePrometheus, findPrometheus } from "../../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../../src/stack/prometheus/server.js";
import {
  generatePrometheusConfig,
  parseScrapeTarget,
  scrapeTargetOf,
} from "../../../src/stack/prometheus/config.js";
import { DependencyError } from "../../../src/errors.js";
import { pickFreePort } from "../../../src/stack/free-port.js";
import { startMetricsServer, type MetricsServer } from "./metrics-server.js";

interface PromVector {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function queryNow(url: string, promql: string): Promise<PromVector> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return (await response.json()) as PromVector;
}

/** Polls until `check` holds; every poll is a real query, the loop is bounded. */
async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe("ensurePrometheus", () => {
  it("finds a Prometheus that has the remote-write receiver and native histograms", () => {
    const binary = ensurePrometheus({ install: true });
    expect(binary.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(binary.supports).toEqual({ remoteWriteReceiver: true, nativeHistograms: true });
    expect(binary.promtoolPath).not.toBeNull();
  });

  it("honours PROMETHEUS_BINARY and rejects one that is not Prometheus", () => {
    const real = findPrometheus();
    expect(real).not.toBeNull();
    const viaEnv = findPrometheus({ PATH: "", PROMETHEUS_BINARY: real?.path ?? "" });
    expect(viaEnv?.source).toBe("PROMETHEUS_BINARY");
    expect(() => findPrometheus({ PATH: "", PROMETHEUS_BINARY: "/bin/true" })).toThrow(
      DependencyError,
    );
  });
});

describe("generatePrometheusConfig", () => {
  it.each([
    ["10.0.0.1:9100", "PROMETHEUS_TARGET_NOT_LOOPBACK"],
    ["example.com:80", "PROMETHEUS_TARGET_NOT_LOOPBACK"],
    ["127.0.0.1", "PROMETHEUS_TARGET_INVALID"],
    ["127.0.0.1:99999", "PROMETHEUS_TARGET_INVALID"],
  ])("rejects scrape target %s", (target, code) => {
    expect(() => parseScrapeTarget(target)).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ["http://127.0.0.1:8080", "127.0.0.1:8080"],
    ["http://[::1]:9000/x", "[::1]:9000"],
    ["http://localhost", "localhost:80"],
  ])("scrapeTargetOf(%s) = %s", (url, target) => {
    expect(scrapeTargetOf(url)).toBe(target);
  });

  it("scrapes every target at the given interval with timeout = interval", () => {
    const text = generatePrometheusConfig({
      scrapeTargets: ["127.0.0.1:8080", "[::1]:9090"],
      scrapeIntervalSeconds: 1,
    });
    expect(text).toContain("scrape_interval: 1s");
    expect(text).toContain("scrape_timeout: 1s");
    expect(text).toContain("- 127.0.0.1:8080");
    expect(text).toContain("job_name: slogate-targets");
  });

  it("loads rule files (absolute paths only) with their own evaluation interval", () => {
    const parsed = parse(
      generatePrometheusConfig({
        scrapeTargets: [],
        scrapeIntervalSeconds: 5,
        evaluationIntervalSeconds: 1,
        ruleFiles: ["/tmp/a.yaml", "/tmp/b.yaml"],
      }),
    ) as { global: Record<string, string>; rule_files: string[] };
    expect(parsed.global).toMatchObject({ scrape_interval: "5s", evaluation_interval: "1s" });
    expect(parsed.rule_files).toEqual(["/tmp/a.yaml", "/tmp/b.yaml"]);
    expect(() =>
      generatePrometheusConfig({
        scrapeTargets: [],
        scrapeIntervalSeconds: 1,
        ruleFiles: ["rules.yaml"],
      }),
    ).toThrow(/rule file "rules.yaml": give an absolute path/);
    expect(() =>
      generatePrometheusConfig({
        scrapeTargets: [],
        scrapeIntervalSeconds: 1,
        evaluationIntervalSeconds: 0.5,
      }),
    ).toThrow(/evaluation interval 0.5s/);
  });
});

describe("startPrometheus", () => {
  let target: MetricsServer;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    target = await startMetricsServer();
    prometheus = await startPrometheus({ scrapeTargets: [target.target] });
  });

  afterAll(async () => {
    await prometheus?.close();
    await target?.close();
  });

  it("is ready on loopback and scrapes the target every second", async () => {
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${prometheus.url}/-/ready`);
    expect(ready.status).toBe(200);
    // Three scrapes at 1 s need ~2 s of wall time; allow for a busy machine.
    await pollUntil(async () => {
      const answer = await queryNow(prometheus.url, "test_scrapes_total");
      return Number(answer.data.result[0]?.value[1] ?? 0) >= 3;
    }, 15_000);
    const answer = await queryNow(prometheus.url, 'up{job="slogate-targets"}');
    expect(answer.data.result).toHaveLength(1);
    expect(answer.data.result[0]?.value[1]).toBe("1");
    // The stored counter is what the target served at the last scrape Prometheus made.
    const stored = await queryNow(prometheus.url, "test_scrapes_total");
    expect(Number(stored.data.result[0]?.value[1])).toBeLessThanOrEqual(target.scrapes());
  });

  it("has the flags the k6 remote-write output needs", async () => {
    const response = await fetch(`${prometheus.url}/api/v1/status/flags`);
    const flags = ((await response.json()) as { data: Record<string, string> }).data;
    expect(flags["web.enable-remote-write-receiver"]).toBe("true");
    expect(flags["enable-feature"]).toContain("native-histograms");
    expect(flags["web.listen-address"]).toMatch(/^127\.0\.0\.1:/);
  });

  it("retries on another port when the chosen one was taken meanwhile", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    const free = await pickFreePort();
    const offered = [taken, free];
    try {
      const server = await startPrometheus({
        scrapeTargets: [],
        pickPort: () => Promise.resolve(offered.shift() ?? 0),
      });
      expect(server.url).toBe(`http://127.0.0.1:${free}`);
      await server.close();
    } finally {
      squatter.close();
    }
  });

  it("evaluates the rule files it was given, and refuses to start on a broken one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slogate-rules-"));
    try {
      const good = path.join(dir, "good.yaml");
      writeFileSync(
        good,
        "groups:\n  - name: t\n    interval: 1s\n    rules:\n      - record: test:two\n        expr: vector(1) + 1\n",
      );
      const server = await startPrometheus({ scrapeTargets: [], ruleFiles: [good] });
      try {
        await pollUntil(
          async () => (await queryNow(server.url, "test:two")).data.result[0]?.value[1] === "2",
          15_000,
        );
      } finally {
        await server.close();
      }
      const bad = path.join(dir, "bad.yaml");
      writeFileSync(
        bad,
        "groups:\n  - name: t\n    rules:\n      - record: x\n        expr: sum(\n",
      );
      await expect(startPrometheus({ scrapeTargets: [], ruleFiles: [bad] })).rejects.toThrow(
        /did not become ready.*bad\.yaml/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two servers at once get different ports, and close() stops the process and removes its data", async () => {
    const second = await startPrometheus({ scrapeTargets: [] });
    expect(second.url).not.toBe(prometheus.url);
    expect(existsSync(second.dataDir)).toBe(true);
    await second.close();
    expect(existsSync(second.dataDir)).toBe(false);
    expect(() => process.kill(second.pid, 0)).toThrow();
    await expect(fetch(`${second.url}/-/ready`)).rejects.toThrow();
  });
});
