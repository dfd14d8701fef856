/**
 * Docker Hub's tag objects as the resolver uses them: the digest a tag stands for (which the
 * facts take in place of Hub's own), and the summary completion shows.
 */
import type { HubTag as FactsHubTag } from "../facts/hubData";
import type { HubTag } from "../registry/hub";
import { formatPlatform } from "../oci/platform";
import { INDEX_MEDIA_TYPES } from "../oci/types";
import type { TagSummary } from "./types";

/** The digest the reference resolved to, and for an index the digests of its runnable platforms. */
export interface ResolvedSubject {
  digest: string;
  /** Present for an index. */
  platformDigests?: readonly string[];
}

/**
 * The digest a Hub tag object stands for. Real tag objects often carry no tag-level `digest`
 * (older multi-arch tags, single-platform tags: only `images[].digest`), so: the tag's own digest;
 * else, for a tag of one image (a non-index media type), that image's digest; else the resolved
 * index's digest when the tag lists exactly that index's platform digests. Otherwise unknown.
 */
export function hubTagDigest(t: HubTag, resolved?: ResolvedSubject): string | undefined {
  if (t.digest) return t.digest;
  const digests = t.images.map((i) => i.digest);
  if (digests.length === 0 || digests.some((d) => d === undefined)) return undefined;
  const known = digests as string[];
  if (known.length === 1 && t.mediaType !== undefined && !INDEX_MEDIA_TYPES.has(t.mediaType)) return known[0];
  const platforms = resolved?.platformDigests;
  if (!resolved || !platforms || platforms.length !== new Set(known).size) return undefined;
  return known.every((d) => platforms.includes(d)) ? resolved.digest : undefined;
}

/**
 * The tag as the facts read it: Hub's tag object as parsed, its digest the one it stands for
 * against the resolved subject (`hubTagDigest`), null when that is unknown.
 */
export function factsHubTag(t: HubTag, resolved?: ResolvedSubject): FactsHubTag {
  return { ...t, digest: hubTagDigest(t, resolved) ?? null };
}

/** What Hub's tag object says of the tag, for completion: platforms, digest, push date. */
export function summarizeHubTag(t: HubTag, resolved?: ResolvedSubject): TagSummary {
  const platforms: string[] = [];
  for (const image of t.images) {
    if (!image.os || !image.architecture || image.os === "unknown" || image.architecture === "unknown")
      continue;
    const platform = formatPlatform({
      os: image.os,
      architecture: image.architecture,
      ...(image.variant ? { variant: image.variant } : {}),
    });
    if (!platforms.includes(platform)) platforms.push(platform);
  }
  const digest = hubTagDigest(t, resolved);
  return {
    platforms,
    ...(digest ? { digest } : {}),
    ...(t.lastPushed ? { pushedAt: t.lastPushed } : {}),
  };
}

export function summaries(tags: readonly HubTag[], resolved?: ResolvedSubject): Record<string, TagSummary> {
  return Object.fromEntries(tags.map((t) => [t.name, summarizeHubTag(t, resolved)]));
}
