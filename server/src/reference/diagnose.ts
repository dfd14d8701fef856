/**
 * Why a text is not an image reference, in words meant for the person editing the Dockerfile,
 * with the offset of the part to blame: `diagnose` once the grammar has rejected a text, and
 * go-digest's digest validation. These decide messages; acceptance is parse.ts' (the grammar's).
 */
import {
  DIGEST_ALGORITHMS,
  anchoredDigestRegexp,
  anchoredDomainRegexp,
  anchoredGoDigestRegexp,
  anchoredPathComponentRegexp,
  anchoredTagRegexp,
} from "./grammar";
import { spanFields, splitReferenceText } from "./spans";
import type { ReferenceError, ReferenceSpans, Span } from "./types";

/** True if `tag` is a valid tag (without the leading `:`). */
export function isValidTag(tag: string): boolean {
  return anchoredTagRegexp.test(tag);
}

/** True if `digest` is a valid, supported digest (`sha256:` + 64 lowercase hex, or sha512). */
export function isValidDigest(digest: string): boolean {
  return validateDigest(digest, 0) === undefined;
}

/**
 * go-digest's Digest.Validate on top of the reference grammar's digest pattern: the algorithm
 * must be registered and the hex part exactly as long as its hash, in lowercase.
 */
export function validateDigest(digest: string, offset: number): ReferenceError | undefined {
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
export function diagnose(text: string, options: { forceRegistryError?: boolean } = {}): ReferenceError {
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
export function quote(text: string): string {
  const max = 80;
  return `\`${text.length > max ? `${text.slice(0, max - 1)}…` : text}\``;
}
