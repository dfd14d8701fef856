/**
 * What resolving one image needs: the registry calls (`ImageSource`), the caches, the settings of
 * this run, and the two helpers every step shares — which errors let the cache answer instead,
 * and a cached JSON value with a TTL.
 */
import { formatReference, type Reference } from "../reference";
import type { ResolveError, Result } from "../registry/errors";
import type { HubRepository, HubTag, HubTagPage } from "../registry/hub";
import type { FetchedManifest, ParsedManifest } from "../registry/manifest";
import type { FetchedConfig } from "../registry/blob";
import type { ResolveOptions, Resolved } from "../registry/client";
import type { LayerFileSearch, LayerReadLimits } from "../registry/layer";
import type { TagList } from "../registry/tags";
import type { ImageConfig } from "../oci/types";
import type { DiskCache } from "./cache";
import type { DigestOnly, Freshness, LookupError, Resolution, TagSummary } from "./types";

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

export interface ResolveImageOptions {
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
  unreachable?: LookupError | undefined;
  /** Bypass the TTL (explicit refresh). */
  force: boolean;
  trustedRegistries: readonly string[];
  /** Read /etc/os-release out of the base layer when nothing cheaper names the OS. Default false. */
  inspectLayers?: boolean | undefined;
  signal: AbortSignal;
  log: (message: string) => void;
  /**
   * Told the tag's digest as soon as it is known (before any manifest, config or metadata is
   * fetched), so it can be shown while the facts follow. Not called when the cache answered.
   */
  onDigest?: ((digest: DigestOnly) => void) | undefined;
  /** Whether the repository's tag list is wanted (completion, slim-final-stage); Docker Hub's always is. */
  wantTags?: ((ref: Reference) => boolean) | undefined;
  /**
   * Takes a disk-cache write whose value the memo already holds (the tag's entry, a fetched
   * manifest or config), to run once the answers already waiting have been read, and in any case
   * before the result lands: while the digests of a Dockerfile arrive, the synchronous writes
   * never hold up reading the next answer. Absent: written at once (`cacheWrite`).
   */
  defer?: ((write: () => void) => void) | undefined;
  /** Told once the reference's tag step has finished (digest known, from the cache, or failed). */
  tagChecked?: (() => void) | undefined;
  /**
   * Settles when the digests of the registry's references being resolved are known: platform
   * manifests and configs from the network, Docker Hub's web API and tag lists wait for it (see
   * digestGate.ts). Absent: no wait.
   */
  afterDigests?: ((registry: string) => Promise<void>) | undefined;
}

/** A cache write through `o.defer` when there is one, else now. */
export function cacheWrite(o: ResolveImageOptions, write: () => void): void {
  if (o.defer) o.defer(write);
  else write();
}

export type ResolveImageResult =
  | { ok: true; resolution: Resolution; freshness: Freshness }
  | {
      ok: false;
      error: LookupError;
      tags?: string[];
      tagSummaries?: Record<string, TagSummary>;
      /** Rate-limited after the tag's digest was checked: that much is known. */
      digestOnly?: DigestOnly;
    };

/** Errors that mean "could not ask", where the cache may answer instead. */
export function isUnreachable(e: LookupError): boolean {
  return e.kind === "network" || e.kind === "timeout" || e.kind === "offline" || e.kind === "rate-limited";
}

/** Offline with nothing cached: why the host is left alone, else the offline setting. */
export function offlineError(ref: Reference, unreachable?: LookupError): LookupError {
  return unreachable ?? { kind: "offline", why: "nothing-cached", reference: formatReference(ref) };
}

/** A failure as the resolver's own records keep it (a stale answer's reason): never shown. */
export function failureDetail(e: LookupError): string {
  if (!("why" in e)) return e.message;
  return e.why === "nothing-cached" ? "offline mode" : e.detail;
}

/**
 * A JSON value from the cache within `ttlMs` (any age offline), else fetched and cached; a failed
 * fetch falls back to the stale entry. Undefined offline with nothing cached.
 */
export async function cachedJson<T>(
  o: ResolveImageOptions,
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
