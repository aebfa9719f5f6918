import { createServer } from "node:net";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readVerdict, runCli, tempDir } from "./cli.js";

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
      k6Code: 107,
      // k6's own error line (the scenario's exception) is quoted in the one line.
      message:
        /^slogate: the script threw an exception \(k6 exit 107 SCRIPT_EXCEPTION\): .*RATE=lots .*; raw output kept in \S+k6\.log, error verdict in \S+verdict\.json$/,
    },
    {
      name: "invalid k6 options (k6 exit 104)",
      env: ["-e", 'SLOGATE_THRESHOLDS={"http_req_duration":["p(95)<<oops"]}'],
      k6Code: 104,
      message:
        /^slogate: k6 rejected the test's options \(k6 exit 104 INVALID_CONFIG\): .*p\(95\)<<oops.*; raw output kept in \S+k6\.log, error verdict in \S+verdict\.json$/,
    },
  ])(
    "reports $name, writes an error verdict and keeps the raw k6 output",
    async ({ env, k6Code, message }) => {
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
      expect(result.stderr).not.toMatch(/k6 k6 /);
      const run = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as {
        exit: { code: number };
      };
      expect(run.exit.code).toBe(k6Code);
      const verdict = readVerdict(dir);
      expect(verdict.verdict).toBe("error");
      expect(verdict.k6.exitCode).toBe(k6Code);
      expect(verdict.objectives.length).toBeGreaterThan(0);
      expect(verdict.objectives.every((o) => o.verdict === "error")).toBe(true);
      for (const file of ["verdict.md", "junit.xml", "report.html", "verdict.txt"]) {
        expect(existsSync(path.join(dir, file)), file).toBe(true);
      }
      expect(readFileSync(path.join(dir, "junit.xml"), "utf8")).toMatch(/<error /);
    },
  );
});

describe("usage errors: exit 3 with one line, not commander's exit 1 and full help", () => {
  it.each([
    {
      name: "a missing required option",
      args: ["run", "smoke"],
      line: /^slogate: required option '--target <url>' not specified; see `slogate run --help`$/,
    },
    {
      name: "a negative rate",
      args: ["run", "smoke", "--target", "http://127.0.0.1:9", "--rate", "-1"],
      line: /^slogate: option '--rate <n>' argument '-1' is invalid\. must be a number > 0; see `slogate run --help`$/,
    },
    {
      name: "a choice not offered",
      args: ["check", "--k6", "x.ndjson", "--require", "platinum"],
      line: /^slogate: option '--require <tier>' argument 'platinum' is invalid\. Allowed choices are target, good, excellent\.; see `slogate check --help`$/,
    },
    {
      name: "an unknown option",
      args: ["run", "smoke", "--target", "http://127.0.0.1:9", "--bogus"],
      line: /^slogate: unknown option '--bogus'; see `slogate run --help`$/,
    },
    {
      name: "an unknown command",
      args: ["frobnicate"],
      line: /^slogate: unknown command 'frobnicate'; see `slogate --help`$/,
    },
  ])("$name", async ({ args, line }) => {
    const result = await runCli(args, { cwd: tempDir() });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n").filter((l) => l !== "");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it.each([{ args: ["--help"] }, { args: ["run", "--help"] }])(
    "$args prints help on stdout and exits 0",
    async ({ args }) => {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Usage: slogate/);
      expect(result.stderr).toBe("");
    },
  );

  it("--version prints the package's version and exits 0", async () => {
    const result = await runCli(["--version"]);
    expect(result.code, result.stderr).toBe(0);
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as {
      version: string;
    };
    expect(result.stdout.trim()).toBe(pkg.version);
    expect(result.stderr).toBe("");
  });
});
