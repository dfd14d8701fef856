/**
 * Image references: parse and normalise (`python:3.12` → `docker.io/library/python:3.12`),
 * format back in full or familiar form, and locate each part in the original text.
 * Pure code with no I/O; see reference.ts for the API, grammar.ts for the grammar and
 * dockerHub.ts for Docker Hub's host names.
 */
export { DOCKER_HUB_API_HOST, DOCKER_HUB_REGISTRY, dockerHubHost, loginCommand } from "./dockerHub";
export type { DockerHubHostRole } from "./dockerHub";
export {
  OFFICIAL_REPOSITORY_PREFIX,
  REFERENCE_ERROR_CODES,
  REPOSITORY_NAME_MAX_LENGTH,
  apiHost,
  familiar,
  familiarName,
  formatReference,
  hubRepositoryPath,
  isDockerHub,
  isOfficialImageName,
  isValidDigest,
  isValidTag,
  parseReference,
  splitReferenceText,
  withDigest,
  withoutDigest,
} from "./reference";
export type {
  ParseResult,
  Reference,
  ReferenceError,
  ReferenceErrorCode,
  ReferenceSpans,
  Span,
} from "./reference";
