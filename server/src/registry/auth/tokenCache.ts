/**
 * Bearer tokens cached per (realm, service, who) with the scopes each covers, until shortly before
 * `expires_in`; identical concurrent token requests share one.
 */
import type { Credential } from "../credentials";
import { ok } from "../errors";
import type { Result } from "../errors";
import { Coalescer } from "../http/concurrency";
import type { HttpTransport } from "../http/transport";
import { requestToken } from "./token";
import type { RegistryEndpoint, TokenRealm } from "./types";

export interface CachedToken {
  token: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export interface BearerTokenRequest {
  auth: TokenRealm;
  scopes: readonly string[];
  credential: Credential;
  endpoint: RegistryEndpoint;
  /** Skip the cache: the token last sent was refused. */
  forceNew: boolean;
  signal: AbortSignal | undefined;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken[]>();
  private readonly fetches = new Coalescer<CachedToken>();

  constructor(private readonly http: HttpTransport) {}

  clear(): void {
    this.tokens.clear();
  }

  /** Drops the tokens of a realm that cover any of `scopes` (one was refused). */
  drop(auth: TokenRealm, scopes: readonly string[]): void {
    for (const [key, list] of this.tokens) {
      if (!key.startsWith(`${auth.realm} ${auth.service ?? ""} `)) continue;
      this.tokens.set(
        key,
        list.filter((t) => !scopes.some((s) => t.scopes.has(s))),
      );
    }
  }

  /** A cached token covering `scopes`, or a new one from the realm. */
  async bearerToken(req: BearerTokenRequest): Promise<Result<CachedToken>> {
    const { auth, scopes, credential, endpoint, forceNew, signal } = req;
    const key = tokenKey(auth, credential);
    const now = this.http.options.now();
    const live = (this.tokens.get(key) ?? []).filter((t) => t.expiresAt > now);
    this.tokens.set(key, live);
    if (!forceNew) {
      const hit = live.find((t) => scopes.every((s) => t.scopes.has(s)));
      if (hit) return ok(hit);
    }
    const sorted = [...scopes].sort();
    return this.fetches.run(`${key} ${sorted.join(" ")} ${forceNew ? "new" : ""}`, signal, async (sig) => {
      const r = await requestToken(this.http, { auth, scopes: sorted, credential, endpoint, signal: sig });
      if (!r.ok) return r;
      const lifetimeMs = r.value.expiresInSeconds * 1000;
      const skew = Math.min(this.http.options.limits.tokenExpirySkewMs, lifetimeMs / 10);
      const entry: CachedToken = {
        token: r.value.token,
        scopes: new Set(sorted),
        expiresAt: this.http.options.now() + lifetimeMs - skew,
      };
      this.tokens.set(key, [...(this.tokens.get(key) ?? []), entry]);
      return ok(entry);
    });
  }
}

function tokenKey(auth: TokenRealm, credential: Credential): string {
  const who = credential.kind === "basic" ? `basic:${credential.username}` : credential.kind;
  return `${auth.realm} ${auth.service ?? ""} ${who}`;
}
