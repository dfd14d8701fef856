/**
 * Resolving one image reference for one platform: tag → digest (HEAD, or the cache within the
 * TTL), the manifest and config for that digest (cache first: content-addressed, fetched once
 * ever), Docker Hub data (web API, not counted as pulls; cached with a TTL), then
 * `deriveFacts`. Registry failures fall back to what the cache has, marked offline, so the
 * editor keeps its facts when the network goes. When nothing cheaper names the base OS and the
 * user opted in (`fromLens.facts.inspectLayers`), /etc/os-release is read out of the base layer
 * (streamed, stopped as soon as it is read; cached for good per registry, repository and layer digest) and the facts are
 * derived again with it.
 */
import { deriveFacts } from "../facts/derive";
import type { HubData, HubTag as FactsHubTag } from "../facts/hubData";
import type { FactsInput } from "../facts/input";
import { formatReference, isDockerHub, type Reference } from "../reference";
import { err, ok, type ResolveError, type Result } from "../registry/errors";
import type { HubRepository, HubTag, HubTagPage } from "../registry/hub";
import { parseManifest, type FetchedManifest, type ParsedManifest } from "../registry/manifest";
import type { FetchedConfig } from "../registry/blob";
import type { ResolveOptions, Resolved } from "../registry/client";
import { OS_RELEASE_PATHS, type LayerFileSearch, type LayerReadLimits } from "../registry/layer";
import type { TagList } from "../registry/tags";
import { parseImageConfig } from "../registry/blob";
import {
  defaultPlatformEntry,
  formatPlatform,
  parsePlatform,
  platformMatches,
  selectPlatform,
} from "../oci/platform";
import { INDEX_MEDIA_TYPES, type ImageConfig, type ImageManifest } from "../oci/types";
import type { DiskCache } from "./cache";
import type { DigestOnly, FoundTag, Freshness, PinState, Resolution, TagSummary } from "./types";

/** The registry calls the resolver makes: RegistryClient satisfies it; unit tests pass a fake. */
export interface ImageSource {
  resolve(ref: Reference, opts?: ResolveOptions): Promise<Result<Resolved>>;
  manifest(ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<FetchedManifest>>;
  config(ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<FetchedConfig>>;
  listTags(ref: Reference, opts?: { signal?: AbortSignal; maxPages?: number }): Promise<Result<TagList>>;
  hubTag(ref: Reference, opts?: { signal?: AbortSignal }): Promise<Result<HubTag>>;
  hubRepository(
    ref: Reference,
    opts?: { signal?: AbortSignal; badge?: boolean },
  ): Promise<Result<HubRepository>>;
  hubTags(
    ref: Reference,
    opts?: { signal?: AbortSignal; maxPages?: number; pageSize?: number; name?: string },
  ): Promise<Result<HubTagPage>>;
  /** Docker Hub's search badge of the repository (absent: no badge is looked up). */
  hubBadge?(ref: Reference, opts?: { signal?: AbortSignal }): Promise<Result<string | undefined>>;
  /** Reads a small file out of a layer blob by streaming it (absent: layers are never read). */
  readLayerFile?(
    ref: Reference,
    layerDigest: string,
    paths: readonly string[],
    opts?: { signal?: AbortSignal } & LayerReadLimits,
  ): Promise<Result<LayerFileSearch>>;
}

export interface GatherOptions {
  source: ImageSource;
  cache: DiskCache;
  /** Parsed manifests and configs by digest, shared across references. */
  memo: Map<string, ParsedManifest | ImageConfig>;
  now: () => number;
  tagTtlMs: number;
  /** Repository metadata (Hub badges, tag lists of any registry) changes slowly: kept longer than tag digests. */
  hubTtlMs: number;
  /** No network at all: answer from the cache. */
  offline: boolean;
  /**
   * Why there is no network: absent = the offline setting; else the failure that made the
   * resolver leave this registry alone for a while (what the user is told when nothing is cached).
   */
  unreachable?: ResolveError;
  /** Bypass the TTL (explicit refresh). */
  force: boolean;
  trustedRegistries: readonly string[];
  /** Read /etc/os-release out of the base layer when nothing cheaper names the OS. Default false. */
  inspectLayers?: boolean;
  signal: AbortSignal;
  log: (message: string) => void;
  /**
   * Told the tag's digest as soon as it is known (before any manifest, config or metadata is
   * fetched), so it can be shown while the facts follow. Not called when the cache answered.
   */
  onDigest?: (digest: DigestOnly) => void;
  /** Whether the repository's tag list is wanted (completion, slim-final-stage); Docker Hub's always is. */
  wantTags?: (ref: Reference) => boolean;
}

export type GatherResult =
  | { ok: true; resolution: Resolution; freshness: Freshness }
  | {
      ok: false;
      error: ResolveError;
      tags?: string[];
      tagSummaries?: Record<string, TagSummary>;
      /** Rate-limited after the tag's digest was checked: that much is known. */
      digestOnly?: DigestOnly;
    };

interface TagEntry {
  digest: string;
  mediaType: string;
  /** The registry mirror that answered (its host), when not the registry itself. */
  mirror?: string;
}

/** Errors that mean "could not ask", where the cache may answer instead. */
export function isUnreachable(e: ResolveError): boolean {
  return e.kind === "network" || e.kind === "timeout" || e.kind === "offline" || e.kind === "rate-limited";
}

function offlineError(ref: Reference, unreachable?: ResolveError): ResolveError {
  if (unreachable) return unreachable;
  return {
    kind: "offline",
    message: `FROM Lens is offline and has nothing cached for ${formatReference(ref)} yet. Turn off "fromLens.offline" or reconnect to resolve it.`,
  };
}

async function cachedJson<T>(
  o: GatherOptions,
  namespace: string,
  key: string,
  ttlMs: number,
  fetch: () => Promise<Result<T>>,
): Promise<{ value: T; fetchedAt: number } | { error: ResolveError } | undefined> {
  const entry = o.cache.getEntry<T>(namespace, key);
  if (entry && (o.offline || (!o.force && o.now() - entry.fetchedAt < ttlMs))) return entry;
  if (o.offline) return undefined;
  const r = await fetch();
  if (r.ok) {
    const fetchedAt = o.now();
    o.cache.putEntry(namespace, key, r.value, fetchedAt);
    return { value: r.value, fetchedAt };
  }
  return entry ?? { error: r.error };
}

async function manifestFor(
  o: GatherOptions,
  ref: Reference,
  digest: string,
): Promise<Result<ParsedManifest>> {
  const memo = o.memo.get(digest);
  if (memo && "kind" in memo) return ok(memo);
  const bytes = o.cache.getBlob(digest);
  if (bytes) {
    const parsed = parseManifest(bytes, undefined);
    if (parsed.ok) {
      o.memo.set(digest, parsed.value);
      return parsed;
    }
  }
  if (o.offline) return err(offlineError(ref, o.unreachable));
  const fetched = await o.source.manifest(ref, digest, { signal: o.signal });
  if (!fetched.ok) return fetched;
  o.cache.putBlob(digest, fetched.value.bytes);
  o.memo.set(digest, fetched.value);
  return ok(fetched.value);
}

async function configFor(o: GatherOptions, ref: Reference, digest: string): Promise<Result<ImageConfig>> {
  const memo = o.memo.get(digest);
  if (memo && !("kind" in memo)) return ok(memo);
  const bytes = o.cache.getBlob(digest);
  if (bytes) {
    const parsed = parseImageConfig(bytes);
    if (parsed.ok) {
      o.memo.set(digest, parsed.value);
      return parsed;
    }
  }
  if (o.offline) return err(offlineError(ref, o.unreachable));
  const fetched = await o.source.config(ref, digest, { signal: o.signal });
  if (!fetched.ok) return fetched;
  o.cache.putBlob(digest, fetched.value.bytes);
  o.memo.set(digest, fetched.value.config);
  return ok(fetched.value.config);
}

/**
 * What reading a base layer's os-release gave (immutable: no TTL), cached per registry +
 * repository + layer digest: a read that stopped at the file is not verified against the digest,
 * so what one repository served under a digest says nothing about what another serves under it.
 */
interface OsReleaseEntry {
  /** The image the layer was read from (`registry/repository`). */
  readFrom?: string;
  /** The wanted path found (`etc/os-release`) and the entry it led to through links, if another. */
  path?: string;
  target?: string;
  text?: string;
  /** Why there is no text: absent, too large, beyond the caps, unreadable compression… */
  missing?: string;
}

/** Layer media types that are tar archives the registry serves (foreign / non-distributable ones point elsewhere). */
function isReadableLayer(d: ImageManifest["layers"][number]): boolean {
  const t = d.mediaType.toLowerCase();
  if (t.includes("foreign") || t.includes("nondistributable") || (d.urls?.length ?? 0) > 0) return false;
  return t.includes("tar");
}

/**
 * The os-release of the image's base (first) layer: from the cache, or streamed out of the layer.
 * Offline (or backing off a registry), only the cache answers. A failure that could go differently
 * next time (network, auth, a digest mismatch) is not cached; an answer that follows from the
 * layer's bytes (found, absent, too large, unsupported compression, not a tar) is.
 */
async function baseLayerOsRelease(
  o: GatherOptions,
  ref: Reference,
  manifest: ImageManifest,
): Promise<{ layerDigest: string; entry: OsReleaseEntry } | undefined> {
  const layer = manifest.layers[0];
  if (!layer || !isReadableLayer(layer)) return undefined;
  const readFrom = `${ref.registry}/${ref.repository}`;
  const cacheKey = `${readFrom}@${layer.digest}`;
  const cached = o.cache.getEntry<OsReleaseEntry>("os-release", cacheKey);
  if (cached?.value.readFrom === readFrom) return { layerDigest: layer.digest, entry: cached.value };
  if (/\+zstd\b/i.test(layer.mediaType)) {
    // Known from the descriptor alone: no request (the registry layer would refuse it after one).
    return {
      layerDigest: layer.digest,
      entry: {
        missing: "it is zstd-compressed, an unsupported layer compression, so /etc/os-release was not read",
      },
    };
  }
  if (o.offline || !o.source.readLayerFile) return undefined;
  const r = await o.source.readLayerFile(ref, layer.digest, OS_RELEASE_PATHS, { signal: o.signal });
  let entry: OsReleaseEntry;
  if (r.ok) {
    const file = r.value.file;
    entry = file
      ? {
          readFrom,
          path: file.path,
          ...(file.target !== undefined ? { target: file.target } : {}),
          text: Buffer.from(file.content).toString("utf8"),
        }
      : { readFrom, missing: r.value.missing ?? "not found" };
    o.log(
      `base layer ${layer.digest} of ${formatReference(ref)}: ${file ? `read /${file.target ?? file.path}` : entry.missing} (${r.value.bytesRead} compressed bytes${r.value.complete ? ", whole layer, verified" : ", stopped early"})`,
    );
  } else {
    o.log(`base layer ${layer.digest} of ${formatReference(ref)}: ${r.error.message}`);
    const lasting =
      r.error.kind === "bad-response" &&
      (r.error.reason === "unsupported-media-type" || r.error.reason === "malformed");
    if (!lasting) return undefined;
    entry = { readFrom, missing: r.error.message };
  }
  o.cache.putEntry("os-release", cacheKey, entry, o.now());
  return { layerDigest: layer.digest, entry };
}

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

function toFactsHubTag(t: HubTag, resolved?: ResolvedSubject): FactsHubTag {
  return {
    name: t.name,
    digest: hubTagDigest(t, resolved) ?? null,
    tag_last_pushed: t.lastPushed ?? null,
    last_updated: t.lastUpdated ?? null,
    images: t.images.map((i) => ({
      architecture: i.architecture ?? null,
      os: i.os ?? null,
      variant: i.variant ?? null,
      digest: i.digest ?? null,
      size: i.size ?? null,
      last_pushed: i.lastPushed ?? null,
    })),
  };
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

function summaries(tags: readonly HubTag[], resolved?: ResolvedSubject): Record<string, TagSummary> {
  return Object.fromEntries(tags.map((t) => [t.name, summarizeHubTag(t, resolved)]));
}

/** The repository's tags: Hub's tag list (names and digests) or the registry's (names only). */
export async function tagsFor(
  o: GatherOptions,
  ref: Reference,
): Promise<{ names: string[]; hub?: HubTag[] } | undefined> {
  const key = `${ref.registry}/${ref.repository}`;
  if (isDockerHub(ref)) {
    const page = await cachedJson(o, "hub-tags", key, o.hubTtlMs, () =>
      o.source.hubTags(ref, { signal: o.signal, maxPages: 1, pageSize: 100 }),
    );
    if (page && "value" in page) return { names: page.value.tags.map((t) => t.name), hub: page.value.tags };
    if (page?.error.kind === "cancelled") return undefined;
    // Hub's web API gave no list (a private repository, hub.docker.com blocked by a proxy, down):
    // the registry's own list still names the tags, for "did you mean" and completion.
  }
  const list = await cachedJson(o, "tag-list", key, o.hubTtlMs, () =>
    o.source.listTags(ref, { signal: o.signal, maxPages: 2 }),
  );
  return list && "value" in list ? { names: list.value.tags } : undefined;
}

/**
 * Tags of the repository starting with `prefix`, beyond the first page `tagsFor` lists: Docker
 * Hub's name filter (one page), or more pages of the registry's own list. Repository metadata:
 * cached as long as the other lists.
 */
export async function searchTags(o: GatherOptions, ref: Reference, prefix: string): Promise<FoundTag[]> {
  const repo = `${ref.registry}/${ref.repository}`;
  if (isDockerHub(ref)) {
    const page = await cachedJson(o, "hub-tag-search", `${repo}:${prefix}`, o.hubTtlMs, () =>
      o.source.hubTags(ref, { signal: o.signal, maxPages: 1, pageSize: 100, name: prefix }),
    );
    if (page && "value" in page) {
      return page.value.tags
        .filter((t) => t.name.startsWith(prefix))
        .map((t) => ({ name: t.name, summary: summarizeHubTag(t) }));
    }
    if (page?.error.kind === "cancelled") return [];
    // As in tagsFor: without Hub's web API, search the registry's own list.
  }
  const list = await cachedJson(o, "tag-list-deep", repo, o.hubTtlMs, () =>
    o.source.listTags(ref, { signal: o.signal, maxPages: 20 }),
  );
  return list && "value" in list
    ? list.value.tags.filter((t) => t.startsWith(prefix)).map((name) => ({ name }))
    : [];
}

/** How a pinned digest relates to what its tag points at now. */
async function pinState(
  o: GatherOptions,
  ref: Reference,
  pinned: ParsedManifest,
  tagDigest: string | undefined,
  pinnedConfig?: ImageConfig,
): Promise<PinState> {
  if (!ref.digest) return { kind: "unchecked", reason: "not pinned" };
  if (!tagDigest)
    return {
      kind: "unchecked",
      reason: ref.tag ? "the tag could not be checked" : "no tag is written next to the digest",
    };
  if (ref.digest === tagDigest) return { kind: "current" };
  const current = await manifestFor(o, ref, tagDigest);
  if (pinned.kind === "image" && current.ok && current.value.kind === "index" && pinnedConfig) {
    const platform = {
      os: pinnedConfig.os,
      architecture: pinnedConfig.architecture,
      ...(pinnedConfig.variant ? { variant: pinnedConfig.variant } : {}),
    };
    const now = selectPlatform(current.value.platforms, platform);
    return {
      kind: "platform-manifest",
      platform: formatPlatform(platform),
      indexDigest: tagDigest,
      ...(now ? { platformDigestNow: now.digest } : {}),
    };
  }
  return { kind: "moved", currentDigest: tagDigest };
}

/** What Docker Hub's web API and the tag list said, fetched beside the manifests. */
interface Metadata {
  hub?: {
    badge?: { value: { badge?: string }; fetchedAt: number } | { error: ResolveError };
    tag?: { value: HubTag; fetchedAt: number } | { error: ResolveError };
  };
  list?: { names: string[]; hub?: HubTag[] };
}

/**
 * Docker Hub's data (all in parallel) and the repository's tag list where one is wanted: always
 * on Docker Hub (its list carries the digests behind "Also tagged"), elsewhere only when asked
 * (`wantTags`: completion, the slim-final-stage suggestion) — a plain registry's list names
 * tags only, so the facts never need it. Never rejects.
 */
async function fetchMetadata(
  o: GatherOptions,
  ref: Reference,
  tagRef: Reference,
  askTag: boolean,
): Promise<Metadata> {
  const hubRef = isDockerHub(ref);
  const wantList = hubRef || (o.wantTags?.(ref) ?? false);
  const hubBadge = o.source.hubBadge?.bind(o.source);
  // The card shows nothing from the repository record, so it is not fetched. The trust badge
  // comes from Hub search on its own (a failing repository record cannot hide it); `library/`
  // needs none: the namespace is the Official Images programme.
  const badge =
    hubRef && hubBadge && !ref.repository.startsWith("library/")
      ? cachedJson<{ badge?: string }>(o, "hub-badge", ref.repository, o.hubTtlMs, async () => {
          const r = await hubBadge(ref, { signal: o.signal });
          return r.ok ? ok(r.value === undefined ? {} : { badge: r.value }) : r;
        })
      : undefined;
  const tag =
    hubRef && askTag
      ? cachedJson(o, "hub-tag", formatReference(tagRef), o.tagTtlMs, () =>
          o.source.hubTag(tagRef, { signal: o.signal }),
        )
      : undefined;
  const list = wantList ? tagsFor(o, ref) : undefined;
  const settle = <T>(p: Promise<T> | undefined): Promise<T | undefined> =>
    p ? p.catch(() => undefined) : Promise.resolve(undefined);
  const [b, t, l] = await Promise.all([settle(badge), settle(tag), settle(list)]);
  return {
    ...(hubRef ? { hub: { ...(b ? { badge: b } : {}), ...(t ? { tag: t } : {}) } } : {}),
    ...(l ? { list: l } : {}),
  };
}

export async function gather(o: GatherOptions, ref: Reference, wanted: string): Promise<GatherResult> {
  const tagRef: Reference = { registry: ref.registry, repository: ref.repository, tag: ref.tag ?? "latest" };
  const checkTag = ref.tag !== undefined || ref.digest === undefined;
  let tagDigest: string | undefined;
  /** The mirror that said where the tag points, if one did. */
  let tagMirror: string | undefined;
  let tagFetchedAt: number | undefined;
  let freshness: Freshness = { kind: "fresh", fetchedAt: o.now() };
  let fromNetwork = false;
  /** The registry says the written tag does not exist, but a digest is written too: go on with it. */
  let tagMissing = false;

  if (checkTag) {
    const tagKey = formatReference(tagRef);
    const entry = o.cache.getEntry<TagEntry>("tags", tagKey);
    const fresh = entry && !o.force && o.now() - entry.fetchedAt < o.tagTtlMs;
    if (entry && (fresh || o.offline)) {
      tagDigest = entry.value.digest;
      tagMirror = entry.value.mirror;
      tagFetchedAt = entry.fetchedAt;
      freshness = fresh
        ? { kind: "fresh", fetchedAt: entry.fetchedAt }
        : { kind: "offline", fetchedAt: entry.fetchedAt, reason: o.unreachable?.message ?? "offline mode" };
    } else if (o.offline) {
      if (!ref.digest) return { ok: false, error: offlineError(ref, o.unreachable) };
    } else {
      // Cold (nothing cached): one GET gives the digest and the manifest. A cached entry is only
      // revalidated: a HEAD, which Docker Hub does not count as a pull.
      const r = await o.source.resolve(tagRef, { signal: o.signal, ...(entry ? {} : { fetch: true }) });
      if (r.ok) {
        tagFetchedAt = o.now();
        tagDigest = r.value.digest;
        tagMirror = r.value.source.mirror ? r.value.source.host : undefined;
        const fetched = r.value.manifest;
        if (fetched && fetched.digest === r.value.digest && !o.memo.has(fetched.digest)) {
          o.cache.putBlob(fetched.digest, fetched.bytes);
          o.memo.set(fetched.digest, fetched);
        }
        o.cache.putEntry<TagEntry>(
          "tags",
          tagKey,
          {
            digest: r.value.digest,
            mediaType: r.value.mediaType,
            ...(tagMirror !== undefined ? { mirror: tagMirror } : {}),
          },
          tagFetchedAt,
        );
        freshness = { kind: "fresh", fetchedAt: tagFetchedAt };
        fromNetwork = true;
        // A pin is "current" when it is the tag's digest; anything else needs the manifests.
        o.onDigest?.({
          tagDigest: r.value.digest,
          fetchedAt: tagFetchedAt,
          ...(ref.digest && ref.digest === r.value.digest ? { pin: { kind: "current" } } : {}),
        });
      } else if (isUnreachable(r.error) && entry) {
        tagDigest = entry.value.digest;
        tagMirror = entry.value.mirror;
        tagFetchedAt = entry.fetchedAt;
        freshness = { kind: "offline", fetchedAt: entry.fetchedAt, reason: r.error.message };
      } else if (r.error.kind === "not-found" && r.error.what === "tag" && !ref.digest) {
        const tags = await tagsFor(o, ref);
        return {
          ok: false,
          error: r.error,
          ...(tags ? { tags: tags.names } : {}),
          ...(tags?.hub ? { tagSummaries: summaries(tags.hub) } : {}),
        };
      } else if (r.error.kind === "not-found" && r.error.what === "tag") {
        tagMissing = true; // pinned: the digest decides what is pulled (checked below)
      } else if (!ref.digest || !isUnreachable(r.error)) {
        return { ok: false, error: r.error };
      }
    }
  }

  const subject = ref.digest ?? tagDigest;
  if (!subject) return { ok: false, error: offlineError(ref, o.unreachable) };
  // Docker Hub's web API (trust badge, tag details, the tag list behind "Also tagged") and any
  // tag list asked for run beside the manifests and config, never in a chain after them.
  const metadata = fetchMetadata(o, ref, tagRef, checkTag && !tagMissing);
  const top = await manifestFor(o, ref, subject);
  if (!top.ok) {
    if (top.error.kind !== "rate-limited" || tagDigest === undefined || tagFetchedAt === undefined)
      return { ok: false, error: top.error };
    // Manifest downloads are paused (a spent pull limit) but the HEAD answered: the digest, and a
    // pin's match with it, are still known. Whether a different pin is a platform manifest of the
    // index would take the manifests: left unchecked.
    const pin: PinState | undefined = !ref.digest
      ? undefined
      : ref.digest === tagDigest
        ? { kind: "current" }
        : { kind: "unchecked", reason: "the manifests could not be downloaded (rate limit)" };
    return {
      ok: false,
      error: top.error,
      digestOnly: { tagDigest, fetchedAt: tagFetchedAt, ...(pin ? { pin } : {}) },
    };
  }
  /** A rate limit kept something from being asked: when to ask again. */
  let retryAt: number | undefined;
  const pausedBy = (e: ResolveError): void => {
    if (e.kind !== "rate-limited") return;
    const at = e.resetAt?.getTime() ?? o.now() + 60_000;
    retryAt = retryAt === undefined ? at : Math.min(retryAt, at);
  };

  const manifests: Record<string, ImageManifest> = {};
  const configs: Record<string, ImageConfig> = {};
  const wantedPlatform = parsePlatform(wanted);
  let offered = true;
  let describedDigest = subject;
  let imageManifest: ImageManifest | undefined;
  if (top.value.kind === "index") {
    const d = wantedPlatform ? selectPlatform(top.value.platforms, wantedPlatform) : undefined;
    offered = d !== undefined;
    const chosen = d ?? defaultPlatformEntry(top.value.platforms, (p) => p.platform);
    if (chosen) {
      const m = await manifestFor(o, ref, chosen.digest);
      if (m.ok && m.value.kind === "image") {
        imageManifest = m.value.manifest;
        manifests[chosen.digest] = imageManifest;
        describedDigest = chosen.digest;
      } else if (!m.ok && !isUnreachable(m.error)) {
        return { ok: false, error: m.error };
      } else if (!m.ok) {
        pausedBy(m.error);
      }
    }
  } else {
    imageManifest = top.value.manifest;
  }
  let config: ImageConfig | undefined;
  if (imageManifest) {
    const c = await configFor(o, ref, imageManifest.config.digest);
    if (c.ok) {
      config = c.value;
      configs[describedDigest] = c.value;
      if (top.value.kind === "image" && wantedPlatform) {
        offered = platformMatches(c.value, wantedPlatform);
      }
    } else if (!isUnreachable(c.error)) {
      return { ok: false, error: c.error };
    } else {
      pausedBy(c.error);
    }
  }

  const resolvedSubject: ResolvedSubject =
    top.value.kind === "index"
      ? { digest: subject, platformDigests: top.value.platforms.map((p) => p.digest) }
      : { digest: subject };
  let hub: HubData | undefined;
  let tags: string[] | undefined;
  let tagSummaries: Record<string, TagSummary> | undefined;
  const meta = await metadata;
  if (meta.hub) {
    hub = {};
    const { badge, tag } = meta.hub;
    // Hub's badge as Hub spells it; facts/trust.ts says what it means.
    if (badge && "value" in badge && badge.value.badge !== undefined) hub.badge = badge.value.badge;
    // Hub's web API rate limit: trust stays unknown for now, and is asked again after the window.
    else if (badge && "error" in badge) pausedBy(badge.error);
    if (tag && "value" in tag) hub.tag = toFactsHubTag(tag.value, resolvedSubject);
    else if (tag && "error" in tag) pausedBy(tag.error);
  }
  const list = meta.list;
  if (list) {
    tags = list.names;
    if (list.hub) tagSummaries = summaries(list.hub, resolvedSubject);
    if (hub && list.hub) hub.tags = list.hub.map((t) => toFactsHubTag(t, resolvedSubject));
  }

  const input: FactsInput = {
    reference: {
      registry: ref.registry,
      repository: ref.repository,
      ...(ref.tag ? { tag: ref.tag } : {}),
      ...(ref.digest ? { digest: ref.digest } : {}),
    },
    resolved: {
      digest: subject,
      mediaType: top.value.mediaType,
      manifest: top.value.kind === "index" ? top.value.index : top.value.manifest,
    },
    manifests,
    configs,
    ...(wantedPlatform ? { platform: wantedPlatform } : {}),
    ...(hub ? { hub } : {}),
    settings: { trustedRegistries: o.trustedRegistries },
    ...(tagMirror !== undefined && tagDigest === subject ? { servedByMirror: tagMirror } : {}),
    source: freshness.kind === "offline" ? "stale-cache" : fromNetwork ? "network" : "cache",
    resolvedAt: new Date(tagFetchedAt ?? o.now()).toISOString(),
  };
  let facts = deriveFacts(input, new Date(o.now()));
  if (o.inspectLayers && facts.os.status === "unknown" && imageManifest) {
    const read = await baseLayerOsRelease(o, ref, imageManifest);
    if (read?.entry.text !== undefined) {
      facts = deriveFacts({ ...input, osRelease: read.entry.text }, new Date(o.now()));
      // The facts say "/etc/os-release …"; say which file that was, and that it came from a layer
      // read only as far as the file (not verified against the layer digest when stopped early).
      const via =
        read.entry.target !== undefined && read.entry.target !== read.entry.path
          ? `→ /${read.entry.target}, `
          : "";
      const from = read.entry.readFrom !== undefined ? ` of ${read.entry.readFrom}` : "";
      const where = `/${read.entry.path ?? "etc/os-release"} (${via}read from base layer ${read.layerDigest}${from})`;
      if (facts.os.evidence.includes("/etc/os-release"))
        facts.os.evidence = facts.os.evidence.replace("/etc/os-release", where);
      else facts.os.evidence += ` (${where})`;
    } else if (read?.entry.missing !== undefined) {
      facts.os.evidence += ` Base layer ${read.layerDigest}: ${read.entry.missing}.`;
    }
  }
  const resolution: Resolution = {
    reference: ref,
    facts,
    platform: { wanted, offered },
    ...(tagDigest ? { tagDigest } : {}),
    ...(tagFetchedAt !== undefined ? { tagFetchedAt } : {}),
    ...(tags ? { tags } : {}),
    ...(tagSummaries ? { tagSummaries } : {}),
    ...(retryAt !== undefined ? { retryAt } : {}),
  };
  if (ref.digest) {
    const pin: PinState = tagMissing
      ? { kind: "tag-missing" }
      : await pinState(o, ref, top.value, tagDigest, config);
    // When the tag moved: Docker Hub says when it was last pushed (the move's date).
    const pushed = hub?.tag?.tag_last_pushed;
    resolution.pin = pin.kind === "moved" && pushed ? { ...pin, movedAt: pushed } : pin;
    // What the tag is now, for "what changed" (its manifests are usually cached by then).
    if (pin.kind === "moved") {
      const now = await gather(o, tagRef, wanted);
      if (now.ok) resolution.movedTo = now.resolution.facts;
    }
  }
  return { ok: true, resolution, freshness };
}
