/**
 * Platforms of an image from its index (or single manifest), the per-platform manifests (sizes)
 * and configs (created times). BuildKit attestation entries (unknown/unknown) are not platforms.
 */
import {
  INDEX_MEDIA_TYPES,
  isAttestationDescriptor,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "../oci/types";
import { defaultPlatformEntry, platformMatches, type PlatformLike } from "../oci/platform";
import type { HubTagImage } from "./hubData";
import type { PlatformFacts } from "./types";

/** What a tag or digest resolved to. */
export interface ResolvedDocument {
  /** The digest the registry gave for it (Docker-Content-Digest, or the hash of the body). */
  digest: string;
  /** Its media type (the response Content-Type, or the document's own mediaType). */
  mediaType: string;
  manifest: ImageIndex | ImageManifest;
}

export interface PlatformSources {
  resolved: ResolvedDocument;
  /** Per-platform image manifests by digest. */
  manifests?: Readonly<Record<string, ImageManifest>> | undefined;
  /** Image configs by the digest of the image manifest they belong to. */
  configs?: Readonly<Record<string, ImageConfig>> | undefined;
  /** Docker Hub's per-platform sizes for the tag, used when a platform's manifest was not fetched. */
  hubImages?: readonly HubTagImage[] | undefined;
}

export function isIndex(doc: ImageIndex | ImageManifest, mediaType?: string): doc is ImageIndex {
  return (
    (mediaType !== undefined && INDEX_MEDIA_TYPES.has(mediaType)) ||
    Array.isArray((doc as Partial<ImageIndex>).manifests)
  );
}

/** Compressed size of an image: its layers plus its config blob. */
export function manifestSize(manifest: ImageManifest): number {
  return manifest.layers.reduce((sum, layer) => sum + layer.size, manifest.config.size);
}

function withDetails(base: PlatformFacts, sources: PlatformSources): PlatformFacts {
  const p = { ...base };
  const manifest = sources.manifests?.[p.digest];
  const hubSize = sources.hubImages?.find((i) => i.digest === p.digest)?.size;
  if (manifest !== undefined) {
    p.size = manifestSize(manifest);
    p.sizeSource = "manifest";
  } else if (typeof hubSize === "number") {
    p.size = hubSize;
    p.sizeSource = "hub";
  }
  const created = sources.configs?.[p.digest]?.created;
  if (created !== undefined) p.created = created;
  return p;
}

function fromDescriptor(d: Descriptor): PlatformFacts {
  const p: PlatformFacts = {
    os: d.platform?.os ?? "unknown",
    architecture: d.platform?.architecture ?? "unknown",
    digest: d.digest,
  };
  if (d.platform?.variant !== undefined) p.variant = d.platform.variant;
  if (d.platform?.["os.version"] !== undefined) p.osVersion = d.platform["os.version"];
  return p;
}

function fromConfig(digest: string, config: ImageConfig | undefined): PlatformFacts {
  const p: PlatformFacts = {
    os: config?.os ?? "unknown",
    architecture: config?.architecture ?? "unknown",
    digest,
  };
  if (config?.variant !== undefined) p.variant = config.variant;
  if (config?.["os.version"] !== undefined) p.osVersion = config["os.version"];
  return p;
}

/** Runnable platforms in index order; a single-manifest image has one, described by its config. */
export function derivePlatforms(sources: PlatformSources): PlatformFacts[] {
  const { resolved } = sources;
  if (isIndex(resolved.manifest, resolved.mediaType)) {
    return resolved.manifest.manifests
      .filter((d) => !isAttestationDescriptor(d))
      .map((d) => withDetails(fromDescriptor(d), sources));
  }
  const single = fromConfig(resolved.digest, sources.configs?.[resolved.digest]);
  const withManifest: PlatformSources = {
    ...sources,
    manifests: { ...sources.manifests, [resolved.digest]: resolved.manifest },
  };
  return [withDetails(single, withManifest)];
}

/**
 * The platform facts should describe: the wanted one (from `--platform`, matched as the registry
 * matches it: oci/platform.ts), else linux/amd64, else windows/amd64, else the first. Undefined
 * when a wanted platform is not in the image.
 */
export function choosePlatform(
  platforms: readonly PlatformFacts[],
  wanted?: PlatformLike,
): PlatformFacts | undefined {
  if (wanted !== undefined) return platforms.find((p) => platformMatches(p, wanted));
  return defaultPlatformEntry(platforms, (p) => p);
}
