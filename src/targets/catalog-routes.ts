import { formatPage, readPageRequest, readParam } from "./list-query.js";
import { HttpProblem, replyError, replyJson, type RouteDefinition } from "./reply.js";
import type { Product, TargetStorage } from "./storage/storage.js";

/** GET /api/v1/products (paged, ?category=) and GET /api/v1/products/:id over the seeded catalog. */
export function createCatalogRoutes(storage: TargetStorage): RouteDefinition[] {
  return [
    {
      method: "GET",
      template: "/api/v1/products",
      api: true,
      handler: async ({ query }) => {
        if (readParam(query, "sort") !== undefined) {
          throw new HttpProblem(400, "products are listed by id only; drop sort", "sort");
        }
        const category = readParam(query, "category");
        const page = readPageRequest(query, "id");
        const result = await storage.listProducts({
          ...(category === undefined ? {} : { category }),
          ...page,
        });
        const sort = { field: "id", descending: false, token: "id" };
        return replyJson(
          200,
          formatPage(result, page, sort, (p: Product) => p.id),
        );
      },
    },
    {
      method: "GET",
      template: "/api/v1/products/:id",
      api: true,
      handler: async ({ params }) => {
        const text = params.id ?? "";
        const product = /^[1-9]\d{0,14}$/.test(text)
          ? await storage.getProduct(Number(text))
          : undefined;
        return product === undefined ? replyError(404, "no such product") : replyJson(200, product);
      },
    },
  ];
}
