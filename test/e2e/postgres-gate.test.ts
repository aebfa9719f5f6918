import { spawn, type ChildProcessByStdio } from "node:child_process";
import { chmodSync, readdirSync } from "node:fs";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { objective, readVerdict, reportsDirOf, runCli, tempDir } from "./cli.js";

// The main job on a real database: `slogate targets start --with-postgres
// --with-prometheus` starts the reference service on a throwaway PostgreSQL
// and a Prometheus scraping it, the real k6 drives it through `slogate run`,
// and db_latency_p95 then judges real queries. Everything on loopback.
const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

interface Stack {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** What the CLI printed so far. */
  output: () => string;
  exited: Promise<number | null>;
}

let stack: Stack | undefined;
afterEach(() => {
  // A failed test must not leave the stack running; SIGKILL is the last resort.
  if (stack && stack.child.exitCode === null) stack.child.kill("SIGKILL");
  stack = undefined;
});

function startStack(tmp: string): Stack {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "targets",
      "start",
      "--port",
      "0",
      "--admin-port",
      "0",
      "--with-postgres",
      "--with-prometheus",
    ],
    // TMPDIR: the cluster's and Prometheus' temp dirs land where the test can see them go.
    { env: { ...process.env, NO_COLOR: "1", TMPDIR: tmp }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, output: () => text, exited };
}

/** Resolves with the printed text once `pattern` appears; rejects if the CLI exits or takes too long. */
function waitForOutput(s: Stack, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      if (pattern.test(s.output())) return resolve(s.output());
      if (s.child.exitCode !== null || Date.now() > deadline) {
        return reject(new Error(`no ${pattern} in the output of targets start:\n${s.output()}`));
      }
      setTimeout(poll, 100);
    };
    poll();
  });
}

function captured(text: string, pattern: RegExp): string {
  const value = pattern.exec(text)?.[1];
  if (!value) throw new Error(`no ${pattern} in:\n${text}`);
  return value;
}

describe("the reference service on PostgreSQL, judged with Prometheus evidence", () => {
  it("targets start --with-postgres: db_latency_p95 measures real queries, and Ctrl+C removes the database", async () => {
    const tmp = tempDir("slogate-pg-e2e-");
    // initdb and postgres run as the unprivileged postgres user when we are root.
    chmodSync(tmp, 0o755);
    stack = startStack(tmp);
    const printed = await waitForOutput(stack, /^\s*prometheus\s+http/m, 120_000);
    const target = captured(printed, /users\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    const prometheusUrl = captured(printed, /prometheus\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const databaseUrl = captured(printed, /database\s+(\S+)/);
    // Printed without credentials.
    expect(databaseUrl).toMatch(/^postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/slogate$/);
    expect(printed).not.toContain("postgres://postgres@");

    const result = await runCli(
      [
        "run",
        "load",
        "--profile",
        "users-api",
        "--target",
        target,
        "--prometheus",
        prometheusUrl,
        "--rate",
        "80",
        "--time-scale",
        "0.04",
        "-e",
        "PRE_VUS=40",
        "-e",
        "MAX_VUS=200",
        "--format",
        "json",
      ],
      { cwd: tempDir() },
    );
    // 0-2 are verdicts (the k6 tiers may pass or not on a shared machine); 3 would be an error.
    expect([0, 1, 2], result.stderr.slice(-1500)).toContain(result.code);
    const verdict = readVerdict(reportsDirOf(result));
    const db = objective(verdict, "db_latency_p95");
    expect(db.source).toBe("prometheus");
    expect(db.samples, db.reason).toBeGreaterThan(0);
    expect(db.verdict, db.reason).not.toBe("inconclusive");
    expect(db.tier, db.reason).not.toBeNull();
    // A loopback round trip to PostgreSQL takes real time, well under a second.
    expect(db.value).toBeGreaterThan(0);
    expect(db.value).toBeLessThan(1000);

    // The load's writes are in PostgreSQL: more users than the 100 seeded, and orders.
    // The throwaway cluster trusts the postgres user on loopback; the printed URL hides it.
    const client = new pg.Client({
      connectionString: databaseUrl.replace("***@", "postgres@"),
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ users: number; orders: number }>(
        "SELECT (SELECT count(*) FROM slogate.users)::int AS users, (SELECT count(*) FROM slogate.orders)::int AS orders",
      );
      expect(rows[0]?.users).toBeGreaterThan(100);
      expect(rows[0]?.orders).toBeGreaterThan(0);
    } finally {
      await client.end();
    }

    // Ctrl+C: the service, Prometheus and PostgreSQL stop and their temp dirs go.
    stack.child.kill("SIGINT");
    expect(await stack.exited).toBe(0);
    expect(readdirSync(tmp).filter((name) => /^slogate-(pg|prometheus)-/.test(name))).toEqual([]);
    const after = new pg.Client({
      connectionString: databaseUrl.replace("***@", "postgres@"),
      connectionTimeoutMillis: 2_000,
    });
    after.on("error", () => undefined);
    await expect(after.connect()).rejects.toThrow();
  }, 240_000);
});
