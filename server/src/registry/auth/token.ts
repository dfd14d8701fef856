/**
 * The token request (distribution docs/spec/auth/token.md, oauth.md): OAuth2 POST for identity
 * tokens, else GET with Basic or anonymous; the realm validated first (https, or the registry's
 * own insecure / loopback host) so no credential goes where it must not.
 */
import {
  RegistryError,
  badResponse,
  err,
  loginCommand,
  ok,
  rateLimitedError,
  toResolveError,
  tokenRealmNotFoundError,
} from "../errors";
import type { ResolveError, Result } from "../errors";
import type { Credential } from "../credentials";
import { isLoopbackHost } from "../proxy";
import type { HttpTransport } from "../http/transport";
import { hostOf } from "../http/types";
import type { HttpResponse } from "../http/types";
import { basicHeader } from "./basic";
import type { RegistryEndpoint, TokenRealm } from "./types";

/** A token endpoint's answer (distribution docs/spec/auth/token.md). */
export interface TokenResponse {
  token: string;
  expiresInSeconds: number;
}

export interface TokenRequest {
  auth: TokenRealm;
  scopes: readonly string[];
  credential: Credential;
  endpoint: RegistryEndpoint;
  signal: AbortSignal;
}

/** Asks the realm for a token. Never throws. */
export async function requestToken(http: HttpTransport, req: TokenRequest): Promise<Result<TokenResponse>> {
  const { auth, scopes, credential, endpoint, signal } = req;
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
      http.isInsecureRegistry(realmHost));
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
  const maxBytes = http.options.limits.maxTokenBytes;

  let res: Result<HttpResponse>;
  if (credential.kind === "identity-token") {
    const form = new URLSearchParams();
    form.set("grant_type", "refresh_token");
    form.set("refresh_token", credential.token);
    if (auth.service !== undefined) form.set("service", auth.service);
    form.set("scope", scopes.join(" "));
    form.set("client_id", "from-lens");
    res = await http.send({
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
      res = await getToken(http, realm, req, undefined);
  } else {
    res = await getToken(http, realm, req, credential.kind === "basic" ? credential : undefined);
  }
  if (!res.ok) return res;
  const r = res.value;
  if (r.status === 429) {
    const { resetAt, estimate } = http.rateLimits.block(realmHost, r.headers);
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
      toResolveError(new RegistryError({ status: r.status, method: "GET", url: realm.href, body: r.body }), {
        subject,
        host: realmHost,
        target: "token",
      }),
    );
  }
  const parsed = parseTokenResponse(r.body);
  if (!parsed)
    return err(badResponse("no-token", `The token server ${realmHost} answered without a token.`, realmHost));
  http.addSecret(parsed.token);
  return ok(parsed);
}

function getToken(
  http: HttpTransport,
  realm: URL,
  req: { auth: TokenRealm; scopes: readonly string[]; signal: AbortSignal },
  basic: { username: string; password: string } | undefined,
): Promise<Result<HttpResponse>> {
  const { auth, scopes, signal } = req;
  const url = new URL(realm.href);
  if (auth.service !== undefined) url.searchParams.set("service", auth.service);
  for (const s of scopes) url.searchParams.append("scope", s);
  const headers: Record<string, string> = {};
  if (basic) headers.authorization = basicHeader(basic.username, basic.password);
  return http.send({
    url,
    method: "GET",
    headers,
    kind: "token",
    maxBytes: http.options.limits.maxTokenBytes,
    signal,
    ...(basic ? { credentialBound: true } : {}),
    urgent: true,
  });
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
