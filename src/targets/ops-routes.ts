import type { ServiceMetrics } from "./metrics.js";
import { replyJson, type RouteDefinition } from "./reply.js";

/** /health/live, /health/ready and /metrics: never rate limited, never faulted. */
export function createOpsRoutes(
  metrics: ServiceMetrics,
  isReady: () => Promise<boolean>,
): RouteDefinition[] {
  return [
    {
      method: "GET",
      template: "/health/live",
      api: false,
      handler: () => replyJson(200, { status: "live" }),
    },
    {
      method: "GET",
      template: "/health/ready",
      api: false,
      handler: async () =>
        (await isReady().catch(() => false))
          ? replyJson(200, { status: "ready" })
          : replyJson(503, { status: "not ready" }),
    },
    {
      method: "GET",
      template: "/metrics",
      api: false,
      handler: async () => ({
        kind: "text",
        status: 200,
        text: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      }),
    },
  ];
}
