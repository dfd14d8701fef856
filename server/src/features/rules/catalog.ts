/**
 * One sentence per FROM Lens rule, for tools that list the rules without a document in hand:
 * the CLI's SARIF `tool.driver.rules` (shown by GitHub code scanning) and `--help`. The long
 * explanation stays in README.md, a section per code (codeDescriptionHref links to it); a unit
 * test keeps this table, RULE_DEFAULTS and the README's sections in step.
 */
import type { RuleCode, StandardCheckCode } from "../../settings";

export const RULE_SUMMARIES: Readonly<Record<RuleCode, string>> = {
  "invalid-reference":
    "Docker cannot parse the image reference, so the build stops with “invalid reference format”.",
  "invalid-stage-reference":
    "The instruction names a build stage BuildKit cannot use there: not yet defined, out of range, or a case mismatch.",
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
  "auth-misconfigured":
    "The registry's token server (its WWW-Authenticate realm) answered 404: its sign-in is misconfigured, which says nothing about whether the image exists.",
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

/** One line per standard Dockerfile check, as in the README's "Standard checks" table. */
export const STANDARD_CHECK_SUMMARIES: Readonly<Record<StandardCheckCode, string>> = {
  "unknown-flag": "A flag the instruction does not have (`ADD --unpak`).",
  "duplicate-flag": "A flag given twice that takes one value.",
  "missing-flag-value": "`--chown` without `=value`.",
  "invalid-flag-value": "A bad boolean, duration, retries, network, security or mount option.",
  "argument-count": "Too few or too many arguments (`COPY src`, `FROM a b`).",
  "missing-argument": "An instruction with no arguments.",
  "extra-argument": "Arguments where none are taken (`HEALTHCHECK NONE x`).",
  "blank-base-name": "`FROM $UNDEFINED`: the base name is empty.",
  "invalid-reference-format": "A malformed tag or digest in `FROM`.",
  "invalid-as": "`FROM image something name`: the second word must be `AS`.",
  "invalid-stage-name": "A stage name BuildKit rejects (`AS 1st`).",
  "duplicate-stage-name": "Two stages with the same name.",
  "no-source-image": "No `FROM` before the first instruction.",
  "destination-not-directory": "Several sources copied to a destination not ending in `/`.",
  "healthcheck-syntax": "`HEALTHCHECK` without `CMD`/`NONE`, or `CMD` without a command.",
  "invalid-port": "An `EXPOSE` port or protocol Docker rejects.",
  "invalid-signal": "A `STOPSIGNAL` that is not a signal.",
  "invalid-onbuild-trigger": "`ONBUILD FROM`, `ONBUILD MAINTAINER`, `ONBUILD ONBUILD`.",
  "shell-json-form": "`SHELL` not written as a JSON array.",
  "key-value-syntax": "`ENV`/`LABEL`/`ARG` pairs with a missing `=`, name or closing quote.",
  "unsupported-modifier": "`${VAR:x}`: a substitution modifier BuildKit does not have.",
  "invalid-escape-directive": "`# escape=` other than `\\` or `` ` ``, or given twice.",
  "unknown-instruction": "A line that is not an instruction.",
  "multiple-instructions": "Several `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in one stage (the last wins).",
  "deprecated-maintainer": "`MAINTAINER` (use `LABEL org.opencontainers.image.authors=…`).",
  "relative-workdir": "`WORKDIR` with a relative path.",
  "empty-continuation-line": "An empty line inside a continued instruction.",
  "instruction-casing": "An instruction not in upper case.",
  "json-in-single-quotes": "`CMD ['a']`: single quotes make it shell form.",
  "directive-casing": "A parser directive not in lower case.",
};
