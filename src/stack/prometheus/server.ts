import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DependencyError } from "../../errors.js";
import { pickFreePort } from "../free-port.js";
import { launchUntilReady, stopChild, type LaunchResult } from "../launch.js";
import { generatePrometheusConfig, SLOGATE_SCRAPE_JOB } from "./config.js";
import { ensurePrometheus, type PrometheusBinary } from "./provision.js";

export interface StartPrometheusOptions {
  /** `host:port` of each service to scrape, loopback only. May be empty (remote write only). */
  scrapeTargets: readonly string[];
  /** Default 1: per-second resolution, so short CI runs still have many points. */
  scrapeIntervalSeconds?: number;
  /**
   * Rule files to load and evaluate (absolute paths). A file Prometheus
   * rejects makes start fail with its log tail, like any bad config.
   */
  ruleFiles?: readonly string[];
  /** Default evaluation interval of rule groups that set none; the scrape interval by default. */
  evaluationIntervalSeconds?: number;
  /** Where the TSDB and config go; a fresh temp dir (removed at close) by default. */
  dataDir?: string;
  /** A binary found beforehand; `ensurePrometheus()` otherwise. */
  binary?: PrometheusBinary;
  /** How long to wait for /-/ready. Default 30 000 ms. */
  readyTimeoutMs?: number;
  /** How long close() waits after SIGTERM before SIGKILL. Default 10 000 ms. */
  stopTimeoutMs?: number;
  /** Chooses each attempt's port; pickFreePort by default (tests inject collisions). */
  pickPort?: () => Promise<number>;
}

export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Prometheus' remote-write endpoint (k6 `K6_PROMETHEUS_RW_SERVER_URL`). */
  remoteWriteUrl: string;
  jobName: string;
  pid: number;
  dataDir: string;
  binary: PrometheusBinary;
  /** Stops Prometheus (SIGTERM, then SIGKILL after a timeout) and removes a temp data dir. */
  close(): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 5;

/**
 * Starts a throwaway Prometheus on 127.0.0.1 that scrapes the given targets
 * every second, with the remote-write receiver and native histograms on.
 * Resolves once /-/ready answers 200 and each target has been scraped once
 * (up or down); never returns a server that is not ready.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const binary = options.binary ?? ensurePrometheus();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "slogate-prometheus-"));
  const configFile = path.join(dataDir, "prometheus.yml");
  writeFileSync(
    configFile,
    generatePrometheusConfig({
      scrapeTargets: options.scrapeTargets,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 1,
      ...(options.evaluationIntervalSeconds !== undefined
        ? { evaluationIntervalSeconds: options.evaluationIntervalSeconds }
        : {}),
      ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
    }),
  );
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await (options.pickPort ?? pickFreePort)();
      const started = await launch(binary, configFile, dataDir, port, options);
      if (started.kind === "ready") {
        return {
          url: `http://127.0.0.1:${port}`,
          remoteWriteUrl: `http://127.0.0.1:${port}/api/v1/write`,
          jobName: SLOGATE_SCRAPE_JOB,
          pid: started.child.pid ?? -1,
          dataDir,
          binary,
          close: async () => {
            await stopChild(started.child, options.stopTimeoutMs ?? 10_000);
            if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
          },
        };
      }
      // Another process took the port between pickFreePort and Prometheus' bind.
      if (started.kind === "port-taken" && attempt < MAX_PORT_ATTEMPTS) continue;
      throw new DependencyError(
        "PROMETHEUS_START_FAILED",
        `Prometheus (${binary.path}) did not become ready: ${started.reason}`,
      );
    }
  } catch (error) {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  binary: PrometheusBinary,
  configFile: string,
  dataDir: string,
  port: number,
  options: StartPrometheusOptions,
): Promise<LaunchResult> {
  const expectedTargets = new Set(options.scrapeTargets).size;
  return launchUntilReady({
    command: binary.path,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dataDir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
      "--enable-feature=native-histograms",
      // A throwaway server: a day is longer than any run it serves.
      "--storage.tsdb.retention.time=1d",
    ],
    isReady: () => isReady(port, expectedTargets),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
  });
}

/**
 * Ready = /-/ready answers 200 and every scrape target has been scraped once.
 * Prometheus hands discovered targets to its scrapers only every ~5 s, so
 * without the second condition the first seconds of a run would be missing.
 */
async function isReady(port: number, expectedTargets: number): Promise<boolean> {
  try {
    const signal = AbortSignal.timeout(1_000);
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`, { signal });
    await ready.arrayBuffer();
    if (ready.status !== 200) return false;
    if (expectedTargets === 0) return true;
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/targets?state=active`, {
      signal,
    });
    const body = (await response.json()) as {
      data?: { activeTargets?: { health?: string }[] };
    };
    const targets = body.data?.activeTargets ?? [];
    return (
      targets.length >= expectedTargets && targets.every((target) => target.health !== "unknown")
    );
  } catch {
    return false;
  }
}
