/**
 * Where the parts of a reference sit in the text it was written as, and distribution's rule
 * for whether its first path component is a registry. No validation: it works on text being
 * typed.
 */
import { DOCKER_HUB_REGISTRY, dockerHubHost } from "./dockerHub";
import type { ReferenceSpans, Span } from "./types";

/**
 * Other spellings of Docker Hub that normalise to `docker.io`: exactly distribution/reference's
 * (`legacyDefaultDomain`, normalize.go). `registry-1.docker.io` is not one: `docker pull
 * registry-1.docker.io/python` asks that host for `python` (no `library/` is added) and fails, so
 * it is a registry of its own here too, whose API happens to be Docker Hub's (dockerHub.ts).
 */
export function isHubAlias(domain: string): boolean {
  return domain !== DOCKER_HUB_REGISTRY && dockerHubHost(domain) === "name";
}

/** distribution's rule for "is the first path component a registry?" (splitDockerDomain). */
export function isDomainComponent(component: string): boolean {
  return (
    component === "localhost" ||
    isHubAlias(component) ||
    component.includes(".") ||
    component.includes(":") ||
    component.toLowerCase() !== component
  );
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

export function spanFields(span: Span): { offset: number; length: number } {
  return { offset: span.start, length: span.end - span.start };
}
