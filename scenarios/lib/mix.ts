/**
 * The API traffic mix of the open-model scenarios (load, stress, spike, soak,
 * breakpoint): one request per iteration, so iterations/s is requests/s.
 * Reads dominate, as on a typical catalogue/user API; a fifth are writes.
 */
import { sleep } from "k6";
import {
  createOrder,
  createUser,
  describeNewUser,
  getProduct,
  getUser,
  type Id,
  listProducts,
  listUsers,
  patchUser,
  pickOne,
} from "./api.js";
import { checkResponse } from "./checks.js";
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

interface MixEntry {
  weightPercent: number;
  run: (baseUrl: string, data: MixData) => void;
}

const isList = (body: unknown) => readListData(body) !== undefined;
const hasId = (body: unknown) => readIdField(body, "id") !== undefined;
const hasOrderId = (body: unknown) => readIdField(body, "orderId") !== undefined;

const MIX: MixEntry[] = [
  {
    weightPercent: 30,
    run: (baseUrl, data) => {
      const response = getProduct(baseUrl, pickOne(data.productIds) ?? 1);
      checkResponse(response, "GET /api/v1/products/:id", 200, { "has id": hasId });
    },
  },
  {
    weightPercent: 20,
    run: (baseUrl) => {
      const offset = Math.floor(Math.random() * 10) * 20;
      const response = listProducts(baseUrl, `limit=20&offset=${offset}`);
      checkResponse(response, "GET /api/v1/products", 200, { "is a list": isList });
    },
  },
  {
    weightPercent: 20,
    run: (baseUrl, data) => {
      const response = getUser(baseUrl, pickOne(data.userIds) ?? 1);
      checkResponse(response, "GET /api/v1/users/:id", 200, { "has id": hasId });
    },
  },
  {
    weightPercent: 10,
    run: (baseUrl) => {
      const response = listUsers(
        baseUrl,
        pickOne(["limit=20", "limit=20&role=admin", "limit=10&sort=-createdAt"]),
      );
      checkResponse(response, "GET /api/v1/users", 200, { "is a list": isList });
    },
  },
  {
    weightPercent: 10,
    run: (baseUrl) => {
      const response = createUser(baseUrl, describeNewUser("load"));
      checkResponse(response, "POST /api/v1/users", 201, { "has id": hasId });
    },
  },
  {
    weightPercent: 5,
    run: (baseUrl, data) => {
      const response = patchUser(baseUrl, pickOne(data.createdUserIds) ?? 1, {
        name: `Renamed ${Date.now()}`,
      });
      checkResponse(response, "PATCH /api/v1/users/:id", 200, { "has id": hasId });
    },
  },
  {
    weightPercent: 5,
    run: (baseUrl, data) => {
      const order = {
        userId: pickOne(data.createdUserIds) ?? 1,
        items: [
          { productId: pickOne(data.productIds) ?? 1, quantity: 1 + Math.floor(Math.random() * 3) },
        ],
      };
      const response = createOrder(baseUrl, order);
      checkResponse(response, "POST /orders", 201, { "has orderId": hasOrderId });
    },
  },
];

/** One weighted-random request of the mix. */
export function runMixIteration(baseUrl: string, data: MixData): void {
  let roll = Math.random() * 100;
  for (const entry of MIX) {
    roll -= entry.weightPercent;
    if (roll < 0) {
      entry.run(baseUrl, data);
      return;
    }
  }
  MIX[0]?.run(baseUrl, data);
}

/**
 * Ids the mix reads, fetched once in setup(). Retried because a service under
 * injected faults may fail any single call; a service that answers none of
 * them is down, and running the test against it would measure nothing.
 */
export function prepareMix(baseUrl: string): MixData {
  const productIds = fetchIds(() => listProducts(baseUrl, "limit=100"), "products");
  const listedUserIds = fetchIds(() => listUsers(baseUrl, "limit=100"), "users");
  // Users created here are the ones PATCH touches, so seeded rows stay as they were.
  const createdUserIds: Id[] = [];
  for (let index = 0; index < 10; index++) {
    const id = retry(() =>
      readIdField(readJson(createUser(baseUrl, describeNewUser("mix"))), "id"),
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
