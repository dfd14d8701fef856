/**
 * Trust: Docker Hub's programmes (Docker Official Image = the `library/` namespace; Verified
 * Publisher and Sponsored OSS from the search API's badge, the only Hub field that carries them,
 * per HUB-API.md §3), and the user's `trustedRegistries` setting for everything else.
 */
import { DOCKER_HUB_REGISTRY, dockerHubHost } from "../reference";
import type { HubData } from "./hubData";
import type { TrustFact, TrustLevel } from "./types";

export interface TrustSources {
  registry: string;
  repository: string;
  hub?: HubData | undefined;
  /** Setting entries: a registry host ("ghcr.io") or a host/namespace prefix ("ghcr.io/my-org"). */
  trustedRegistries?: readonly string[] | undefined;
  /** A registry mirror answered instead of Docker Hub: its host, and the digest it served. */
  mirror?: { host: string; digest: string } | undefined;
}

/** A registry whose images are Docker Hub's (its names, its registry API; not its web services). */
export function isDockerHub(registry: string): boolean {
  const role = dockerHubHost(registry.toLowerCase());
  return role !== undefined && role !== "service";
}

function canonicalHost(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB_REGISTRY : host;
}

/** "https://Index.Docker.io/library/" → "docker.io/library". */
function normaliseEntry(entry: string): string {
  const clean = entry
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/\/+$/, "");
  const slash = clean.indexOf("/");
  return slash === -1 ? canonicalHost(clean) : `${canonicalHost(clean.slice(0, slash))}${clean.slice(slash)}`;
}

/** The setting entry that covers this reference, matching whole path segments. */
export function matchTrustedRegistry(
  registry: string,
  repository: string,
  entries: readonly string[],
): string | undefined {
  const full = `${canonicalHost(registry.toLowerCase())}/${repository.toLowerCase()}`;
  return entries.find((raw) => {
    const entry = normaliseEntry(raw);
    return entry !== "" && (full === entry || full.startsWith(`${entry}/`));
  });
}

const BADGES: Readonly<Record<string, { level: TrustLevel; text: string }>> = {
  official: { level: "official", text: "Docker Hub badge: Docker Official Image" },
  verified_publisher: {
    level: "verified-publisher",
    text: "Docker Hub badge: Verified Publisher (a commercial publisher vetted by Docker)",
  },
  open_source: {
    level: "sponsored-oss",
    text: "Docker Hub badge: Sponsored OSS (an open-source project sponsored by Docker)",
  },
};

function hubTrust(repository: string, hub: HubData | undefined): { level: TrustLevel; evidence: string } {
  if (repository.startsWith("library/")) {
    return {
      level: "official",
      evidence: `Docker Official Image: docker.io/${repository} is in Docker Hub's library/ namespace, curated by Docker`,
    };
  }
  const badge = hub?.badge;
  if (badge !== undefined && badge !== null && badge !== "none") {
    const b = BADGES[badge];
    if (b !== undefined) return { level: b.level, evidence: `${b.text} for ${repository}` };
  }
  if (badge === null || badge === "none") {
    return {
      level: "community",
      evidence: `Community image: Docker Hub shows no Official, Verified Publisher or Sponsored OSS badge for ${repository}`,
    };
  }
  if (badge !== undefined) {
    return {
      level: "unknown",
      evidence: `Docker Hub shows the badge "${badge}" for ${repository}, which FROM Lens does not know`,
    };
  }
  if (hub?.isOfficial === true)
    return { level: "official", evidence: `Docker Hub search marks ${repository} as official` };
  return { level: "unknown", evidence: `Docker Hub did not say which trust badge ${repository} has` };
}

/**
 * What a mirror's answer does to a Hub trust level: it stands only when Docker Hub's own tag data
 * names the digest the mirror served; otherwise nothing Docker Hub says covers these bytes.
 */
function mirrored(
  base: { level: TrustLevel; evidence: string },
  mirror: { host: string; digest: string },
  hub: HubData | undefined,
): { level: TrustLevel; evidence: string; mirror: { host: string; checkedAgainstHub: boolean } } {
  const hubDigest = hub?.tag?.digest;
  if (hubDigest !== undefined && hubDigest !== null && hubDigest === mirror.digest) {
    return {
      ...base,
      evidence: `${base.evidence}; served by mirror ${mirror.host}, its digest checked against Docker Hub`,
      mirror: { host: mirror.host, checkedAgainstHub: true },
    };
  }
  return {
    level: "unknown",
    evidence: `Served by mirror ${mirror.host}, not checked against Docker Hub${hubDigest ? ` (Docker Hub names another digest for this tag)` : ""}, so no Docker Hub trust badge applies`,
    mirror: { host: mirror.host, checkedAgainstHub: false },
  };
}

export function deriveTrust(sources: TrustSources): TrustFact {
  const entry = matchTrustedRegistry(sources.registry, sources.repository, sources.trustedRegistries ?? []);
  const hubBase = isDockerHub(sources.registry) ? hubTrust(sources.repository, sources.hub) : undefined;
  const base: { level: TrustLevel; evidence: string; mirror?: { host: string; checkedAgainstHub: boolean } } =
    hubBase === undefined
      ? {
          level: "unknown" as const,
          evidence: `${sources.registry} is not Docker Hub, so no Hub trust badge applies`,
        }
      : sources.mirror !== undefined
        ? mirrored(hubBase, sources.mirror, sources.hub)
        : hubBase;
  const mirrorPart = base.mirror !== undefined ? { mirror: base.mirror } : {};
  if (entry !== undefined) {
    return {
      level: base.level,
      trustedBySettings: true,
      ...mirrorPart,
      evidence: `${base.evidence}; trusted by your setting fromLens.trustedRegistries ("${entry}")`,
    };
  }
  const hint = isDockerHub(sources.registry)
    ? ""
    : "; add it to fromLens.trustedRegistries if you trust this registry";
  return { level: base.level, trustedBySettings: false, ...mirrorPart, evidence: base.evidence + hint };
}
