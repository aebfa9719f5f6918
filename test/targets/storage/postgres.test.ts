import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePostgres } from "../../../src/stack/postgres/provision.js";
import { startPostgres, type PostgresCluster } from "../../../src/stack/postgres/cluster.js";
import { pickFreePort } from "../../../src/stack/free-port.js";
import { startTargets } from "../../../src/targets/index.js";
import { createMemoryStorage } from "../../../src/targets/storage/memory.js";
import { createPostgresStorage } from "../../../src/targets/storage/postgres.js";
import { openStorageFromEnv } from "../../../src/targets/storage/from-env.js";
import type {
  ListResult,
  TargetStorage,
  User,
  UserListQuery,
  UserSortField,
} from "../../../src/targets/storage/storage.js";

// Both stores get the same clock, so every timestamp they write must match.
const NOW_MS = Date.UTC(2025, 5, 1, 12, 0, 0);

let cluster: PostgresCluster;
let schemaCounter = 0;

async function openPair(): Promise<{ memory: TargetStorage; postgres: TargetStorage }> {
  const memory = createMemoryStorage({ nowMs: () => NOW_MS });
  const postgres = await createPostgresStorage({
    connectionString: cluster.databaseUrl,
    schema: `t${++schemaCounter}`,
    nowMs: () => NOW_MS,
  });
  return { memory, postgres };
}

/** Every page of a listing, following "after" keys as the API's cursors do. */
async function walkPages(
  store: TargetStorage,
  base: Omit<UserListQuery, "start">,
): Promise<User[][]> {
  const pages: User[][] = [];
  let page: ListResult<User> = await store.listUsers({
    ...base,
    start: { kind: "offset", offset: 0 },
  });
  pages.push(page.items);
  for (let guard = 0; page.hasMore && guard < 100; guard++) {
    const last = page.items[page.items.length - 1] as User;
    const value = last[base.sort.field];
    page = await store.listUsers({
      ...base,
      start: { kind: "after", key: { value, id: last.id } },
    });
    pages.push(page.items);
  }
  return pages;
}

beforeAll(async () => {
  // A fresh machine gets PostgreSQL from Debian here; a missing one fails, never skips.
  cluster = await startPostgres({ binaries: ensurePostgres({ install: true }) });
});

afterAll(async () => {
  await cluster?.stop();
});

describe("PostgreSQL storage answers exactly as the in-memory store", () => {
  let memory: TargetStorage;
  let postgres: TargetStorage;

  beforeAll(async () => {
    ({ memory, postgres } = await openPair());
  });
  afterAll(async () => {
    await postgres?.close();
  });

  it("seeds the same users and products", async () => {
    expect(postgres.kind).toBe("postgres");
    for (const id of [1, 10, 57, 100])
      expect(await postgres.getUser(id)).toEqual(await memory.getUser(id));
    for (const id of [0, 101, -1, 1e12, 1.5]) expect(await postgres.getUser(id)).toBeUndefined();
    for (const id of [1, 200])
      expect(await postgres.getProduct(id)).toEqual(await memory.getProduct(id));
    expect(await postgres.getProduct(201)).toBeUndefined();
    expect([...(await postgres.getProducts([3, 1, 999, 3]))].sort()).toEqual(
      [...(await memory.getProducts([3, 1, 999, 3]))].sort(),
    );
  });

  const sorts: [UserSortField, boolean][] = [
    ["id", false],
    ["name", false],
    ["name", true],
    ["createdAt", false],
    ["createdAt", true],
  ];
  it.each(sorts)(
    "lists users sorted by %s (descending %s) page by page, with cursors",
    async (field, descending) => {
      for (const filter of [
        {},
        { role: "admin" as const },
        { nameContains: "LOVE" },
        { email: "USER7@example.com" },
      ]) {
        const base = { filter, sort: { field, descending }, limit: 7 };
        const expected = await walkPages(memory, base);
        expect(await walkPages(postgres, base)).toEqual(expected);
        const offsetQuery = { ...base, start: { kind: "offset" as const, offset: 5 } };
        expect(await postgres.listUsers(offsetQuery)).toEqual(await memory.listUsers(offsetQuery));
      }
    },
  );

  it("the seed has 10 admins, and past the last page the total is still counted", async () => {
    const query: UserListQuery = {
      filter: { role: "admin" },
      sort: { field: "id", descending: false },
      limit: 5,
      start: { kind: "offset", offset: 50 },
    };
    expect(await postgres.listUsers(query)).toEqual({ items: [], total: 10, hasMore: false });
  });

  it("lists products by category with offset and keyset pages", async () => {
    for (const category of [undefined, "toys"]) {
      for (const start of [
        { kind: "offset" as const, offset: 0 },
        { kind: "offset" as const, offset: 195 },
        { kind: "after" as const, key: { value: 40, id: 40 } },
      ]) {
        const query = { ...(category ? { category } : {}), limit: 10, start };
        expect(await postgres.listProducts(query)).toEqual(await memory.listProducts(query));
      }
    }
  });

  it("writes users the same way: ids continue after the seed, emails unique case-insensitively", async () => {
    const input = { name: "Zed New", email: "zed@example.com", role: "user" as const };
    const created = await postgres.createUser(input);
    expect(created).toEqual(await memory.createUser(input));
    expect(created.kind === "ok" && created.user.id).toBe(101);
    const duplicate = { ...input, email: "ZED@example.com" };
    expect(await postgres.createUser(duplicate)).toEqual({ kind: "conflict", field: "email" });
    expect(await memory.createUser(duplicate)).toEqual({ kind: "conflict", field: "email" });

    for (const [id, patch] of [
      [5, { name: "Renamed" }],
      [6, { email: "user5@example.com" }],
      [6, { email: "USER6@example.com", role: "admin" as const }],
      [9999, { name: "ghost" }],
    ] as const) {
      expect(await postgres.updateUser(id, patch)).toEqual(await memory.updateUser(id, patch));
    }
    const replacement = { name: "Full Replace", email: "full@example.com", role: "admin" as const };
    expect(await postgres.replaceUser(7, replacement)).toEqual(
      await memory.replaceUser(7, replacement),
    );
    expect(await postgres.deleteUser(8)).toBe(await memory.deleteUser(8));
    expect(await postgres.deleteUser(8)).toBe(false);
    const all = { filter: {}, sort: { field: "name" as const, descending: false }, limit: 100 };
    expect(await walkPages(postgres, all)).toEqual(await walkPages(memory, all));
  });

  it("stores orders PENDING and pays them once", async () => {
    const order = { userId: 3, items: [{ productId: 2, quantity: 3 }], totalAmount: 1234 };
    const created = await postgres.createOrder(order);
    const reference = await memory.createOrder(order);
    expect({ ...created, orderId: "x" }).toEqual({ ...reference, orderId: "x" });
    expect(created.orderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await postgres.getOrder(created.orderId)).toEqual(created);
    const paidAt = new Date(NOW_MS + 200).toISOString();
    expect(await postgres.markOrderPaid(created.orderId, paidAt)).toBe(true);
    expect(await postgres.markOrderPaid(created.orderId, paidAt)).toBe(false);
    expect(await postgres.getOrder(created.orderId)).toEqual({
      ...created,
      status: "PAID",
      paidAt,
    });
    expect(await postgres.getOrder("not-an-order")).toBeUndefined();
    expect(await postgres.markOrderPaid("not-an-order", paidAt)).toBe(false);
  });
});

describe("PostgreSQL storage in a database whose default collation is not C", () => {
  it("sorts and pages names by code units, as the in-memory store does", async () => {
    // ICU en-US ignores case and punctuation at first level: "_x" < "Alice" < "bob" < "Bob".
    const admin = new pg.Client({ connectionString: cluster.databaseUrl });
    await admin.connect();
    await admin.query(
      "CREATE DATABASE icu_en TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'",
    );
    await admin.end();
    const url = cluster.databaseUrl.replace(/\/slogate$/, "/icu_en");
    const memory = createMemoryStorage({ seedUsers: 3, nowMs: () => NOW_MS });
    const postgres = await createPostgresStorage({
      connectionString: url,
      seedUsers: 3,
      nowMs: () => NOW_MS,
    });
    try {
      for (const name of ["bob", "Bob", "_x", "Alice", "alice", "Zoe", "zed"]) {
        const input = {
          name,
          email: `${name}-${name.charCodeAt(0)}@example.com`,
          role: "user" as const,
        };
        expect(await postgres.createUser(input)).toEqual(await memory.createUser(input));
      }
      const base = { filter: {}, sort: { field: "name" as const, descending: false }, limit: 3 };
      const expected = await walkPages(memory, base);
      // Code-unit order: capitals (0x41-0x5A), then "_" (0x5F), then lower case.
      expect(expected.flat().map((u) => u.name)).toEqual([
        "Alan Hopper 1",
        "Alice",
        "Barbara Hopper 2",
        "Bob",
        "Edsger Hopper 3",
        "Zoe",
        "_x",
        "alice",
        "bob",
        "zed",
      ]);
      expect(await walkPages(postgres, base)).toEqual(expected);
    } finally {
      await postgres.close();
    }
  });
});

describe("PostgreSQL storage lifecycle", () => {
  it("reset reseeds at start; reset: false keeps what was written", async () => {
    const schema = `life${++schemaCounter}`;
    const first = await createPostgresStorage({ connectionString: cluster.databaseUrl, schema });
    await first.createUser({ name: "Kept", email: "kept@example.com", role: "user" });
    await first.close();
    const kept = await createPostgresStorage({
      connectionString: cluster.databaseUrl,
      schema,
      reset: false,
    });
    expect((await kept.getUser(101))?.email).toBe("kept@example.com");
    await kept.close();
    const fresh = await createPostgresStorage({ connectionString: cluster.databaseUrl, schema });
    expect(await fresh.getUser(101)).toBeUndefined();
    await fresh.close();
  });

  it("an unreachable database is a TargetError naming DATABASE_URL, without the password", async () => {
    const port = await pickFreePort();
    await expect(
      createPostgresStorage({ connectionString: `postgres://u:hunter2@127.0.0.1:${port}/x` }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: "TARGET_DATABASE_UNREACHABLE",
        message: expect.not.stringContaining("hunter2") as string,
      }),
    );
  });

  it("serves the reference API through startTargets", async () => {
    const storage = await createPostgresStorage({
      connectionString: cluster.databaseUrl,
      schema: `api${++schemaCounter}`,
    });
    const targets = await startTargets({ storage, rateLimit: false });
    try {
      const ready = await fetch(`${targets.url}/health/ready`);
      expect(ready.status).toBe(200);
      const created = await fetch(`${targets.url}/api/v1/users`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Via HTTP", email: "http@example.com" }),
      });
      expect(created.status).toBe(201);
      const list = (await (await fetch(`${targets.url}/api/v1/users?q=via&limit=5`)).json()) as {
        data: { email: string }[];
        page: { total: number };
      };
      expect(list.data.map((u) => u.email)).toEqual(["http@example.com"]);
      expect(list.page.total).toBe(1);
      const metrics = await (await fetch(`${targets.url}/metrics`)).text();
      expect(metrics).toMatch(
        /db_query_duration_seconds_count\{operation="createUser",table="users"\} 1/,
      );
    } finally {
      await targets.close();
      await storage.close();
    }
  });
});

describe("openStorageFromEnv", () => {
  it("uses PostgreSQL when DATABASE_URL is set and the in-memory default otherwise", async () => {
    expect(await openStorageFromEnv({})).toBeUndefined();
    expect(await openStorageFromEnv({ DATABASE_URL: "  " })).toBeUndefined();
    const storage = await openStorageFromEnv({ DATABASE_URL: cluster.databaseUrl });
    try {
      expect(storage?.kind).toBe("postgres");
      expect((await storage?.getUser(1))?.email).toBe("user1@example.com");
    } finally {
      await storage?.close();
    }
  });
});
