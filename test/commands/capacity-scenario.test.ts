import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacity } from "../../src/commands/capacity/capacity.js";
import { ConfigError } from "../../src/errors.js";
import { runCli } from "../e2e/cli.js";

// A user's own capacity scenarios, outside this repository, against a small
// node:http service of the test's own (answers at once: far above the rates
// tried). Steps are 1 s warm-up + 3 s judged, so each case runs one or two
// short k6 steps.

/** A scenario that follows the capacity env contract with slogate's helpers. */
const FOLLOWS = `import { buildCapacityOptions, call, readBaseUrl, readCapacityStep, recordOfferedRate } from "slogate/k6";

const baseUrl = readBaseUrl();
const step = readCapacityStep();
export const options = buildCapacityOptions(step);
export function setup(): void {
  recordOfferedRate(step.ratePerSecond);
}
export default function (): void {
  call(baseUrl, "GET", \`/items/\${Math.ceil(Math.random() * 50)}\`, { route: "/items/:id" });
}
`;

/** Copied from a script written for 10 req/s: its rate and the rate it records are fixed. */
const FIXED_RATE = `import { buildCapacityOptions, call, readBaseUrl, readCapacityStep, recordOfferedRate } from "slogate/k6";

const baseUrl = readBaseUrl();
export const options = buildCapacityOptions({ ...readCapacityStep(), ratePerSecond: 10 });
export function setup(): void {
  recordOfferedRate(10);
}
export default function (): void {
  call(baseUrl, "GET", "/items/1", { route: "/items/:id" });
}
`;

/** Records RATE as asked, but its phases run a fixed 10 iterations/s. */
const RECORDS_BUT_IGNORES = `import { buildCapacityOptions, call, readBaseUrl, readCapacityRate, readCapacityStep, recordOfferedRate } from "slogate/k6";

const baseUrl = readBaseUrl();
export const options = buildCapacityOptions({ ...readCapacityStep(), ratePerSecond: 10 });
export function setup(): void {
  recordOfferedRate(readCapacityRate());
}
export default function (): void {
  call(baseUrl, "GET", "/items/1", { route: "/items/:id" });
}
`;

let server: Server;
let target: string;
let project: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  project = mkdtempSync(path.join(tmpdir(), "slogate-capacity-user-"));
  writeFileSync(path.join(project, "follows.ts"), FOLLOWS);
  writeFileSync(path.join(project, "fixed-rate.ts"), FIXED_RATE);
  writeFileSync(path.join(project, "records-but-ignores.ts"), RECORDS_BUT_IGNORES);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// The generic profile judges every request; 120 req/s × 3 s is enough samples to judge Target.
const SHORT = { warmUpSeconds: 1, steadySeconds: 3, budgetSeconds: 60, profile: "generic" };

describe("capacity with a user's scenario file", () => {
  it("searches with a scenario that follows the contract", async () => {
    const reportsDir = mkdtempSync(path.join(tmpdir(), "slogate-capacity-user-reports-"));
    const { result } = await capacity({
      ...SHORT,
      target,
      scenario: path.join(project, "follows.ts"),
      startRatePerSecond: 120,
      maxRatePerSecond: 120,
      reportsDir,
    });
    const steps = result.steps.map(
      (step) => `${step.ratePerSecond} ${step.outcome} ${step.reasons.join("; ")}`,
    );
    expect(result.kind, steps.join("\n")).toBe("ceiling-reached");
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]?.outcome).toBe("pass");
    // It delivered what RATE asked, as judged from its own steady phase.
    expect(result.steps[0]?.achievedRatePerSecond ?? 0).toBeGreaterThan(120 * 0.95);
  });

  it("refuses, exit 3 with one line, a scenario with its own fixed rate", async () => {
    const reportsDir = mkdtempSync(path.join(tmpdir(), "slogate-capacity-user-reports-"));
    const cli = await runCli(
      [
        "capacity",
        "--target",
        target,
        "--scenario",
        "./fixed-rate.ts",
        "--profile",
        "generic",
        "--warmup",
        "1",
        "--step",
        "3",
        "--budget",
        "60",
        "--reports-dir",
        reportsDir,
      ],
      { cwd: project, timeoutMs: 90_000 },
    );
    expect(cli.code, cli.stderr).toBe(3);
    const lines = cli.stderr.trim().split("\n");
    expect(lines, cli.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^slogate: capacity scenario '\.\/fixed-rate\.ts' ignores RATE: it recorded an offered rate of 10\/s while RATE=\d+ \(k6 files in .+\); a capacity scenario must run RATE iterations per second, .*recordOfferedRate\(RATE\)/,
    );
    expect(cli.stdout).toBe("");
    // The search stopped after its first step.
    const [run] = readdirSync(reportsDir);
    expect(readdirSync(path.join(reportsDir, run ?? "", "steps"))).toHaveLength(1);
  });

  it("refuses a scenario that records RATE but runs its own rate", async () => {
    const reportsDir = mkdtempSync(path.join(tmpdir(), "slogate-capacity-user-reports-"));
    const error: unknown = await capacity({
      ...SHORT,
      target,
      scenario: path.join(project, "records-but-ignores.ts"),
      reportsDir,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const { code, message } = error as ConfigError;
    expect(code).toBe("CAPACITY_SCENARIO_IGNORES_RATE");
    expect(message).not.toContain("\n");
    // About 10 iterations/s over the 3 s steady phase, far from what RATE asked.
    expect(message).toMatch(
      /ignores RATE: it ran (2[5-9]|3[0-5]) steady iterations \([\d.]+\/s\) where RATE=\d+ over 3 s asks for \d+, with neither the service nor k6 saturated/,
    );
    const [run] = readdirSync(reportsDir);
    const stepDirs = readdirSync(path.join(reportsDir, run ?? "", "steps"));
    expect(stepDirs).toHaveLength(1);
    expect(
      existsSync(path.join(reportsDir, run ?? "", "steps", stepDirs[0] ?? "", "k6.ndjson")),
    ).toBe(true);
  });
});
