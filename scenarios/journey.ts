/**
 * Journey: a shopper's path through the orders example, open model. Browse
 * products, create a user, place an order as that user (X-User-Id), then poll
 * GET /orders/{id} until the payment worker marks it PAID. The time from
 * sending the order to seeing it PAID is the Trend `order_completion_time`
 * (ms, client-side, so it includes up to one poll interval of lag).
 *
 * Env: BASE_URL (required), RATE=2 (journeys/s), TIME_SCALE=1,
 * DURATION_RAMP_UP=1m, DURATION_STEADY=3m, DURATION_RAMP_DOWN=1m,
 * POLL_INTERVAL_MS=250, MAX_POLLS=40, PRE_VUS, MAX_VUS, SLOGATE_THRESHOLDS.
 */
import { group, sleep } from "k6";
import { Trend } from "k6/metrics";
import {
  buildOpenOptions,
  checkAll,
  checkResponse,
  describeStandardPhases,
  readBaseUrl,
  readHeader,
  readJson,
  readNumber,
  readPhaseSeconds,
  readRate,
  readTimeScale,
  readVuBudget,
  recordOfferedRate,
} from "slogate/k6";
import {
  createOrder,
  createUser,
  describeNewUser,
  getOrder,
  getProduct,
  type Id,
  listProducts,
  pickOne,
} from "./lib/api.js";
import { readIdField, readListData, readStringField } from "./lib/http.js";

const baseUrl = readBaseUrl();
const timeScale = readTimeScale();
const ratePerSecond = readRate(2);
const pollIntervalMs = readNumber("POLL_INTERVAL_MS", 250, {
  min: 10,
  max: 60_000,
  meaning: "milliseconds between GET /orders/{id} polls",
});
const maxPolls = readNumber("MAX_POLLS", 40, {
  min: 1,
  max: 10_000,
  integer: true,
  meaning: "the most polls before an order counts as not paid",
});

/**
 * A journey on a healthy service: a handful of fast requests, then polling
 * through the payment delay (about a second). Sizes the VU pools; the ×4
 * headroom in them covers slower payments.
 */
const JOURNEY_SECONDS = 3;

export const options = buildOpenOptions(
  "journey",
  describeStandardPhases(ratePerSecond, {
    rampUp: readPhaseSeconds("ramp_up", 60, timeScale),
    steady: readPhaseSeconds("steady", 180, timeScale),
    rampDown: readPhaseSeconds("ramp_down", 60, timeScale),
  }),
  readVuBudget(JOURNEY_SECONDS),
);

const orderCompletionTime = new Trend("order_completion_time", true);

export function setup(): void {
  recordOfferedRate(ratePerSecond);
}

export default function (): void {
  const productIds = group("browse products", browseProducts);
  const userId = group("create user", signUp);
  if (userId === undefined || productIds.length === 0) return;
  const order = group("place order", () => placeOrder(userId, productIds));
  if (order === undefined) return;
  group("wait for payment", () => waitForPayment(userId, order));
}

function browseProducts(): Id[] {
  const list = listProducts(baseUrl, "limit=20");
  const rows = readListData(readJson(list)) ?? [];
  checkResponse(list, "journey GET /api/v1/products", 200, { "has rows": () => rows.length > 0 });
  const ids = rows.map((row) => readIdField(row, "id")).filter((id): id is Id => id !== undefined);
  for (let index = 0; index < 2; index++) {
    const id = pickOne(ids);
    if (id === undefined) break;
    checkResponse(getProduct(baseUrl, id), "journey GET /api/v1/products/:id", 200);
  }
  return ids;
}

function signUp(): Id | undefined {
  const response = createUser(baseUrl, describeNewUser("journey"));
  const id = readIdField(readJson(response), "id");
  checkResponse(response, "journey POST /api/v1/users", 201, { "has id": () => id !== undefined });
  return id;
}

interface PlacedOrder {
  orderId: Id;
  sentAtMs: number;
}

function placeOrder(userId: Id, productIds: Id[]): PlacedOrder | undefined {
  const sentAtMs = Date.now();
  const items = [
    { productId: pickOne(productIds) ?? 1, quantity: 1 + Math.floor(Math.random() * 3) },
  ];
  const response = createOrder(baseUrl, { userId, items }, { userId: String(userId) });
  const orderId = readIdField(readJson(response), "orderId");
  checkResponse(response, "journey POST /orders", 201, {
    "has orderId": () => orderId !== undefined,
  });
  return orderId === undefined ? undefined : { orderId, sentAtMs };
}

function waitForPayment(userId: Id, order: PlacedOrder): void {
  let status: string | undefined;
  for (let poll = 0; poll < maxPolls && status !== "PAID"; poll++) {
    if (poll > 0) sleep(pollIntervalMs / 1000);
    const response = getOrder(baseUrl, order.orderId, {
      userId: String(userId),
      // Being told to slow down is the limiter working, not the order failing.
      expectedStatuses: [200, 429],
    });
    if (response.status === 429) {
      const retryAfterSeconds = Number(readHeader(response, "Retry-After") ?? "1");
      sleep(Math.min(Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 1, 5));
      continue;
    }
    // A failed poll (5xx) is retried like a PENDING one until the budget runs out.
    status = readStringField(readJson(response), "status");
  }
  if (status === "PAID") orderCompletionTime.add(Date.now() - order.sentAtMs);
  checkAll({ [`journey order PAID within ${maxPolls} polls`]: () => status === "PAID" });
}
