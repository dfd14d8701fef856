/**
 * `HttpTransport.send` is one exchange: a dispatcher chosen per URL (`dispatcher.ts`), connect /
 * headers / body / overall timeouts, a body-size cap (`body.ts`), a per-host concurrency limit,
 * redirects followed by hand (`redirect.ts`) so `Authorization` never leaves the origin it belongs
 * to nor goes over plain http (except loopback and `insecureRegistries`), request counting per
 * host and kind, rate-limit headers observed and a 429-blocked host refused without a request.
 */
import {
  badResponse,
  cancelledError,
  err,
  errorCode,
  fromNetworkError,
  ok,
  rateLimitedError,
  redactText,
  redactUrl,
  timeoutError,
} from "../errors";
import type { ResolveError, Result } from "../errors";
import { isLoopbackHost } from "../proxy";
import { RateLimitTracker } from "../ratelimit";
import type { HeaderBag } from "../ratelimit";
import { readBody, streamBody } from "./body";
import type { BodyProgress, BodyRead } from "./body";
import { Semaphore } from "./concurrency";
import { RequestCounters } from "./counters";
import { Dispatchers } from "./dispatcher";
import type { LogLevel, TransportOptions } from "./options";
import { isRedirect, nextHop } from "./redirect";
import { headerValue, hostOf, normaliseRegistryHost } from "./types";
import type { HttpRequest, HttpResponse } from "./types";

export class HttpTransport {
  readonly counters = new RequestCounters();
  readonly rateLimits: RateLimitTracker;
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly dispatchers: Dispatchers;
  private readonly secrets = new Set<string>();
  private readonly insecure: ReadonlySet<string>;
  private readonly warnedInsecureAuth = new Set<string>();
  /** Errors from a dropped connection, worth one retry (a keep-alive socket closed under us). */
  private readonly retryableErrors = new WeakSet<ResolveError>();

  constructor(readonly options: TransportOptions) {
    this.rateLimits = new RateLimitTracker(options.now, options.limits.rateLimitCooldownMs);
    this.insecure = new Set(options.insecureRegistries.map(normaliseRegistryHost));
    this.dispatchers = new Dispatchers(options);
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

  close(): Promise<void> {
    return this.dispatchers.close();
  }

  private semaphore(host: string): Semaphore {
    let s = this.semaphores.get(host);
    if (!s) {
      s = new Semaphore(Math.max(1, this.options.limits.perHostConcurrency));
      this.semaphores.set(host, s);
    }
    return s;
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
    const bodyProgress: BodyProgress = { expected: Number.NaN, received: 0, reading: false };
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
        currentProxy = this.dispatchers.proxyOf(url);
        const dispatcher = await this.dispatchers.dispatcherFor(url);
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
        if (isRedirect(res.statusCode, location)) {
          await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          this.log("debug", `${method} ${redactUrl(url)} → ${res.statusCode} redirect`);
          const next = nextHop(
            {
              status: res.statusCode,
              location,
              url,
              hop,
              method,
              hasBody: body !== undefined,
              credentialBound: req.credentialBound === true,
              originalOrigin,
              firstHost: host,
            },
            {
              maxRedirects: this.options.limits.maxRedirects,
              mayCarryCredentials: (u) => this.mayCarryCredentials(u),
              log: (level, message) => this.log(level, message),
            },
          );
          if (!next.ok) return next;
          if (next.value.toGet) {
            method = "GET";
            body = undefined;
            delete headers["content-type"];
          }
          url = next.value.url;
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
        const read: BodyRead = {
          body: res.body,
          cap,
          contentLength,
          progress: bodyProgress,
          onChunk: () => armPhase("body"),
          host: currentHost,
        };
        if (success && req.sink) {
          const streamed = await streamBody(read, req.sink);
          if (!streamed.ok) return streamed;
          this.log(
            "debug",
            `${method} ${redactUrl(url)} → ${res.statusCode} ${streamed.value.bytes} bytes streamed${streamed.value.complete ? "" : " (stopped early)"} (${this.options.now() - started} ms)`,
          );
          return ok({
            status: res.statusCode,
            headers: resHeaders,
            body: new Uint8Array(0),
            url,
            streamed: streamed.value,
          });
        }
        const buffered = await readBody(read, success);
        if (!buffered.ok) return buffered;
        const bytes = buffered.value;
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
      // An HTTP/2 stream reset or session error is a dropped connection too (a REFUSED_STREAM was
      // not even processed); GOAWAY reaches us as UND_ERR_SOCKET.
      const dropped =
        code === "ECONNRESET" ||
        code === "UND_ERR_SOCKET" ||
        code === "EPIPE" ||
        code?.startsWith("ERR_HTTP2_") === true;
      if (dropped && replayable) this.retryableErrors.add(mapped);
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
