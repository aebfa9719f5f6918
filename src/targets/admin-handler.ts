import type { IncomingMessage, ServerResponse } from "node:http";
import { isToolError } from "../errors.js";
import { readFaultConfig } from "./faults/config.js";
import type { FaultInjector } from "./faults/injector.js";
import { formatFaultSpec, type FaultConfig } from "./faults/spec.js";

const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/**
 * The admin listener (bound to 127.0.0.1 only): GET /admin/faults returns
 * `{config, spec}`; PUT /admin/faults takes a FaultConfig as JSON (missing
 * fields reset to no fault, so `{}` clears everything) or, with
 * Content-Type text/plain, a fault spec string such as `error=0.1,seed=7`.
 */
export function createAdminHandler(
  faults: FaultInjector,
  parseSpec: (spec: string) => FaultConfig,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/admin/faults") {
      answer(res, 404, { error: "no such admin route; use /admin/faults" });
      return;
    }
    if (req.method === "GET") {
      answer(res, 200, describe(faults.get()));
      return;
    }
    if (req.method !== "PUT") {
      res.setHeader("allow", "GET, PUT");
      answer(res, 405, { error: "use GET or PUT on /admin/faults" });
      return;
    }
    void readText(req).then(
      (text) => {
        try {
          const isSpec = (req.headers["content-type"] ?? "").startsWith("text/plain");
          faults.set(isSpec ? parseSpec(text) : readFaultConfig(parseJson(text)));
          answer(res, 200, describe(faults.get()));
        } catch (error) {
          const message = isToolError(error) ? error.message : String(error);
          answer(res, 400, { error: message });
        }
      },
      (error: unknown) => answer(res, 413, { error: String(error) }),
    );
  };
}

function describe(config: FaultConfig): { config: FaultConfig; spec: string } {
  return { config, spec: formatFaultSpec(config) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `malformed JSON body: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ADMIN_BODY_BYTES) {
        req.removeAllListeners("data");
        reject(new Error(`admin body above ${MAX_ADMIN_BODY_BYTES} bytes`));
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
