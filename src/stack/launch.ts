import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

/** A server's own last log lines, kept for error messages. */
const LOG_TAIL_LINES = 20;

export type LaunchResult =
  | { kind: "ready"; child: ChildProcess }
  | { kind: "port-taken"; reason: string }
  | { kind: "failed"; reason: string };

export interface LaunchOptions {
  command: string;
  args: readonly string[];
  spawnOptions?: Pick<SpawnOptions, "cwd" | "uid" | "gid" | "env">;
  /** Polled with backoff until it answers true, the child exits, or the deadline passes. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** How to ask the server to stop gracefully (PostgreSQL: SIGINT, a fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

/**
 * Starts a server process and waits for it to be ready, never by a fixed
 * sleep. A child that exits or never gets ready is stopped and described
 * with its last log lines; "address already in use" is told apart so the
 * caller can retry on another port.
 */
export async function launchUntilReady(options: LaunchOptions): Promise<LaunchResult> {
  const child = spawn(options.command, options.args, {
    ...options.spawnOptions,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const tail: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    }
  });
  // Held in an object: the exit handler sets it, the loop below reads it.
  const state: { exited: string | null } = { exited: null };
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      state.exited = signal ? `killed by ${signal}` : `exited with code ${code ?? "?"}`;
      resolve();
    });
    child.once("error", (error) => {
      state.exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  // If this process dies first, don't leave the server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));

  const deadline = Date.now() + options.readyTimeoutMs;
  let delayMs = 50;
  while (Date.now() < deadline && state.exited === null) {
    if (await options.isReady()) return { kind: "ready", child };
    // Back off between polls; the race ends early when the child exits.
    await Promise.race([exitedPromise, new Promise((resolve) => setTimeout(resolve, delayMs))]);
    delayMs = Math.min(delayMs * 2, 500);
  }
  const why = state.exited ?? `not ready within ${options.readyTimeoutMs} ms`;
  if (state.exited === null) await stopChild(child, 5_000, options.stopSignal);
  else await exitedPromise;
  const log = tail.join(" | ");
  const reason = `${why}; last log lines: ${log || "(none)"}`;
  return /address already in use/i.test(log)
    ? { kind: "port-taken", reason }
    : { kind: "failed", reason };
}

/** Asks the child to stop (SIGTERM by default), SIGKILL after `timeoutMs`. Resolves once it is gone. */
export async function stopChild(
  child: ChildProcess,
  timeoutMs: number,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const forced = await Promise.race([gone.then(() => false), timedOut]);
  clearTimeout(timer);
  if (forced) {
    child.kill("SIGKILL");
    await gone;
  }
}
