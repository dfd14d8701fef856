/** What parse.ts produces: a normalised reference, or an error naming the part that is wrong. */

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
