/**
 * Free loopback ports. The OS picks one (listen on port 0), we close the probe and hand the
 * number on. Another process may grab it in between, so launchers that bind in a child process
 * retry with a fresh port when the child fails to start (see registry.ts).
 */
import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const address = probe.address();
      if (address === null || typeof address === "string") {
        probe.close();
        reject(new Error("freePort: listening socket has no port"));
        return;
      }
      const { port } = address;
      probe.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
