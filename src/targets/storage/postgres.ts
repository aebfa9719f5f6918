import { randomUUID } from "node:crypto";
import pg from "pg";
import { TargetError } from "../../errors.js";
import { redactUrl } from "../../redact.js";
import {
  isRowId,
  toOrder,
  toProduct,
  toUser,
  UNIQUE_VIOLATION,
  type OrderRow,
  type ProductRow,
  type UserRow,
} from "./postgres-rows.js";
import { checkSchemaName, prepareSchema, quoteIdent } from "./postgres-schema.js";
import type {
  ListResult,
  NewOrder,
  Order,
  PageStart,
  Product,
  ProductListQuery,
  TargetStorage,
  User,
  UserInput,
  UserListQuery,
  UserWriteResult,
} from "./storage.js";

export interface PostgresStorageOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/db` (the DATABASE_URL). */
  connectionString: string;
  /** Schema holding the tables; created if missing. Default `slogate`. */
  schema?: string;
  /** Empty and reseed the tables at start, like a fresh in-memory store. Default true. */
  reset?: boolean;
  /** Users 1..n seeded on reset. Default 100. */
  seedUsers?: number;
  /** Products 1..n seeded on reset. Default 200. */
  seedProducts?: number;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** Clock for createdAt/updatedAt; injectable so tests can pin it. */
  nowMs?: () => number;
}

/**
 * The reference service's storage in PostgreSQL (used when DATABASE_URL is
 * set): same contract and same answers as the in-memory store, so a load
 * test can measure a real database round trip. Creates its schema at start.
 * @throws TargetError TARGET_DATABASE_UNREACHABLE when the database cannot be reached or set up.
 */
export async function createPostgresStorage(
  options: PostgresStorageOptions,
): Promise<TargetStorage> {
  const schema = options.schema ?? "slogate";
  if (!checkSchemaName(schema)) {
    throw new TargetError(
      "TARGET_BAD_OPTION",
      `database schema ${JSON.stringify(schema)}: use lowercase letters, digits and _`,
    );
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection dropped by the server must not crash the service;
  // the next query gets a fresh connection or fails with a 500.
  pool.on("error", () => undefined);
  try {
    const client = await pool.connect();
    try {
      await prepareSchema(client, {
        schema,
        seedUsers: options.seedUsers ?? 100,
        seedProducts: options.seedProducts ?? 200,
        reset: options.reset ?? true,
      });
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TargetError(
      "TARGET_DATABASE_UNREACHABLE",
      `cannot set up PostgreSQL storage at ${redactUrl(options.connectionString)} (${reason}); check DATABASE_URL and that the server is running`,
      { cause: error },
    );
  }
  return new PostgresStorage(pool, quoteIdent(schema), options.nowMs ?? Date.now);
}

const USER_SORT_COLUMNS = { id: "id", name: "name", createdAt: "created_at" } as const;

class PostgresStorage implements TargetStorage {
  readonly kind = "postgres";

  constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
    private readonly nowMs: () => number,
  ) {}

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  async getUser(id: number): Promise<User | undefined> {
    if (!isRowId(id)) return undefined;
    const { rows } = await this.pool.query<UserRow>(`SELECT * FROM ${this.s}.users WHERE id = $1`, [
      id,
    ]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  async listUsers(query: UserListQuery): Promise<ListResult<User>> {
    const { role, email, nameContains } = query.filter;
    const filter = `($1::text IS NULL OR role = $1)
      AND ($2::text IS NULL OR lower(email) = lower($2))
      AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)`;
    const params: unknown[] = [role ?? null, email ?? null, nameContains ?? null];
    const column = USER_SORT_COLUMNS[query.sort.field];
    const keyCast =
      query.sort.field === "name"
        ? `::text COLLATE "C"`
        : query.sort.field === "createdAt"
          ? "::timestamptz"
          : "::int";
    const keyValue = (value: string | number): unknown => {
      if (query.sort.field === "name") return String(value);
      if (query.sort.field === "createdAt") {
        const ms = Date.parse(String(value));
        return Number.isNaN(ms) ? null : new Date(ms).toISOString();
      }
      return Number(value);
    };
    return this.selectPage<UserRow, User>(
      `${this.s}.users`,
      filter,
      params,
      column,
      keyCast,
      keyValue,
      query,
      toUser,
    );
  }

  async createUser(input: UserInput): Promise<UserWriteResult> {
    const at = new Date(this.nowMs()).toISOString();
    return this.write(
      `INSERT INTO ${this.s}.users (name, email, role, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $4) RETURNING *`,
      [input.name, input.email, input.role, at],
    );
  }

  replaceUser(id: number, input: UserInput): Promise<UserWriteResult> {
    return this.updateUser(id, input);
  }

  async updateUser(id: number, patch: Partial<UserInput>): Promise<UserWriteResult> {
    if (!isRowId(id)) return { kind: "not-found" };
    return this.write(
      `UPDATE ${this.s}.users SET name = COALESCE($2::text, name), email = COALESCE($3::text, email),
         role = COALESCE($4::text, role), updated_at = $5 WHERE id = $1 RETURNING *`,
      [
        id,
        patch.name ?? null,
        patch.email ?? null,
        patch.role ?? null,
        new Date(this.nowMs()).toISOString(),
      ],
    );
  }

  async deleteUser(id: number): Promise<boolean> {
    if (!isRowId(id)) return false;
    const result = await this.pool.query(`DELETE FROM ${this.s}.users WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async getProduct(id: number): Promise<Product | undefined> {
    if (!isRowId(id)) return undefined;
    const { rows } = await this.pool.query<ProductRow>(
      `SELECT * FROM ${this.s}.products WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : toProduct(rows[0]);
  }

  async getProducts(ids: readonly number[]): Promise<Map<number, Product>> {
    const wanted = [...new Set(ids.filter(isRowId))];
    const found = new Map<number, Product>();
    if (wanted.length === 0) return found;
    const { rows } = await this.pool.query<ProductRow>(
      `SELECT * FROM ${this.s}.products WHERE id = ANY($1::int[])`,
      [wanted],
    );
    for (const row of rows) found.set(row.id, toProduct(row));
    return found;
  }

  listProducts(query: ProductListQuery): Promise<ListResult<Product>> {
    const ascending = { ...query, sort: { field: "id", descending: false } };
    return this.selectPage<ProductRow, Product>(
      `${this.s}.products`,
      "($1::text IS NULL OR category = $1)",
      [query.category ?? null],
      "id",
      "::int",
      (value) => Number(value),
      ascending,
      toProduct,
    );
  }

  async createOrder(order: NewOrder): Promise<Order> {
    const { rows } = await this.pool.query<OrderRow>(
      `INSERT INTO ${this.s}.orders (order_id, user_id, items, total_amount, status, created_at)
       VALUES ($1, $2, $3, $4, 'PENDING', $5) RETURNING *`,
      [
        randomUUID(),
        order.userId,
        JSON.stringify(order.items),
        order.totalAmount,
        new Date(this.nowMs()).toISOString(),
      ],
    );
    return toOrder(rows[0] as OrderRow);
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT * FROM ${this.s}.orders WHERE order_id = $1`,
      [orderId],
    );
    return rows[0] === undefined ? undefined : toOrder(rows[0]);
  }

  async markOrderPaid(orderId: string, paidAt: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.s}.orders SET status = 'PAID', paid_at = $2 WHERE order_id = $1 AND status = 'PENDING'`,
      [orderId, paidAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** An INSERT/UPDATE … RETURNING * on users: no row is not-found, a duplicate email a conflict. */
  private async write(sql: string, params: unknown[]): Promise<UserWriteResult> {
    try {
      const { rows } = await this.pool.query<UserRow>(sql, params);
      return rows[0] === undefined ? { kind: "not-found" } : { kind: "ok", user: toUser(rows[0]) };
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION)
        return { kind: "conflict", field: "email" };
      throw error;
    }
  }

  /**
   * One page in (column, id) order plus the filter's total. Keyset paging
   * compares the row pair, as the in-memory store does; a cursor value that
   * cannot be a key (a tampered createdAt) matches nothing after it.
   */
  private async selectPage<Row, T>(
    table: string,
    filter: string,
    filterParams: unknown[],
    column: string,
    keyCast: string,
    keyValue: (value: string | number) => unknown,
    query: { limit: number; start: PageStart; sort: { descending: boolean } },
    convert: (row: Row) => T,
  ): Promise<ListResult<T>> {
    const direction = query.sort.descending ? "DESC" : "ASC";
    const params = [...filterParams];
    const bind = (value: unknown) => `$${params.push(value)}`;
    let where = filter;
    let offset = 0;
    if (query.start.kind === "offset") {
      offset = query.start.offset;
    } else {
      const value = keyValue(query.start.key.value);
      if (value === null || (typeof value === "number" && Number.isNaN(value))) {
        const total = await this.count(table, filter, filterParams);
        return { items: [], total, hasMore: false };
      }
      const comparison = query.sort.descending ? "<" : ">";
      where += ` AND (${column}, id) ${comparison} (${bind(value)}${keyCast}, ${bind(query.start.key.id)}::int)`;
    }
    const order = column === "id" ? `id ${direction}` : `${column} ${direction}, id ${direction}`;
    const total = `(SELECT count(*) FROM ${table} WHERE ${filter})::int AS slogate_total`;
    const sql = `SELECT *, ${total} FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ${bind(query.limit + 1)} OFFSET ${bind(offset)}`;
    const { rows } = await this.pool.query<Row & { slogate_total: number }>(sql, params);
    const hasMore = rows.length > query.limit;
    const items = rows.slice(0, query.limit).map(convert);
    // Past the last page no row carries the total: count on its own.
    const totalCount = rows[0]?.slogate_total ?? (await this.count(table, filter, filterParams));
    return { items, total: totalCount, hasMore };
  }

  private async count(table: string, filter: string, params: unknown[]): Promise<number> {
    const { rows } = await this.pool.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM ${table} WHERE ${filter}`,
      params,
    );
    return rows[0]?.total ?? 0;
  }
}
