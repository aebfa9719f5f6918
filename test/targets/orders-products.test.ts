import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../src/targets/storage/memory.js";
import { startTargets, type RunningTargets } from "../../src/targets/start-targets.js";
import { call, type ListBody } from "./http-client.js";

interface ProductBody {
  id: number;
  name: string;
  priceCents: number;
  category: string;
  stock: number;
}
interface OrderBody {
  orderId: string;
  userId: number;
  items: { productId: number; quantity: number }[];
  totalAmount: number;
  status: string;
  createdAt: string;
  paidAt?: string;
}

const PRODUCTS = 30;
const ORDER_DELAY_MS = 300;
let targets: RunningTargets;

beforeAll(async () => {
  targets = await startTargets({
    storage: createMemoryStorage({ seedUsers: 5, seedProducts: PRODUCTS }),
    orderProcessingDelayMs: ORDER_DELAY_MS,
    rateLimit: false,
  });
});
afterAll(() => targets.close());

describe("products", () => {
  it("pages the whole catalog by offset and by cursor", async () => {
    const byOffset: number[] = [];
    for (let offset = 0; offset < PRODUCTS; offset += 8) {
      const page = await call<ListBody<ProductBody>>(
        targets.url,
        "GET",
        `/api/v1/products?limit=8&offset=${offset}`,
      );
      expect(page.body.page.total).toBe(PRODUCTS);
      byOffset.push(...page.body.data.map((p) => p.id));
    }
    const byCursor: number[] = [];
    let cursor: string | undefined;
    do {
      const suffix = cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await call<ListBody<ProductBody>>(
        targets.url,
        "GET",
        `/api/v1/products?limit=8${suffix}`,
      );
      byCursor.push(...page.body.data.map((p) => p.id));
      cursor = page.body.page.nextCursor;
    } while (cursor !== undefined);
    const oneToN = Array.from({ length: PRODUCTS }, (_, i) => i + 1);
    expect(byOffset).toEqual(oneToN);
    expect(byCursor).toEqual(oneToN);
  });

  it("filters by category: the categories partition the catalog", async () => {
    const all = await call<ListBody<ProductBody>>(targets.url, "GET", "/api/v1/products?limit=100");
    const categories = [...new Set(all.body.data.map((p) => p.category))];
    expect(categories.length).toBeGreaterThan(1);
    let sum = 0;
    for (const category of categories) {
      const page = await call<ListBody<ProductBody>>(
        targets.url,
        "GET",
        `/api/v1/products?limit=100&category=${category}`,
      );
      expect(page.body.data.every((p) => p.category === category)).toBe(true);
      sum += page.body.page.total;
    }
    expect(sum).toBe(PRODUCTS);
  });

  it.each([
    { path: "/api/v1/products/1", status: 200 },
    { path: `/api/v1/products/${PRODUCTS + 1}`, status: 404 },
    { path: "/api/v1/products/x", status: 404 },
    { path: "/api/v1/products?limit=500", status: 400 },
    { path: "/api/v1/products?sort=-id", status: 400 },
  ])("GET $path → $status", async ({ path, status }) => {
    expect((await call(targets.url, "GET", path)).status).toBe(status);
  });
});

describe("orders", () => {
  it("creates a PENDING order that the worker marks PAID after the delay", async () => {
    const items = [
      { productId: 3, quantity: 2 },
      { productId: 7, quantity: 1 },
      { productId: 3, quantity: 1 },
    ];
    // Ground truth for the total: prices read through the products API.
    let expectedTotal = 0;
    for (const item of items) {
      const product = await call<ProductBody>(
        targets.url,
        "GET",
        `/api/v1/products/${item.productId}`,
      );
      expectedTotal += product.body.priceCents * item.quantity;
    }
    const before = performance.now();
    const created = await call<{ orderId: string }>(targets.url, "POST", "/orders", {
      userId: 2,
      items,
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(["orderId"]);
    expect(created.headers.get("location")).toBe(`/orders/${created.body.orderId}`);

    const pending = await call<OrderBody>(targets.url, "GET", `/orders/${created.body.orderId}`);
    expect(pending.body).toMatchObject({
      userId: 2,
      items,
      totalAmount: expectedTotal,
      status: "PENDING",
    });
    expect(pending.body.paidAt).toBeUndefined();

    let order = pending.body;
    const deadline = before + ORDER_DELAY_MS + 5_000;
    while (order.status !== "PAID" && performance.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      order = (await call<OrderBody>(targets.url, "GET", `/orders/${created.body.orderId}`)).body;
    }
    const elapsedMs = performance.now() - before;
    expect(order.status).toBe("PAID");
    expect(elapsedMs).toBeGreaterThanOrEqual(ORDER_DELAY_MS - 5);
    const paidAfterMs = Date.parse(order.paidAt ?? "") - Date.parse(order.createdAt);
    expect(paidAfterMs).toBeGreaterThanOrEqual(ORDER_DELAY_MS - 5);
  });

  it.each([
    { name: "malformed JSON", body: "{", status: 400 },
    { name: "no items", body: { userId: 1, items: [] }, status: 422 },
    {
      name: "unknown product",
      body: { userId: 1, items: [{ productId: 999, quantity: 1 }] },
      status: 422,
    },
    {
      name: "unknown user",
      body: { userId: 999, items: [{ productId: 1, quantity: 1 }] },
      status: 422,
    },
    {
      name: "zero quantity",
      body: { userId: 1, items: [{ productId: 1, quantity: 0 }] },
      status: 422,
    },
    {
      name: "string userId",
      body: { userId: "1", items: [{ productId: 1, quantity: 1 }] },
      status: 422,
    },
  ])("POST /orders with $name → $status", async ({ body, status }) => {
    const result = await call<{ error: string }>(targets.url, "POST", "/orders", body);
    expect(result.status).toBe(status);
    expect(result.body.error).toEqual(expect.any(String));
  });

  it("answers 404 for an unknown order", async () => {
    expect(
      (await call(targets.url, "GET", "/orders/00000000-0000-0000-0000-000000000000")).status,
    ).toBe(404);
  });
});
