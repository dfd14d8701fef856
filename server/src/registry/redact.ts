/** Redaction: URLs and free text that may reach a log or an error message. */

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
