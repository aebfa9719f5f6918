import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleScenario } from "../../src/k6/bundle.js";
import { ensureK6 } from "../../src/k6/provision.js";
import { runK6, type RunK6Result } from "../../src/k6/run-k6.js";

export interface ScenarioRun {
  result: RunK6Result;
  /** Wall time of the k6 process, ms. */
  elapsedMs: number;
  log: string;
}

/**
 * Bundles a scenario and runs it once with the real k6: env as `-e KEY=VAL`,
 * quiet, NDJSON and summary export into a fresh temp dir, and a hard timeout.
 */
export async function runScenario(
  name: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ScenarioRun> {
  const k6 = await ensureK6();
  const outDir = mkdtempSync(path.join(tmpdir(), `slogate-${name}-`));
  const { scriptPath } = await bundleScenario(name, { outDir });
  const envArgs = Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  const startedMs = Date.now();
  const result = await runK6({
    k6,
    scriptPath,
    outDir,
    env: {},
    extraArgs: ["--quiet", ...envArgs],
    timeoutMs,
  });
  return {
    result,
    elapsedMs: Date.now() - startedMs,
    log: readFileSync(result.logPath, "utf8"),
  };
}

export interface K6Point {
  metric: string;
  value: number;
  timeMs: number;
  tags: Record<string, string>;
}

/** The `Point` lines of a k6 NDJSON file (`--out json=`), parsed without the code under test. */
export function readPoints(ndjsonPath: string): K6Point[] {
  const points: K6Point[] = [];
  for (const line of readFileSync(ndjsonPath, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const row = JSON.parse(line) as {
      type: string;
      metric: string;
      data: { time: string; value: number; tags: Record<string, string> | null };
    };
    if (row.type !== "Point") continue;
    points.push({
      metric: row.metric,
      value: row.data.value,
      timeMs: Date.parse(row.data.time),
      tags: row.data.tags ?? {},
    });
  }
  return points;
}

/** A metric's entry in k6's --summary-export file. */
export function readSummaryMetric(
  summaryPath: string,
  metric: string,
): Record<string, number> | undefined {
  const summary = JSON.parse(readFileSync(summaryPath, "utf8")) as {
    metrics: Record<string, Record<string, number>>;
  };
  return summary.metrics[metric];
}
