import http from "node:http";
import type { AddressInfo } from "node:net";

export interface MetricsProxy {
  /** `127.0.0.1:port`: give this to Prometheus as the scrape target. */
  target: string;
  /** While true, /metrics answers 503, so Prometheus records `up == 0` (a scrape gap). */
  setFailing(failing: boolean): void;
  /** Scrapes answered 503 so far. */
  failedScrapes(): number;
  close(): Promise<void>;
}

/**
 * Forwards /metrics to a real service and can fail on demand: a scrape gap
 * without stopping the service, so the same traffic is there to be judged.
 */
export async function startMetricsProxy(upstreamUrl: string): Promise<MetricsProxy> {
  let failing = false;
  let failed = 0;
  const server = http.createServer((req, res) => {
    if (failing) {
      failed++;
      res.writeHead(503).end("scrape blocked by test");
      return;
    }
    fetch(`${upstreamUrl}/metrics`)
      .then(async (upstream) => {
        const body = await upstream.text();
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "text/plain",
        });
        res.end(body);
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    setFailing: (value) => {
      failing = value;
    },
    failedScrapes: () => failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
