import { mkdirSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { K6Error } from "../../src/errors.js";
import type { K6Binary } from "../../src/k6/provision.js";
import { runK6, type RunK6Result } from "../../src/k6/run-k6.js";
import { pickFreePort } from "../../src/stack/free-port.js";
import { buildSegmentArgs } from "../../src/integrations/k6-operator.js";

export interface RunSegmentsLocallyOptions {
  k6: K6Binary;
  /** The bundled scenario (what the ConfigMap holds). */
  scriptPath: string;
  /** Runner processes, as the TestRun's parallelism. */
  parallelism: number;
  /** The scenario's `__ENV`, the same for every runner (as the TestRun's runner.env). */
  env: Record<string, string>;
  /** More k6 arguments (the TestRun's `arguments`), e.g. tags. */
  arguments?: string[];
  /** Each runner writes k6.ndjson, summary.json and k6.log to `<outDir>/runner-<i>/`. */
  outDir: string;
  /** Tags every sample with testrun_name, as the operator does. */
  testRunName: string;
  /** Hard stop per runner, ms. */
  timeoutMs?: number;
  /** How long to wait for a runner's REST API before giving up, ms; 60 s by default. */
  readyTimeoutMs?: number;
}

export interface LocalRunner {
  index: number;
  dir: string;
  result: RunK6Result;
}

async function fetchStatus(port: number): Promise<{ paused?: boolean } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/status`);
    if (!response.ok) return null;
    const body = (await response.json()) as { data?: { attributes?: { paused?: boolean } } };
    return body.data?.attributes ?? null;
  } catch {
    return null;
  }
}

/** Polls a runner's REST API until it answers (k6 listens once its VUs are initialised). */
async function waitForRunner(
  port: number,
  deadlineMs: number,
  exited: () => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (exited())
      throw new K6Error(
        "K6_RUNNER_EXITED",
        `a k6 runner on port ${port} exited before it was ready; see its k6.log`,
      );
    if ((await fetchStatus(port)) !== null) return;
    if (Date.now() > deadlineMs) {
      throw new K6Error(
        "K6_RUNNER_NOT_READY",
        `a k6 runner's REST API on 127.0.0.1:${port} did not answer in time`,
      );
    }
    await delay(Math.min(500, 50 * (attempt + 1)));
  }
}

/** Resumes a paused runner, as the operator's starter pod does (PATCH /v1/status). */
async function resumeRunner(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/status`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      data: { type: "status", id: "default", attributes: { paused: false } },
    }),
  });
  if (!response.ok) {
    throw new K6Error(
      "K6_RUNNER_RESUME_FAILED",
      `resuming the k6 runner on 127.0.0.1:${port} answered ${response.status}`,
    );
  }
}

/**
 * Runs a scenario the way k6-operator runs a TestRun, on this machine:
 * `parallelism` k6 processes, runner i with `--execution-segment` (i-1)/N:i/N
 * and the full `--execution-segment-sequence`, each started `--paused` with
 * its REST API on a loopback port and the instance_id/testrun_name tags; once
 * every runner answers, all are resumed together (the starter's job). Each
 * writes its own NDJSON, which `slogate check` merges into one verdict.
 */
export async function runSegmentsLocally(
  options: RunSegmentsLocallyOptions,
): Promise<LocalRunner[]> {
  const total = options.parallelism;
  const ports = await Promise.all(Array.from({ length: total }, () => pickFreePort()));
  const exited = new Set<number>();
  const runs = ports.map((port, offset) => {
    const index = offset + 1;
    const dir = path.join(options.outDir, `runner-${index}`);
    mkdirSync(dir, { recursive: true });
    const running = runK6({
      k6: options.k6,
      scriptPath: options.scriptPath,
      outDir: dir,
      env: options.env,
      extraArgs: [
        "--quiet",
        ...buildSegmentArgs(index, total),
        ...(options.arguments ?? []),
        `--address=127.0.0.1:${port}`,
        "--paused",
        "--tag",
        `instance_id=${index}`,
        "--tag",
        `testrun_name=${options.testRunName}`,
      ],
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    }).finally(() => exited.add(index));
    return { index, dir, port, running };
  });
  try {
    const deadlineMs = Date.now() + (options.readyTimeoutMs ?? 60_000);
    await Promise.all(
      runs.map((run) => waitForRunner(run.port, deadlineMs, () => exited.has(run.index))),
    );
    await Promise.all(runs.map((run) => resumeRunner(run.port)));
  } catch (error) {
    // A runner that never started leaves the others paused forever: stop them.
    await Promise.allSettled(
      runs.map((run) =>
        fetch(`http://127.0.0.1:${run.port}/v1/status`, {
          method: "PATCH",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            data: { type: "status", id: "default", attributes: { stopped: true } },
          }),
        }),
      ),
    );
    await Promise.allSettled(runs.map((run) => run.running));
    throw error;
  }
  return Promise.all(
    runs.map(async (run) => ({ index: run.index, dir: run.dir, result: await run.running })),
  );
}
