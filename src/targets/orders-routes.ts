import type { OrderWorker } from "./order-worker.js";
import { HttpProblem, replyError, replyJson, type RouteDefinition } from "./reply.js";
import type { OrderItem, TargetStorage } from "./storage/storage.js";

const MAX_ITEMS = 100;
const MAX_QUANTITY = 1000;

/**
 * The serverless orders example: POST /orders stores a PENDING order and
 * queues it for the payment worker; GET /orders/:orderId reads it back.
 */
export function createOrderRoutes(storage: TargetStorage, worker: OrderWorker): RouteDefinition[] {
  return [
    {
      method: "POST",
      template: "/orders",
      api: true,
      handler: async ({ body }) => {
        const { userId, items } = readOrder(body);
        const [user, products] = await Promise.all([
          storage.getUser(userId),
          storage.getProducts([...new Set(items.map((item) => item.productId))]),
        ]);
        if (user === undefined) throw new HttpProblem(422, `no user with id ${userId}`, "userId");
        let totalAmount = 0;
        items.forEach((item, i) => {
          const product = products.get(item.productId);
          if (product === undefined) {
            throw new HttpProblem(
              422,
              `no product with id ${item.productId}`,
              `items[${i}].productId`,
            );
          }
          totalAmount += product.priceCents * item.quantity;
        });
        const order = await storage.createOrder({ userId, items, totalAmount });
        worker.enqueue(order.orderId);
        return replyJson(201, { orderId: order.orderId }, { location: `/orders/${order.orderId}` });
      },
    },
    {
      method: "GET",
      template: "/orders/:orderId",
      api: true,
      handler: async ({ params }) => {
        const order = await storage.getOrder(params.orderId ?? "");
        return order === undefined ? replyError(404, "no such order") : replyJson(200, order);
      },
    },
  ];
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function readOrder(body: unknown): { userId: number; items: OrderItem[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpProblem(422, "body must be a JSON object");
  }
  const { userId, items } = body as Record<string, unknown>;
  if (!isWhole(userId, 1, Number.MAX_SAFE_INTEGER)) {
    throw new HttpProblem(422, "userId must be a positive integer", "userId");
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
    throw new HttpProblem(422, `items must be a list of 1 to ${MAX_ITEMS} lines`, "items");
  }
  const lines = items.map((raw: unknown, i): OrderItem => {
    const { productId, quantity } = (typeof raw === "object" && raw !== null ? raw : {}) as Record<
      string,
      unknown
    >;
    if (!isWhole(productId, 1, Number.MAX_SAFE_INTEGER)) {
      throw new HttpProblem(422, "productId must be a positive integer", `items[${i}].productId`);
    }
    if (!isWhole(quantity, 1, MAX_QUANTITY)) {
      throw new HttpProblem(422, `quantity must be 1 to ${MAX_QUANTITY}`, `items[${i}].quantity`);
    }
    return { productId, quantity };
  });
  return { userId, items: lines };
}
