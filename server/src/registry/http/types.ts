/** One HTTP exchange's request and response, and the header helpers. */
import type { HeaderBag } from "../ratelimit";
import type { RequestKind } from "./options";

export interface HttpRequest {
  url: URL;
  method: "GET" | "HEAD" | "POST";
  headers?: Record<string, string>;
  body?: string;
  kind: RequestKind;
  /**
   * Cap for a 2xx body; error bodies are capped at `maxErrorBodyBytes` (and truncated, not refused).
   * With a `sink`, the first `maxBytes` of the body are delivered and the rest is not read.
   */
  maxBytes: number;
  signal?: AbortSignal;
  /** Stream a 2xx body into this instead of buffering it (error bodies are still buffered). */
  sink?: BodySink;
  /**
   * The request carries a credential that cannot be stripped off on the way (a token POST's
   * `refresh_token` body, a token GET's Basic header): a redirect to another origin, or to plain
   * http other than loopback / `insecureRegistries`, is refused instead of followed.
   */
  credentialBound?: boolean;
  /** Served before the host's other waiting requests (a tag's digest, a token). */
  urgent?: boolean;
}

/**
 * Receives a 2xx body chunk by chunk, in order (a layer read without holding the layer). The
 * transport awaits each `write`, so a slow consumer slows the download instead of buffering it.
 */
export interface BodySink {
  /** Resolves false to stop: the rest of the body is not read and the connection is dropped. */
  write(chunk: Uint8Array): boolean | Promise<boolean>;
}

export interface HttpResponse {
  status: number;
  headers: HeaderBag;
  /** Empty when the body went to a sink. */
  body: Uint8Array;
  /** The URL that answered (after redirects). */
  url: URL;
  /** Set when the body went to a sink: bytes delivered, and whether that was the whole body. */
  streamed?: { bytes: number; complete: boolean };
}

/** `host[:port]` as used for counters, rate limits and concurrency. */
export function hostOf(url: URL): string {
  return url.host;
}

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function headerValues(headers: HeaderBag, name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function normaliseRegistryHost(h: string): string {
  return h
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}
