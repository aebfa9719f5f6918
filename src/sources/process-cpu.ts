import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** One reading: the watched process's CPU seconds so far and the machine's CPU ticks. */
export interface CpuSample {
  timeMs: number;
  /** User + system CPU seconds of the watched process; null until it is found. */
  processSeconds: number | null;
  hostBusyTicks: number;
  hostTotalTicks: number;
}

let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ) for /proc times; 100 on nearly every Linux. */
function readClockTicks(): number {
  if (clockTicks !== undefined) return clockTicks;
  const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000 });
  const parsed = Number(result.stdout?.trim());
  clockTicks = Number.isInteger(parsed) && parsed > 0 ? parsed : 100;
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the `(comm)` field, which may itself hold spaces. */
function readStatFields(pid: number | string): { comm: string; fields: string[] } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    return { comm: text.slice(open + 1, close), fields: text.slice(close + 2).split(" ") };
  } catch {
    return null;
  }
}

function readHostTicks(): { busy: number; total: number } | null {
  try {
    const first = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const values = first.trim().split(/\s+/).slice(1).map(Number);
    // idle + iowait are the only ticks in which the CPU had nothing to run.
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The first child of `parentPid` whose command name starts with `commPrefix`. */
function findChild(parentPid: number, commPrefix: string): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStatFields(entry);
    // Field 4 of stat is the parent pid; after the comm it is index 1.
    if (stat && Number(stat.fields[1]) === parentPid && stat.comm.startsWith(commPrefix)) {
      return Number(entry);
    }
  }
  return null;
}

/**
 * Samples the CPU time of one child process (found by its command name, as
 * k6 is spawned by runK6 without telling its pid) and of the whole machine,
 * from /proc, every `intervalMs`. Linux only: elsewhere the samples carry no
 * process figure and the step's CPU is reported as unknown.
 */
export class ChildCpuWatcher {
  private readonly samples: CpuSample[] = [];
  private pid: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly commPrefix: string,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling and returns what was collected, in time order. */
  stop(): CpuSample[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return [...this.samples];
  }

  private sample(): void {
    const host = readHostTicks();
    if (host === null) return;
    this.pid ??= findChild(process.pid, this.commPrefix);
    let processSeconds: number | null = null;
    if (this.pid !== null) {
      const stat = readStatFields(this.pid);
      // utime and stime are fields 14 and 15 of stat: indexes 11 and 12 after the comm.
      if (stat) {
        processSeconds = (Number(stat.fields[11]) + Number(stat.fields[12])) / readClockTicks();
      }
    }
    this.samples.push({
      timeMs: Date.now(),
      processSeconds,
      hostBusyTicks: host.busy,
      hostTotalTicks: host.total,
    });
  }
}

/** The machine's core count as Node sees it (cgroup limits included). */
export function countHostCores(): number {
  return availableParallelism();
}

/**
 * CPU over [fromMs, toMs] from the samples nearest inside it: the process's
 * cores (CPU seconds per second) and the machine's busy share. Null when
 * fewer than two samples cover the window.
 */
export function summarizeCpu(
  samples: readonly CpuSample[],
  fromMs: number,
  toMs: number,
): { processCores: number | null; hostBusyRatio: number | null } {
  const inside = samples.filter((sample) => sample.timeMs >= fromMs && sample.timeMs <= toMs);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if (first === undefined || last === undefined || last.timeMs <= first.timeMs) {
    return { processCores: null, hostBusyRatio: null };
  }
  const seconds = (last.timeMs - first.timeMs) / 1000;
  const withProcess = inside.filter((sample) => sample.processSeconds !== null);
  const from = withProcess[0];
  const to = withProcess[withProcess.length - 1];
  const processCores =
    from && to && to.timeMs > from.timeMs
      ? ((to.processSeconds ?? 0) - (from.processSeconds ?? 0)) / ((to.timeMs - from.timeMs) / 1000)
      : null;
  const totalTicks = last.hostTotalTicks - first.hostTotalTicks;
  const hostBusyRatio =
    totalTicks > 0 && seconds > 0 ? (last.hostBusyTicks - first.hostBusyTicks) / totalTicks : null;
  return { processCores, hostBusyRatio };
}
