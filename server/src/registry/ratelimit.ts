/**
 * Rate limits: parsing the headers registries send and remembering, per host, when to stop asking.
 * Docker Hub's registry sends `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600`
 * (`<count>;w=<window seconds>`, docs content/manuals/docker-hub/usage/pulls.md) and
 * `docker-ratelimit-source`; the Hub web API sends `X-RateLimit-Limit/-Remaining/-Reset` (unix
 * time) and `Retry-After` on 429. After a 429 the tracker blocks the host until the reset is due,
 * so nothing retries in a loop. Time comes from an injected clock.
 *
 * Docker Hub's pull limit counts manifest GETs only: when it is spent the registry still answers
 * HEAD (which does not count) and refuses GETs with 429 TOOMANYREQUESTS. So a 429 on a manifest
 * GET, or any answer saying `ratelimit-remaining: 0`, blocks only manifest GETs ("pulls"); HEADs
 * keep checking digests, and one whose headers show pulls left again lifts that block. What each
 * response says is merged into what is known: a 401 that names only `docker-ratelimit-source`
 * does not erase the limit seen before.
 */

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** The policy window in seconds (`w=`), when the registry says. */
  windowSeconds?: number;
  /** When the limit resets (epoch ms), only when the server says so (Retry-After / X-RateLimit-Reset). */
  resetAt?: number;
  /** `docker-ratelimit-source`: the IP (or /64) or account the limit is counted against. */
  source?: string;
  /** When these headers were seen (epoch ms). */
  observedAt: number;
}

export interface HostRateLimitState {
  host: string;
  /** The last rate-limit headers seen from this host, if any. */
  last?: RateLimitInfo;
  /** Set after a 429: no request goes to this host before this time (epoch ms). */
  blockedUntil?: number;
  /** True when blockedUntil is a guess (the window length or a default cool-down). */
  blockedUntilIsEstimate?: boolean;
  /** Set when the pull limit is spent: no manifest GET goes to this host before this time (epoch ms). */
  pullsBlockedUntil?: number;
  pullsBlockedUntilIsEstimate?: boolean;
}

/** What a block covers: every request, or only the ones that count as pulls (manifest GETs). */
export type BlockScope = "all" | "pulls";

export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * The longest a 429 blocks a host. Docker Hub's window is 6 hours; a reset further off than a day
 * is a lie or a mistake, and must not block a host for good.
 */
export const MAX_RATE_LIMIT_WAIT_MS = 24 * 60 * 60 * 1000;

/** The latest time a Date can hold (ECMAScript: ±8.64e15 ms). */
const MAX_TIME_MS = 8.64e15;

/** A whole number written in decimal digits, when it is one JavaScript holds exactly. */
function wholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A time a Date can hold. */
function dateTime(at: number): number {
  return Math.min(at, MAX_TIME_MS);
}

/** Parses one `ratelimit-*` value: `100;w=21600`, `100`, `100, 100;w=21600`, `0;w=21600;comment="x"`. */
export function parseRateLimitValue(
  value: string | undefined,
): { count: number; windowSeconds?: number } | undefined {
  if (value === undefined) return undefined;
  // The IETF draft form lists the quota first, then policies: `100, 100;w=21600`.
  let count: number | undefined;
  let windowSeconds: number | undefined;
  for (const item of value.split(",")) {
    const parts = item.split(";").map((p) => p.trim());
    const head = wholeNumber(parts[0] ?? "");
    if (head === undefined) continue;
    count ??= head;
    for (const p of parts.slice(1)) {
      const m = /^w\s*=\s*"?(\d+)"?$/i.exec(p);
      const w = m?.[1] === undefined ? undefined : wholeNumber(m[1]);
      if (w !== undefined) windowSeconds ??= w;
    }
  }
  if (count === undefined) return undefined;
  return windowSeconds === undefined ? { count } : { count, windowSeconds };
}

/** Reads `Retry-After` (delta seconds or an HTTP date) as an epoch-ms time a Date can hold. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return dateTime(now + Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(v)) return v[0];
  return v;
}

/** Collects rate-limit information from response headers; undefined when there is none. */
export function parseRateLimitHeaders(input: HeaderBag, now: number): RateLimitInfo | undefined {
  const headers: HeaderBag = {};
  for (const [k, v] of Object.entries(input)) headers[k.toLowerCase()] = v;
  const info: RateLimitInfo = { observedAt: now };
  let seen = false;
  const limit = parseRateLimitValue(
    header(headers, "ratelimit-limit") ?? header(headers, "x-ratelimit-limit"),
  );
  if (limit) {
    info.limit = limit.count;
    if (limit.windowSeconds !== undefined) info.windowSeconds = limit.windowSeconds;
    seen = true;
  }
  const remaining = parseRateLimitValue(
    header(headers, "ratelimit-remaining") ?? header(headers, "x-ratelimit-remaining"),
  );
  if (remaining) {
    info.remaining = remaining.count;
    if (info.windowSeconds === undefined && remaining.windowSeconds !== undefined)
      info.windowSeconds = remaining.windowSeconds;
    seen = true;
  }
  const reset = header(headers, "x-ratelimit-reset") ?? header(headers, "ratelimit-reset");
  const resetNumber = reset === undefined ? undefined : wholeNumber(reset.trim());
  if (resetNumber !== undefined) {
    // X-RateLimit-Reset is a unix time; the IETF `RateLimit-Reset` is delta seconds. Values far
    // below today's unix time can only be deltas.
    const at = resetNumber > 1_000_000_000 ? resetNumber * 1000 : now + resetNumber * 1000;
    info.resetAt = dateTime(at);
    seen = true;
  }
  const retryAfter = parseRetryAfter(header(headers, "retry-after"), now);
  if (retryAfter !== undefined) {
    info.resetAt = retryAfter;
    seen = true;
  }
  const source = header(headers, "docker-ratelimit-source");
  if (source) {
    info.source = source.trim();
    seen = true;
  }
  return seen ? info : undefined;
}

/** Per-host rate-limit memory. One per client; no module-level state. */
export class RateLimitTracker {
  private readonly hosts = new Map<string, HostRateLimitState>();

  constructor(
    private readonly now: () => number,
    /** Block length after a 429 that carries no reset time and no window. */
    private readonly defaultCooldownMs: number,
  ) {}

  /**
   * Records the headers of any response from `host`, merged into what was known (a field the
   * response does not carry keeps its last value). `remaining: 0` blocks pulls until the window
   * can have reset; pulls left again lift that block. Returns what this response said.
   */
  observe(host: string, headers: HeaderBag): RateLimitInfo | undefined {
    const info = parseRateLimitHeaders(headers, this.now());
    if (!info) return undefined;
    const s = this.state(host);
    const merged: RateLimitInfo = { ...s.last, ...info };
    // A reset time belongs to the answer that sent it: an older one is kept only while ahead.
    if (info.resetAt === undefined && merged.resetAt !== undefined && merged.resetAt <= info.observedAt)
      delete merged.resetAt;
    s.last = merged;
    if (info.remaining === 0) {
      const { resetAt, estimate } = this.resetTime(merged);
      if (resetAt > (s.pullsBlockedUntil ?? 0)) {
        s.pullsBlockedUntil = resetAt;
        s.pullsBlockedUntilIsEstimate = estimate;
      }
    } else if (info.remaining !== undefined && info.remaining > 0) {
      delete s.pullsBlockedUntil;
      delete s.pullsBlockedUntilIsEstimate;
    }
    return info;
  }

  /**
   * Records a 429 from `host` and blocks it: every request (`all`), or only manifest GETs
   * (`pulls`: Docker Hub's pull limit, while HEADs still answer). The reset time is, in order:
   * Retry-After / X-RateLimit-Reset (exact), the policy window (an upper bound: the window
   * slides), a default.
   */
  block(host: string, headers: HeaderBag, scope: BlockScope = "all"): { resetAt: number; estimate: boolean } {
    this.observe(host, headers);
    const s = this.state(host);
    const { resetAt, estimate } = this.resetTime(parseRateLimitHeaders(headers, this.now()));
    if (scope === "pulls") {
      s.pullsBlockedUntil = Math.max(s.pullsBlockedUntil ?? 0, resetAt);
      s.pullsBlockedUntilIsEstimate = estimate;
      return { resetAt: s.pullsBlockedUntil, estimate };
    }
    s.blockedUntil = Math.max(s.blockedUntil ?? 0, resetAt);
    s.blockedUntilIsEstimate = estimate;
    return { resetAt: s.blockedUntil, estimate };
  }

  /** When a spent limit resets, from what a response said. */
  private resetTime(info: RateLimitInfo | undefined): { resetAt: number; estimate: boolean } {
    const now = this.now();
    let resetAt: number;
    let estimate: boolean;
    if (info?.resetAt !== undefined && info.resetAt > now) {
      resetAt = info.resetAt;
      estimate = false;
    } else if (info?.windowSeconds !== undefined && info.windowSeconds > 0) {
      resetAt = now + info.windowSeconds * 1000;
      estimate = true;
    } else {
      resetAt = now + this.defaultCooldownMs;
      estimate = true;
    }
    if (resetAt > now + MAX_RATE_LIMIT_WAIT_MS) {
      resetAt = now + MAX_RATE_LIMIT_WAIT_MS;
      estimate = true;
    }
    return { resetAt, estimate };
  }

  /**
   * When `host` is blocked now for a request of this kind, until when (epoch ms); undefined when
   * it may go. Manifest GETs (`pulls: true`) also wait for a spent pull limit.
   */
  blockedUntil(
    host: string,
    opts: { pulls?: boolean } = {},
  ): { until: number; estimate: boolean; scope: BlockScope } | undefined {
    const s = this.hosts.get(host);
    if (!s) return undefined;
    this.expire(s);
    if (s.blockedUntil !== undefined)
      return { until: s.blockedUntil, estimate: s.blockedUntilIsEstimate ?? false, scope: "all" };
    if (opts.pulls === true && s.pullsBlockedUntil !== undefined)
      return { until: s.pullsBlockedUntil, estimate: s.pullsBlockedUntilIsEstimate ?? false, scope: "pulls" };
    return undefined;
  }

  private expire(s: HostRateLimitState): void {
    const now = this.now();
    if (s.blockedUntil !== undefined && s.blockedUntil <= now) {
      delete s.blockedUntil;
      delete s.blockedUntilIsEstimate;
    }
    if (s.pullsBlockedUntil !== undefined && s.pullsBlockedUntil <= now) {
      delete s.pullsBlockedUntil;
      delete s.pullsBlockedUntilIsEstimate;
    }
  }

  /** Lifts blocks early: Refresh, new credentials (`docker login`). */
  clear(host?: string): void {
    for (const s of host === undefined ? this.hosts.values() : [this.hosts.get(host)]) {
      if (!s) continue;
      delete s.blockedUntil;
      delete s.blockedUntilIsEstimate;
      delete s.pullsBlockedUntil;
      delete s.pullsBlockedUntilIsEstimate;
    }
  }

  get(host: string): HostRateLimitState | undefined {
    const s = this.hosts.get(host);
    if (!s) return undefined;
    this.expire(s); // a passed block is not shown
    return structuredClone(s);
  }

  snapshot(): HostRateLimitState[] {
    return [...this.hosts.keys()]
      .map((h) => this.get(h))
      .filter((s): s is HostRateLimitState => s !== undefined);
  }

  private state(host: string): HostRateLimitState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { host };
      this.hosts.set(host, s);
    }
    return s;
  }
}
