/**
 * The API traffic mix of the open-model scenarios (load, stress, spike, soak,
 * breakpoint): one request per iteration, so iterations/s is requests/s.
 * Reads dominate, as on a typical catalogue/user API; a fifth are writes.
 *
 * Built to keep the load generator light, so one k6 process offers as much
 * as it can: URLs, params and checks are prepared once per VU, response
 * bodies are discarded (MIX_OPTIONS), and every request's status is checked
 * while its JSON body is read and checked only in 1 of BODY_CHECK_EVERY
 * iterations (10 by default; 1 checks every body).
 */
import { check, sleep } from "k6";
import http from "k6/http";
import type { Params, Response } from "k6/http";
import type { Options } from "k6/options";
import { createUser, describeNewUser, type Id, listProducts, listUsers, ROUTES } from "./api.js";
import { checkResponse } from "./checks.js";
import { readNumber } from "./env.js";
import { readIdField, readJson, readListData } from "./http.js";

export interface MixData {
  productIds: Id[];
  /** Listed and created users: what GET /api/v1/users/:id reads. */
  userIds: Id[];
  /** Users this run created: the only ones it modifies or orders for. */
  createdUserIds: Id[];
}

/** Expected seconds per iteration on a healthy service, to size VU pools. */
export const MIX_ITERATION_SECONDS = 0.2;

/**
 * k6 options the mix needs next to its phases. Bodies are not kept unless a
 * request asks (`responseType: "text"`), which the mix does only for the
 * iterations that check a body, and setup() for the ids it reads. Samples
 * carry the system tags slogate reads and k6's summary groups checks by (no
 * `url`: one value per id, and a JSON field on every point written); the
 * `name` tag says which route a request was.
 */
export const MIX_OPTIONS: Options = {
  discardResponseBodies: true,
  systemTags: [
    "status",
    "method",
    "name",
    "scenario",
    "expected_response",
    "error_code",
    "check",
    "group",
  ],
};

/** BODY_CHECK_EVERY: 1 in N iterations validates the response's JSON body. */
const bodyCheckEvery = readNumber("BODY_CHECK_EVERY", 10, {
  min: 1,
  max: 1_000_000,
  integer: true,
  meaning: "how many iterations per JSON body check, e.g. 10 (1 checks every response body)",
});

/** What one VU sends to, built once from setup()'s data. */
interface MixTargets {
  productUrls: string[];
  userUrls: string[];
  createdUserUrls: string[];
  createdUserIds: Id[];
  productIds: Id[];
  productListUrls: string[];
  userListUrls: string[];
  ordersUrl: string;
  usersUrl: string;
}

type Send = (targets: MixTargets, params: Params) => Response;

interface MixEntry {
  weightPercent: number;
  route: string;
  /** The check label, e.g. "GET /api/v1/products/:id"; checks read "<label>: status 200". */
  label: string;
  status: number;
  bodyCheck: { name: string; holds: (body: unknown) => boolean };
  hasBody: boolean;
  send: Send;
}

const isList = (body: unknown) => readListData(body) !== undefined;
const hasId = (body: unknown) => readIdField(body, "id") !== undefined;
const hasOrderId = (body: unknown) => readIdField(body, "orderId") !== undefined;

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

const MIX: MixEntry[] = [
  {
    weightPercent: 30,
    route: ROUTES.product,
    label: "GET /api/v1/products/:id",
    status: 200,
    bodyCheck: { name: "has id", holds: hasId },
    hasBody: false,
    send: (t, params) => http.request("GET", pick(t.productUrls), null, params),
  },
  {
    weightPercent: 20,
    route: ROUTES.products,
    label: "GET /api/v1/products",
    status: 200,
    bodyCheck: { name: "is a list", holds: isList },
    hasBody: false,
    send: (t, params) => http.request("GET", pick(t.productListUrls), null, params),
  },
  {
    weightPercent: 20,
    route: ROUTES.user,
    label: "GET /api/v1/users/:id",
    status: 200,
    bodyCheck: { name: "has id", holds: hasId },
    hasBody: false,
    send: (t, params) => http.request("GET", pick(t.userUrls), null, params),
  },
  {
    weightPercent: 10,
    route: ROUTES.users,
    label: "GET /api/v1/users",
    status: 200,
    bodyCheck: { name: "is a list", holds: isList },
    hasBody: false,
    send: (t, params) => http.request("GET", pick(t.userListUrls), null, params),
  },
  {
    weightPercent: 10,
    route: ROUTES.users,
    label: "POST /api/v1/users",
    status: 201,
    bodyCheck: { name: "has id", holds: hasId },
    hasBody: true,
    send: (t, params) =>
      http.request("POST", t.usersUrl, JSON.stringify(describeNewUser("load")), params),
  },
  {
    weightPercent: 5,
    route: ROUTES.user,
    label: "PATCH /api/v1/users/:id",
    status: 200,
    bodyCheck: { name: "has id", holds: hasId },
    hasBody: true,
    send: (t, params) =>
      http.request(
        "PATCH",
        pick(t.createdUserUrls),
        JSON.stringify({ name: `Renamed ${Date.now()}` }),
        params,
      ),
  },
  {
    weightPercent: 5,
    route: ROUTES.orders,
    label: "POST /orders",
    status: 201,
    bodyCheck: { name: "has orderId", holds: hasOrderId },
    hasBody: true,
    send: (t, params) => {
      const order = {
        userId: pick(t.createdUserIds),
        items: [{ productId: pick(t.productIds), quantity: 1 + Math.floor(Math.random() * 3) }],
      };
      return http.request("POST", t.ordersUrl, JSON.stringify(order), params);
    },
  },
];

/** An entry with its per-VU constants: the request params and status-only checks. */
interface PreparedEntry {
  /** Where the roll (0..100) must be below for this entry. */
  cumulativePercent: number;
  entry: MixEntry;
  /** Bodies discarded. */
  statusParams: Params;
  /** Body kept as text, for the body check. */
  bodyParams: Params;
  statusCheck: Record<string, (response: Response) => boolean>;
}

const GET_HEADERS = { Accept: "application/json" };
const SEND_HEADERS = { Accept: "application/json", "Content-Type": "application/json" };

const PREPARED: PreparedEntry[] = (() => {
  let cumulativePercent = 0;
  return MIX.map((entry) => {
    cumulativePercent += entry.weightPercent;
    // The route template as the `name` tag: one series per route, not per URL.
    const statusParams: Params = {
      headers: entry.hasBody ? SEND_HEADERS : GET_HEADERS,
      tags: { name: entry.route },
    };
    const status = entry.status;
    return {
      cumulativePercent,
      entry,
      statusParams,
      bodyParams: { ...statusParams, responseType: "text" },
      statusCheck: { [`${entry.label}: status ${status}`]: (r: Response) => r.status === status },
    };
  });
})();

let targets: MixTargets | undefined;
// A random start, so VUs that run only a few iterations still check 1 body in N overall.
let iteration = Math.floor(Math.random() * bodyCheckEvery);

/**
 * One weighted-random request of the mix, its status checked; in 1 of
 * BODY_CHECK_EVERY iterations its JSON body too.
 */
export function runMixIteration(baseUrl: string, data: MixData): void {
  targets ??= prepareTargets(baseUrl, data);
  const prepared = pickEntry(Math.random() * 100);
  const { entry } = prepared;
  if (iteration++ % bodyCheckEvery !== 0) {
    check(entry.send(targets, prepared.statusParams), prepared.statusCheck);
    return;
  }
  const response = entry.send(targets, prepared.bodyParams);
  checkResponse(response, entry.label, entry.status, {
    [entry.bodyCheck.name]: entry.bodyCheck.holds,
  });
}

function pickEntry(rollPercent: number): PreparedEntry {
  for (const prepared of PREPARED) if (rollPercent < prepared.cumulativePercent) return prepared;
  return PREPARED[0] as PreparedEntry;
}

function prepareTargets(baseUrl: string, data: MixData): MixTargets {
  const orFirst = (ids: Id[]): Id[] => (ids.length > 0 ? ids : [1]);
  const toUrls = (base: string, ids: Id[]) =>
    orFirst(ids).map((id) => `${base}/${encodeURIComponent(String(id))}`);
  const products = `${baseUrl}${ROUTES.products}`;
  const users = `${baseUrl}${ROUTES.users}`;
  return {
    productUrls: toUrls(products, data.productIds),
    userUrls: toUrls(users, data.userIds),
    createdUserUrls: toUrls(users, data.createdUserIds),
    createdUserIds: orFirst(data.createdUserIds),
    productIds: orFirst(data.productIds),
    productListUrls: Array.from(
      { length: 10 },
      (_, index) => `${products}?limit=20&offset=${index * 20}`,
    ),
    userListUrls: ["limit=20", "limit=20&role=admin", "limit=10&sort=-createdAt"].map(
      (query) => `${users}?${query}`,
    ),
    ordersUrl: `${baseUrl}${ROUTES.orders}`,
    usersUrl: users,
  };
}

/** setup() reads these bodies although MIX_OPTIONS discards bodies. */
const KEEP_BODY = { responseType: "text" } as const;

/**
 * Ids the mix reads, fetched once in setup(). Retried because a service under
 * injected faults may fail any single call; a service that answers none of
 * them is down, and running the test against it would measure nothing.
 */
export function prepareMix(baseUrl: string): MixData {
  const productIds = fetchIds(() => listProducts(baseUrl, "limit=100", KEEP_BODY), "products");
  const listedUserIds = fetchIds(() => listUsers(baseUrl, "limit=100", KEEP_BODY), "users");
  // Users created here are the ones PATCH touches, so seeded rows stay as they were.
  const createdUserIds: Id[] = [];
  for (let index = 0; index < 10; index++) {
    const id = retry(() =>
      readIdField(readJson(createUser(baseUrl, describeNewUser("mix"), KEEP_BODY)), "id"),
    );
    if (id !== undefined) createdUserIds.push(id);
  }
  if (productIds.length === 0 || createdUserIds.length === 0) {
    throw new Error(
      `slogate scenario: setup could not read products or create users at ${baseUrl}; is the service up and BASE_URL right?`,
    );
  }
  return { productIds, userIds: [...listedUserIds, ...createdUserIds], createdUserIds };
}

function fetchIds(list: () => ReturnType<typeof listProducts>, what: string): Id[] {
  const ids = retry(() => {
    const data = readListData(readJson(list()));
    if (data === undefined) return undefined;
    return data.map((row) => readIdField(row, "id")).filter((id): id is Id => id !== undefined);
  });
  if (ids === undefined) {
    throw new Error(
      `slogate scenario: setup could not list ${what}; is the service up and BASE_URL right?`,
    );
  }
  return ids;
}

function retry<T>(attempt: () => T | undefined, attempts = 5): T | undefined {
  for (let index = 0; index < attempts; index++) {
    const value = attempt();
    if (value !== undefined) return value;
    sleep(0.2 * (index + 1));
  }
  return undefined;
}
