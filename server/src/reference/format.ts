/**
 * A normalised reference back to text (the full form, or the familiar one a person writes),
 * digest edits, and what it names: Docker Hub, an official image, the host serving its API.
 */
import { DOCKER_HUB_API_HOST, DOCKER_HUB_REGISTRY, dockerHubHost } from "./dockerHub";
import { validateDigest } from "./diagnose";
import { anchoredIdentifierRegexp } from "./grammar";
import { isDomainComponent } from "./spans";
import { OFFICIAL_REPOSITORY_PREFIX } from "./types";
import type { ParseResult, Reference } from "./types";

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
  if (error !== undefined) return { ok: false, error };
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

function suffix(ref: Reference): string {
  return `${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** `python` for `library/python`; undefined for anything else (`library/a/b` stays as is). */
function officialName(repository: string): string | undefined {
  if (!repository.startsWith(OFFICIAL_REPOSITORY_PREFIX)) return undefined;
  const rest = repository.slice(OFFICIAL_REPOSITORY_PREFIX.length);
  return rest.includes("/") ? undefined : rest;
}
