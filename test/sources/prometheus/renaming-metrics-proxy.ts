import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RenamingProxy {
  /** `127.0.0.1:port`: give this to Prometheus as the scrape target. */
  target: string;
  close(): Promise<void>;
}

export interface Renames {
  /** Metric base name → new base name; `_bucket`, `_sum`, `_count` and `_created` follow. */
  metrics: Readonly<Record<string, string>>;
  /** Label name → new label name. */
  labels: Readonly<Record<string, string>>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Serves a real service's /metrics under other names: the same samples as
 * another vendor's service would expose them (other metric and label names),
 * so a test can show that a profile's `prometheus:` section finds them and
 * the seed's default names do not.
 */
export async function startRenamingProxy(
  upstreamUrl: string,
  renames: Renames,
): Promise<RenamingProxy> {
  const rename = (text: string): string => {
    let out = text;
    for (const [from, to] of Object.entries(renames.metrics)) {
      out = out.replace(
        new RegExp(`(^|[\\s])${escapeRegex(from)}(_bucket|_sum|_count|_created)?(?=[\\s{])`, "gm"),
        (_match, before: string, suffix: string | undefined) => `${before}${to}${suffix ?? ""}`,
      );
    }
    for (const [from, to] of Object.entries(renames.labels)) {
      out = out.replace(new RegExp(`([{,])${escapeRegex(from)}="`, "g"), `$1${to}="`);
    }
    return out;
  };
  const server = http.createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    fetch(`${upstreamUrl}/metrics`)
      .then(async (upstream) => {
        const body = await upstream.text();
        res.writeHead(upstream.status, { "content-type": "text/plain; version=0.0.4" });
        res.end(rename(body));
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
