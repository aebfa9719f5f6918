import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { describeK6Exit, type K6ExitMeaning } from "./exit-codes.js";
import { createRedactingLines, readK6ErrorMessage } from "./k6-log.js";
import type { K6Binary } from "./provision.js";

export interface RunK6Options {
  k6: K6Binary;
  scriptPath: string;
  /** Where k6.ndjson, summary.json and k6.log go. */
  outDir: string;
  /** Passed through the child's environment (k6 exposes it as __ENV), never on the command line, so secrets don't show in `ps`. */
  env: Record<string, string>;
  extraArgs?: string[];
  /** Receives k6's console output as it comes; the caller decides where it goes. */
  onOutput?: (chunk: string) => void;
  /** Hard stop for a run that hangs, in ms (the scenario's own durations should end it first). */
  timeoutMs?: number;
  /**
   * Interrupts k6 as a user's Ctrl-C would: on abort the signal named by the
   * reason (see signalNameOf) is relayed to k6 once; k6 then ends gracefully
   * and writes its results.
   */
  signal?: AbortSignal;
}

export interface RunK6Result {
  exit: K6ExitMeaning;
  signal: NodeJS.Signals | null;
  /** The signal slogate relayed to k6, if the run was interrupted (or ran past timeoutMs: SIGTERM). */
  interruptedBy: NodeJS.Signals | null;
  ndjsonPath: string;
  summaryPath: string;
  logPath: string;
  /** The first few `level=error` messages k6 logged (first line each, redacted). */
  errorMessages: string[];
  startedAt: Date;
  endedAt: Date;
}

/** How many of k6's error messages a result keeps: the first one names the cause. */
const MAX_ERROR_MESSAGES = 5;

/**
 * The signal an abort stands for. The CLI aborts with the signal's name as
 * the reason ("SIGINT", "SIGTERM"); any other reason, or none, reads as
 * SIGTERM: a plain request to stop.
 */
export function signalNameOf(signal: AbortSignal | undefined): NodeJS.Signals {
  const reason: unknown = signal?.reason;
  return typeof reason === "string" && isSignalName(reason) ? reason : "SIGTERM";
}

function isSignalName(name: string): name is NodeJS.Signals {
  return Object.hasOwn(constants.signals, name);
}

/**
 * Runs k6 once, teeing its output to k6.log and the caller with credentials
 * redacted line by line (a target URL's userinfo, tokens in errors), and
 * relays the abort of `signal` to it as that signal (k6 then ends gracefully
 * and writes its results). Result files are never deleted here.
 */
export async function runK6(options: RunK6Options): Promise<RunK6Result> {
  const ndjsonPath = path.join(options.outDir, "k6.ndjson");
  const summaryPath = path.join(options.outDir, "summary.json");
  const logPath = path.join(options.outDir, "k6.log");
  const args = [
    "run",
    "--no-usage-report",
    "--out",
    `json=${ndjsonPath}`,
    "--summary-export",
    summaryPath,
    ...(options.extraArgs ?? []),
    options.scriptPath,
  ];
  const log = createWriteStream(logPath);
  const startedAt = new Date();
  const child = spawn(options.k6.path, args, {
    env: { ...process.env, ...options.env, K6_NO_USAGE_REPORT: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a terminal's Ctrl-C reaches slogate only, and the
    // relay below sends k6 exactly one signal (two would make k6 stop at once
    // without writing its summary).
    detached: true,
  });
  // A second Ctrl-C ends slogate at once (process.exit): k6, in its own
  // process group, must not outlive it and go on sending load.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let interruptedBy: NodeJS.Signals | null = null;
  const relay = (signal: NodeJS.Signals) => {
    interruptedBy = signal;
    child.kill(signal);
  };
  const onAbort = () => relay(signalNameOf(options.signal));
  // Aborted while k6 was being prepared: k6 is told at once and ends without a test.
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          log.write(`\nslogate: k6 ran past ${options.timeoutMs} ms; stopping it\n`);
          relay("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
        }, options.timeoutMs);

  const errorMessages: string[] = [];
  const emit = (text: string) => {
    log.write(text);
    options.onOutput?.(text);
    for (const line of text.split(/[\r\n]/)) {
      if (errorMessages.length >= MAX_ERROR_MESSAGES) break;
      const message = readK6ErrorMessage(line);
      if (message !== null) errorMessages.push(message);
    }
  };
  // One splitter per stream: a line may only be cut where its own stream ends it.
  const stdoutLines = createRedactingLines(emit);
  const stderrLines = createRedactingLines(emit);
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdoutLines.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderrLines.push(chunk));

  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.on("error", reject);
        child.on("close", (status, sig) => resolve([status, sig]));
      },
    );
    stdoutLines.flush();
    stderrLines.flush();
    return {
      exit: describeK6Exit(code, signal),
      signal,
      interruptedBy,
      ndjsonPath,
      summaryPath,
      logPath,
      errorMessages,
      startedAt,
      endedAt: new Date(),
    };
  } finally {
    process.off("exit", killOnExit);
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await new Promise<void>((resolve) => log.end(resolve));
  }
}
