import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  query: string;
  /** Evaluation time, Unix seconds. */
  time: number;
  headers: http.IncomingHttpHeaders;
}

export interface FakeAnswer {
  status: number;
  /** An object is sent as JSON; a string as it is. */
  body: unknown;
  contentType?: string;
  /** Wait this long before answering (a slow Prometheus). */
  delayMs?: number;
  /** Send headers and half the body, then stall until the socket is closed. */
  stall?: boolean;
}

export interface FakePrometheus {
  url: string;
  requests: FakeRequest[];
  setHandler(handler: (request: FakeRequest) => FakeAnswer): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers /api/v1/query the way a test tells it
 * to: Prometheus' error shapes, partial answers, odd values, slowness.
 */
export async function startFakePrometheus(): Promise<FakePrometheus> {
  const requests: FakeRequest[] = [];
  let handler: (request: FakeRequest) => FakeAnswer = () => ({ status: 404, body: "no handler" });
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const param = (name: string) => url.searchParams.get(name) ?? form.get(name) ?? "";
      if (!url.pathname.endsWith("/api/v1/query")) {
        res.writeHead(404).end();
        return;
      }
      const request = { query: param("query"), time: Number(param("time")), headers: req.headers };
      requests.push(request);
      const answer = handler(request);
      const send = () => {
        const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" });
        if (answer.stall) {
          res.write(text.slice(0, Math.floor(text.length / 2)));
          return;
        }
        res.end(text);
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send();
        }, answer.delayMs);
        timers.add(timer);
      } else {
        send();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A successful instant-vector answer with one series per value. */
export function vectorBody(time: number, values: string[], extra: object = {}): object {
  return {
    status: "success",
    data: {
      resultType: "vector",
      result: values.map((value, i) => ({ metric: { endpoint: `/r${i}` }, value: [time, value] })),
    },
    ...extra,
  };
}

/** `up` samples once a second over [fromSeconds, toSeconds], all 1: a complete scrape record. */
export function fullUpMatrix(fromSeconds: number, toSeconds: number): object {
  const values: [number, string][] = [];
  for (let t = Math.ceil(fromSeconds); t <= toSeconds; t++) values.push([t, "1"]);
  return {
    status: "success",
    data: {
      resultType: "matrix",
      result: [{ metric: { __name__: "up", instance: "127.0.0.1:1" }, values }],
    },
  };
}
