/**
 * Image references: parse and normalise (`python:3.12` → `docker.io/library/python:3.12`),
 * format back in full or familiar form, and locate each part in the original text.
 * Pure code with no I/O: parse.ts parses and normalises, format.ts formats back, diagnose.ts
 * says why a text is rejected, spans.ts locates the parts, types.ts holds the types, grammar.ts
 * the grammar and dockerHub.ts Docker Hub's host names.
 */
export { DOCKER_HUB_API_HOST, DOCKER_HUB_REGISTRY, dockerHubHost, loginCommand } from "./dockerHub";
export type { DockerHubHostRole } from "./dockerHub";
export { OFFICIAL_REPOSITORY_PREFIX, REFERENCE_ERROR_CODES, REPOSITORY_NAME_MAX_LENGTH } from "./types";
export { parseReference } from "./parse";
export {
  apiHost,
  familiar,
  familiarName,
  formatReference,
  hubRepositoryPath,
  isDockerHub,
  isOfficialImageName,
  withDigest,
  withoutDigest,
} from "./format";
export { isValidDigest, isValidTag } from "./diagnose";
export { splitReferenceText } from "./spans";
export type {
  ParseResult,
  Reference,
  ReferenceError,
  ReferenceErrorCode,
  ReferenceSpans,
  Span,
} from "./types";
