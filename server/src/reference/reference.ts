/**
 * Container image references: parse and normalise text such as `python:3.12` into
 * `docker.io/library/python:3.12`, format it back (full or familiar form), and locate the parts
 * of the original text for the editor.
 *
 * Whether a text is accepted follows distribution/reference's ParseNormalizedNamed and
 * go-digest's validation exactly (see grammar.ts); the differences are listed at
 * `parseReference`. When a text is rejected, the error names the part that is wrong, with its
 * offset, in words meant for the person editing the Dockerfile. Nothing here throws.
 */
import {
  DIGEST_ALGORITHMS,
  anchoredDigestRegexp,
  anchoredDomainRegexp,
  anchoredGoDigestRegexp,
  anchoredIdentifierRegexp,
  anchoredNameRegexp,
  anchoredPathComponentRegexp,
  anchoredTagRegexp,
  referenceRegexp,
} from "./grammar";
import { DOCKER_HUB_API_HOST, DOCKER_HUB_REGISTRY, dockerHubHost } from "./dockerHub";

/** A normalised image reference. */
export interface Reference {
  /** Registry host with optional port, as written; `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path within the registry: `library/python` for the official Hub image. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, validated (sha256: 64 lowercase hex, sha512: 128). */
  digest?: string;
}

/** Why a text is not an image reference. Codes are stable; messages are for the user. */
export type ReferenceErrorCode =
  | "empty"
  | "contains-whitespace"
  | "image-id-not-reference"
  | "uppercase-repository"
  | "invalid-registry"
  | "invalid-repository"
  | "name-too-long"
  | "invalid-tag"
  | "invalid-digest"
  | "invalid-digest-length"
  | "unsupported-digest-algorithm"
  | "invalid-format";

/** Every `ReferenceErrorCode`, for exhaustive checks. */
export const REFERENCE_ERROR_CODES: readonly ReferenceErrorCode[] = [
  "empty",
  "contains-whitespace",
  "image-id-not-reference",
  "uppercase-repository",
  "invalid-registry",
  "invalid-repository",
  "name-too-long",
  "invalid-tag",
  "invalid-digest",
  "invalid-digest-length",
  "unsupported-digest-algorithm",
  "invalid-format",
];

/**
 * A rejected reference. Note: inside a module that imports it, this name shadows the global
 * `ReferenceError` class (the design keeps the name; import it with `as` where that matters).
 */
export interface ReferenceError {
  code: ReferenceErrorCode;
  message: string;
  /** Offset of the offending part in the parsed text, when one part is to blame. */
  offset?: number;
  /** Length of the offending part, starting at `offset`. */
  length?: number;
}

export type ParseResult = { ok: true; value: Reference } | { ok: false; error: ReferenceError };

/** A half-open range `[start, end)` of offsets into the text given to `splitReferenceText`. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Where each part of a reference sits in the text it was written as. Spans exclude the `:`
 * before the tag and the `@` before the digest.
 */
export interface ReferenceSpans {
  /** Registry and repository together: everything before the tag or digest. */
  name: Span;
  /** Absent when the text names no registry (Docker Hub is implied). */
  registry?: Span;
  /** The repository as written: `python`, not the normalised `library/python`. */
  repository: Span;
  tag?: Span;
  digest?: Span;
}

/** Namespace of Docker Hub's official images. */
export const OFFICIAL_REPOSITORY_PREFIX = "library/";
/** distribution's RepositoryNameTotalLengthMax: applies to the repository path, not the registry. */
export const REPOSITORY_NAME_MAX_LENGTH = 255;

/**
 * Other spellings of Docker Hub that normalise to `docker.io`: exactly distribution/reference's
 * (`legacyDefaultDomain`, normalize.go). `registry-1.docker.io` is not one: `docker pull
 * registry-1.docker.io/python` asks that host for `python` (no `library/` is added) and fails, so
 * it is a registry of its own here too, whose API happens to be Docker Hub's (dockerHub.ts).
 */
function isHubAlias(domain: string): boolean {
  return domain !== DOCKER_HUB_REGISTRY && dockerHubHost(domain) === "name";
}

/**
 * Parses and normalises an image reference the way `docker pull` reads it
 * (distribution/reference's ParseNormalizedNamed):
 *
 * - `python` → `docker.io/library/python`; `user/app` → `docker.io/user/app`;
 *   `docker.io/python` → `docker.io/library/python`.
 * - The first path component is a registry only if it contains `.` or `:`, is `localhost`, or
 *   contains an uppercase letter (repositories can't); otherwise Docker Hub is implied.
 * - A bare 64-hex string is an image ID and is rejected.
 *
 * Deliberate differences from distribution: a first component that must be a registry but is not a valid host
 * (`foo_bar.com/app`) is rejected, where distribution returns a name with an empty domain that
 * nothing can pull; sha384 digests are unsupported (OCI registers only sha256 and sha512).
 */
export function parseReference(text: string): ParseResult {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  // One Dockerfile names the same few images again and again, and every feature parses them: the
  // answers are kept (frozen, so no caller can change another's), a bounded number of them.
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  const result = parseUncached(text);
  Object.freeze(result.ok ? result.value : result.error);
  parsed.set(text, Object.freeze(result));
  return result;
}

const PARSED_LIMIT = 20_000;
const parsed = new Map<string, ParseResult>();

function parseUncached(text: string): ParseResult {
  if (text === "") {
    return fail({ code: "empty", message: "The image reference is empty." });
  }
  if (anchoredIdentifierRegexp.test(text)) {
    return fail({
      code: "image-id-not-reference",
      message:
        "This is a 64-character image ID, not an image reference: a registry can't look it up. " +
        "Use a name with a tag or digest, such as `name@sha256:<digest>`.",
      offset: 0,
      length: text.length,
    });
  }

  const { domain, remainder } = splitDockerDomain(text);
  const tagSeparator = remainder.indexOf(":");
  const remote = tagSeparator === -1 ? remainder : remainder.slice(0, tagSeparator);
  if (remote.toLowerCase() !== remote) {
    // distribution rejects any uppercase before the first ':' of the remainder; the diagnosis
    // says which part is at fault (the repository, or a malformed digest algorithm).
    return fail(diagnose(text));
  }

  const match = referenceRegexp.exec(`${domain}/${remainder}`);
  const name = match?.[1];
  if (match === null || name === undefined) {
    return fail(diagnose(text));
  }
  const nameMatch = anchoredNameRegexp.exec(name);
  const spans = splitReferenceText(text);
  if (nameMatch?.[1] !== domain) {
    // The text's first component has to be a registry (it has a '.' or ':') but isn't a valid host.
    return fail(diagnose(text, { forceRegistryError: true }));
  }
  const repository = nameMatch[2] ?? "";
  if (repository.length > REPOSITORY_NAME_MAX_LENGTH) {
    return fail({
      code: "name-too-long",
      message:
        `The repository path ${quote(repository)} is ${repository.length} characters long; ` +
        `registries accept at most ${REPOSITORY_NAME_MAX_LENGTH}.`,
      ...spanFields(spans.repository),
    });
  }

  const value: Reference = { registry: domain, repository };
  const tag = match[2];
  if (tag !== undefined) value.tag = tag;
  const digest = match[3];
  if (digest !== undefined) {
    const digestError = validateDigest(digest, spans.digest?.start ?? 0);
    if (digestError !== undefined) return fail(digestError);
    value.digest = digest;
  }
  return { ok: true, value };
}

/**
 * The canonical full form: `docker.io/library/python:3.12-slim@sha256:…`. No default tag is
 * added: a reference without tag or digest formats without one.
 */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${suffix(ref)}`;
}

/**
 * The short form a person writes (distribution's FamiliarString): `python:3.12-slim`,
 * `user/app@sha256:…`, `ghcr.io/o/r:1`. Parsing it gives the same `Reference` back.
 */
export function familiar(ref: Reference): string {
  return `${familiarName(ref)}${suffix(ref)}`;
}

/**
 * The familiar name without tag or digest: `python`, `user/app`, `ghcr.io/o/r`. Unlike
 * distribution's FamiliarName, a Hub path whose first component would read as a registry
 * (`docker.io/my.org/app`) keeps `docker.io/`, and an official name that reads as a 64-hex
 * image ID keeps `library/`, so the familiar form always parses back.
 */
export function familiarName(ref: Reference): string {
  const full = `${ref.registry}/${ref.repository}`;
  if (!isDockerHub(ref)) return full;
  const official = officialName(ref.repository);
  if (official !== undefined) return anchoredIdentifierRegexp.test(official) ? ref.repository : official;
  const slash = ref.repository.indexOf("/");
  return slash !== -1 && isDomainComponent(ref.repository.slice(0, slash)) ? full : ref.repository;
}

/**
 * The reference with `digest` added (or replaced), keeping its tag, as distribution's
 * WithDigest does. Unlike WithDigest, which only checks the loose grammar, the digest is fully
 * validated so the result always parses back.
 */
export function withDigest(ref: Reference, digest: string): ParseResult {
  const error = validateDigest(digest, 0);
  if (error !== undefined) return fail(error);
  return { ok: true, value: { ...ref, digest } };
}

/** The reference without its digest (its tag, if any, kept). */
export function withoutDigest(ref: Reference): Reference {
  const value: Reference = { registry: ref.registry, repository: ref.repository };
  if (ref.tag !== undefined) value.tag = ref.tag;
  return value;
}

/** True for Docker Hub references (registry `docker.io` after normalisation). */
export function isDockerHub(ref: Reference): boolean {
  return ref.registry === DOCKER_HUB_REGISTRY;
}

/** The host serving the registry API: `registry-1.docker.io` for Docker Hub, else the registry. */
export function apiHost(registry: string): string {
  return dockerHubHost(registry) === "name" ? DOCKER_HUB_API_HOST : registry;
}

/**
 * The repository path as Docker Hub's APIs want it (`library/python`, `user/app`), or
 * `undefined` for references to other registries.
 */
export function hubRepositoryPath(ref: Reference): string | undefined {
  return isDockerHub(ref) ? ref.repository : undefined;
}

/** True for Docker Hub official images: `docker.io/library/<name>` with a single-component name. */
export function isOfficialImageName(ref: Reference): boolean {
  return isDockerHub(ref) && officialName(ref.repository) !== undefined;
}

/** True if `tag` is a valid tag (without the leading `:`). */
export function isValidTag(tag: string): boolean {
  return anchoredTagRegexp.test(tag);
}

/** True if `digest` is a valid, supported digest (`sha256:` + 64 lowercase hex, or sha512). */
export function isValidDigest(digest: string): boolean {
  return validateDigest(digest, 0) === undefined;
}

/**
 * Locates registry, repository, tag and digest in `text` without validating them, so it also
 * works on text being typed. Uses the same rules as `parseReference` to decide whether the
 * first component is a registry. Offsets are into `text`.
 */
export function splitReferenceText(text: string): ReferenceSpans {
  const at = text.indexOf("@");
  const nameAndTagEnd = at === -1 ? text.length : at;
  const lastSlash = text.lastIndexOf("/", nameAndTagEnd - 1);
  const colon = text.lastIndexOf(":", nameAndTagEnd - 1);
  const nameEnd = colon > lastSlash ? colon : nameAndTagEnd;

  const spans: ReferenceSpans = { name: { start: 0, end: nameEnd }, repository: { start: 0, end: nameEnd } };
  const firstSlash = text.indexOf("/");
  if (firstSlash !== -1 && firstSlash < nameEnd && isDomainComponent(text.slice(0, firstSlash))) {
    spans.registry = { start: 0, end: firstSlash };
    spans.repository = { start: firstSlash + 1, end: nameEnd };
  }
  if (nameEnd < nameAndTagEnd) spans.tag = { start: nameEnd + 1, end: nameAndTagEnd };
  if (at !== -1) spans.digest = { start: at + 1, end: text.length };
  return spans;
}

// ---- internals ---------------------------------------------------------------------------------

function fail(error: ReferenceError): ParseResult {
  return { ok: false, error };
}

function suffix(ref: Reference): string {
  return `${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** `python` for `library/python`; undefined for anything else (`library/a/b` stays as is). */
function officialName(repository: string): string | undefined {
  if (!repository.startsWith(OFFICIAL_REPOSITORY_PREFIX)) return undefined;
  const rest = repository.slice(OFFICIAL_REPOSITORY_PREFIX.length);
  return rest.includes("/") ? undefined : rest;
}

/** distribution's rule for "is the first path component a registry?" (splitDockerDomain). */
function isDomainComponent(component: string): boolean {
  return (
    component === "localhost" ||
    isHubAlias(component) ||
    component.includes(".") ||
    component.includes(":") ||
    component.toLowerCase() !== component
  );
}

/**
 * distribution's splitDockerDomain: the registry (Docker Hub if none is named) and the rest of
 * the text, with `library/` added for single-name Hub images.
 */
function splitDockerDomain(text: string): { domain: string; remainder: string } {
  const slash = text.indexOf("/");
  if (slash === -1) {
    return { domain: DOCKER_HUB_REGISTRY, remainder: OFFICIAL_REPOSITORY_PREFIX + text };
  }
  const first = text.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (isHubAlias(first)) {
    domain = DOCKER_HUB_REGISTRY;
    remainder = text.slice(slash + 1);
  } else if (isDomainComponent(first)) {
    domain = first;
    remainder = text.slice(slash + 1);
  } else {
    domain = DOCKER_HUB_REGISTRY;
    remainder = text;
  }
  if (domain === DOCKER_HUB_REGISTRY && !remainder.includes("/")) {
    remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  }
  return { domain, remainder };
}

function spanFields(span: Span): { offset: number; length: number } {
  return { offset: span.start, length: span.end - span.start };
}

/**
 * go-digest's Digest.Validate on top of the reference grammar's digest pattern: the algorithm
 * must be registered and the hex part exactly as long as its hash, in lowercase.
 */
function validateDigest(digest: string, offset: number): ReferenceError | undefined {
  const where = { offset, length: digest.length };
  const colon = digest.indexOf(":");
  if (colon === -1) return invalidDigest(digest, offset);
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const expectedLength = DIGEST_ALGORITHMS.get(algorithm);
  const looksLikeDigest = anchoredDigestRegexp.test(digest);

  if (expectedLength === undefined) {
    const lowercaseLength = DIGEST_ALGORITHMS.get(algorithm.toLowerCase());
    if (lowercaseLength !== undefined) {
      return {
        code: "invalid-digest",
        message: `Digest algorithms are lowercase: write \`${algorithm.toLowerCase()}:\`, not \`${algorithm}:\`.`,
        ...where,
      };
    }
    if (looksLikeDigest && anchoredGoDigestRegexp.test(digest)) {
      return {
        code: "unsupported-digest-algorithm",
        message: `${quote(algorithm)} is not a supported digest algorithm: use \`sha256\` (or \`sha512\`).`,
        offset,
        length: algorithm.length,
      };
    }
    return invalidDigest(digest, offset);
  }
  if (!/^[0-9A-Fa-f]*$/.test(hex)) return invalidDigest(digest, offset);
  if (hex.length !== expectedLength) {
    return {
      code: "invalid-digest-length",
      message:
        `A ${algorithm} digest has ${expectedLength} hex digits after \`${algorithm}:\`; ` +
        `this one has ${hex.length}. Copy the whole digest.`,
      ...where,
    };
  }
  if (hex.toLowerCase() !== hex) {
    return {
      code: "invalid-digest",
      message: `Digest hex digits must be lowercase: write \`${algorithm}:${hex.toLowerCase()}\`.`,
      ...where,
    };
  }
  return undefined;
}

function invalidDigest(digest: string, offset: number): ReferenceError {
  return {
    code: "invalid-digest",
    message:
      digest === ""
        ? "The digest after `@` is empty: write `@sha256:` followed by 64 hex digits."
        : `${quote(digest)} is not a valid digest: expected \`sha256:\` followed by 64 hex digits.`,
    offset,
    length: digest.length,
  };
}

/**
 * Says which part of a rejected text is wrong. Only called once the grammar has rejected the
 * text, so it decides messages, never acceptance; it falls back to a general error.
 */
function diagnose(text: string, options: { forceRegistryError?: boolean } = {}): ReferenceError {
  const whitespace = /\s/.exec(text);
  if (whitespace !== null) {
    return {
      code: "contains-whitespace",
      message: "An image reference can't contain spaces or other whitespace.",
      offset: whitespace.index,
      length: 1,
    };
  }

  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  if (scheme !== null) {
    return {
      code: "invalid-format",
      message: `Image references have no URL scheme: remove ${quote(scheme[0])} and write \`host/repository[:tag]\`.`,
      offset: 0,
      length: scheme[0].length,
    };
  }

  const spans = splitReferenceText(text);
  const slice = (span: Span): string => text.slice(span.start, span.end);

  if (spans.registry === undefined && text.startsWith("[")) {
    // `[::1]:5000` alone: an IPv6 registry address with no repository after it.
    const address = spans.digest === undefined ? text : text.slice(0, spans.digest.start - 1);
    return {
      code: "invalid-repository",
      message:
        `${quote(address)} looks like a registry address: ` +
        "add the repository after a `/`, such as `[::1]:5000/name`.",
      offset: 0,
      length: address.length,
    };
  }

  if (spans.registry !== undefined) {
    const registry = slice(spans.registry);
    if (options.forceRegistryError === true || !anchoredDomainRegexp.test(registry)) {
      return registryError(registry, spans.registry);
    }
  }

  const repositoryError = diagnoseRepository(text, spans);
  if (repositoryError !== undefined) return repositoryError;

  if (spans.tag !== undefined) {
    const tag = slice(spans.tag);
    if (!anchoredTagRegexp.test(tag)) return tagError(tag, spans.tag);
  }

  if (spans.digest !== undefined) {
    const digestError = validateDigest(slice(spans.digest), spans.digest.start);
    if (digestError !== undefined) return digestError;
  }

  return {
    code: "invalid-format",
    message:
      `${quote(text)} is not a valid image reference: expected \`[registry/]repository[:tag][@digest]\`, ` +
      "such as `python:3.12` or `ghcr.io/owner/app@sha256:…`.",
    offset: 0,
    length: text.length,
  };
}

function diagnoseRepository(text: string, spans: ReferenceSpans): ReferenceError | undefined {
  const repository = text.slice(spans.repository.start, spans.repository.end);
  if (repository === "") {
    return {
      code: "invalid-repository",
      message:
        spans.registry === undefined
          ? "The image name is missing: write a repository such as `python` before the tag or digest."
          : "The repository name is missing after the registry.",
      offset: spans.repository.start,
      length: 0,
    };
  }

  const components = repository.split("/");
  const lowercaseValid = components.every((c) => anchoredPathComponentRegexp.test(c.toLowerCase()));
  if (lowercaseValid && repository.toLowerCase() !== repository) {
    const firstUpper = /[A-Z]/.exec(repository)?.index ?? 0;
    return {
      code: "uppercase-repository",
      message: `Repository names must be lowercase: use ${quote(repository.toLowerCase())}, not ${quote(repository)}.`,
      offset: spans.repository.start + firstUpper,
      length: repository.length - firstUpper,
    };
  }

  let offset = spans.repository.start;
  for (const component of components) {
    if (component === "") {
      return {
        code: "invalid-repository",
        message: "The repository path has an empty component: remove the extra `/`.",
        offset,
        length: 0,
      };
    }
    if (!anchoredPathComponentRegexp.test(component)) {
      return {
        code: "invalid-repository",
        message:
          `${quote(component)} is not a valid repository name component: use lowercase letters and digits, ` +
          "separated by single `.`, `_` or `__`, or dashes, starting and ending with a letter or digit.",
        offset,
        length: component.length,
      };
    }
    offset += component.length + 1;
  }
  return undefined;
}

function registryError(registry: string, span: Span): ReferenceError {
  const host = registry.startsWith("[") ? registry : registry.replace(/:[^:]*$/, "");
  const hint = registry.includes("%")
    ? " IPv6 zone identifiers (`%eth0`) are not allowed."
    : !registry.startsWith("[") && (registry.match(/:/g)?.length ?? 0) > 1
      ? " Write IPv6 addresses in brackets, such as `[::1]:5000`."
      : /:[0-9]*[^0-9]/.test(registry.slice(host.length)) || registry.endsWith(":")
        ? " A port is digits only."
        : "";
  return {
    code: "invalid-registry",
    message:
      `${quote(registry)} is not a valid registry host: expected a host name (letters, digits, ` +
      "inner dashes, dot-separated), an IPv4 address or a bracketed IPv6 address, optionally " +
      `followed by \`:port\`.${hint}`,
    ...spanFields(span),
  };
}

function tagError(tag: string, span: Span): ReferenceError {
  const detail =
    tag === ""
      ? "The tag after `:` is empty: write a tag such as `latest`, or remove the `:`."
      : tag.length > 128
        ? `The tag is ${tag.length} characters long; tags are at most 128.`
        : /^[.-]/.test(tag)
          ? `${quote(tag)} is not a valid tag: a tag can't start with \`.\` or \`-\`.`
          : `${quote(tag)} is not a valid tag: tags use letters, digits, \`_\`, \`.\` and \`-\`.`;
  return { code: "invalid-tag", message: detail, ...spanFields(span) };
}

/** Puts a piece of the user's text in backticks for a message, shortening very long pieces. */
function quote(text: string): string {
  const max = 80;
  return `\`${text.length > max ? `${text.slice(0, max - 1)}…` : text}\``;
}
