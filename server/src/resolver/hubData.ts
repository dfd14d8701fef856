/**
 * Docker Hub's web API data (trust badge, the tag's details, the tag list behind "Also tagged")
 * and any tag list asked for: fetched beside the manifests, then read against the resolved
 * subject for the facts.
 */
import type { HubData } from "../facts/hubData";
import { formatReference, isDockerHub, type Reference } from "../reference";
import { ok, type ResolveError } from "../registry/errors";
import type { HubTag } from "../registry/hub";
import { summaries, factsHubTag, type ResolvedSubject } from "./hubTags";
import { cachedJson, type ResolveImageOptions } from "./source";
import { tagsFor } from "./tagLists";
import type { TagSummary } from "./types";

/** What Docker Hub's web API and the tag list said, fetched beside the manifests. */
export interface Metadata {
  hub?: {
    badge?: { value: { badge?: string }; fetchedAt: number } | { error: ResolveError };
    tag?: { value: HubTag; fetchedAt: number } | { error: ResolveError };
  };
  list?: { names: string[]; hub?: HubTag[] };
}

/**
 * Docker Hub's data (all in parallel, once the registry's digests being asked are known) and the
 * repository's tag list where one is wanted: always
 * on Docker Hub (its list carries the digests behind "Also tagged"), elsewhere only when asked
 * (`wantTags`: completion, the slim-final-stage suggestion) — a plain registry's list names
 * tags only, so the facts never need it. Never rejects.
 */
export async function fetchMetadata(
  o: ResolveImageOptions,
  ref: Reference,
  tagRef: Reference,
  askTag: boolean,
): Promise<Metadata> {
  const hubRef = isDockerHub(ref);
  const wantList = hubRef || (o.wantTags?.(ref) ?? false);
  // Digests first: nothing here is asked while a digest of this registry is still on its way.
  if ((hubRef || wantList) && o.afterDigests) await o.afterDigests(ref.registry);
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

/** The metadata as the facts and the resolution take it. */
export interface RepositoryData {
  hub?: HubData;
  tags?: string[];
  tagSummaries?: Record<string, TagSummary>;
  /** Errors that kept something from being asked (Hub's web API rate limit). */
  paused: ResolveError[];
}

export function readMetadata(meta: Metadata, resolvedSubject: ResolvedSubject): RepositoryData {
  const data: RepositoryData = { paused: [] };
  if (meta.hub) {
    const hub: HubData = {};
    data.hub = hub;
    const { badge, tag } = meta.hub;
    // Hub's badge as Hub spells it; facts/trust.ts says what it means.
    if (badge && "value" in badge && badge.value.badge !== undefined) hub.badge = badge.value.badge;
    // Hub's web API rate limit: trust stays unknown for now, and is asked again after the window.
    else if (badge && "error" in badge) data.paused.push(badge.error);
    if (tag && "value" in tag) hub.tag = factsHubTag(tag.value, resolvedSubject);
    else if (tag && "error" in tag) data.paused.push(tag.error);
  }
  const list = meta.list;
  if (list) {
    data.tags = list.names;
    if (list.hub) data.tagSummaries = summaries(list.hub, resolvedSubject);
    if (data.hub && list.hub) data.hub.tags = list.hub.map((t) => factsHubTag(t, resolvedSubject));
  }
  return data;
}
