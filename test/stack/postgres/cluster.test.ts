import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startPostgres } from "../../../src/stack/postgres/cluster.js";
import { ensurePostgres, findPostgres } from "../../../src/stack/postgres/provision.js";
import { DependencyError } from "../../../src/errors.js";

describe("ensurePostgres", () => {
  it("finds initdb and postgres (installing Debian's package if needed)", () => {
    const binaries = ensurePostgres({ install: true });
    expect(binaries.version).toMatch(/^\d+\.\d+/);
    expect(existsSync(binaries.initdb)).toBe(true);
  });

  it("a POSTGRES_BINDIR without the binaries is a clear error", () => {
    expect(() => findPostgres({ POSTGRES_BINDIR: "/nonexistent" })).toThrow(DependencyError);
  });
});

describe("startPostgres", () => {
  it("runs a throwaway cluster on loopback that takes writes, and stop() removes it", async () => {
    const cluster = await startPostgres();
    try {
      expect(cluster.databaseUrl).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/slogate$/);
      const client = new pg.Client({ connectionString: cluster.databaseUrl });
      await client.connect();
      try {
        await client.query("CREATE TABLE t (n int)");
        await client.query("INSERT INTO t SELECT generate_series(1, 10)");
        const { rows } = await client.query<{ total: string }>("SELECT sum(n) AS total FROM t");
        expect(rows[0]?.total).toBe("55");
        const listen = await client.query<{ listen_addresses: string }>("SHOW listen_addresses");
        expect(listen.rows[0]?.listen_addresses).toBe("127.0.0.1");
      } finally {
        await client.end();
      }
    } finally {
      await cluster.stop();
    }
    expect(existsSync(cluster.dataDir)).toBe(false);
    expect(() => process.kill(cluster.pid, 0)).toThrow();
  });
});
