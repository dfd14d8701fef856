/**
 * Failures of the registry layer, as values. `RegistryError` is what one HTTP exchange said
 * (status, the distribution error envelope `{"errors":[{code,message,detail}]}`, whether it is
 * temporary, the redacted URL, a capped copy of the body). `ResolveError` is the typed union that
 * crosses the module boundary (DESIGN.md "Core types"): every public method of the client returns
 * `Result<T, ResolveError>` and never throws. Each `ResolveError` carries a message written for
 * the user: what is wrong, why, what to do.
 * Error codes: distribution/distribution registry/api/errcode/register.go; which codes are
 * temporary: google/go-containerregistry pkg/v1/remote/transport/error.go.
 */
import { isRecord } from "../json";
import { dockerHubHost, loginCommand } from "../reference";

export type Result<T, E = ResolveError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E = ResolveError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** What a `not-found` is about. `platform`: the image exists but has no entry for the asked platform. */
export type NotFoundWhat = "repository" | "tag" | "digest" | "platform";

export type BadResponseReason =
  | "digest-mismatch"
  | "too-large"
  | "truncated"
  | "schema1"
  | "unsupported-media-type"
  | "malformed"
  | "unexpected-status"
  | "unsupported-digest"
  | "insecure-realm"
  | "bad-challenge"
  | "bad-redirect"
  | "no-token"
  /** A Docker Hub web API call for an image that is not on Docker Hub. */
  | "not-docker-hub";

export type TimeoutPhase = "connect" | "headers" | "body" | "request" | "credential-helper";

interface ErrorBase {
  /** For the user: what went wrong, why it matters, what to do. Never contains a secret. */
  message: string;
  /** The host the failing request went to (API host, mirror, token realm or Hub API host). */
  host?: string;
  /** The registry's own account of the failure when there was a response. */
  cause?: RegistryErrorInfo;
}

export type ResolveError =
  | (ErrorBase & { kind: "not-found"; what: NotFoundWhat })
  | (ErrorBase & { kind: "unauthorized" })
  | (ErrorBase & { kind: "denied" })
  | (ErrorBase & {
      kind: "rate-limited";
      resetAt?: Date;
      resetIsEstimate?: boolean;
      /**
       * "pulls": only manifest downloads are refused (Docker Hub's pull limit is spent); digest
       * checks with HEAD still answer. Absent: the host takes no requests at all.
       */
      scope?: "pulls";
    })
  /** `proxy`: the proxy's host, when it was the proxy that refused (`status` is then its answer, e.g. 407). */
  | (ErrorBase & { kind: "network"; status?: number; proxy?: string })
  | (ErrorBase & { kind: "timeout"; phase: TimeoutPhase })
  | (ErrorBase & { kind: "bad-response"; reason: BadResponseReason })
  | (ErrorBase & { kind: "offline" })
  /**
   * The registry's auth server is misconfigured: the token realm its challenge names answered 404
   * (no such endpoint). Says nothing about the image; `host` is the realm's host.
   */
  | (ErrorBase & { kind: "auth-misconfigured"; registry: string; realm: string })
  /** The caller's AbortSignal fired. Not a registry failure: callers usually drop it silently. */
  | (ErrorBase & { kind: "cancelled" });

export type ResolveErrorKind = ResolveError["kind"];

/** One entry of the distribution error envelope. */
export interface ErrorDiagnostic {
  code: string;
  message: string;
  detail?: unknown;
}

/** The plain-data view of a RegistryError, safe to keep in a ResolveError and to serialise. */
export interface RegistryErrorInfo {
  status: number;
  method: string;
  /** Redacted: no user info, query values outside the protocol allow-list replaced. */
  url: string;
  /** First error code of the envelope (`MANIFEST_UNKNOWN`, `TOOMANYREQUESTS`, …), if any. */
  code?: string;
  errors: ErrorDiagnostic[];
  temporary: boolean;
  /** The body as text, capped at `MAX_ERROR_BODY_CHARS`. */
  body: string;
}

export const MAX_ERROR_BODY_CHARS = 4096;

const TEMPORARY_CODES: ReadonlySet<string> = new Set([
  "BLOB_UPLOAD_INVALID",
  "TOOMANYREQUESTS",
  "UNKNOWN",
  "UNAVAILABLE",
]);
const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** One failed HTTP exchange with a registry, decoded from the distribution error envelope. */
export class RegistryError implements RegistryErrorInfo {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly errors: ErrorDiagnostic[];
  readonly body: string;

  constructor(init: { status: number; method: string; url: string; body?: Uint8Array | string }) {
    this.status = init.status;
    this.method = init.method;
    this.url = redactUrl(init.url);
    const text =
      typeof init.body === "string" ? init.body : init.body ? Buffer.from(init.body).toString("utf8") : "";
    this.body = text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}…` : text;
    this.errors = parseErrorEnvelope(text);
  }

  get code(): string | undefined {
    return this.errors[0]?.code;
  }

  /** Temporary when the status says so and no error code says otherwise (ggcr's rule). */
  get temporary(): boolean {
    if (this.errors.length === 0) return TEMPORARY_STATUSES.has(this.status);
    return this.errors.every((e) => TEMPORARY_CODES.has(e.code));
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }

  toInfo(): RegistryErrorInfo {
    const info: RegistryErrorInfo = {
      status: this.status,
      method: this.method,
      url: this.url,
      errors: this.errors,
      temporary: this.temporary,
      body: this.body,
    };
    if (this.code !== undefined) info.code = this.code;
    return info;
  }

  /** `GET https://host/v2/x/manifests/y: 404 MANIFEST_UNKNOWN: manifest unknown` — for logs. */
  describe(): string {
    const what =
      this.errors.length > 0
        ? this.errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join("; ")
        : this.body
          ? this.body.slice(0, 200)
          : "(no body)";
    return `${this.method} ${this.url}: ${this.status} ${what}`;
  }
}

/** Reads `{"errors":[{code,message,detail}]}`; anything else yields no diagnostics. */
export function parseErrorEnvelope(text: string): ErrorDiagnostic[] {
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(data) || !Array.isArray(data.errors)) return [];
  const out: ErrorDiagnostic[] = [];
  for (const e of data.errors as unknown[]) {
    if (!isRecord(e) || typeof e.code !== "string") continue;
    const d: ErrorDiagnostic = {
      code: e.code.toUpperCase(),
      message: typeof e.message === "string" ? e.message : "",
    };
    if (e.detail !== undefined) d.detail = e.detail;
    out.push(d);
  }
  return out;
}

/** What the failing request was after, so a 404 can say repository, tag or digest. */
export interface ErrorContext {
  /** `registry/repository[:tag|@digest]` as the user would recognise it. */
  subject: string;
  host: string;
  target: "manifest" | "blob" | "tags" | "token" | "hub" | "ping";
  /** Asked by digest (a 404 then means the digest), or by tag. */
  byDigest?: boolean;
  /** Extra context for an `unauthorized` message, e.g. that a credential helper failed. */
  credentialNote?: string;
  rateLimitResetAt?: Date;
  rateLimitResetIsEstimate?: boolean;
  /** The 429 refused pulls only (see the rate-limited error's `scope`). */
  rateLimitScope?: "pulls";
}

/** Maps a registry's failed answer to the typed error the rest of the product understands. */
export function toResolveError(e: RegistryError, ctx: ErrorContext): ResolveError {
  const cause = e.toInfo();
  const base = { host: ctx.host, cause };
  if (e.status === 429 || e.hasCode("TOOMANYREQUESTS")) {
    return rateLimitedError(
      ctx.host,
      ctx.rateLimitResetAt,
      ctx.rateLimitResetIsEstimate,
      cause,
      ctx.rateLimitScope,
    );
  }
  if (e.status === 401 || e.hasCode("UNAUTHORIZED")) {
    const note = ctx.credentialNote ? ` ${ctx.credentialNote}` : "";
    return {
      kind: "unauthorized",
      ...base,
      message:
        `${ctx.host} asks for credentials to read ${ctx.subject} (HTTP ${e.status}). ` +
        `The image may be private, or the repository may not exist (Docker Hub answers 401 for both). ` +
        `Log in with \`${loginCommand(ctx.host)}\` or check the name.${note}`,
    };
  }
  if (e.status === 403 || e.hasCode("DENIED")) {
    return {
      kind: "denied",
      ...base,
      message: `${ctx.host} refused access to ${ctx.subject} (HTTP 403): the credentials in use are not allowed to read it. Check the account you are logged in with.`,
    };
  }
  if (
    e.status === 404 ||
    e.hasCode("NAME_UNKNOWN") ||
    e.hasCode("MANIFEST_UNKNOWN") ||
    e.hasCode("BLOB_UNKNOWN")
  ) {
    let what: NotFoundWhat;
    if (e.hasCode("NAME_UNKNOWN")) what = "repository";
    else if (ctx.target === "tags") what = "repository";
    else if (ctx.byDigest || e.hasCode("BLOB_UNKNOWN") || ctx.target === "blob") what = "digest";
    else what = "tag";
    return notFoundError(what, ctx.subject, ctx.host, cause);
  }
  if (e.status >= 500) {
    return {
      kind: "network",
      status: e.status,
      ...base,
      message: `${ctx.host} had a server error (HTTP ${e.status}${cause.code ? ` ${cause.code}` : ""}) while reading ${ctx.subject}. This is usually temporary; try again later.`,
    };
  }
  return {
    kind: "bad-response",
    reason: "unexpected-status",
    ...base,
    message: `${ctx.host} answered HTTP ${e.status}${cause.code ? ` ${cause.code}` : ""} for ${ctx.subject}, which FROM Lens does not understand.`,
  };
}

export function notFoundError(
  what: NotFoundWhat,
  subject: string,
  host: string,
  cause?: RegistryErrorInfo,
): ResolveError {
  const messages: Record<NotFoundWhat, string> = {
    repository: `The repository of ${subject} does not exist on ${host}. Check the image name (and the registry) for typos.`,
    tag: `The tag of ${subject} does not exist on ${host}. Check the tag name; it may have been removed or renamed.`,
    digest: `The digest in ${subject} does not exist on ${host}. The image may have been deleted, or the digest belongs to another repository.`,
    platform: `${subject} has no image for the requested platform. Check --platform or the list of platforms the image is published for.`,
  };
  const e: ResolveError = { kind: "not-found", what, host, message: messages[what] };
  if (cause) e.cause = cause;
  return e;
}

export function rateLimitedError(
  host: string,
  resetAt?: Date,
  estimate?: boolean,
  cause?: RegistryErrorInfo,
  scope?: "pulls",
): ResolveError {
  const when = resetAt ? ` until ${estimate ? "at the latest " : ""}${resetAt.toISOString()}` : "";
  const advice =
    dockerHubHost(host) !== undefined
      ? "Logging in (`docker login`) raises Docker Hub's pull limit; a registry mirror avoids it."
      : "Try again later.";
  const e: ResolveError = {
    kind: "rate-limited",
    host,
    message:
      scope === "pulls"
        ? `${host} pull limit reached: FROM Lens downloads no manifests from it${when}, and still checks digests (HEAD requests do not count as pulls). ${advice}`
        : `${host} rate limit reached (HTTP 429): FROM Lens stops asking it${when}. ${advice}`,
  };
  if (resetAt) e.resetAt = resetAt;
  if (estimate) e.resetIsEstimate = true;
  if (scope) e.scope = scope;
  if (cause) e.cause = cause;
  return e;
}

export function badResponse(
  reason: BadResponseReason,
  message: string,
  host?: string,
  cause?: RegistryErrorInfo,
): ResolveError {
  const e: ResolveError = { kind: "bad-response", reason, message };
  if (host !== undefined) e.host = host;
  if (cause) e.cause = cause;
  return e;
}

/**
 * The token realm a registry names does not exist (HTTP 404 / 410). That is the registry's auth
 * server being misconfigured, not the image being missing: FROM Lens cannot get a token, so it
 * cannot tell whether the image exists at all.
 */
export function tokenRealmNotFoundError(
  registry: string,
  realm: URL,
  status: number,
  cause?: RegistryErrorInfo,
): ResolveError {
  const realmHost = realm.host;
  const shown = redactUrl(new URL(`${realm.origin}${realm.pathname}`));
  const e: ResolveError = {
    kind: "auth-misconfigured",
    registry,
    realm: shown,
    host: realmHost,
    message:
      `The token server ${realmHost}, where ${registry} sends clients for a token, answered HTTP ${status} ` +
      `(not found) at ${shown}: the registry's authentication is misconfigured, so FROM Lens cannot tell ` +
      `whether the image exists. This is a problem on the registry's side (or of a proxy in between); ` +
      `tell its administrator.`,
  };
  if (cause) e.cause = cause;
  return e;
}

export function cancelledError(host?: string): ResolveError {
  const e: ResolveError = { kind: "cancelled", message: "The request was cancelled." };
  if (host !== undefined) e.host = host;
  return e;
}

/** A bug or an unexpected exception inside the client, turned into a value at the boundary. */
export function internalError(e: unknown, host?: string): ResolveError {
  const detail = e instanceof Error ? e.message : String(e);
  const out: ResolveError = {
    kind: "network",
    message: `Unexpected error in FROM Lens's registry client (${redactText(detail).slice(0, 200)}). Please report it; trying again may help.`,
  };
  if (host !== undefined) out.host = host;
  return out;
}

export function timeoutError(phase: TimeoutPhase, host: string, ms?: number): ResolveError {
  const after = ms !== undefined ? ` after ${ms} ms` : "";
  const what: Record<TimeoutPhase, string> = {
    connect: "connecting",
    headers: "waiting for the response",
    body: "reading the response body",
    request: "completing the request",
    "credential-helper": "waiting for the docker credential helper",
  };
  // A host that takes no connection or sends no response is most often down or blackholed.
  const silent =
    phase === "connect" || phase === "headers"
      ? `${host} is not answering (no ${phase === "connect" ? "connection" : "response"}${after}).`
      : undefined;
  return {
    kind: "timeout",
    phase,
    host,
    message:
      silent !== undefined
        ? `${silent} It may be down, or the network may drop what is sent to it.`
        : `${host} timed out while ${what[phase]}${after}. The registry or the network may be slow; try again, or raise the timeout.`,
  };
}

/**
 * undici's ProxyAgent tunnels every request with CONNECT; when the proxy answers anything but
 * 200 it aborts with this message (and code UND_ERR_ABORTED) and keeps no other trace of the
 * status (undici lib/dispatcher/proxy-agent.js).
 */
const PROXY_TUNNEL_STATUS = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;

/** The status a proxy answered a CONNECT with, when `e` is undici's tunnel failure. */
export function proxyTunnelStatus(e: unknown): number | undefined {
  for (let cur = e, depth = 0; isRecord(cur) && depth < 5; cur = cur.cause, depth++) {
    const match = typeof cur.message === "string" ? PROXY_TUNNEL_STATUS.exec(cur.message) : null;
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

/**
 * The proxy at `proxyUrl` answered `status` instead of connecting FROM Lens to `host`. A 407
 * says how to give the proxy credentials: in the proxy URL, which undici sends as Basic
 * `Proxy-Authorization`.
 */
export function proxyRefusedError(status: number, proxyUrl: string, host: string): ResolveError {
  let proxy: URL | undefined;
  try {
    proxy = new URL(proxyUrl);
  } catch {
    proxy = undefined;
  }
  const proxyHost = proxy?.host ?? "the proxy";
  const hadCredentials = proxy !== undefined && (proxy.username !== "" || proxy.password !== "");
  const where = "VS Code's `http.proxy` setting or HTTPS_PROXY / HTTP_PROXY";
  const example = `${proxy?.protocol ?? "http:"}//user:password@${proxyHost}`;
  let message: string;
  if (status === 407 && hadCredentials) {
    message =
      `The proxy ${proxyHost} refused the credentials in its URL (HTTP 407 Proxy Authentication Required) ` +
      `while connecting to ${host}. Check the user name and password in ${where} ` +
      `(\`${example}\`, special characters percent-encoded); FROM Lens sends them as Basic proxy credentials.`;
  } else if (status === 407) {
    message =
      `The proxy ${proxyHost} wants credentials (HTTP 407 Proxy Authentication Required) before it connects ` +
      `FROM Lens to ${host}. Put them in the proxy URL, \`${example}\` (special characters percent-encoded), ` +
      `in ${where}; FROM Lens sends them as Basic proxy credentials.`;
  } else {
    message =
      `The proxy ${proxyHost} refused to connect FROM Lens to ${host} (HTTP ${status}). Check the proxy's ` +
      `rules, or add ${host} to NO_PROXY / VS Code's \`http.noProxy\` if it should be reached directly.`;
  }
  return { kind: "network", status, proxy: proxyHost, host, message };
}

/** Maps a thrown transport error (undici / Node socket) to a ResolveError. */
export function fromNetworkError(
  e: unknown,
  host: string,
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number },
  /** The proxy URL the request went through, if any: its refusal is then reported as such. */
  proxy?: string,
): ResolveError {
  const tunnelStatus = proxy !== undefined ? proxyTunnelStatus(e) : undefined;
  if (proxy !== undefined && tunnelStatus !== undefined) return proxyRefusedError(tunnelStatus, proxy, host);
  const code = errorCode(e);
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return timeoutError("connect", host, timeouts?.connectMs);
    case "UND_ERR_HEADERS_TIMEOUT":
      return timeoutError("headers", host, timeouts?.headersMs);
    case "UND_ERR_BODY_TIMEOUT":
      return timeoutError("body", host, timeouts?.bodyMs);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ENETUNREACH":
    case "ENETDOWN":
    case "EHOSTDOWN":
      return {
        kind: "offline",
        host,
        message: `Cannot reach ${host} (${code}): you may be offline, behind a proxy FROM Lens does not know about, or the registry name is wrong.`,
      };
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
      return badResponse("truncated", `${host} sent a truncated response body.`, host);
    default: {
      const detail = code ?? (e instanceof Error ? e.message : String(e));
      return {
        kind: "network",
        host,
        message: `Network error talking to ${host} (${redactText(detail)}). Check your connection, proxy and certificate settings.`,
      };
    }
  }
}

export function errorCode(e: unknown): string | undefined {
  if (isRecord(e)) {
    if (typeof e.code === "string") return e.code;
    if (e.cause !== undefined && e.cause !== e) return errorCode(e.cause);
  }
  return undefined;
}

// transport.ts reads it from here; it lives with Docker Hub's host names in reference/.
export { loginCommand };

// ---------------------------------------------------------------------------------------------
// Redaction: URLs and free text that may reach a log or an error message.

/** Query keys the registry protocol itself uses; any other value may be a signed-URL secret. */
const QUERY_ALLOWLIST: ReadonlySet<string> = new Set([
  "scope",
  "service",
  "mount",
  "from",
  "digest",
  "n",
  "last",
  "page",
  "page_size",
  "ordering",
  "name",
]);

/** Drops user info and replaces query values outside the protocol allow-list (ggcr redact.URL). */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return "<invalid url>";
  }
  if (u.username || u.password) {
    u.username = u.username ? "REDACTED" : "";
    u.password = "";
  }
  if (u.search) {
    const kept = new URLSearchParams();
    for (const [k, v] of u.searchParams) kept.append(k, QUERY_ALLOWLIST.has(k) ? v : "REDACTED");
    u.search = kept.toString();
  }
  return u.toString();
}

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // An Authorization value (8+ characters, so prose like "basic from" is left alone; short
  // secrets that are known are removed by value).
  [/\b(Bearer|Basic|bearer|basic|BEARER|BASIC)\s+[A-Za-z0-9._~+/-]{8,}=*/g, "$1 REDACTED"],
  [
    /("(?:token|access_token|refresh_token|password|secret|Secret|identitytoken|registrytoken|auth)"\s*:\s*")[^"]*"/gi,
    '$1REDACTED"',
  ],
  [/\b(password|refresh_token|access_token|token)=[^&\s"]+/gi, "$1=REDACTED"],
  [/(\/\/)[^/@\s:]+:[^/@\s]+@/g, "$1REDACTED@"],
];

/** Removes anything that looks like a credential from free text, plus the known secrets given. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join("REDACTED");
  }
  for (const [re, replacement] of SECRET_PATTERNS) out = out.replace(re, replacement);
  return out;
}
