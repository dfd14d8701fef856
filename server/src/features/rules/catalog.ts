/**
 * One sentence per FROM Lens rule, for tools that list the rules without a document in hand:
 * the CLI's SARIF `tool.driver.rules` (shown by GitHub code scanning) and `--help`. The long
 * explanation stays in README.md, a section per code (codeDescriptionHref links to it); a unit
 * test keeps this table, RULE_DEFAULTS and the README's sections in step.
 */
import type { RuleCode } from "../../settings";

export const RULE_SUMMARIES: Readonly<Record<RuleCode, string>> = {
  "invalid-reference":
    "Docker cannot parse the image reference, so the build stops with “invalid reference format”.",
  "latest-tag": "The image uses the tag “latest”, which is not a version: it moves to every new release.",
  "implicit-latest": "The image has no tag, so Docker pulls “latest”, which moves to every new release.",
  unpinned: "The image is not pinned to a digest, so its tag can point to another image at the next build.",
  "stale-pin": "The pinned digest is no longer what its tag points to: the image misses every fix since.",
  "digest-only": "The image is pinned by digest alone: readers and update bots cannot tell its version.",
  "platform-pin":
    "The pinned digest is one platform's manifest, not the multi-platform index: other architectures fail.",
  "floating-tag": "The tag floats over several releases; the exact tag is named.",
  "unknown-repository": "The registry says the repository does not exist.",
  "unknown-tag": "The registry has no such tag in the repository.",
  "unknown-digest": "No image with the pinned digest exists in the repository.",
  "lookalike-image":
    "The name imitates a popular Docker Official Image, a known way typosquatted images reach builds.",
  "untrusted-source":
    "No Docker programme vouches for the image and fromLens.trustedRegistries does not list its source.",
  unauthorized: "The registry wants credentials FROM Lens does not have, or refuses the ones it has.",
  "rate-limited": "The registry refused requests for now (Docker Hub's pull limit).",
  "registry-unreachable": "The registry could not be reached or gave an unusable answer.",
  "platform-unavailable": "The image offers no variant for the platform the build uses.",
  "eol-base": "The base operating system is past its end of life and gets no free security fixes.",
  "eol-soon": "The base operating system reaches its end of life within 90 days.",
  "unresolvable-arg":
    "The image name depends on a build argument with no default, so it cannot be looked up.",
  "slim-final-stage":
    "The final stage uses a full image although a smaller -slim variant of the same tag exists.",
  "musl-variant": "The base uses musl libc: binaries and wheels built for glibc do not run.",
  "disallowed-image": "The image matches none of the patterns in fromLens.allowedImages.",
  "diverges-from-official":
    "A mirror of a Docker Official Image serves a different digest than Docker Hub for the same tag.",
  "content-trust":
    "DOCKER_CONTENT_TRUST=1 makes pulls of Docker Official Images fail since Content Trust was retired.",
  "unsigned-image":
    "The image has no signature verified with one of your keys (cosign), so nothing shows who published it.",
};
