/** The registry client's options and the shapes its calls take and return. */
import type { Dispatcher } from "undici";
import type { Descriptor, Platform } from "../oci/types";
import type { FetchedManifest } from "./manifest";
import type { RateLimitInfo } from "./ratelimit";
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from "./http/options";
import type { Limits, RegistryLog, Timeouts, TransportOptions } from "./http/options";
import type { HostAuthStore } from "./auth/hostAuth";

export interface RegistryClientOptions {
  /** An undici dispatcher for every request (then `proxy`, `ca`, `caFile` are not used). */
  dispatcher?: Dispatcher;
  /** VS Code's `http.proxy`; else HTTPS_PROXY / HTTP_PROXY / NO_PROXY from `env`. */
  proxy?: string;
  /** VS Code's `http.noProxy`, added to NO_PROXY. */
  noProxy?: readonly string[];
  /** Extra CA certificates (PEM), trusted in addition to Node's roots. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  caFile?: string;
  /**
   * Offer HTTP/2 (ALPN) on direct TLS connections; a registry that picks it gets all its requests
   * multiplexed on one connection. Default true; false: HTTP/1.1 only. Proxied requests are HTTP/1.1.
   */
  http2?: boolean;
  /** `host[:port]` spoken to over plain http. Loopback registries always are. */
  insecureRegistries?: readonly string[];
  /** Mirror URLs for docker.io, tried in order before Docker Hub (e.g. `https://mirror.gcr.io`). */
  registryMirrors?: readonly string[];
  /** Docker Hub web API base URL. Default https://hub.docker.com. */
  hubApiUrl?: string;
  /**
   * Docker Hub's registry API origin. Default https://registry-1.docker.io; tests point it at a
   * loopback registry (credentials are still looked up under Docker Hub's key).
   */
  hubRegistryUrl?: string;
  /** Where config.json lives, instead of $DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir?: string;
  /** false in an untrusted workspace: no `docker-credential-*` program is run. */
  allowCredentialHelpers: boolean;
  timeouts?: Partial<Timeouts>;
  limits?: Partial<Limits>;
  /** Log sink; lines are redacted before they get here. */
  log?: RegistryLog;
  /** Remembers each host's auth scheme across restarts (the disk cache), so no request is a probe. */
  hostAuthStore?: HostAuthStore;
  /** Environment for proxies and credentials (default process.env). */
  env?: Record<string, string | undefined>;
  /** Clock (epoch ms) for token expiry, rate-limit windows and credential caching. */
  now?: () => number;
  /** Jitter source in [0, 1) for the retry delay. */
  random?: () => number;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ResolveOptions extends CallOptions {
  /** `linux/arm64/v8` or a Platform: also pick that platform's manifest from an index. */
  platform?: string | Platform;
  /**
   * A cold tag (nothing cached to revalidate): GET the manifest by tag and hash the exact bytes,
   * one request for the digest and the manifest (`Resolved.manifest`), instead of HEAD then GET.
   * While the host's manifest downloads are paused by a pull limit (Docker Hub counts GETs, not
   * HEADs) it is a HEAD after all, so the digest is still checked. Default: HEAD first.
   */
  fetch?: boolean;
}

export interface Resolved {
  /** The digest the reference points at: the index digest for multi-platform images. */
  digest: string;
  mediaType: string;
  kind: "index" | "image";
  size?: number;
  /** The platform's entry in the index, when a platform was asked and the digest is an index. */
  platform?: Descriptor;
  source: {
    host: string;
    mirror: boolean;
    /** HEAD: digest header; GET: body hashed (no digest header, or a mirror). */
    method: "HEAD" | "GET";
  };
  /** The last rate-limit headers seen from that host, if it sends them. */
  rateLimit?: RateLimitInfo;
  /** The manifest itself, verified, when resolving fetched it (a GET: a mirror, `fetch`, no digest header). */
  manifest?: FetchedManifest;
}

/** The transport's options from the client's, defaults filled in. */
export function transportOptions(options: RegistryClientOptions): TransportOptions {
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  return {
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...(options.noProxy ? { noProxy: options.noProxy } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.caFile ? { caFile: options.caFile } : {}),
    http2: options.http2 ?? true,
    ...(options.dockerConfigDir ? { dockerConfigDir: options.dockerConfigDir } : {}),
    insecureRegistries: options.insecureRegistries ?? [],
    allowCredentialHelpers: options.allowCredentialHelpers,
    timeouts,
    limits,
    log: options.log ?? ((): void => undefined),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    env: options.env ?? process.env,
    userAgent: options.userAgent ?? "from-lens (+https://github.com/from-lens)",
  };
}
