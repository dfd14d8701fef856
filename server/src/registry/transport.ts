/**
 * HTTP to registries with undici, and the registry auth dance on top of it.
 *
 * `HttpTransport.send` is one exchange: a dispatcher chosen per URL (direct Agent, or ProxyAgent
 * per NO_PROXY), connect / headers / body / overall timeouts, a body-size cap, a per-host
 * concurrency limit, redirects followed by hand so `Authorization` never leaves the origin it
 * belongs to nor goes over plain http (except loopback and `insecureRegistries`), request counting
 * per host and kind, rate-limit headers observed and a 429-blocked host refused without a request.
 *
 * `RegistrySession.fetch` is one registry request (go-containerregistry's transport: ping →
 * basic or bearer → bounded retry): anonymous first on a host it has not met (that request is the
 * ping), then Basic or a Bearer token from the `WWW-Authenticate` challenge; tokens cached per
 * (realm, service, scopes) until `expires_in`; on a 401 one refresh and one retry, never more; on a
 * 5xx or a dropped connection one retry after a jittered delay; on a 429 the host is blocked until
 * its reset and nothing is retried. Identical in-flight requests coalesce into one.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import { Agent, ProxyAgent } from "undici";
import type { Dispatcher } from "undici";
import { parseChallenges, pickChallenge, pullScope, toBearerChallenge } from "./challenge";
import { lookupCredentials, secretsOf } from "./credentials";
import type { Credential, CredentialLookup } from "./credentials";
import {
  RegistryError,
  badResponse,
  cancelledError,
  err,
  errorCode,
  fromNetworkError,
  internalError,
  loginCommand,
  ok,
  rateLimitedError,
  redactText,
  redactUrl,
  timeoutError,
  toResolveError,
  tokenRealmNotFoundError,
} from "./errors";
import type { ErrorContext, ResolveError, Result } from "./errors";
import { isLoopbackHost, proxyFor } from "./proxy";
import { RateLimitTracker } from "./ratelimit";
import type { HeaderBag } from "./ratelimit";

// ---------------------------------------------------------------------------------------------
// Options

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

// ---------------------------------------------------------------------------------------------
// Counters

export type RequestCounts = Record<RequestKind, number>;

function zeroCounts(): RequestCounts {
  return {
    ping: 0,
    "head-manifest": 0,
    "get-manifest": 0,
    "get-blob": 0,
    "get-tags": 0,
    token: 0,
    "hub-api": 0,
  };
}

/** Requests sent, per host and kind (retries and redirect hops each count). */
export class RequestCounters {
  private readonly byHost = new Map<string, RequestCounts>();

  increment(host: string, kind: RequestKind): void {
    let c = this.byHost.get(host);
    if (!c) {
      c = zeroCounts();
      this.byHost.set(host, c);
    }
    c[kind]++;
  }

  /** `{ "registry-1.docker.io": { "head-manifest": 3, … }, … }` — a copy. */
  snapshot(): Record<string, RequestCounts> {
    const out: Record<string, RequestCounts> = {};
    for (const [h, c] of this.byHost) out[h] = { ...c };
    return out;
  }

  /** Total over all hosts, for one kind or all kinds. */
  total(kind?: RequestKind): number {
    let n = 0;
    for (const c of this.byHost.values()) n += kind ? c[kind] : REQUEST_KINDS.reduce((s, k) => s + c[k], 0);
    return n;
  }

  reset(): void {
    this.byHost.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Small concurrency tools

/**
 * A counting semaphore whose waiters can give up (AbortSignal). Urgent waiters (a tag's digest,
 * a token) are served before the others, so the digests of all visible tags go out before the
 * manifests and configs behind them (breadth first); among equals, first come first served.
 */
class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async acquire(signal: AbortSignal, urgent = false): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.active < this.max) {
      this.active++;
      return true;
    }
    const queue = urgent ? this.urgent : this.waiters;
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        signal.removeEventListener("abort", onAbort);
        this.active++;
        resolve(true);
      };
      const onAbort = (): void => {
        const i = queue.indexOf(wake);
        if (i >= 0) queue.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(wake);
    });
  }

  release(): void {
    this.active--;
    const next = this.urgent.shift() ?? this.waiters.shift();
    if (next) next();
  }
}

/**
 * Coalesces identical in-flight operations: the first caller starts the work, later callers with
 * the same key share its result. A caller whose signal aborts gets `cancelled` at once; the shared
 * work is aborted only when every caller has given up.
 */
export class Coalescer<T> {
  private readonly inflight = new Map<
    string,
    { promise: Promise<Result<T>>; waiters: number; controller: AbortController }
  >();

  get size(): number {
    return this.inflight.size;
  }

  run(
    key: string,
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    if (signal?.aborted) return Promise.resolve(err(cancelledError()));
    let entry = this.inflight.get(key);
    if (!entry) {
      const controller = new AbortController();
      // A throwing `work` must not reject every waiter: it becomes an error value.
      let started: Promise<Result<T>>;
      try {
        started = work(controller.signal);
      } catch (e) {
        started = Promise.resolve(err(internalError(e)));
      }
      const promise = started
        .catch((e: unknown): Result<T> => err(internalError(e)))
        .finally(() => {
          if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
        });
      entry = { promise, waiters: 0, controller };
      this.inflight.set(key, entry);
    }
    const e = entry;
    e.waiters++;
    if (!signal) return e.promise;
    return new Promise<Result<T>>((resolve) => {
      const onAbort = (): void => {
        e.waiters--;
        if (e.waiters === 0) {
          e.controller.abort();
          if (this.inflight.get(key) === e) this.inflight.delete(key);
        }
        resolve(err(cancelledError()));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void e.promise.then((r) => {
        signal.removeEventListener("abort", onAbort);
        resolve(r);
      });
    });
  }
}

/** Waits `ms`; false when `signal` aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// One HTTP exchange

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

export class HttpTransport {
  readonly counters = new RequestCounters();
  readonly rateLimits: RateLimitTracker;
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private directAgent: Dispatcher | undefined;
  private tlsReady: Promise<Result<readonly (string | Buffer)[] | undefined>> | undefined;
  private readonly secrets = new Set<string>();
  private readonly insecure: ReadonlySet<string>;
  private readonly warnedInsecureAuth = new Set<string>();
  /** Errors from a dropped connection, worth one retry (a keep-alive socket closed under us). */
  private readonly retryableErrors = new WeakSet<ResolveError>();

  constructor(readonly options: TransportOptions) {
    this.rateLimits = new RateLimitTracker(options.now, options.limits.rateLimitCooldownMs);
    this.insecure = new Set(options.insecureRegistries.map(normaliseRegistryHost));
  }

  /** Registers a secret so the log redactor removes it from every line. */
  addSecret(s: string): void {
    if (s.length >= 4) this.secrets.add(s);
  }

  log(level: LogLevel, message: string): void {
    try {
      this.options.log(level, redactText(message, this.secrets));
    } catch {
      /* a failing logger must not fail a request */
    }
  }

  isRetryable(e: ResolveError): boolean {
    return this.retryableErrors.has(e);
  }

  isInsecureRegistry(host: string): boolean {
    return this.insecure.has(normaliseRegistryHost(host));
  }

  /** http for `insecureRegistries` and loopback (as ggcr and the docker daemon do), else https. */
  schemeFor(host: string): "http" | "https" {
    if (this.isInsecureRegistry(host)) return "http";
    const hostname = new URL(`http://${host}`).hostname;
    return isLoopbackHost(hostname) ? "http" : "https";
  }

  /** Credentials may travel to this URL: https, loopback, or a registry the user listed as insecure. */
  mayCarryCredentials(url: URL): boolean {
    return url.protocol === "https:" || isLoopbackHost(url.hostname) || this.isInsecureRegistry(url.host);
  }

  async close(): Promise<void> {
    const all: Promise<void>[] = [];
    if (this.directAgent && this.directAgent !== this.options.dispatcher) all.push(this.directAgent.close());
    for (const a of this.proxyAgents.values()) all.push(a.close());
    this.proxyAgents.clear();
    this.directAgent = undefined;
    await Promise.allSettled(all);
  }

  private semaphore(host: string): Semaphore {
    let s = this.semaphores.get(host);
    if (!s) {
      s = new Semaphore(Math.max(1, this.options.limits.perHostConcurrency));
      this.semaphores.set(host, s);
    }
    return s;
  }

  private loadCa(): Promise<Result<readonly (string | Buffer)[] | undefined>> {
    this.tlsReady ??= (async (): Promise<Result<readonly (string | Buffer)[] | undefined>> => {
      const extra: (string | Buffer)[] = [];
      const { ca, caFile } = this.options;
      if (ca !== undefined)
        extra.push(...(Array.isArray(ca) ? (ca as readonly (string | Buffer)[]) : [ca as string | Buffer]));
      if (caFile) {
        try {
          extra.push(await readFile(caFile));
        } catch (e) {
          return err({
            kind: "network",
            message: `Cannot read the CA certificate file ${caFile} (${errorCode(e) ?? "error"}). Fix or remove the CA file setting.`,
          });
        }
      }
      // Node's `ca` replaces the default roots: keep them and add the user's.
      return ok(extra.length > 0 ? [...rootCertificates, ...extra] : undefined);
    })();
    return this.tlsReady;
  }

  /** The proxy URL a request to `url` goes through, if any (none with an injected dispatcher). */
  private proxyOf(url: URL): string | undefined {
    if (this.options.dispatcher) return undefined;
    return proxyFor(url, { proxy: this.options.proxy, noProxy: this.options.noProxy, env: this.options.env });
  }

  private async dispatcherFor(url: URL): Promise<Result<Dispatcher>> {
    if (this.options.dispatcher) return ok(this.options.dispatcher);
    const caResult = await this.loadCa();
    if (!caResult.ok) return caResult;
    const ca = caResult.value;
    const { timeouts, limits } = this.options;
    const proxy = this.proxyOf(url);
    if (proxy) {
      let agent = this.proxyAgents.get(proxy);
      if (!agent) {
        const tls = { timeout: timeouts.connectMs, ...(ca ? { ca: [...ca] } : {}) };
        agent = new ProxyAgent({
          uri: proxy,
          requestTls: tls,
          proxyTls: tls,
          connections: limits.perHostConcurrency,
        });
        this.proxyAgents.set(proxy, agent);
      }
      return ok(agent);
    }
    this.directAgent ??= new Agent({
      connect: { timeout: timeouts.connectMs, ...(ca ? { ca: [...ca] } : {}) },
      connections: limits.perHostConcurrency,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    return ok(this.directAgent);
  }

  /**
   * Feeds a body to a sink, at most `cap` bytes; stops when the sink says so. `complete` is true
   * when every byte was delivered (also when the sink stopped at the very last one, as the
   * Content-Length shows). Throws what reading throws (the caller maps it), like the buffered path.
   */
  private async stream(
    body: AsyncIterable<unknown> & { destroy(): unknown },
    sink: BodySink,
    cap: number,
    contentLength: number,
    progress: { received: number },
    onChunk: () => void,
  ): Promise<{ bytes: number; complete: boolean }> {
    let bytes = 0;
    for await (const chunk of body) {
      let buf = chunk as Buffer;
      const capped = bytes + buf.length > cap;
      if (capped) buf = buf.subarray(0, cap - bytes);
      bytes += buf.length;
      progress.received = bytes;
      const more = buf.length === 0 || (await sink.write(buf));
      onChunk();
      if (capped || !more) {
        body.destroy();
        return { bytes, complete: !capped && bytes === contentLength };
      }
    }
    return { bytes, complete: true };
  }

  /** One exchange, redirects followed. Never throws. */
  async send(req: HttpRequest): Promise<Result<HttpResponse>> {
    const host = hostOf(req.url);
    // A spent pull limit holds back manifest GETs only: HEADs (not pulls) still check digests.
    const pull = req.kind === "get-manifest" && req.method === "GET";
    const blocked = this.rateLimits.blockedUntil(host, { pulls: pull });
    if (blocked) {
      this.log(
        "debug",
        `${req.method} ${redactUrl(req.url)} not sent: ${host} is rate-limited${blocked.scope === "pulls" ? " (pulls)" : ""} until ${new Date(blocked.until).toISOString()}`,
      );
      const scope = blocked.scope === "pulls" ? "pulls" : undefined;
      return err(rateLimitedError(host, new Date(blocked.until), blocked.estimate, undefined, scope));
    }
    const outer = req.signal;
    if (outer?.aborted) return err(cancelledError(host));

    const { timeouts } = this.options;
    const controller = new AbortController();
    let deadlineHit = false;
    const deadline = setTimeout(() => {
      deadlineHit = true;
      controller.abort();
    }, timeouts.requestMs);
    // undici's own headers / body timeouts tick with ~1 s resolution (its fast timers); these
    // are precise, and also apply when the caller supplied the dispatcher.
    let phaseTimer: NodeJS.Timeout | undefined;
    let timedOutPhase: "headers" | "body" | undefined;
    const armPhase = (phase: "headers" | "body" | undefined): void => {
      clearTimeout(phaseTimer);
      if (phase === undefined) return;
      phaseTimer = setTimeout(
        () => {
          timedOutPhase = phase;
          controller.abort();
        },
        phase === "headers" ? timeouts.headersMs : timeouts.bodyMs,
      );
    };
    const onOuterAbort = (): void => controller.abort();
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    const sem = this.semaphore(host);
    const acquired = await sem.acquire(controller.signal, req.urgent === true);
    let currentHost = host;
    /** The proxy the current hop goes through: a proxy's refusal is reported as the proxy's. */
    let currentProxy: string | undefined;
    /** While reading a body: how much was announced and how much arrived (to tell truncation). */
    const bodyProgress = { expected: Number.NaN, received: 0, reading: false };
    try {
      if (!acquired)
        return err(outer?.aborted ? cancelledError(host) : timeoutError("request", host, timeouts.requestMs));
      const originalOrigin = req.url.origin;
      let url = req.url;
      let method = req.method;
      let body = req.body;
      const headers: Record<string, string> = { "user-agent": this.options.userAgent, ...req.headers };
      for (let hop = 0; ; hop++) {
        currentHost = hostOf(url);
        const sendHeaders = { ...headers };
        if (sendHeaders.authorization !== undefined) {
          if (url.origin !== originalOrigin) {
            delete sendHeaders.authorization; // a CDN or another host never sees the registry's credentials
          } else if (!this.mayCarryCredentials(url)) {
            delete sendHeaders.authorization;
            if (!this.warnedInsecureAuth.has(currentHost)) {
              this.warnedInsecureAuth.add(currentHost);
              this.log(
                "warn",
                `not sending credentials to ${currentHost} over plain http; add it to insecureRegistries if that is intended`,
              );
            }
          }
        }
        currentProxy = this.proxyOf(url);
        const dispatcher = await this.dispatcherFor(url);
        if (!dispatcher.ok) return dispatcher;
        if (hop > 0 && this.rateLimits.blockedUntil(currentHost)) {
          const b = this.rateLimits.blockedUntil(currentHost);
          return err(rateLimitedError(currentHost, b ? new Date(b.until) : undefined, b?.estimate));
        }
        this.counters.increment(currentHost, req.kind);
        const started = this.options.now();
        armPhase("headers");
        const res = await dispatcher.value.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers: sendHeaders,
          ...(body !== undefined ? { body } : {}),
          signal: controller.signal,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyMs,
          // undici closes the connection after every HEAD unless told not to (for servers that send
          // a body anyway): registries do not, and a new connection is a TLS handshake each time.
          ...(method === "HEAD" ? { reset: false } : {}),
        });
        armPhase("body");
        const resHeaders: HeaderBag = res.headers;
        this.rateLimits.observe(currentHost, resHeaders);
        const location = headerValue(resHeaders, "location");
        if (
          res.statusCode >= 300 &&
          res.statusCode < 400 &&
          res.statusCode !== 304 &&
          location !== undefined
        ) {
          await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          this.log("debug", `${method} ${redactUrl(url)} → ${res.statusCode} redirect`);
          if (hop >= this.options.limits.maxRedirects) {
            return err(
              badResponse(
                "bad-redirect",
                `${host} redirected more than ${this.options.limits.maxRedirects} times.`,
                host,
              ),
            );
          }
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            return err(
              badResponse("bad-redirect", `${currentHost} redirected to an invalid URL.`, currentHost),
            );
          }
          if (next.protocol !== "https:" && next.protocol !== "http:") {
            return err(
              badResponse(
                "bad-redirect",
                `${currentHost} redirected to a ${next.protocol} URL.`,
                currentHost,
              ),
            );
          }
          if (
            (req.credentialBound === true || (body !== undefined && method === "POST")) &&
            (next.origin !== originalOrigin || !this.mayCarryCredentials(next))
          ) {
            // The body (an identity token's refresh_token) or the credential would travel to a host
            // it was not issued for, or in clear text: never follow.
            this.log(
              "warn",
              `${method} ${redactUrl(url)} → ${res.statusCode} redirect to ${next.protocol}//${next.host} refused: the request carries credentials`,
            );
            return err(
              badResponse(
                "bad-redirect",
                `${currentHost} redirected a request that carries credentials to ${next.protocol}//${next.host}; FROM Lens refused to follow it, so the credentials stay with ${currentHost}.`,
                currentHost,
              ),
            );
          }
          if (
            res.statusCode === 303 ||
            ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")
          ) {
            method = "GET";
            body = undefined;
            delete headers["content-type"];
          }
          url = next;
          continue;
        }
        const success = res.statusCode >= 200 && res.statusCode < 300;
        const cap = success ? req.maxBytes : this.options.limits.maxErrorBodyBytes;
        const contentLength = Number(headerValue(resHeaders, "content-length") ?? Number.NaN);
        if (method === "HEAD") {
          await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          this.log(
            "debug",
            `HEAD ${redactUrl(url)} → ${res.statusCode} (${this.options.now() - started} ms)`,
          );
          return ok({ status: res.statusCode, headers: resHeaders, body: new Uint8Array(0), url });
        }
        if (success && req.sink) {
          bodyProgress.expected = contentLength;
          bodyProgress.reading = true;
          const streamed = await this.stream(res.body, req.sink, cap, contentLength, bodyProgress, () =>
            armPhase("body"),
          );
          if (streamed.complete && Number.isFinite(contentLength) && streamed.bytes < contentLength) {
            return err(
              badResponse(
                "truncated",
                `${currentHost} sent ${streamed.bytes} of ${contentLength} bytes.`,
                currentHost,
              ),
            );
          }
          this.log(
            "debug",
            `${method} ${redactUrl(url)} → ${res.statusCode} ${streamed.bytes} bytes streamed${streamed.complete ? "" : " (stopped early)"} (${this.options.now() - started} ms)`,
          );
          return ok({ status: res.statusCode, headers: resHeaders, body: new Uint8Array(0), url, streamed });
        }
        if (success && Number.isFinite(contentLength) && contentLength > cap) {
          res.body.destroy();
          return err(
            badResponse(
              "too-large",
              `${currentHost} sent ${contentLength} bytes where at most ${cap} were expected; FROM Lens refused to read it.`,
              currentHost,
            ),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncatedAtCap = false;
        bodyProgress.expected = contentLength;
        bodyProgress.reading = true;
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          size += buf.length;
          bodyProgress.received = size;
          armPhase("body");
          if (size > cap) {
            if (success) {
              res.body.destroy();
              return err(
                badResponse(
                  "too-large",
                  `${currentHost} sent more than ${cap} bytes for one response; FROM Lens stopped reading.`,
                  currentHost,
                ),
              );
            }
            chunks.push(buf.subarray(0, buf.length - (size - cap)));
            truncatedAtCap = true;
            res.body.destroy();
            break;
          }
          chunks.push(buf);
        }
        const bytes = Buffer.concat(chunks);
        if (success && Number.isFinite(contentLength) && !truncatedAtCap && bytes.length < contentLength) {
          return err(
            badResponse(
              "truncated",
              `${currentHost} sent ${bytes.length} of ${contentLength} bytes.`,
              currentHost,
            ),
          );
        }
        this.log(
          "debug",
          `${method} ${redactUrl(url)} → ${res.statusCode} ${bytes.length} bytes (${this.options.now() - started} ms)`,
        );
        return ok({
          status: res.statusCode,
          headers: resHeaders,
          body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
          url,
        });
      }
    } catch (e) {
      if (outer?.aborted) return err(cancelledError(currentHost));
      if (deadlineHit) return err(timeoutError("request", currentHost, timeouts.requestMs));
      if (timedOutPhase === "headers") return err(timeoutError("headers", currentHost, timeouts.headersMs));
      if (timedOutPhase === "body") return err(timeoutError("body", currentHost, timeouts.bodyMs));
      const code = errorCode(e);
      if (
        bodyProgress.reading &&
        code !== "UND_ERR_BODY_TIMEOUT" &&
        Number.isFinite(bodyProgress.expected) &&
        bodyProgress.received < bodyProgress.expected
      ) {
        this.log(
          "debug",
          `${req.method} ${redactUrl(req.url)}: body cut off after ${bodyProgress.received} of ${bodyProgress.expected} bytes`,
        );
        return err(
          badResponse(
            "truncated",
            `${currentHost} sent ${bodyProgress.received} of ${bodyProgress.expected} bytes, then closed the connection.`,
            currentHost,
          ),
        );
      }
      const mapped = fromNetworkError(e, currentHost, timeouts, currentProxy);
      // A sink that already took part of the body cannot take it again from the start.
      const replayable = !(req.sink && bodyProgress.received > 0);
      if ((code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") && replayable)
        this.retryableErrors.add(mapped);
      this.log(
        "debug",
        `${req.method} ${redactUrl(req.url)} failed: ${mapped.kind} (${errorCode(e) ?? (e instanceof Error ? e.message : "error")})`,
      );
      return err(mapped);
    } finally {
      clearTimeout(deadline);
      armPhase(undefined);
      outer?.removeEventListener("abort", onOuterAbort);
      if (acquired) sem.release();
    }
  }
}

export function normaliseRegistryHost(h: string): string {
  return h
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Registry requests with auth

/** Where a registry request goes: the API origin, and whose credentials apply. */
export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`, a mirror's origin. */
  origin: URL;
  /** The name credentials are stored under: `docker.io`, `ghcr.io`, a mirror's `host:port`. */
  credentialKey: string;
}

export interface RegistryFetch {
  endpoint: RegistryEndpoint;
  /** Path and query below the origin, e.g. `/v2/library/python/manifests/3.12`. */
  path: string;
  method: "GET" | "HEAD";
  accept?: readonly string[];
  /** The repository the request reads; its pull scope is what a token is asked for. */
  repository?: string;
  kind: RequestKind;
  maxBytes: number;
  signal?: AbortSignal;
  /** Stream a 2xx body into this (see HttpRequest.sink); such requests are never coalesced. */
  sink?: BodySink;
  /** Served before the host's other waiting requests (see HttpRequest.urgent). */
  urgent?: boolean;
  /** For error messages and the not-found mapping. */
  error: Omit<
    ErrorContext,
    "host" | "credentialNote" | "rateLimitResetAt" | "rateLimitResetIsEstimate" | "rateLimitScope"
  >;
}

/** How a host wants to be authenticated, learnt from its first 401. */
export type HostAuth =
  { scheme: "none" } | { scheme: "basic" } | { scheme: "bearer"; realm: string; service?: string };

interface CachedToken {
  token: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

/** A token endpoint's answer (distribution docs/spec/auth/token.md). */
export interface TokenResponse {
  token: string;
  expiresInSeconds: number;
}

/**
 * Where each host's auth scheme is remembered across restarts (the disk cache), so the first
 * request after a restart can carry a token at once. What it gives is a hint: a stale scheme is
 * corrected by the host's next 401, as on first contact.
 */
export interface HostAuthStore {
  get(origin: string): HostAuth | undefined;
  set(origin: string, auth: HostAuth): void;
}

/**
 * Registry requests with auth, retries and coalescing, for one client. Holds the per-host auth
 * state, the token cache and the credential cache.
 */
export class RegistrySession {
  private readonly hostAuth: Map<string, HostAuth>;
  /**
   * A host not met yet is probed by its first real request (no `/v2/` ping): the others wait
   * until it has learnt the scheme (and got the token), then go with it, instead of each
   * collecting a 401 of its own.
   */
  private readonly probes = new Map<string, Promise<void>>();
  /** Repositories a batch (`authorize`) will read on a host not met yet: the first token covers them. */
  private readonly batchScopes = new Map<string, Set<string>>();
  private readonly tokens = new Map<string, CachedToken[]>();
  private readonly tokenFetches = new Coalescer<CachedToken>();
  private readonly credentialCache = new Map<string, { at: number; lookup: Promise<CredentialLookup> }>();
  /** A hash of the credential last looked up per key, to notice `docker login` / a new helper answer. */
  private readonly credentialPrints = new Map<string, string>();
  /** The hosts each credential key was used for (whose rate-limit block new credentials lift). */
  private readonly credentialHosts = new Map<string, Set<string>>();
  private readonly requests = new Coalescer<HttpResponse>();

  constructor(
    readonly http: HttpTransport,
    store?: HostAuthStore,
  ) {
    const known = new Map<string, HostAuth>();
    const remembered = (origin: string): HostAuth | undefined => {
      try {
        return store?.get(origin);
      } catch {
        return undefined;
      }
    };
    // A map that reads through to the store and writes to it (only when the scheme changes).
    this.hostAuth = new (class extends Map<string, HostAuth> {
      override get(origin: string): HostAuth | undefined {
        let auth = super.get(origin);
        if (auth === undefined) {
          auth = remembered(origin);
          if (auth !== undefined) super.set(origin, auth);
        }
        return auth;
      }
      override has(origin: string): boolean {
        return this.get(origin) !== undefined;
      }
      override set(origin: string, auth: HostAuth): this {
        const before = super.get(origin);
        super.set(origin, auth);
        if (store && JSON.stringify(before) !== JSON.stringify(auth)) {
          try {
            store.set(origin, auth);
          } catch {
            /* remembering is an optimisation: never fail a request for it */
          }
        }
        return this;
      }
    })(known);
  }

  get options(): TransportOptions {
    return this.http.options;
  }

  /** The credential for a registry (cached for `credentialCacheMs`). */
  credentials(key: string): Promise<CredentialLookup> {
    const now = this.options.now();
    const cached = this.credentialCache.get(key);
    if (cached && now - cached.at < this.options.limits.credentialCacheMs) return cached.lookup;
    const lookup = lookupCredentials(key, {
      dockerConfigDir: this.options.dockerConfigDir,
      allowCredentialHelpers: this.options.allowCredentialHelpers,
      helperTimeoutMs: this.options.timeouts.credentialHelperMs,
      env: this.options.env,
    }).then((l) => {
      for (const s of secretsOf(l.credential)) this.http.addSecret(s);
      this.noticeCredentialChange(key, l.credential);
      if (l.warning) this.http.log("warn", `credentials for ${key}: ${l.warning}`);
      else this.http.log("debug", `credentials for ${key}: kind=${l.credential.kind}, source=${l.source}`);
      return l;
    });
    this.credentialCache.set(key, { at: now, lookup });
    return lookup;
  }

  /**
   * Credentials that differ from the ones last read for `key` (config.json or the helper's answer
   * changed: a `docker login`) get a new allowance: the rate-limit blocks of the hosts they are
   * used for are lifted and the tokens issued for the old ones dropped.
   */
  private noticeCredentialChange(key: string, credential: Credential): void {
    const hash = createHash("sha256").update(credential.kind);
    if (credential.kind === "basic") hash.update(`\0${credential.username}`);
    for (const secret of secretsOf(credential)) hash.update(`\0${secret}`);
    const print = hash.digest("hex");
    const before = this.credentialPrints.get(key);
    this.credentialPrints.set(key, print);
    if (before === undefined || before === print) return;
    this.tokens.clear();
    for (const host of this.credentialHosts.get(key) ?? []) {
      this.http.rateLimits.clear(host);
      this.http.log("info", `credentials for ${key} changed: asking ${host} again`);
    }
  }

  /** Forgets cached credentials and tokens (e.g. after `docker login`). */
  forgetCredentials(): void {
    this.credentialCache.clear();
    this.tokens.clear();
  }

  /** A registry request; identical concurrent ones (method, URL, Accept) share one exchange. */
  fetch(req: RegistryFetch): Promise<Result<HttpResponse>> {
    const url = new URL(req.path, req.endpoint.origin);
    // A sink belongs to one caller: a second caller could not share what went into it.
    if (req.sink)
      return this.fetchWithAuth({ ...req, signal: req.signal ?? new AbortController().signal }, url);
    const key = `${req.method} ${url.href} ${(req.accept ?? []).join(",")} ${req.kind}`;
    return this.requests.run(key, req.signal, (signal) => this.fetchWithAuth({ ...req, signal }, url));
  }

  private async fetchWithAuth(
    req: RegistryFetch & { signal: AbortSignal },
    url: URL,
  ): Promise<Result<HttpResponse>> {
    const origin = req.endpoint.origin.origin;
    const host = hostOf(req.endpoint.origin);
    const hosts = this.credentialHosts.get(req.endpoint.credentialKey) ?? new Set<string>();
    this.credentialHosts.set(req.endpoint.credentialKey, hosts.add(host));
    const lookup = await this.credentials(req.endpoint.credentialKey);
    if (req.signal.aborted) return err(cancelledError(host));
    const credential = lookup.credential;
    const scopes = req.repository ? [pullScope(req.repository)] : [];
    const ctx: ErrorContext = { ...req.error, host };
    if (lookup.warning)
      ctx.credentialNote = `(Credentials for ${req.endpoint.credentialKey}: ${lookup.warning}.)`;

    // First contact with a host: this request finds out how it authenticates, or waits for the
    // one that is doing so.
    let release: (() => void) | undefined;
    if (credential.kind !== "registry-token" && !this.hostAuth.has(origin)) {
      const probing = this.probes.get(origin);
      if (probing) {
        const aborted = new Promise<void>((resolve) =>
          req.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        await Promise.race([probing, aborted]);
        if (req.signal.aborted) return err(cancelledError(host));
      } else {
        let done!: () => void;
        const probe = new Promise<void>((resolve) => (done = resolve));
        this.probes.set(origin, probe);
        release = (): void => {
          if (this.probes.get(origin) === probe) this.probes.delete(origin);
          done();
        };
      }
    }
    try {
      return await this.exchange(req, url, {
        origin,
        host,
        credential,
        scopes,
        ctx,
        release: () => {
          release?.();
          release = undefined;
        },
      });
    } finally {
      release?.();
    }
  }

  private async exchange(
    req: RegistryFetch & { signal: AbortSignal },
    url: URL,
    state: {
      origin: string;
      host: string;
      credential: Credential;
      scopes: string[];
      ctx: ErrorContext;
      /** Lets the requests waiting on this host's first contact go (idempotent). */
      release: () => void;
    },
  ): Promise<Result<HttpResponse>> {
    const { origin, host, credential, scopes, ctx } = state;
    let authRetried = false;
    let serverRetried = false;
    let authorization: string | undefined;
    let forceNewToken = false;
    let challengeScopes: string[] = [];

    for (;;) {
      const auth = this.hostAuth.get(origin);
      if (credential.kind === "registry-token") {
        authorization = `Bearer ${credential.token}`;
      } else if (auth?.scheme === "bearer") {
        // The first token for a host also covers the repositories its batch will read.
        const batch = this.batchScopes.get(origin);
        this.batchScopes.delete(origin);
        const wanted = [...new Set([...scopes, ...challengeScopes, ...(batch ?? [])])];
        const token = await this.bearerToken(
          auth,
          wanted,
          credential,
          req.endpoint,
          forceNewToken,
          req.signal,
        );
        if (!token.ok) return token;
        authorization = `Bearer ${token.value.token}`;
        state.release();
      } else if (auth?.scheme === "basic" && credential.kind === "basic") {
        authorization = basicHeader(credential.username, credential.password);
      } else {
        authorization = undefined;
      }

      const headers: Record<string, string> = {};
      if (req.accept && req.accept.length > 0) headers.accept = req.accept.join(", ");
      if (authorization) headers.authorization = authorization;
      const res = await this.http.send({
        url,
        method: req.method,
        headers,
        kind: req.kind,
        maxBytes: req.maxBytes,
        signal: req.signal,
        ...(req.sink ? { sink: req.sink } : {}),
        ...(req.urgent ? { urgent: true } : {}),
      });
      if (!res.ok) {
        const e = res.error;
        if (!serverRetried && this.http.isRetryable(e)) {
          serverRetried = true;
          this.http.log("debug", `${host}: connection dropped; retrying once`);
          if (await this.retryDelay(req.signal)) continue;
          return err(cancelledError(host));
        }
        return res;
      }
      const r = res.value;

      if (r.status === 401) {
        const challenge = pickChallenge(parseChallenges(headerValues(r.headers, "www-authenticate")));
        if (challenge?.scheme === "bearer") {
          const b = toBearerChallenge(challenge);
          if (!b)
            return err(
              badResponse(
                "bad-challenge",
                `${host} asked for a Bearer token without saying where to get one (no realm).`,
                host,
              ),
            );
          this.hostAuth.set(origin, {
            scheme: "bearer",
            realm: b.realm,
            ...(b.service !== undefined ? { service: b.service } : {}),
          });
          challengeScopes = b.scopes;
        } else if (challenge?.scheme === "basic") {
          this.hostAuth.set(origin, { scheme: "basic" });
        }
        const nowAuth = this.hostAuth.get(origin);
        // Retry once: with a (new) token, or with Basic credentials we did not send yet.
        const canRetry =
          !authRetried &&
          credential.kind !== "registry-token" &&
          (nowAuth?.scheme === "bearer" ||
            (nowAuth?.scheme === "basic" && credential.kind === "basic" && authorization === undefined));
        if (canRetry) {
          authRetried = true;
          forceNewToken = authorization !== undefined; // the token we sent was refused: do not reuse it
          if (forceNewToken && nowAuth?.scheme === "bearer") this.dropTokens(nowAuth, scopes);
          continue;
        }
        return err(
          toResolveError(
            new RegistryError({ status: r.status, method: req.method, url: url.href, body: r.body }),
            ctx,
          ),
        );
      }

      if (r.status === 429) {
        const e = new RegistryError({ status: r.status, method: req.method, url: url.href, body: r.body });
        // Docker Hub's spent pull limit: a manifest GET refused with TOOMANYREQUESTS, while HEADs
        // still answer. Any other 429 (a HEAD, a bare anti-abuse 429) stops the whole host.
        const pullsOnly = req.method === "GET" && req.kind === "get-manifest" && e.hasCode("TOOMANYREQUESTS");
        const { resetAt, estimate } = this.http.rateLimits.block(
          host,
          r.headers,
          pullsOnly ? "pulls" : "all",
        );
        this.http.log(
          "warn",
          `${host} answered 429: no further ${pullsOnly ? "manifest GETs" : "requests"} to it until ${new Date(resetAt).toISOString()}`,
        );
        return err(
          toResolveError(e, {
            ...ctx,
            rateLimitResetAt: new Date(resetAt),
            rateLimitResetIsEstimate: estimate,
            ...(pullsOnly ? { rateLimitScope: "pulls" as const } : {}),
          }),
        );
      }

      if (r.status >= 500 && !serverRetried) {
        serverRetried = true;
        this.http.log("debug", `${host} answered ${r.status}; retrying once`);
        if (await this.retryDelay(req.signal)) continue;
        return err(cancelledError(host));
      }

      if (r.status >= 200 && r.status < 300) {
        if (!this.hostAuth.has(origin)) this.hostAuth.set(origin, { scheme: "none" });
        state.release();
        return ok(r);
      }
      return err(
        toResolveError(
          new RegistryError({ status: r.status, method: req.method, url: url.href, body: r.body }),
          ctx,
        ),
      );
    }
  }

  private async retryDelay(signal: AbortSignal): Promise<boolean> {
    const base = this.options.limits.retryBaseDelayMs;
    const delay = Math.round(base * (0.5 + this.options.random()));
    return sleep(delay, signal);
  }

  /**
   * Fetches one token covering the pull scopes of several repositories on one registry (the
   * token spec allows repeating `scope`), so resolving a Dockerfile's images costs one token
   * request per registry, not one per repository. On a host whose scheme is not known yet, no
   * request is made: the first real request meets the challenge and its token covers them all.
   */
  async authorize(
    endpoint: RegistryEndpoint,
    repositories: readonly string[],
    signal?: AbortSignal,
  ): Promise<Result<void>> {
    const origin = endpoint.origin.origin;
    const known = this.hostAuth.get(origin);
    if (known === undefined) {
      // No `/v2/` ping: the batch's first real request meets the challenge, and the token it
      // then asks for covers every repository of the batch.
      const batch = this.batchScopes.get(origin) ?? new Set<string>();
      for (const r of repositories) batch.add(pullScope(r));
      this.batchScopes.set(origin, batch);
      return ok(undefined);
    }
    if (known.scheme !== "bearer") return ok(undefined);
    const lookup = await this.credentials(endpoint.credentialKey);
    if (lookup.credential.kind === "registry-token") return ok(undefined);
    const scopes = [...new Set(repositories.map(pullScope))];
    const t = await this.bearerToken(known, scopes, lookup.credential, endpoint, false, signal);
    return t.ok ? ok(undefined) : t;
  }

  private tokenKey(auth: { realm: string; service?: string }, credential: Credential): string {
    const who = credential.kind === "basic" ? `basic:${credential.username}` : credential.kind;
    return `${auth.realm} ${auth.service ?? ""} ${who}`;
  }

  private dropTokens(auth: { realm: string; service?: string }, scopes: readonly string[]): void {
    for (const [key, list] of this.tokens) {
      if (!key.startsWith(`${auth.realm} ${auth.service ?? ""} `)) continue;
      this.tokens.set(
        key,
        list.filter((t) => !scopes.some((s) => t.scopes.has(s))),
      );
    }
  }

  /** A cached token covering `scopes`, or a new one from the realm. */
  private async bearerToken(
    auth: { realm: string; service?: string },
    scopes: readonly string[],
    credential: Credential,
    endpoint: RegistryEndpoint,
    forceNew: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Result<CachedToken>> {
    const key = this.tokenKey(auth, credential);
    const now = this.options.now();
    const live = (this.tokens.get(key) ?? []).filter((t) => t.expiresAt > now);
    this.tokens.set(key, live);
    if (!forceNew) {
      const hit = live.find((t) => scopes.every((s) => t.scopes.has(s)));
      if (hit) return ok(hit);
    }
    const sorted = [...scopes].sort();
    return this.tokenFetches.run(
      `${key} ${sorted.join(" ")} ${forceNew ? "new" : ""}`,
      signal,
      async (sig) => {
        const r = await this.requestToken(auth, sorted, credential, endpoint, sig);
        if (!r.ok) return r;
        const lifetimeMs = r.value.expiresInSeconds * 1000;
        const skew = Math.min(this.options.limits.tokenExpirySkewMs, lifetimeMs / 10);
        const entry: CachedToken = {
          token: r.value.token,
          scopes: new Set(sorted),
          expiresAt: this.options.now() + lifetimeMs - skew,
        };
        this.tokens.set(key, [...(this.tokens.get(key) ?? []), entry]);
        return ok(entry);
      },
    );
  }

  /** The token request itself: OAuth2 POST for identity tokens, else GET with Basic or anonymous. */
  async requestToken(
    auth: { realm: string; service?: string },
    scopes: readonly string[],
    credential: Credential,
    endpoint: RegistryEndpoint,
    signal: AbortSignal,
  ): Promise<Result<TokenResponse>> {
    let realm: URL;
    try {
      realm = new URL(auth.realm);
    } catch {
      return err(
        badResponse(
          "bad-challenge",
          `${hostOf(endpoint.origin)} named an invalid token realm.`,
          hostOf(endpoint.origin),
        ),
      );
    }
    const realmHost = hostOf(realm);
    // ggcr validateRealmURL: https only, except that plain http is fine for a registry the user
    // declared insecure (its realm usually lives on the same host), and on loopback for a loopback
    // registry. A remote registry naming a loopback realm would have FROM Lens send its
    // credentials to whatever listens on this machine: refused.
    const insecureOk =
      realm.protocol === "http:" &&
      ((isLoopbackHost(realm.hostname) && isLoopbackHost(endpoint.origin.hostname)) ||
        this.http.isInsecureRegistry(realmHost));
    if (realm.protocol !== "https:" && !insecureOk) {
      const why =
        realm.protocol === "http:" && isLoopbackHost(realm.hostname)
          ? "a service on this machine, while the registry is not; refused so no credentials go to a local service"
          : "not https; refused so no credentials travel unencrypted";
      return err(
        badResponse(
          "insecure-realm",
          `${hostOf(endpoint.origin)} asked FROM Lens to fetch a token from ${realm.protocol}//${realmHost}, which is ${why}.`,
          realmHost,
        ),
      );
    }
    const subject = `a token for ${scopes.join(" ") || hostOf(endpoint.origin)}`;
    const maxBytes = this.options.limits.maxTokenBytes;

    let res: Result<HttpResponse>;
    if (credential.kind === "identity-token") {
      const form = new URLSearchParams();
      form.set("grant_type", "refresh_token");
      form.set("refresh_token", credential.token);
      if (auth.service !== undefined) form.set("service", auth.service);
      form.set("scope", scopes.join(" "));
      form.set("client_id", "from-lens");
      res = await this.http.send({
        url: realm,
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
        kind: "token",
        maxBytes,
        signal,
        credentialBound: true,
        urgent: true,
      });
      // Not every token server speaks OAuth2 (ggcr bearer.go): fall back to the GET form.
      if (res.ok && (res.value.status === 404 || res.value.status === 405))
        res = await this.getToken(realm, auth, scopes, undefined, signal);
    } else {
      res = await this.getToken(
        realm,
        auth,
        scopes,
        credential.kind === "basic" ? credential : undefined,
        signal,
      );
    }
    if (!res.ok) return res;
    const r = res.value;
    if (r.status === 429) {
      const { resetAt, estimate } = this.http.rateLimits.block(realmHost, r.headers);
      return err(rateLimitedError(realmHost, new Date(resetAt), estimate));
    }
    if (r.status === 401 || r.status === 403) {
      const withCreds = credential.kind !== "anonymous";
      const e: ResolveError = {
        kind: r.status === 401 ? "unauthorized" : "denied",
        host: realmHost,
        cause: new RegistryError({ status: r.status, method: "GET", url: realm.href, body: r.body }).toInfo(),
        message: withCreds
          ? `The token server ${realmHost} rejected the credentials for ${endpoint.credentialKey} (HTTP ${r.status}). Log in again with \`${loginCommand(endpoint.credentialKey)}\`.`
          : `The token server ${realmHost} refused an anonymous token for ${scopes.join(" ") || endpoint.credentialKey} (HTTP ${r.status}). Log in with \`${loginCommand(endpoint.credentialKey)}\`.`,
      };
      return err(e);
    }
    if (r.status === 404 || r.status === 410) {
      // The realm itself is missing: the auth server is misconfigured, not the image. (A missing
      // repository is the registry's to say: Docker Hub's token server grants an empty token and
      // the registry answers 401.)
      const cause = new RegistryError({ status: r.status, method: "GET", url: realm.href, body: r.body });
      return err(tokenRealmNotFoundError(hostOf(endpoint.origin), realm, r.status, cause.toInfo()));
    }
    if (r.status < 200 || r.status >= 300) {
      return err(
        toResolveError(
          new RegistryError({ status: r.status, method: "GET", url: realm.href, body: r.body }),
          { subject, host: realmHost, target: "token" },
        ),
      );
    }
    const parsed = parseTokenResponse(r.body);
    if (!parsed)
      return err(
        badResponse("no-token", `The token server ${realmHost} answered without a token.`, realmHost),
      );
    this.http.addSecret(parsed.token);
    return ok(parsed);
  }

  private getToken(
    realm: URL,
    auth: { service?: string },
    scopes: readonly string[],
    basic: { username: string; password: string } | undefined,
    signal: AbortSignal,
  ): Promise<Result<HttpResponse>> {
    const url = new URL(realm.href);
    if (auth.service !== undefined) url.searchParams.set("service", auth.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    const headers: Record<string, string> = {};
    if (basic) headers.authorization = basicHeader(basic.username, basic.password);
    return this.http.send({
      url,
      method: "GET",
      headers,
      kind: "token",
      maxBytes: this.options.limits.maxTokenBytes,
      signal,
      ...(basic ? { credentialBound: true } : {}),
      urgent: true,
    });
  }
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** A token is kept at most this long, whatever `expires_in` says (a 401 refreshes it anyway). */
const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** `token ?? access_token`; `expires_in` defaults to 60 s (token.md), capped at a day. */
export function parseTokenResponse(body: Uint8Array): TokenResponse | undefined {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const token =
    typeof d.token === "string" && d.token
      ? d.token
      : typeof d.access_token === "string" && d.access_token
        ? d.access_token
        : undefined;
  if (!token) return undefined;
  const expires =
    typeof d.expires_in === "number" && Number.isFinite(d.expires_in) && d.expires_in > 0 ? d.expires_in : 60;
  return { token, expiresInSeconds: Math.min(expires, MAX_TOKEN_LIFETIME_SECONDS) };
}
