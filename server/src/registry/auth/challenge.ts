/**
 * WWW-Authenticate parsing (RFC 7235 §4.1 / RFC 6750 §3): one header value may hold several
 * challenges (`Negotiate, Bearer realm="…", Basic realm="…"`), several header lines may each hold
 * some, parameters may be quoted (with `\"` escapes and commas inside, like Hub's
 * `scope="repository:samalba/my-app:pull,push"`) or bare tokens, and a scheme may carry a token68
 * instead of parameters. Lenient where real registries are sloppy (unquoted URLs as values,
 * stray commas and spaces); scheme and parameter names are case-insensitive and returned in lower
 * case. References: go-containerregistry pkg/v1/remote/internal/authchallenge (one challenge per
 * line only), renovate lib/util/http/www-authenticate.ts (several per line).
 */
import { setOwn } from "../../json";
import { splitScopes } from "./scope";

export interface Challenge {
  /** Lower case: `bearer`, `basic`, `negotiate`, … */
  scheme: string;
  /** Parameter names in lower case; the first occurrence of a name wins. */
  params: Record<string, string>;
  /** `Negotiate abc==`: the token68 form, when the scheme carries one instead of parameters. */
  token68?: string;
}

/** A Bearer challenge with what the token flow needs. */
export interface BearerChallenge {
  realm: string;
  service?: string;
  /** Space-separated scopes from the `scope` parameter (RFC 6749 §3.3), if any. */
  scopes: string[];
  /** `insufficient_scope`, `invalid_token`, … (RFC 6750 §3.1). */
  error?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/** Parses all challenges of one or more WWW-Authenticate header values. Never throws. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = typeof header === "string" ? [header] : header;
  const out: Challenge[] = [];
  for (const v of values) out.push(...parseOne(v));
  return out;
}

function parseOne(s: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = s.length;

  const skipWs = (): void => {
    while (i < n && (s[i] === " " || s[i] === "\t" || s[i] === "\r" || s[i] === "\n")) i++;
  };
  const skipWsAndCommas = (): void => {
    while (i < n && (s[i] === " " || s[i] === "\t" || s[i] === "," || s[i] === "\r" || s[i] === "\n")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(s[i] ?? "")) i++;
    return s.slice(start, i);
  };
  /**
   * Is there `token BWS "=" BWS` at `at`, followed by a value? Right after a scheme, `abc=` with
   * nothing after it is a token68; after a comma it is a parameter with an empty value.
   */
  const paramAhead = (at: number, allowEmpty = false): boolean => {
    let j = at;
    const start = j;
    while (j < n && TOKEN_CHAR.test(s[j] ?? "")) j++;
    if (j === start) return false;
    while (j < n && (s[j] === " " || s[j] === "\t")) j++;
    if (s[j] !== "=") return false;
    j++;
    while (j < n && (s[j] === " " || s[j] === "\t")) j++;
    if (allowEmpty) return s[j] !== "=";
    return j < n && s[j] !== "=" && s[j] !== ",";
  };
  const readValue = (): string => {
    if (s[i] === '"') {
      i++;
      let value = "";
      while (i < n) {
        const c = s[i];
        if (c === "\\" && i + 1 < n) {
          value += s[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          return value;
        }
        value += c;
        i++;
      }
      return value; // unterminated: take the rest
    }
    // Bare value. A token by the RFC, but registries send bare URLs (`realm=https://…`), so read
    // up to the next comma or whitespace.
    const start = i;
    while (i < n && s[i] !== "," && s[i] !== " " && s[i] !== "\t") i++;
    return s.slice(start, i);
  };

  while (i < n) {
    skipWsAndCommas();
    if (i >= n) break;
    const scheme = readToken();
    if (!scheme) {
      i++; // not a token character: skip it and resynchronise
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skipWs();
    if (i >= n) break;
    if (s[i] === ",") {
      // `Negotiate, Basic …` or `Bearer ,realm=…`: parameters may still follow the comma.
      let j = i;
      while (j < n && (s[j] === "," || s[j] === " " || s[j] === "\t")) j++;
      if (!paramAhead(j)) continue;
      i = j;
    } else if (!paramAhead(i)) {
      // token68 (`Negotiate abc==`) or, leniently, a second scheme after only a space.
      const start = i;
      while (i < n && TOKEN68_CHAR.test(s[i] ?? "")) i++;
      while (i < n && s[i] === "=") i++;
      const t = s.slice(start, i);
      if (t) challenge.token68 = t;
      else i++;
      continue;
    }
    // auth-params: name BWS "=" BWS value, separated by commas (BWS and empty elements allowed).
    for (;;) {
      const name = readToken().toLowerCase();
      skipWs();
      i++; // the "=" that paramAhead saw
      skipWs();
      const value = readValue();
      // Own properties only: a parameter may be named "constructor" or "__proto__".
      if (!Object.hasOwn(challenge.params, name)) setOwn(challenge.params, name, value);
      skipWs();
      if (i >= n) break;
      if (s[i] !== ",") {
        // junk after a value: resynchronise at the next comma
        while (i < n && s[i] !== ",") i++;
        if (i >= n) break;
      }
      let j = i;
      while (j < n && (s[j] === "," || s[j] === " " || s[j] === "\t")) j++;
      if (!paramAhead(j, true)) {
        i = j; // the next thing is a new challenge (or the end)
        break;
      }
      i = j;
    }
  }
  return out;
}

/**
 * The challenge to answer when there are several: Bearer over Basic (a Bearer token server also
 * accepts Basic credentials), and anything we cannot answer last.
 */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return (
    challenges.find((c) => c.scheme === "bearer" && c.params.realm) ??
    challenges.find((c) => c.scheme === "basic") ??
    challenges[0]
  );
}

export function toBearerChallenge(c: Challenge): BearerChallenge | undefined {
  if (c.scheme !== "bearer") return undefined;
  const realm = c.params.realm;
  if (!realm) return undefined;
  const b: BearerChallenge = { realm, scopes: splitScopes(c.params.scope) };
  if (c.params.service !== undefined) b.service = c.params.service;
  if (c.params.error !== undefined) b.error = c.params.error;
  return b;
}
