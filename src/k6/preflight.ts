import net from "node:net";
import { ConfigError } from "../errors.js";
import { redactUrl } from "../redact.js";
import { parseHttpUrl, portOf } from "../url.js";

/** Parses a target URL or says, in one line, what is wrong with it. */
export function parseTargetUrl(target: string): URL {
  return parseHttpUrl(target, {
    what: "--target",
    code: "TARGET_INVALID",
    example: "http://127.0.0.1:8080",
  });
}

/**
 * Connects to the target once before k6 starts: an unreachable target is a
 * one-line error, not a k6 run whose every request failed.
 */
export async function checkTargetReachable(target: string, timeoutMs = 3000): Promise<void> {
  const url = parseTargetUrl(target);
  const port = portOf(url);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new ConfigError(
          "TARGET_UNREACHABLE",
          `target ${redactUrl(target)} is unreachable (${reason}); start the service or fix --target`,
        ),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
  });
}
