import { describe, expect, it } from "vitest";
import { targetsStart } from "../../src/commands/targets-start.js";

describe("targetsStart", () => {
  it("prints every URL, serves them, and stops when its signal aborts with SIGTERM", async () => {
    const listenersBefore = process.listeners("SIGTERM").length;
    const controller = new AbortController();
    let printed = "";
    const result = await targetsStart({
      port: "0",
      adminPort: 0,
      faults: "latency=1ms,seed=3",
      orderDelayMs: "50",
      write: (text) => (printed += text),
      signal: controller.signal,
    });
    const { url, adminUrl } = result.targets;
    for (const expected of [
      `${url}/api/v1/users`,
      `${url}/api/v1/products`,
      `${url}/orders`,
      `${url}/health/ready`,
      `${url}/metrics`,
      `${adminUrl}/admin/faults`,
      "latency=1ms,seed=3",
    ]) {
      expect(printed).toContain(expected);
    }
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${adminUrl}/admin/faults`)).status).toBe(200);

    // As the CLI does on SIGTERM; the command itself never touches the process's signals.
    expect(process.listeners("SIGTERM").length).toBe(listenersBefore);
    controller.abort("SIGTERM");
    expect(await result.stopped).toEqual({ signal: "SIGTERM" });
    expect(printed).toContain("SIGTERM: stopping the targets");
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });

  it("stops on request without a signal", async () => {
    const result = await targetsStart({
      port: 0,
      adminPort: 0,
      write: () => undefined,
    });
    await result.stop();
    expect(await result.stopped).toEqual({ signal: null });
  });

  it.each([
    { options: { port: "http" }, mentions: "--port http" },
    { options: { port: 70000 }, mentions: "--port 70000" },
    { options: { adminPort: "-1" }, mentions: "--admin-port -1" },
    { options: { orderDelayMs: "soon" }, mentions: "--order-delay-ms soon" },
    { options: { rateLimitRps: "x" }, mentions: "--rate-limit-rps x" },
    { options: { rateLimitRps: 10, rateLimitBurst: 0.5 }, mentions: "--rate-limit-burst 0.5" },
  ])("refuses $options naming the flag", async ({ options, mentions }) => {
    const error = await targetsStart({
      ...options,
      write: () => undefined,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "TARGET_BAD_OPTION" });
    expect((error as Error).message).toContain(mentions);
  });
});
