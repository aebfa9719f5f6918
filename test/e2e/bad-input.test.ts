import { createServer } from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runCli, tempDir } from "./cli.js";

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

/** A loopback port that nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("slogate:"));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("bad input: one clear line, exit 3, raw output kept", () => {
  it("names the available scenarios for an unknown one", async () => {
    const result = await runCli(["run", "no-such", "--target", "http://127.0.0.1:9"]);
    expect(result.code).toBe(3);
    expectOneLineError(result.stderr, /unknown scenario 'no-such'; available: .*smoke/);
  });

  it("says the target is unreachable before starting k6", async () => {
    const port = await closedPort();
    const cwd = tempDir();
    const result = await runCli(["run", "smoke", "--target", `http://127.0.0.1:${port}`], { cwd });
    expect(result.code).toBe(3);
    expectOneLineError(
      result.stderr,
      /target http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/,
    );
  });

  it("says the port is in use for targets start", async () => {
    targets = await startTargets({ port: 0 });
    const port = new URL(targets.url).port;
    const result = await runCli(["targets", "start", "--port", port, "--admin-port", "0"]);
    expect(result.code).toBe(3);
    expectOneLineError(result.stderr, new RegExp(`${port}.*in use`));
  });

  it.each([
    {
      name: "a script exception (k6 exit 107)",
      env: ["-e", "RATE=lots"],
      message:
        /script threw an exception \(k6 exit 107 SCRIPT_EXCEPTION\); raw output kept in \S+k6\.log/,
    },
    {
      name: "invalid k6 options (k6 exit 104)",
      env: ["-e", 'SLOGATE_THRESHOLDS={"http_req_duration":["p(95)<<oops"]}'],
      message:
        /k6 rejected the test's options \(k6 exit 104 INVALID_CONFIG\); raw output kept in \S+k6\.log/,
    },
  ])("reports $name and keeps the raw k6 output", async ({ env, message }) => {
    targets = await startTargets({ port: 0 });
    const cwd = tempDir();
    const result = await runCli(
      ["run", "load", "--target", targets.url, "--time-scale", "0.01", ...env],
      { cwd },
    );
    expect(result.code).toBe(3);
    expectOneLineError(
      result.stderr
        .split("\n")
        .filter((l) => l.startsWith("slogate:"))
        .join("\n"),
      message,
    );
    const [runDir] = readdirSync(path.join(cwd, "reports"));
    expect(runDir).toBeDefined();
    const dir = path.join(cwd, "reports", runDir ?? "");
    expect(readFileSync(path.join(dir, "k6.log"), "utf8")).toMatch(/level=error|ERRO|error/i);
    const run = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as {
      exit: { code: number };
    };
    expect([104, 107]).toContain(run.exit.code);
  });
});
