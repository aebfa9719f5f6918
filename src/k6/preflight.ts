import net from "node:net";
import { ConfigError } from "../errors.js";
import { redactUrl } from "../redact.js";

/** Parses a target URL or says, in one line, what is wrong with it. */
export function parseTargetUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ConfigError(
      "TARGET_INVALID",
      `--target ${JSON.stringify(target)} is not a URL; give e.g. http://127.0.0.1:8080`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      "TARGET_INVALID",
      `--target ${redactUrl(target)}: only http:// and https:// targets are supported`,
    );
  }
  return url;
}

/**
 * Connects to the target once before k6 starts: an unreachable target is a
 * one-line error, not a k6 run whose every request failed.
 */
export async function checkTargetReachable(target: string, timeoutMs = 3000): Promise<void> {
  const url = parseTargetUrl(target);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
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
