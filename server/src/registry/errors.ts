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
import { loginCommand } from "../reference";
import { notFoundError, rateLimitedError } from "./errorValues";
import { redactUrl } from "./redact";

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
  code?: string | undefined;
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

export {
  badResponse,
  cancelledError,
  internalError,
  notFoundError,
  rateLimitedError,
  timeoutError,
  tokenRealmNotFoundError,
} from "./errorValues";
export { errorCode, fromNetworkError, proxyRefusedError, proxyTunnelStatus } from "./networkErrors";
export { redactText, redactUrl } from "./redact";
// The transport reads it from here; it lives with Docker Hub's host names in reference/.
export { loginCommand };
