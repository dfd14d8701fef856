/** The transport's settings: timeouts, size and concurrency limits, the request kinds counted. */
import type { Dispatcher } from "undici";

export interface Timeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Idle time between body chunks. */
  bodyMs: number;
  /** Whole exchange, redirects included. */
  requestMs: number;
  /** A `docker-credential-<x> get` run. */
  credentialHelperMs: number;
}

export interface Limits {
  maxManifestBytes: number;
  maxConfigBytes: number;
  maxBlobBytes: number;
  maxTokenBytes: number;
  maxHubBytes: number;
  maxErrorBodyBytes: number;
  perHostConcurrency: number;
  maxRedirects: number;
  /** 5xx retry delay: base × (0.5 … 1.5). */
  retryBaseDelayMs: number;
  /** Block after a 429 that says neither when it resets nor its window. */
  rateLimitCooldownMs: number;
  /** A token is renewed this long before it expires (capped at a tenth of its lifetime). */
  tokenExpirySkewMs: number;
  /** How long a credential lookup (config file / helper run) is reused. */
  credentialCacheMs: number;
  /** Pages of a tag list (registry or Hub) read at most. */
  maxTagPages: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  // A registry that takes no connection or sends no headers within these is "not answering":
  // said within ~5 s instead of stalling its images for 30 s (issue 12).
  connectMs: 4_000,
  headersMs: 5_000,
  bodyMs: 15_000,
  requestMs: 60_000,
  credentialHelperMs: 10_000,
};

export const DEFAULT_LIMITS: Limits = {
  maxManifestBytes: 4 * 1024 * 1024, // distribution's own manifest limit
  maxConfigBytes: 8 * 1024 * 1024,
  maxBlobBytes: 32 * 1024 * 1024,
  maxTokenBytes: 64 * 1024, // ggcr maxTokenBodySize
  maxHubBytes: 8 * 1024 * 1024,
  maxErrorBodyBytes: 64 * 1024, // ggcr maxErrorBodySize
  perHostConcurrency: 8,
  maxRedirects: 5,
  retryBaseDelayMs: 200,
  rateLimitCooldownMs: 60_000,
  tokenExpirySkewMs: 10_000,
  credentialCacheMs: 5 * 60_000,
  maxTagPages: 10,
};

export type LogLevel = "debug" | "info" | "warn" | "error";
/** Receives log lines. Every line passes the redactor first: no secret reaches it. */
export type RegistryLog = (level: LogLevel, message: string) => void;

export type RequestKind =
  "ping" | "head-manifest" | "get-manifest" | "get-blob" | "get-tags" | "token" | "hub-api";
export const REQUEST_KINDS: readonly RequestKind[] = [
  "ping",
  "head-manifest",
  "get-manifest",
  "get-blob",
  "get-tags",
  "token",
  "hub-api",
];

export interface TransportOptions {
  /** Use this undici dispatcher for everything (proxy and CA options are then ignored). */
  dispatcher?: Dispatcher;
  /** Proxy URL from the editor (VS Code `http.proxy`); overrides HTTPS_PROXY / HTTP_PROXY. */
  proxy?: string;
  /** Hosts that bypass the proxy, added to NO_PROXY (VS Code `http.noProxy`). */
  noProxy?: readonly string[];
  /** Extra CA certificates (PEM), trusted in addition to Node's bundled roots. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** A PEM file of extra CA certificates. */
  caFile?: string;
  /** Offer HTTP/2 on direct TLS connections (ALPN h2, http/1.1). Default true; false: HTTP/1.1 only. */
  http2?: boolean;
  /** `host[:port]` of registries spoken to over plain http (credentials allowed there too). */
  insecureRegistries: readonly string[];
  dockerConfigDir?: string;
  allowCredentialHelpers: boolean;
  timeouts: Timeouts;
  limits: Limits;
  log: RegistryLog;
  now: () => number;
  random: () => number;
  env: Record<string, string | undefined>;
  userAgent: string;
}
