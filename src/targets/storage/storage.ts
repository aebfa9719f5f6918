/**
 * The storage contract the reference service is written against. Every method
 * is async so that an in-memory store and a database-backed one are
 * interchangeable; the HTTP layer never touches a concrete store.
 */

export type UserRole = "user" | "admin";

export interface User {
  id: number;
  name: string;
  email: string;
  role: UserRole;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** What a client may set on a user: POST and PUT carry all of it, PATCH a subset. */
export interface UserInput {
  name: string;
  email: string;
  role: UserRole;
}

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  category: string;
  stock: number;
}

export type OrderStatus = "PENDING" | "PAID";

export interface OrderItem {
  productId: number;
  quantity: number;
}

export interface Order {
  orderId: string;
  userId: number;
  items: OrderItem[];
  /** Sum of price × quantity, in cents. */
  totalAmount: number;
  status: OrderStatus;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, set when the order is paid. */
  paidAt?: string;
}

export interface NewOrder {
  userId: number;
  items: OrderItem[];
  totalAmount: number;
}

export type UserSortField = "id" | "name" | "createdAt";

export interface SortOrder<F extends string> {
  field: F;
  descending: boolean;
}

/**
 * Where a page starts: after skipping `offset` matches, or strictly after the
 * row whose (sort value, id) is `key` in the query's sort order (keyset paging,
 * stable while rows are inserted).
 */
export type PageStart =
  | { kind: "offset"; offset: number }
  | { kind: "after"; key: { value: string | number; id: number } };

export interface UserFilter {
  role?: UserRole;
  /** Exact match, case-insensitive. */
  email?: string;
  /** Substring of the name, case-insensitive. */
  nameContains?: string;
}

export interface UserListQuery {
  filter: UserFilter;
  sort: SortOrder<UserSortField>;
  limit: number;
  start: PageStart;
}

export interface ProductListQuery {
  category?: string;
  limit: number;
  /** Products are always listed by id ascending; an `after` key's value is the id. */
  start: PageStart;
}

export interface ListResult<T> {
  items: T[];
  /** Matches of the filter, ignoring paging. */
  total: number;
  /** Whether rows follow the last item returned. */
  hasMore: boolean;
}

export type UserWriteResult =
  { kind: "ok"; user: User } | { kind: "conflict"; field: "email" } | { kind: "not-found" };

/** The storage every reference-service route goes through. */
export interface TargetStorage {
  /** Short name for logs and metrics, e.g. "memory". */
  readonly kind: string;
  /** Resolves when the store can answer queries; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  getUser(id: number): Promise<User | undefined>;
  listUsers(query: UserListQuery): Promise<ListResult<User>>;
  /** Emails are unique case-insensitively: a duplicate is a `conflict`. */
  createUser(input: UserInput): Promise<UserWriteResult>;
  replaceUser(id: number, input: UserInput): Promise<UserWriteResult>;
  updateUser(id: number, patch: Partial<UserInput>): Promise<UserWriteResult>;
  /** False when no such user existed. */
  deleteUser(id: number): Promise<boolean>;

  getProduct(id: number): Promise<Product | undefined>;
  /** The products among `ids` that exist, keyed by id: one query for an order's lines. */
  getProducts(ids: readonly number[]): Promise<Map<number, Product>>;
  listProducts(query: ProductListQuery): Promise<ListResult<Product>>;

  /** Stores a PENDING order under a fresh id. */
  createOrder(order: NewOrder): Promise<Order>;
  getOrder(orderId: string): Promise<Order | undefined>;
  /** False when the order is unknown or not PENDING. */
  markOrderPaid(orderId: string, paidAt: string): Promise<boolean>;
}
