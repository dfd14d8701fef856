/** Small helpers shared by the loopback servers: listen, close, read bodies, Basic auth. */
import type { IncomingMessage, Server } from "node:http";
import { LOOPBACK } from "./ports";

/** Listens on 127.0.0.1 and a free port chosen by the OS; returns the port. */
export function listenLoopback(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port }, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("server has no TCP address"));
      else resolve(address.port);
    });
  });
}

/** Closes the server and every open connection (keep-alive and hung ones included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads a request body (capped, for tests only). */
export async function readBody(req: IncomingMessage, cap = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > cap) throw new Error(`request body over ${cap} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Decodes `Authorization: Basic …`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** `Authorization: Basic …` header value. */
export function basicAuthHeader(user: string, pass: string): string {
  return "Basic " + Buffer.from(`${user}:${pass}`, "utf8").toString("base64");
}

/** A distribution-spec error envelope: {"errors":[{code,message,detail}]}. */
export function distributionError(code: string, message: string, detail?: unknown): string {
  return JSON.stringify({ errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
}
