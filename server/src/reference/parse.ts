/**
 * Parsing and normalising: `python:3.12` → `docker.io/library/python:3.12`, the way `docker
 * pull` reads it (distribution/reference's ParseNormalizedNamed and go-digest's validation,
 * exactly; see grammar.ts). A rejected text gets an error from diagnose.ts. Nothing here throws.
 */
import { DOCKER_HUB_REGISTRY } from "./dockerHub";
import { diagnose, quote, validateDigest } from "./diagnose";
import { anchoredIdentifierRegexp, anchoredNameRegexp, referenceRegexp } from "./grammar";
import { isDomainComponent, isHubAlias, spanFields, splitReferenceText } from "./spans";
import { OFFICIAL_REPOSITORY_PREFIX, REPOSITORY_NAME_MAX_LENGTH } from "./types";
import type { ParseResult, Reference, ReferenceError } from "./types";

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

function fail(error: ReferenceError): ParseResult {
  return { ok: false, error };
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
