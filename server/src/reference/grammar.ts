/**
 * The image reference grammar as named regular-expression pieces, a line-for-line port of
 * distribution/reference's regexp.go (https://github.com/distribution/reference/blob/main/regexp.go)
 * plus the digest rules of opencontainers/go-digest (algorithm.go, digest.go).
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | \[ IPv6address \]
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   remote-name      := path-component ['/' path-component]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" hex     (hex: at least 32 hex digits)
 *   identifier       := /[a-f0-9]{64}/
 *
 * Go's RE2 and JavaScript agree on everything used here: leftmost-first submatches, `\w` is
 * ASCII-only without the `u` flag, and `$` without the `m` flag matches only at the very end
 * (so a trailing newline never sneaks through). Go's `[[:xdigit:]]` is spelled `[0-9A-Fa-f]`.
 */

// ---- pieces (strings), named as in regexp.go ------------------------------------------------

/** Lowercase letters and digits: the atom of repository path components. */
export const alphanumeric = `[a-z0-9]+`;

/** One period, one or two underscores, or any number of dashes, between alphanumerics. */
export const separator = `(?:[._]|__|[-]+)`;

/** `localhost` is always a domain, even without a dot or a port. */
export const localhost = `localhost`;

/** One label of a registry host name; unlike path components it may contain uppercase. */
export const domainNameComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`;

/** `:port`, optional. Any number of digits: distribution leaves range checks to the caller. */
export const optionalPort = `(?::[0-9]+)?`;

/** A tag: word character first, then up to 127 word characters, dots or dashes. */
export const tag = `[\\w][\\w.-]{0,127}`;

/** A digest as the reference grammar accepts it; go-digest validates the algorithm and length. */
export const digestPat = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}`;

/** A content-addressable image ID: 64 lowercase hex digits, no algorithm. */
export const identifier = `([a-f0-9]{64})`;

/** An IPv6 address in brackets; zone identifiers (`%eth0`) and dotted IPv4 tails are excluded. */
export const ipv6address = `\\[(?:[a-fA-F0-9:]+)\\]`;

/** A DNS-like host name or a dotted IPv4 address. */
export const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;

/** Host as in RFC 3986's URI host subcomponent, restricted as above. */
export const host = `(?:${domainName}|${ipv6address})`;

/** A registry: host with an optional port. */
export const domainAndPort = `${host}${optionalPort}`;

/** A path component: alphanumerics joined by separators. */
export const pathComponent = `${alphanumeric}${anyTimes(separator, alphanumeric)}`;

/** The repository path ("remote name"): path components joined by `/`. */
export const remoteName = `${pathComponent}${anyTimes("/", pathComponent)}`;

/** A full name: optional `domain/` then the remote name. */
export const namePat = `${optional(domainAndPort, "/")}${remoteName}`;

/** An anchored name with two captures: domain (may be absent) and remote name. */
export const anchoredNamePat = anchored(optional(capture(domainAndPort), "/"), capture(remoteName));

/** An anchored reference with three captures: name, tag, digest. */
export const referencePat = anchored(
  capture(namePat),
  optional(":", capture(tag)),
  optional("@", capture(digestPat)),
);

// ---- go-digest's stricter digest rules ---------------------------------------------------------

/**
 * go-digest's DigestRegexp (digest.go): lowercase algorithm components joined by `.+_-`.
 * Used only to tell "unsupported algorithm" from "malformed digest", exactly as go-digest does.
 */
export const goDigestPat = `[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`;

/**
 * Algorithms registered by default in go-digest (and by the OCI image spec), with the length of
 * their lowercase-hex encoding. sha384 is not in the OCI spec and no longer registered by
 * default in go-digest, so it is reported as unsupported.
 */
export const DIGEST_ALGORITHMS: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha512", 128],
]);

// ---- compiled, anchored regular expressions --------------------------------------------------

/** `^reference$` with captures 1 = name, 2 = tag, 3 = digest. */
export const referenceRegexp = new RegExp(referencePat);

/** `^name$` with captures 1 = domain (undefined when absent), 2 = remote name. */
export const anchoredNameRegexp = new RegExp(anchoredNamePat);

/** `^domain[:port]$`. */
export const anchoredDomainRegexp = new RegExp(anchored(domainAndPort));

/** `^path-component$`. */
export const anchoredPathComponentRegexp = new RegExp(anchored(pathComponent));

/** `^tag$`. */
export const anchoredTagRegexp = new RegExp(anchored(tag));

/** `^digest$` (reference grammar; not yet checked against the algorithm's length). */
export const anchoredDigestRegexp = new RegExp(anchored(digestPat));

/** `^[a-f0-9]{64}$`: a bare image ID, which is never a reference. */
export const anchoredIdentifierRegexp = new RegExp(anchored(identifier));

/** `^go-digest digest$`. */
export const anchoredGoDigestRegexp = new RegExp(anchored(goDigestPat));

// ---- helpers, as in regexp.go ---------------------------------------------------------------

/** Wraps the expression in a non-capturing group and makes it optional. */
function optional(...res: string[]): string {
  return `(?:${res.join("")})?`;
}

/** Wraps the expression in a non-capturing group that may repeat any number of times. */
function anyTimes(...res: string[]): string {
  return `(?:${res.join("")})*`;
}

/** Wraps the expression in a capturing group. */
function capture(...res: string[]): string {
  return `(${res.join("")})`;
}

/** Anchors the expression at the start and end of the input. */
function anchored(...res: string[]): string {
  return `^${res.join("")}$`;
}
