import http from "node:http";
import type { AddressInfo } from "node:net";

export interface MetricsServer {
  /** `127.0.0.1:port`, as a Prometheus scrape target. */
  target: string;
  /** How many times /metrics was fetched. */
  scrapes(): number;
  /** Next scrapes answer 503 (Prometheus records `up == 0`) until resumed. */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

/**
 * The smallest /metrics endpoint: one counter that rises by one per scrape,
 * so a test knows exactly what Prometheus must have stored.
 */
export async function startMetricsServer(): Promise<MetricsServer> {
  let count = 0;
  let failing = false;
  const server = http.createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    if (failing) {
      response.writeHead(503).end("down");
      return;
    }
    count++;
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    response.end(
      `# HELP test_scrapes_total Scrapes served.\n# TYPE test_scrapes_total counter\ntest_scrapes_total ${count}\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => count,
    setFailing: (value) => {
      failing = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
