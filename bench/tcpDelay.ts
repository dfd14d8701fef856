/**
 * A TCP proxy that delays every chunk the client sends by `delayMs` (in order) and passes the
 * server's answers straight back: a link with that round-trip time, for TLS it cannot read (the
 * counting proxy of the resolve bench speaks HTTP and so cannot stand in front of TLS). Each new
 * connection pays the delay for its TLS handshake too (ClientHello, then client Finished), and
 * every request once. It counts the connections it accepted.
 */
import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

export interface DelayProxy {
  /** 127.0.0.1:PORT */
  host: string;
  /** Connections accepted since the last `reset()`. */
  connections(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startDelayProxy(upstreamPort: number, delayMs: number): Promise<DelayProxy> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect({ host: "127.0.0.1", port: upstreamPort });
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // Chunks leave in order, each `delayMs` after it arrived.
    let last = 0;
    client.on("data", (chunk: Buffer) => {
      const at = Math.max(performance.now() + delayMs, last);
      last = at;
      const send = (): void => void (upstream.destroyed || upstream.write(chunk));
      if (delayMs <= 0) send();
      else setTimeout(send, at - performance.now());
    });
    client.on("end", () => setTimeout(() => upstream.end(), Math.max(0, last - performance.now())));
    upstream.pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // The upstream's end reaches the client through pipe(); a closed client ends it all.
    client.on("error", close).on("close", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    connections: () => accepted,
    reset: () => void (accepted = 0),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
