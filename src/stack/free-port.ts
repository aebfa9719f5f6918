import net from "node:net";

/**
 * A TCP port that was free on `host` a moment ago: bound on port 0, read and
 * released. Another process can take it before the caller binds it, so
 * callers of a child process that must be given a fixed port retry on
 * "address already in use".
 */
export function pickFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
