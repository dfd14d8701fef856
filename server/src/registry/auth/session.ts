/**
 * `RegistrySession.fetch` is one registry request (go-containerregistry's transport: ping →
 * basic or bearer → bounded retry): anonymous first on a host it has not met (that request is the
 * ping), then Basic or a Bearer token from the `WWW-Authenticate` challenge; tokens cached per
 * (realm, service, scopes) until `expires_in`; on a 401 one refresh and one retry, never more; on a
 * 5xx or a dropped connection one retry after a jittered delay; on a 429 the host is blocked until
 * its reset and nothing is retried. Identical in-flight requests coalesce into one.
 */
import type { Credential, CredentialLookup } from "../credentials";
import { RegistryError, badResponse, cancelledError, err, ok, toResolveError } from "../errors";
import type { ErrorContext, Result } from "../errors";
import { Coalescer, sleep } from "../http/concurrency";
import type { RequestKind, TransportOptions } from "../http/options";
import type { HttpTransport } from "../http/transport";
import { headerValues, hostOf } from "../http/types";
import type { BodySink, HttpResponse } from "../http/types";
import { basicHeader } from "./basic";
import { parseChallenges, pickChallenge, toBearerChallenge } from "./challenge";
import { CredentialMemory } from "./credentialMemory";
import { hostAuthMemory } from "./hostAuth";
import type { HostAuth, HostAuthStore } from "./hostAuth";
import { pullScope } from "./scope";
import { TokenCache } from "./tokenCache";
import type { RegistryEndpoint } from "./types";

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
  private readonly tokens: TokenCache;
  private readonly creds: CredentialMemory;
  private readonly requests = new Coalescer<HttpResponse>();

  constructor(
    readonly http: HttpTransport,
    store?: HostAuthStore,
  ) {
    this.hostAuth = hostAuthMemory(store);
    this.tokens = new TokenCache(http);
    this.creds = new CredentialMemory(http, () => this.tokens.clear());
  }

  get options(): TransportOptions {
    return this.http.options;
  }

  /** The credential for a registry (cached for `credentialCacheMs`). */
  credentials(key: string): Promise<CredentialLookup> {
    return this.creds.lookup(key);
  }

  /** Forgets cached credentials and tokens (e.g. after `docker login`). */
  forgetCredentials(): void {
    this.creds.clear();
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
    this.creds.usedFor(req.endpoint.credentialKey, host);
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
        const token = await this.tokens.bearerToken({
          auth,
          scopes: wanted,
          credential,
          endpoint: req.endpoint,
          forceNew: forceNewToken,
          signal: req.signal,
        });
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
          if (forceNewToken && nowAuth?.scheme === "bearer") this.tokens.drop(nowAuth, scopes);
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
    const t = await this.tokens.bearerToken({
      auth: known,
      scopes,
      credential: lookup.credential,
      endpoint,
      forceNew: false,
      signal,
    });
    return t.ok ? ok(undefined) : t;
  }
}
