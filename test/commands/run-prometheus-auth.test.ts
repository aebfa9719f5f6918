import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/commands/run.js";
import { scrapeTargetOf } from "../../src/stack/prometheus/config.js";
import { ensurePrometheus } from "../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../src/stack/prometheus/server.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { startAuthProxy, type AuthProxy } from "../stack/prometheus/auth-proxy.js";

// `run --prometheus` against a Prometheus behind an authenticating gateway:
// the token (read from an environment variable) must reach both the queries
// and k6's remote write, and must appear in none of the files the run writes.
const TOKEN = `tok-${process.pid}-3c9e51`;
const TOKEN_ENV = "SLOGATE_TEST_PROM_TOKEN";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("run --prometheus with a bearer token", () => {
  let targets: RunningTargets;
  let prometheus: PrometheusServer;
  let proxy: AuthProxy;
  let dir: string;

  beforeAll(async () => {
    ensurePrometheus({ install: true });
    dir = mkdtempSync(path.join(os.tmpdir(), "slogate-run-auth-"));
    targets = await startTargets({ rateLimit: false });
    prometheus = await startPrometheus({ scrapeTargets: [scrapeTargetOf(targets.url)] });
    proxy = await startAuthProxy(prometheus.url, {
      authorization: `Bearer ${TOKEN}`,
      "x-scope-orgid": "team-a",
    });
    process.env[TOKEN_ENV] = TOKEN;
  });

  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await proxy?.close();
    await prometheus?.close();
    await targets?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("queries and pushes with it, and writes it nowhere", async () => {
    const profile = path.join(dir, "auth.yaml");
    writeFileSync(
      profile,
      [
        "version: 1",
        "name: auth",
        `tiers: ${path.join(THRESHOLDS_DIR, "tiers.yaml")}`,
        "evaluation: { minWindowSeconds: 2 }",
        "prometheus:",
        "  memoryLimitBytes: 4294967296",
        "objectives:",
        "  - id: error_rate",
        "  - id: db_latency_p95",
        "    mandatory: false",
        "  - id: memory",
        "    mandatory: false",
        "",
      ].join("\n"),
    );
    const result = await run({
      scenario: "load",
      target: targets.url,
      profile,
      ratePerSecond: 10,
      // 1 s up, 4 s steady, 1 s down: bounded by k6 itself.
      env: { DURATION_RAMP_UP: "1s", DURATION_STEADY: "4s", DURATION_RAMP_DOWN: "1s" },
      reportsDir: path.join(dir, "reports"),
      prometheus: {
        url: proxy.url,
        timeoutMs: 5_000,
        auth: { kind: "bearer", tokenEnv: TOKEN_ENV },
        headers: { "X-Scope-OrgID": "team-a" },
      },
    });
    // Nothing reached Prometheus without the token; both paths went through.
    expect(Object.fromEntries(proxy.refused)).toEqual({});
    expect(proxy.accepted.get("/api/v1/write") ?? 0).toBeGreaterThan(0);
    expect(proxy.accepted.get("/api/v1/query") ?? 0).toBeGreaterThan(0);
    const byId = new Map(result.report.verdict.objectives.map((o) => [o.id, o]));
    for (const id of ["db_latency_p95", "memory"]) {
      const objective = byId.get(id);
      expect(objective?.source).toBe("prometheus");
      expect(objective?.value, `${id}: ${objective?.reason ?? ""}`).not.toBeNull();
    }
    const written = filesUnder(result.dir);
    expect(written.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(["run.json", "k6.log", "verdict.json"]),
    );
    for (const file of written) {
      expect(readFileSync(file, "utf8"), file).not.toContain(TOKEN);
    }
  });
});
