/**
 * Redirects, followed by hand: at most `maxRedirects` hops, http(s) only, and a request that
 * carries a credential it cannot shed (a token POST's body, a token GET's Basic header) is never
 * sent to another origin or over plain http. `Authorization` itself is dropped by the transport
 * on every hop that leaves the original origin.
 */
import { badResponse, err, ok, redactUrl } from "../errors";
import type { Result } from "../errors";
import type { LogLevel } from "./options";

/** A 3xx with a Location that is a redirect to follow (a 304 is not). */
export function isRedirect(status: number, location: string | undefined): location is string {
  return status >= 300 && status < 400 && status !== 304 && location !== undefined;
}

export interface RedirectHop {
  status: number;
  location: string;
  /** The URL that answered with the redirect. */
  url: URL;
  /** Hops followed so far. */
  hop: number;
  method: "GET" | "HEAD" | "POST";
  hasBody: boolean;
  credentialBound: boolean;
  /** The origin of the first request. */
  originalOrigin: string;
  /** The host of the first request (the one blamed for too many hops). */
  firstHost: string;
}

export interface RedirectPolicy {
  maxRedirects: number;
  mayCarryCredentials: (url: URL) => boolean;
  log: (level: LogLevel, message: string) => void;
}

/** Where to go next, and whether the request becomes a body-less GET (303, or 301/302 after a POST). */
export function nextHop(hop: RedirectHop, policy: RedirectPolicy): Result<{ url: URL; toGet: boolean }> {
  const { status, url, method, firstHost } = hop;
  const currentHost = url.host;
  if (hop.hop >= policy.maxRedirects) {
    return err(
      badResponse(
        "bad-redirect",
        `${firstHost} redirected more than ${policy.maxRedirects} times.`,
        firstHost,
      ),
    );
  }
  let next: URL;
  try {
    next = new URL(hop.location, url);
  } catch {
    return err(badResponse("bad-redirect", `${currentHost} redirected to an invalid URL.`, currentHost));
  }
  if (next.protocol !== "https:" && next.protocol !== "http:") {
    return err(
      badResponse("bad-redirect", `${currentHost} redirected to a ${next.protocol} URL.`, currentHost),
    );
  }
  if (
    (hop.credentialBound || (hop.hasBody && method === "POST")) &&
    (next.origin !== hop.originalOrigin || !policy.mayCarryCredentials(next))
  ) {
    // The body (an identity token's refresh_token) or the credential would travel to a host
    // it was not issued for, or in clear text: never follow.
    policy.log(
      "warn",
      `${method} ${redactUrl(url)} → ${status} redirect to ${next.protocol}//${next.host} refused: the request carries credentials`,
    );
    return err(
      badResponse(
        "bad-redirect",
        `${currentHost} redirected a request that carries credentials to ${next.protocol}//${next.host}; FROM Lens refused to follow it, so the credentials stay with ${currentHost}.`,
        currentHost,
      ),
    );
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && method === "POST");
  return ok({ url: next, toGet });
}
