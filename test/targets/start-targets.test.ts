import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { TargetError } from "../../src/errors.js";
import { startTargets } from "../../src/targets/start-targets.js";
import { call } from "./http-client.js";

function countTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("startTargets", () => {
  it("resolves once ready and reports both URLs on loopback", async () => {
    const targets = await startTargets();
    try {
      expect(targets.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(targets.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(targets.url, "GET", "/health/ready")).body).toEqual({ status: "ready" });
      expect((await call(targets.url, "GET", "/health/live")).status).toBe(200);
    } finally {
      await targets.close();
    }
  });

  it.each(["port", "adminPort"] as const)(
    "refuses a %s in use with TARGET_PORT_IN_USE",
    async (which) => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as AddressInfo).port;
      try {
        const error = await startTargets({ [which]: port }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TargetError);
        expect((error as TargetError).code).toBe("TARGET_PORT_IN_USE");
        expect((error as TargetError).message).toContain(String(port));
        expect((error as TargetError).message).not.toContain("\n");
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );

  it("refuses a bad fault spec before listening", async () => {
    await expect(startTargets({ faults: "error=lots" })).rejects.toMatchObject({
      code: "TARGET_BAD_FAULT_SPEC",
    });
  });

  it("closes promptly with keep-alive sockets, a delayed request and a queued order", async () => {
    const timersBefore = countTimers();
    const targets = await startTargets({ orderProcessingDelayMs: 60_000, faults: "none" });
    // A keep-alive socket left idle by fetch, and an order the worker will not reach.
    const order = await call(targets.url, "POST", "/orders", {
      userId: 1,
      items: [{ productId: 1, quantity: 1 }],
    });
    expect(order.status).toBe(201);
    // A request stuck in a 60 s injected delay.
    targets.setFaults("latency=60s");
    const stuck = fetch(`${targets.url}/api/v1/users/1`).then(
      () => "answered",
      () => "cut",
    );
    const begin = performance.now();
    await targets.close();
    expect(performance.now() - begin).toBeLessThan(2_000);
    expect(await stuck).toBe("cut");
    expect(countTimers()).toBeLessThanOrEqual(timersBefore);
    await expect(fetch(`${targets.url}/health/live`)).rejects.toThrow();
    await expect(fetch(`${targets.adminUrl}/admin/faults`)).rejects.toThrow();
    // close() is idempotent.
    await targets.close();
  });

  it("closes when the order worker's batch is waiting out an injected database delay", async () => {
    const targets = await startTargets({ orderProcessingDelayMs: 0, faults: "none" });
    const order = await call(targets.url, "POST", "/orders", {
      userId: 1,
      items: [{ productId: 1, quantity: 1 }],
    });
    expect(order.status).toBe(201);
    // Orders created from now on are paid at once, through a store that takes 400 ms per call.
    targets.setFaults("db=400ms");
    const slow = await call(targets.url, "POST", "/orders", {
      userId: 1,
      items: [{ productId: 1, quantity: 1 }],
    });
    expect(slow.status).toBe(201);
    // The worker's markOrderPaid is now inside the 400 ms delay.
    const begin = performance.now();
    const closed = await Promise.race([
      targets.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(resolve, 5_000, "hung")),
    ]);
    expect(closed).toBe("closed");
    expect(performance.now() - begin).toBeLessThan(2_000);
  });
});
