/**
 * Docker Hub's host names, in one table, and what each one is. The layers ask different
 * questions of a host — does a reference naming it normalise to `docker.io`, are its credentials
 * Docker Hub's, may Docker Hub's trust badges describe it, does `docker login` need no host — and
 * each answers from the role this table gives, so no layer keeps a list of its own.
 *
 * Host names are compared as given: references keep their case (distribution/reference compares
 * `index.docker.io` exactly), and callers that read settings or config files lower-case first.
 */

/** The canonical Docker Hub domain of a reference. */
export const DOCKER_HUB_REGISTRY = "docker.io";
/** Docker Hub's registry API host (the `docker.io` name has no registry API). */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";

export type DockerHubHostRole =
  /**
   * `docker.io`, `index.docker.io`: the names a reference normalises to `docker.io` from
   * (distribution/reference's defaultDomain and legacyDefaultDomain); the registry API behind
   * them is registry-1.docker.io.
   */
  | "name"
  /**
   * `registry-1.docker.io`: the registry API itself. A reference naming it is a registry of its
   * own (`docker pull registry-1.docker.io/python` adds no `library/`), but its images, trust and
   * credentials are Docker Hub's.
   */
  | "registry-api"
  /**
   * `registry.hub.docker.com`: a legacy name of the registry API. Its images and trust are Docker
   * Hub's; the docker CLI keeps its credentials under its own name.
   */
  | "legacy-registry"
  /** `auth.docker.io` (token service) and `hub.docker.com` (web API): Docker Hub, not a registry. */
  | "service";

const HOSTS: ReadonlyMap<string, DockerHubHostRole> = new Map([
  ["docker.io", "name"],
  ["index.docker.io", "name"],
  ["registry-1.docker.io", "registry-api"],
  ["registry.hub.docker.com", "legacy-registry"],
  ["auth.docker.io", "service"],
  ["hub.docker.com", "service"],
]);

/** What `host` is to Docker Hub, or undefined for any other host (compared exactly). */
export function dockerHubHost(host: string): DockerHubHostRole | undefined {
  return HOSTS.get(host);
}

/** `docker login` for Docker Hub, `docker login <host>` for the rest (where credentials are kept). */
export function loginCommand(host: string): string {
  const role = dockerHubHost(host);
  // registry.hub.docker.com's credentials are kept under its own name: it needs its host.
  return role !== undefined && role !== "legacy-registry" ? "docker login" : `docker login ${host}`;
}
