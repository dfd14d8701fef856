/**
 * The `ResolveError` values the registry layer builds: not found, rate-limited, a bad response,
 * a misconfigured token realm, cancelled, internal, timeout. Each carries a message for the user.
 */
import { dockerHubHost } from "../reference";
import type {
  BadResponseReason,
  NotFoundWhat,
  RegistryErrorInfo,
  ResolveError,
  TimeoutPhase,
} from "./errors";
import { redactText, redactUrl } from "./redact";

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
