/**
 * Where the tag points: the `tags` cache entry within the TTL (any age offline), else the
 * registry — one GET when nothing is cached (the digest and the manifest at once), a HEAD to
 * revalidate (Docker Hub does not count it as a pull). An unreachable registry falls back to the
 * cached entry, marked offline.
 */
import { formatReference, type Reference } from "../reference";
import { summaries } from "./hubTags";
import {
  cacheWrite,
  failureDetail,
  isUnreachable,
  offlineError,
  type ResolveImageOptions,
  type ResolveImageResult,
} from "./source";
import { tagsFor } from "./tagLists";
import type { Freshness } from "./types";

interface TagEntry {
  digest: string;
  mediaType: string;
  /** The registry mirror that answered (its host), when not the registry itself. */
  mirror?: string;
}

/** What is known of the tag after its step. */
export interface TagState {
  digest?: string | undefined;
  /** The mirror that said where the tag points, if one did. */
  mirror?: string | undefined;
  fetchedAt?: number | undefined;
  freshness: Freshness;
  fromNetwork: boolean;
  /** The registry says the written tag does not exist, but a digest is written too: go on with it. */
  missing: boolean;
}

/** The tag `ref` names (`latest` when none is written). */
export function tagReference(ref: Reference): Reference {
  return { registry: ref.registry, repository: ref.repository, tag: ref.tag ?? "latest" };
}

/**
 * The tag's digest, or the result when the tag step already decides it (offline with nothing
 * cached, a tag that does not exist, a registry error with no digest written to go on with).
 */
export async function resolveTagDigest(
  o: ResolveImageOptions,
  ref: Reference,
): Promise<{ tag: TagState } | { result: ResolveImageResult }> {
  const tag: TagState = {
    freshness: { kind: "fresh", fetchedAt: o.now() },
    fromNetwork: false,
    missing: false,
  };
  const tagRef = tagReference(ref);
  const tagKey = formatReference(tagRef);
  const entry = o.cache.getEntry<TagEntry>("tags", tagKey);
  const fresh = entry && !o.force && o.now() - entry.fetchedAt < o.tagTtlMs;
  if (entry && (fresh || o.offline)) {
    tag.digest = entry.value.digest;
    tag.mirror = entry.value.mirror;
    tag.fetchedAt = entry.fetchedAt;
    tag.freshness = fresh
      ? { kind: "fresh", fetchedAt: entry.fetchedAt }
      : {
          kind: "offline",
          fetchedAt: entry.fetchedAt,
          reason: o.unreachable ? failureDetail(o.unreachable) : "offline mode",
        };
    return { tag };
  }
  if (o.offline) {
    return ref.digest ? { tag } : { result: { ok: false, error: offlineError(ref, o.unreachable) } };
  }
  // Cold (nothing cached): one GET gives the digest and the manifest. A cached entry is only
  // revalidated: a HEAD, which Docker Hub does not count as a pull.
  const r = await o.source.resolve(tagRef, { signal: o.signal, ...(entry ? {} : { fetch: true }) });
  if (r.ok) {
    const fetchedAt = o.now();
    tag.fetchedAt = fetchedAt;
    tag.digest = r.value.digest;
    tag.mirror = r.value.source.mirror ? r.value.source.host : undefined;
    const fetched = r.value.manifest;
    const keep = fetched && fetched.digest === r.value.digest && !o.memo.has(fetched.digest);
    if (keep) o.memo.set(fetched.digest, fetched);
    tag.freshness = { kind: "fresh", fetchedAt };
    tag.fromNetwork = true;
    // The digest is shown first; the disk cache is written after (the memo has the manifest).
    // A pin is "current" when it is the tag's digest; anything else needs the manifests.
    o.onDigest?.({
      tagDigest: r.value.digest,
      fetchedAt,
      ...(ref.digest && ref.digest === r.value.digest ? { pin: { kind: "current" } } : {}),
    });
    const entry: TagEntry = {
      digest: r.value.digest,
      mediaType: r.value.mediaType,
      ...(tag.mirror !== undefined ? { mirror: tag.mirror } : {}),
    };
    cacheWrite(o, () => {
      if (keep) o.cache.putBlob(fetched.digest, fetched.bytes);
      o.cache.putEntry<TagEntry>("tags", tagKey, entry, fetchedAt);
    });
  } else if (isUnreachable(r.error) && entry) {
    tag.digest = entry.value.digest;
    tag.mirror = entry.value.mirror;
    tag.fetchedAt = entry.fetchedAt;
    tag.freshness = { kind: "offline", fetchedAt: entry.fetchedAt, reason: r.error.message };
  } else if (r.error.kind === "not-found" && r.error.what === "tag" && !ref.digest) {
    const tags = await tagsFor(o, ref);
    return {
      result: {
        ok: false,
        error: r.error,
        ...(tags ? { tags: tags.names } : {}),
        ...(tags?.hub ? { tagSummaries: summaries(tags.hub) } : {}),
      },
    };
  } else if (r.error.kind === "not-found" && r.error.what === "tag") {
    tag.missing = true; // pinned: the digest decides what is pulled (checked below)
  } else if (!ref.digest || !isUnreachable(r.error)) {
    return { result: { ok: false, error: r.error } };
  }
  return { tag };
}
