/**
 * Which proxy a request goes through. Sources, in order: the proxy URL given by the editor
 * (VS Code's `http.proxy`), then `HTTPS_PROXY` / `HTTP_PROXY` (upper case first, then lower case,
 * like Go's golang.org/x/net/http/httpproxy that docker uses). `NO_PROXY` (and an explicit list)
 * excludes hosts with Go's rules: `*` = everything; `example.com` = the host and its subdomains;
 * `.example.com` / `*.example.com` = subdomains only; an IP, an IP/CIDR; `host:port` matches that
 * port only. Loopback is never proxied (as in Go): test registries and local mirrors stay direct.
 */
import { isIP } from "node:net";

export interface ProxySettings {
  /** An explicit proxy for all requests (VS Code `http.proxy`); overrides the environment. */
  proxy?: string | undefined;
  /** Extra hosts that bypass the proxy (VS Code `http.noProxy`), added to NO_PROXY. */
  noProxy?: readonly string[] | undefined;
  env?: Record<string, string | undefined> | undefined;
}

function envAny(env: Record<string, string | undefined>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== "") return v.trim();
  }
  return undefined;
}

/** The proxy URL to use for `target`, or undefined for a direct connection. */
export function proxyFor(target: URL, settings: ProxySettings): string | undefined {
  const env = settings.env ?? process.env;
  const proxy =
    settings.proxy?.trim() ||
    (target.protocol === "https:"
      ? envAny(env, "HTTPS_PROXY", "https_proxy")
      : envAny(env, "HTTP_PROXY", "http_proxy"));
  if (!proxy) return undefined;
  const noProxy = [envAny(env, "NO_PROXY", "no_proxy") ?? "", ...(settings.noProxy ?? [])].join(",");
  if (bypassesProxy(target, noProxy)) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = stripBrackets(hostname.toLowerCase());
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1";
  return false;
}

/** True when `target` must not go through a proxy according to a NO_PROXY value. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = stripBrackets(target.hostname.toLowerCase());
  if (isLoopbackHost(host)) return true;
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    if (entry.includes("/")) {
      if (isIP(host) && cidrContains(entry, host)) return true;
      continue;
    }
    const { name, port: entryPort } = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(name)) {
      if (name === host) return true;
      continue;
    }
    if (name.startsWith("*.")) {
      if (host.endsWith(name.slice(1))) return true;
    } else if (name.startsWith(".")) {
      if (host.endsWith(name)) return true;
    } else if (host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

function stripBrackets(h: string): string {
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

function splitHostPort(entry: string): { name: string; port?: string } {
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    const name = entry.slice(1, end);
    const rest = entry.slice(end + 1);
    return rest.startsWith(":") ? { name, port: rest.slice(1) } : { name };
  }
  if (isIP(entry) === 6) return { name: entry };
  const colon = entry.lastIndexOf(":");
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1)))
    return { name: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { name: entry };
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split("/");
  if (base === undefined || bitsText === undefined || !/^\d+$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  const a = ipBytes(base);
  const b = ipBytes(ip);
  if (!a || !b || a.length !== b.length || bits > a.length * 8) return false;
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((a[byte] ?? 0) & mask) !== ((b[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function ipBytes(ip: string): number[] | undefined {
  if (isIP(ip) === 4) return ip.split(".").map(Number);
  if (isIP(ip) !== 6) return undefined;
  const [head = "", tail] = ip.split("::");
  const parse = (s: string): number[] =>
    s
      ? s
          .split(":")
          .flatMap((g) =>
            g.includes(".") ? (ipBytes(g) ?? []) : [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff],
          )
      : [];
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const fill = new Array<number>(16 - h.length - t.length).fill(0);
  return [...h, ...fill, ...t];
}
