import { performance } from "node:perf_hooks";
import type { ServiceMetrics } from "../metrics.js";
import type {
  ListResult,
  NewOrder,
  Order,
  Product,
  ProductListQuery,
  TargetStorage,
  User,
  UserInput,
  UserListQuery,
  UserWriteResult,
} from "./storage.js";

interface Timer {
  observe(seconds: number): void;
}

async function timed<T>(timer: Timer, call: Promise<T>, startMs: number): Promise<T> {
  try {
    return await call;
  } finally {
    timer.observe((performance.now() - startMs) / 1000);
  }
}

/**
 * Wraps a store so that every call is observed in db_query_duration_seconds
 * with labels {operation: method name, table}. The HTTP layer only ever sees
 * the wrapped store, so no call can escape the histogram.
 */
export function instrumentStorage(inner: TargetStorage, metrics: ServiceMetrics): TargetStorage {
  const t = (operation: keyof TargetStorage, table: string): Timer =>
    metrics.forQuery(operation, table);
  const ping = t("ping", "none");
  const getUser = t("getUser", "users");
  const listUsers = t("listUsers", "users");
  const createUser = t("createUser", "users");
  const replaceUser = t("replaceUser", "users");
  const updateUser = t("updateUser", "users");
  const deleteUser = t("deleteUser", "users");
  const getProduct = t("getProduct", "products");
  const getProducts = t("getProducts", "products");
  const listProducts = t("listProducts", "products");
  const createOrder = t("createOrder", "orders");
  const getOrder = t("getOrder", "orders");
  const markOrderPaid = t("markOrderPaid", "orders");
  const now = (): number => performance.now();

  return {
    kind: inner.kind,
    ping: (): Promise<void> => {
      const s = now();
      return timed(ping, inner.ping(), s);
    },
    close: (): Promise<void> => inner.close(),
    getUser: (id: number): Promise<User | undefined> => {
      const s = now();
      return timed(getUser, inner.getUser(id), s);
    },
    listUsers: (query: UserListQuery): Promise<ListResult<User>> => {
      const s = now();
      return timed(listUsers, inner.listUsers(query), s);
    },
    createUser: (input: UserInput): Promise<UserWriteResult> => {
      const s = now();
      return timed(createUser, inner.createUser(input), s);
    },
    replaceUser: (id: number, input: UserInput): Promise<UserWriteResult> => {
      const s = now();
      return timed(replaceUser, inner.replaceUser(id, input), s);
    },
    updateUser: (id: number, patch: Partial<UserInput>): Promise<UserWriteResult> => {
      const s = now();
      return timed(updateUser, inner.updateUser(id, patch), s);
    },
    deleteUser: (id: number): Promise<boolean> => {
      const s = now();
      return timed(deleteUser, inner.deleteUser(id), s);
    },
    getProduct: (id: number): Promise<Product | undefined> => {
      const s = now();
      return timed(getProduct, inner.getProduct(id), s);
    },
    getProducts: (ids: readonly number[]): Promise<Map<number, Product>> => {
      const s = now();
      return timed(getProducts, inner.getProducts(ids), s);
    },
    listProducts: (query: ProductListQuery): Promise<ListResult<Product>> => {
      const s = now();
      return timed(listProducts, inner.listProducts(query), s);
    },
    createOrder: (order: NewOrder): Promise<Order> => {
      const s = now();
      return timed(createOrder, inner.createOrder(order), s);
    },
    getOrder: (orderId: string): Promise<Order | undefined> => {
      const s = now();
      return timed(getOrder, inner.getOrder(orderId), s);
    },
    markOrderPaid: (orderId: string, paidAt: string): Promise<boolean> => {
      const s = now();
      return timed(markOrderPaid, inner.markOrderPaid(orderId, paidAt), s);
    },
  };
}
