/** Thrown transport errors (undici, Node sockets, a refusing proxy) mapped to `ResolveError`s. */
import { isRecord } from "../json";
import type { ResolveError } from "./errors";
import { badResponse, timeoutError } from "./errorValues";
import { redactText } from "./redact";

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
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "CERT_UNTRUSTED":
      return {
        kind: "network",
        host,
        message: `The TLS certificate of ${host} is not signed by a certificate authority FROM Lens trusts (${code}). If the registry (or a TLS-inspecting proxy) uses a private CA, put that CA's certificate in a PEM file and point the \`fromLens.caFile\` setting at it.`,
      };
    case "CERT_HAS_EXPIRED":
    case "CERT_NOT_YET_VALID":
      return {
        kind: "network",
        host,
        message: `The TLS certificate of ${host} ${code === "CERT_HAS_EXPIRED" ? "has expired" : "is not valid yet"} (${code}): the registry must renew it, or this machine's clock is wrong.`,
      };
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return {
        kind: "network",
        host,
        message: `The TLS certificate of ${host} is for another name (${code}): check the registry name, or the registry's certificate.`,
      };
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
      return badResponse("truncated", `${host} sent a truncated response body.`, host);
    default: {
      if (code?.startsWith("ERR_HTTP2_")) {
        // Node's message names the HTTP/2 error code: "Stream closed with error code NGHTTP2_…".
        const h2code = /NGHTTP2_[A-Z_]+/.exec(e instanceof Error ? e.message : "")?.[0];
        return {
          kind: "network",
          host,
          message: `HTTP/2 error talking to ${host} (${code}${h2code ? `, ${h2code}` : ""}). If it keeps happening with this registry, set \`fromLens.network.http2\` to false to use HTTP/1.1.`,
        };
      }
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
