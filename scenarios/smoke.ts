/**
 * Smoke: every endpoint of the reference API once, closed model (1 VU, 1
 * iteration), with checks on statuses and bodies. The threshold
 * `checks: rate==1` makes k6 exit 99 when any check fails, so a broken
 * deployment fails the gate before a load test is even tried.
 *
 * Env: BASE_URL (required), SLOGATE_THRESHOLDS.
 */
import {
  buildClosedOptions,
  call,
  checkAll,
  checkResponse,
  readBaseUrl,
  readHeader,
  readJson,
} from "slogate/k6";
import {
  createOrder,
  createUser,
  deleteUser,
  describeNewUser,
  getOrder,
  getProduct,
  getUser,
  type Id,
  listProducts,
  listUsers,
  patchUser,
  replaceUser,
  ROUTES,
} from "./lib/api.js";
import { declareFunctional } from "./lib/functional.js";
import { isRecord, readIdField, readListData, readStringField } from "./lib/http.js";

const baseUrl = readBaseUrl();

export const options = buildClosedOptions(
  "smoke",
  {
    smoke: {
      executor: "per-vu-iterations",
      vus: 1,
      iterations: 1,
      // A safety bound, not a shape: a hung service must not hang CI.
      maxDuration: "1m",
    },
  },
  { checks: ["rate==1"] },
);

/** An id no seeded or created row has. */
const MISSING_ID = 2_000_000_000;

const fieldIs = (key: string, expected: unknown) => (body: unknown) =>
  isRecord(body) && body[key] === expected;
const hasId = (body: unknown) => readIdField(body, "id") !== undefined;

/** Judged on its checks and failed requests, not on percentiles (lib/functional.ts). */
export function setup(): void {
  declareFunctional();
}

export default function (): void {
  checkHealth();
  const product = checkProducts();
  const userId = checkUsers();
  checkOrders(userId, product);
  checkUserRemoval(userId);
}

function checkHealth(): void {
  for (const route of [ROUTES.live, ROUTES.ready]) {
    checkResponse(call(baseUrl, "GET", route, { route }), `GET ${route}`, 200);
  }
  const metrics = call(baseUrl, "GET", ROUTES.metrics, { route: ROUTES.metrics });
  checkResponse(metrics, `GET ${ROUTES.metrics}`, 200);
  checkAll({
    "GET /metrics: has http_requests_total": () =>
      typeof metrics.body === "string" && metrics.body.includes("http_requests_total"),
  });
}

interface ProductSeen {
  id: Id;
  priceCents: number;
}

function checkProducts(): ProductSeen | undefined {
  const list = listProducts(baseUrl, "limit=5");
  const rows = readListData(readJson(list));
  checkResponse(list, "GET /api/v1/products", 200, {
    "at most limit rows": () => rows !== undefined && rows.length > 0 && rows.length <= 5,
  });
  const firstId = readIdField(rows?.[0], "id") ?? 1;
  const one = getProduct(baseUrl, firstId);
  const body = readJson(one);
  checkResponse(one, "GET /api/v1/products/:id", 200, {
    "same id as listed": fieldIs("id", firstId),
    "has priceCents": (b) => isRecord(b) && typeof b.priceCents === "number",
  });
  const missing = getProduct(baseUrl, MISSING_ID, { expectedStatuses: [404] });
  checkResponse(missing, "GET /api/v1/products/:id unknown", 404);
  if (!isRecord(body) || typeof body.priceCents !== "number") return undefined;
  return { id: firstId, priceCents: body.priceCents };
}

function checkUsers(): Id {
  const user = describeNewUser("smoke");
  const created = createUser(baseUrl, user);
  const id = readIdField(readJson(created), "id") ?? MISSING_ID;
  checkResponse(created, "POST /api/v1/users", 201, {
    "has id": hasId,
    "echoes email": fieldIs("email", user.email),
    "role defaults to user": fieldIs("role", "user"),
  });
  checkAll({
    "POST /api/v1/users: Location names the user": () =>
      (readHeader(created, "Location") ?? "").endsWith(`/api/v1/users/${id}`),
  });
  const conflict = createUser(baseUrl, { ...user, name: "Other" }, { expectedStatuses: [409] });
  checkResponse(conflict, "POST /api/v1/users duplicate email", 409);
  const invalid = call(baseUrl, "POST", ROUTES.users, {
    route: ROUTES.users,
    json: { name: "No Email" },
    expectedStatuses: [422],
  });
  checkResponse(invalid, "POST /api/v1/users missing email", 422);
  const malformed = call(baseUrl, "POST", ROUTES.users, {
    route: ROUTES.users,
    rawBody: '{"name": ',
    expectedStatuses: [400],
  });
  checkResponse(malformed, "POST /api/v1/users malformed JSON", 400);

  checkResponse(getUser(baseUrl, id), "GET /api/v1/users/:id", 200, {
    "echoes email": fieldIs("email", user.email),
  });
  const byEmail = listUsers(baseUrl, `email=${encodeURIComponent(user.email)}`);
  checkResponse(byEmail, "GET /api/v1/users?email", 200, {
    "finds the user": (b) => readIdField(readListData(b)?.[0], "id") === id,
  });
  checkPagination();
  const tooMany = listUsers(baseUrl, "limit=101", { expectedStatuses: [400] });
  checkResponse(tooMany, "GET /api/v1/users?limit=101", 400);

  const replaced = { name: `${user.name} Replaced`, email: user.email, role: "admin" as const };
  checkResponse(replaceUser(baseUrl, id, replaced), "PUT /api/v1/users/:id", 200, {
    "role is admin": fieldIs("role", "admin"),
    "name replaced": fieldIs("name", replaced.name),
  });
  const patchedName = `${user.name} Patched`;
  checkResponse(patchUser(baseUrl, id, { name: patchedName }), "PATCH /api/v1/users/:id", 200, {
    "name patched": fieldIs("name", patchedName),
    "role kept": fieldIs("role", "admin"),
  });
  return id;
}

function checkPagination(): void {
  const first = listUsers(baseUrl, "limit=2");
  const firstBody = readJson(first);
  const cursor = isRecord(firstBody) ? readStringField(firstBody.page, "nextCursor") : undefined;
  checkResponse(first, "GET /api/v1/users?limit=2", 200, {
    "two rows": (b) => readListData(b)?.length === 2,
    "has nextCursor": () => cursor !== undefined,
  });
  const next = listUsers(baseUrl, `limit=2&cursor=${encodeURIComponent(cursor ?? "none")}`);
  const firstIds = (readListData(firstBody) ?? []).map((row) => readIdField(row, "id"));
  checkResponse(next, "GET /api/v1/users?cursor", 200, {
    "next rows differ": (b) => {
      const rows = readListData(b) ?? [];
      return rows.length > 0 && rows.every((row) => !firstIds.includes(readIdField(row, "id")));
    },
  });
}

function checkOrders(userId: Id, product: ProductSeen | undefined): void {
  const quantity = 2;
  const created = createOrder(baseUrl, {
    userId,
    items: [{ productId: product?.id ?? 1, quantity }],
  });
  const orderId = readIdField(readJson(created), "orderId") ?? "missing";
  checkResponse(created, "POST /orders", 201, {
    "has orderId": (b) => readIdField(b, "orderId") !== undefined,
  });
  checkResponse(getOrder(baseUrl, orderId), "GET /orders/:orderId", 200, {
    "same orderId": fieldIs("orderId", orderId),
    "status PENDING or PAID": (b) =>
      ["PENDING", "PAID"].includes(readStringField(b, "status") ?? ""),
    // Priced from the catalogue read above, not from the order service.
    "totalAmount is price x quantity": fieldIs(
      "totalAmount",
      (product?.priceCents ?? NaN) * quantity,
    ),
  });
  const missing = getOrder(baseUrl, "no-such-order", { expectedStatuses: [404] });
  checkResponse(missing, "GET /orders/:orderId unknown", 404);
}

function checkUserRemoval(userId: Id): void {
  checkResponse(
    deleteUser(baseUrl, userId, { expectedStatuses: [204] }),
    "DELETE /api/v1/users/:id",
    204,
  );
  const gone = getUser(baseUrl, userId, { expectedStatuses: [404] });
  checkResponse(gone, "GET /api/v1/users/:id deleted", 404);
}
