import http from "node:http";
import type { AddressInfo } from "node:net";

export interface AuthProxy {
  /** `http://127.0.0.1:port`: a Prometheus that demands credentials. */
  url: string;
  /** Requests that carried the expected header values, by path (`/api/v1/write`, `/api/v1/query`). */
  accepted: Map<string, number>;
  /** Requests refused with 401, by path. */
  refused: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Stands in front of a real Prometheus the way an authenticating gateway
 * does: a request without every `required` header value is refused with 401
 * (without echoing what it got); one with them is forwarded as it is.
 */
export async function startAuthProxy(
  upstreamUrl: string,
  required: Readonly<Record<string, string>>,
): Promise<AuthProxy> {
  const upstream = new URL(upstreamUrl);
  const accepted = new Map<string, number>();
  const refused = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const ok = Object.entries(required).every(
      ([name, value]) => req.headers[name.toLowerCase()] === value,
    );
    if (!ok) {
      bump(refused, pathname);
      req.resume();
      res.writeHead(401, { "content-type": "text/plain" }).end("unauthorized");
      return;
    }
    bump(accepted, pathname);
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
