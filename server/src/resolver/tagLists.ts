/**
 * A repository's tag list, cached as repository metadata: Docker Hub's (names and digests) or the
 * registry's own (names only), and the search beyond its first page for completion.
 */
import { isDockerHub, type Reference } from "../reference";
import type { HubTag } from "../registry/hub";
import { summarizeHubTag } from "./hubTags";
import { cachedJson, type ResolveImageOptions } from "./source";
import type { FoundTag } from "./types";

/** The repository's tags: Hub's tag list (names and digests) or the registry's (names only). */
export async function tagsFor(
  o: ResolveImageOptions,
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
export async function searchTags(
  o: ResolveImageOptions,
  ref: Reference,
  prefix: string,
): Promise<FoundTag[]> {
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
