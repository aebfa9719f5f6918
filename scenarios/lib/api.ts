/**
 * The reference service's API as calls, each tagged with its route template
 * (the same strings the service uses as its `endpoint` metric label).
 */
import type { Response } from "k6/http";
import { call, type CallOptions } from "./http.js";

export const ROUTES = {
  users: "/api/v1/users",
  user: "/api/v1/users/:id",
  products: "/api/v1/products",
  product: "/api/v1/products/:id",
  orders: "/orders",
  order: "/orders/:orderId",
  live: "/health/live",
  ready: "/health/ready",
  metrics: "/metrics",
} as const;

export type Extra = Omit<CallOptions, "route" | "json">;

export interface NewUser {
  name: string;
  email: string;
  role?: "user" | "admin";
}

/** Ids are whatever the service returns (numbers for users and products, strings for orders). */
export type Id = string | number;

export interface NewOrder {
  userId: Id;
  items: { productId: Id; quantity: number }[];
}

const segment = (id: Id) => encodeURIComponent(String(id));
const withQuery = (path: string, query: string) => (query === "" ? path : `${path}?${query}`);

export function listProducts(baseUrl: string, query = "", extra: Extra = {}): Response {
  return call(baseUrl, "GET", withQuery(ROUTES.products, query), {
    ...extra,
    route: ROUTES.products,
  });
}

export function getProduct(baseUrl: string, id: Id, extra: Extra = {}): Response {
  return call(baseUrl, "GET", `${ROUTES.products}/${segment(id)}`, {
    ...extra,
    route: ROUTES.product,
  });
}

export function listUsers(baseUrl: string, query = "", extra: Extra = {}): Response {
  return call(baseUrl, "GET", withQuery(ROUTES.users, query), { ...extra, route: ROUTES.users });
}

export function getUser(baseUrl: string, id: Id, extra: Extra = {}): Response {
  return call(baseUrl, "GET", `${ROUTES.users}/${segment(id)}`, { ...extra, route: ROUTES.user });
}

export function createUser(baseUrl: string, user: NewUser, extra: Extra = {}): Response {
  return call(baseUrl, "POST", ROUTES.users, { ...extra, route: ROUTES.users, json: user });
}

export function replaceUser(baseUrl: string, id: Id, user: NewUser, extra: Extra = {}): Response {
  const path = `${ROUTES.users}/${segment(id)}`;
  return call(baseUrl, "PUT", path, { ...extra, route: ROUTES.user, json: user });
}

export function patchUser(
  baseUrl: string,
  id: Id,
  patch: Partial<NewUser>,
  extra: Extra = {},
): Response {
  const path = `${ROUTES.users}/${segment(id)}`;
  return call(baseUrl, "PATCH", path, { ...extra, route: ROUTES.user, json: patch });
}

export function deleteUser(baseUrl: string, id: Id, extra: Extra = {}): Response {
  return call(baseUrl, "DELETE", `${ROUTES.users}/${segment(id)}`, {
    ...extra,
    route: ROUTES.user,
  });
}

export function createOrder(baseUrl: string, order: NewOrder, extra: Extra = {}): Response {
  return call(baseUrl, "POST", ROUTES.orders, { ...extra, route: ROUTES.orders, json: order });
}

export function getOrder(baseUrl: string, orderId: Id, extra: Extra = {}): Response {
  return call(baseUrl, "GET", `${ROUTES.orders}/${segment(orderId)}`, {
    ...extra,
    route: ROUTES.order,
  });
}

/**
 * A user no earlier run or VU has: the service answers 409 to a duplicate
 * email, and runs share one service.
 */
export function describeNewUser(prefix: string): NewUser {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  return { name: `${prefix} ${unique}`, email: `${prefix}.${unique}@example.test` };
}

/** A random element; undefined for an empty list. */
export function pickOne<T>(list: readonly T[]): T | undefined {
  return list[Math.floor(Math.random() * list.length)];
}
