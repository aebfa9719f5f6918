import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  ChildCpuWatcher,
  countHostCores,
  summarizeCpu,
  type CpuSample,
} from "../../src/sources/process-cpu.js";

// Real /proc readings of real child processes: one spinning on a core for a
// bounded time, one asleep. Values depend on the shared machine, so the test
// asserts ranges and ordering, never exact figures.

const SPIN_MS = 1500;

/** Spawns a child, watches it by command name while it runs, and summarises the whole run. */
async function watchChild(command: string, args: string[], commPrefix: string) {
  const watcher = new ChildCpuWatcher(commPrefix, 100);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("spawn", resolve);
  });
  watcher.start();
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const samples = watcher.stop();
  expect(code).toBe(0);
  const first = samples[0]?.timeMs ?? 0;
  const last = samples[samples.length - 1]?.timeMs ?? 0;
  const seenSeconds = Math.max(...samples.map((sample) => sample.processSeconds ?? 0));
  return { samples, stdout, seenSeconds, cpu: summarizeCpu(samples, first, last) };
}

describe("ChildCpuWatcher on real processes", () => {
  it("measures a spinning child near one core and a sleeping one near zero", async () => {
    // The spinning child reports its own CPU time (user + system) as it ends.
    const spin = `const end = Date.now() + ${SPIN_MS}; while (Date.now() < end) {}
      const { user, system } = process.cpuUsage(); console.log((user + system) / 1e6);`;
    const busy = await watchChild(process.execPath, ["-e", spin], "node");
    const idle = await watchChild("sleep", [String(SPIN_MS / 1000)], "sleep");
    const cores = countHostCores();
    const selfSeconds = Number(busy.stdout.trim());
    const seen = JSON.stringify({
      busy: busy.cpu,
      idle: idle.cpu,
      cores,
      selfSeconds,
      seenSeconds: busy.seenSeconds,
    });
    console.log(`process-cpu: ${seen}`);

    // Both children were found, and sampled every ~100 ms while they ran.
    expect(busy.samples.length, seen).toBeGreaterThanOrEqual(5);
    expect(busy.samples.some((sample) => sample.processSeconds !== null)).toBe(true);
    expect(idle.samples.some((sample) => sample.processSeconds !== null)).toBe(true);

    // /proc agrees with the child's own account, less what it used after the
    // last sample (samples are 100 ms apart; /proc counts 10 ms ticks).
    expect(selfSeconds, seen).toBeGreaterThan(0);
    expect(busy.seenSeconds, seen).toBeLessThanOrEqual(selfSeconds + 0.05);
    expect(busy.seenSeconds, seen).toBeGreaterThanOrEqual(selfSeconds - 0.35);

    const busyCores = busy.cpu.processCores ?? Number.NaN;
    const idleCores = idle.cpu.processCores ?? Number.NaN;
    // A single-threaded spin uses at most about one core (less on a busy
    // shared machine); a sleeping process next to nothing.
    expect(busyCores, seen).toBeGreaterThan(0.1);
    expect(busyCores, seen).toBeLessThan(1.3);
    expect(busyCores, seen).toBeCloseTo(selfSeconds / (SPIN_MS / 1000), 0);
    expect(idleCores, seen).toBeGreaterThanOrEqual(0);
    expect(idleCores, seen).toBeLessThan(0.05);
    expect(busyCores, seen).toBeGreaterThan(idleCores + 0.1);

    // The machine was at least as busy as the spinning child made it.
    const hostBusy = busy.cpu.hostBusyRatio ?? Number.NaN;
    expect(hostBusy, seen).toBeGreaterThan(0);
    expect(hostBusy, seen).toBeLessThanOrEqual(1);
    expect(hostBusy * cores, seen).toBeGreaterThanOrEqual(busyCores * 0.8);
    const idleHost = idle.cpu.hostBusyRatio ?? Number.NaN;
    expect(idleHost, seen).toBeGreaterThanOrEqual(0);
    expect(idleHost, seen).toBeLessThanOrEqual(1);
  }, 20_000);

  it("reports no process figure when no child has that name", async () => {
    const watcher = new ChildCpuWatcher("no-such-comm", 50);
    const child = spawn("sleep", ["0.4"], { stdio: "ignore" });
    watcher.start();
    await new Promise((resolve) => child.on("close", resolve));
    const samples = watcher.stop();
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.every((sample) => sample.processSeconds === null)).toBe(true);
    const first = samples[0]?.timeMs ?? 0;
    const last = samples[samples.length - 1]?.timeMs ?? 0;
    const cpu = summarizeCpu(samples, first, last);
    expect(cpu.processCores).toBeNull();
    // The machine's share is still known.
    expect(cpu.hostBusyRatio).not.toBeNull();
  });
});

describe("summarizeCpu", () => {
  const sample = (timeMs: number, processSeconds: number | null, busy: number, total: number) =>
    ({ timeMs, processSeconds, hostBusyTicks: busy, hostTotalTicks: total }) satisfies CpuSample;

  it.each([
    {
      name: "2 s window, 1.5 CPU s used, 300 of 400 ticks busy",
      samples: [
        sample(1000, 10, 100, 1000),
        sample(2000, 10.5, 250, 1200),
        sample(3000, 11.5, 400, 1400),
      ],
      fromMs: 1000,
      toMs: 3000,
      expected: { processCores: 0.75, hostBusyRatio: 0.75 },
    },
    {
      name: "samples outside the window are ignored",
      samples: [
        sample(0, 0, 0, 0),
        sample(1000, 1, 10, 100),
        sample(2000, 1.5, 60, 200),
        sample(9000, 9, 900, 900),
      ],
      fromMs: 1000,
      toMs: 2000,
      expected: { processCores: 0.5, hostBusyRatio: 0.5 },
    },
    {
      name: "the process found only later: its cores from the samples that have it",
      samples: [sample(1000, null, 0, 100), sample(2000, 2, 50, 200), sample(3000, 2.25, 100, 300)],
      fromMs: 1000,
      toMs: 3000,
      expected: { processCores: 0.25, hostBusyRatio: 0.5 },
    },
    {
      name: "one sample in the window: nothing known",
      samples: [sample(1000, 1, 10, 100), sample(5000, 2, 20, 200)],
      fromMs: 900,
      toMs: 1100,
      expected: { processCores: null, hostBusyRatio: null },
    },
  ])("$name", ({ samples, fromMs, toMs, expected }) => {
    const result = summarizeCpu(samples, fromMs, toMs);
    if (expected.processCores === null) expect(result.processCores).toBeNull();
    else expect(result.processCores).toBeCloseTo(expected.processCores, 6);
    if (expected.hostBusyRatio === null) expect(result.hostBusyRatio).toBeNull();
    else expect(result.hostBusyRatio).toBeCloseTo(expected.hostBusyRatio, 6);
  });
});
