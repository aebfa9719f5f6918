import { randomUUID } from "node:crypto";
import { generateSeedProducts, generateSeedUsers } from "../seed-data.js";
import type {
  ListResult,
  NewOrder,
  Order,
  PageStart,
  Product,
  ProductListQuery,
  SortOrder,
  TargetStorage,
  User,
  UserInput,
  UserListQuery,
  UserSortField,
  UserWriteResult,
} from "./storage.js";

export interface MemoryStorageOptions {
  /** Users 1..n created at start. Default 100. */
  seedUsers?: number;
  /** Products 1..n created at start. Default 200. */
  seedProducts?: number;
  /** Clock for createdAt/updatedAt; injectable so tests can pin it. */
  nowMs?: () => number;
}

type SortKey = readonly [value: string | number, id: number];

/**
 * A store in process memory: the default backend, fast enough that load tests
 * measure the HTTP path. Rows are immutable records replaced on write, so a
 * reader can hold one without copying.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): TargetStorage {
  return new MemoryStorage(options);
}

class MemoryStorage implements TargetStorage {
  readonly kind = "memory";
  private readonly users = new Map<number, User>();
  private readonly userIdByEmail = new Map<string, number>();
  private readonly products = new Map<number, Product>();
  private readonly productsById: Product[];
  private readonly orders = new Map<string, Order>();
  private readonly nowMs: () => number;
  private nextUserId: number;
  /** Users sorted ascending per field, rebuilt lazily after a write. */
  private readonly sortedUsers = new Map<UserSortField, User[]>();

  constructor(options: MemoryStorageOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    const seedUsers = generateSeedUsers(options.seedUsers ?? 100);
    for (const user of seedUsers) this.putUser(user);
    this.nextUserId = seedUsers.length + 1;
    this.productsById = generateSeedProducts(options.seedProducts ?? 200);
    for (const product of this.productsById) this.products.set(product.id, product);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  getUser(id: number): Promise<User | undefined> {
    return Promise.resolve(this.users.get(id));
  }

  listUsers(query: UserListQuery): Promise<ListResult<User>> {
    const { role, email, nameContains } = query.filter;
    const emailKey = email?.toLowerCase();
    const needle = nameContains?.toLowerCase();
    const matches = (user: User): boolean =>
      (role === undefined || user.role === role) &&
      (emailKey === undefined || user.email.toLowerCase() === emailKey) &&
      (needle === undefined || user.name.toLowerCase().includes(needle));
    const field = query.sort.field;
    return Promise.resolve(
      selectPage(this.usersSortedBy(field), query.sort, matches, (u) => [u[field], u.id], query),
    );
  }

  createUser(input: UserInput): Promise<UserWriteResult> {
    if (this.userIdByEmail.has(input.email.toLowerCase())) {
      return Promise.resolve({ kind: "conflict", field: "email" });
    }
    const at = new Date(this.nowMs()).toISOString();
    const user: User = { id: this.nextUserId++, ...input, createdAt: at, updatedAt: at };
    this.putUser(user);
    return Promise.resolve({ kind: "ok", user });
  }

  replaceUser(id: number, input: UserInput): Promise<UserWriteResult> {
    return this.updateUser(id, input);
  }

  updateUser(id: number, patch: Partial<UserInput>): Promise<UserWriteResult> {
    const current = this.users.get(id);
    if (current === undefined) return Promise.resolve({ kind: "not-found" });
    if (patch.email !== undefined) {
      const owner = this.userIdByEmail.get(patch.email.toLowerCase());
      if (owner !== undefined && owner !== id) {
        return Promise.resolve({ kind: "conflict", field: "email" });
      }
    }
    const next: User = {
      ...current,
      ...patch,
      id,
      updatedAt: new Date(this.nowMs()).toISOString(),
    };
    this.userIdByEmail.delete(current.email.toLowerCase());
    this.putUser(next);
    return Promise.resolve({ kind: "ok", user: next });
  }

  deleteUser(id: number): Promise<boolean> {
    const current = this.users.get(id);
    if (current === undefined) return Promise.resolve(false);
    this.users.delete(id);
    this.userIdByEmail.delete(current.email.toLowerCase());
    this.sortedUsers.clear();
    return Promise.resolve(true);
  }

  getProduct(id: number): Promise<Product | undefined> {
    return Promise.resolve(this.products.get(id));
  }

  getProducts(ids: readonly number[]): Promise<Map<number, Product>> {
    const found = new Map<number, Product>();
    for (const id of ids) {
      const product = this.products.get(id);
      if (product !== undefined) found.set(id, product);
    }
    return Promise.resolve(found);
  }

  listProducts(query: ProductListQuery): Promise<ListResult<Product>> {
    const { category } = query;
    const matches = (p: Product): boolean => category === undefined || p.category === category;
    const ascendingById = { field: "id", descending: false } as const;
    return Promise.resolve(
      selectPage(this.productsById, ascendingById, matches, (p) => [p.id, p.id], query),
    );
  }

  createOrder(order: NewOrder): Promise<Order> {
    const stored: Order = {
      orderId: randomUUID(),
      userId: order.userId,
      items: order.items,
      totalAmount: order.totalAmount,
      status: "PENDING",
      createdAt: new Date(this.nowMs()).toISOString(),
    };
    this.orders.set(stored.orderId, stored);
    return Promise.resolve(stored);
  }

  getOrder(orderId: string): Promise<Order | undefined> {
    return Promise.resolve(this.orders.get(orderId));
  }

  markOrderPaid(orderId: string, paidAt: string): Promise<boolean> {
    const current = this.orders.get(orderId);
    if (current?.status !== "PENDING") return Promise.resolve(false);
    this.orders.set(orderId, { ...current, status: "PAID", paidAt });
    return Promise.resolve(true);
  }

  private putUser(user: User): void {
    this.users.set(user.id, user);
    this.userIdByEmail.set(user.email.toLowerCase(), user.id);
    this.sortedUsers.clear();
  }

  private usersSortedBy(field: UserSortField): User[] {
    let sorted = this.sortedUsers.get(field);
    if (sorted === undefined) {
      sorted = [...this.users.values()];
      if (field !== "id") sorted.sort((a, b) => compareKeys([a[field], a.id], [b[field], b.id]));
      else sorted.sort((a, b) => a.id - b.id);
      this.sortedUsers.set(field, sorted);
    }
    return sorted;
  }
}

/**
 * Strings compare by UTF-16 code units, the same order as a binary ("C")
 * collation in a database, so a cursor means the same thing in every backend.
 */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return a[1] - b[1];
}

/** Walks rows sorted ascending (backwards when descending), counting every match. */
function selectPage<T>(
  ascending: readonly T[],
  sort: SortOrder<string>,
  matches: (row: T) => boolean,
  keyOf: (row: T) => SortKey,
  query: { limit: number; start: PageStart },
): ListResult<T> {
  const { start, limit } = query;
  const direction = sort.descending ? -1 : 1;
  const items: T[] = [];
  let total = 0;
  let skipped = 0;
  let hasMore = false;
  const count = ascending.length;
  for (let i = 0; i < count; i++) {
    const row = ascending[sort.descending ? count - 1 - i : i] as T;
    if (!matches(row)) continue;
    total++;
    if (start.kind === "offset") {
      if (skipped < start.offset) {
        skipped++;
        continue;
      }
    } else {
      const after = [start.key.value, start.key.id] as const;
      if (compareKeys(keyOf(row), after) * direction <= 0) continue;
    }
    if (items.length < limit) items.push(row);
    else hasMore = true;
  }
  return { items, total, hasMore };
}
