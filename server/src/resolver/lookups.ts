/** The `Lookup` states a request goes through, built from what was known before and what landed. */
import type { ResolveImageResult } from "./source";
import type { Lookup } from "./types";

/** Resolving, keeping what `previous` knew (a result, or the one an error kept) on show. */
export function resolvingLookup(previous: Lookup | undefined): Lookup {
  const prev =
    previous &&
    (previous.state === "resolved" ? previous : previous.state === "error" ? previous.previous : undefined);
  return {
    state: "resolving",
    ...(prev ? { previous: { resolution: prev.resolution, freshness: prev.freshness } } : {}),
  };
}

/** The result a resolving lookup keeps on show, as a lookup of its own. */
export function previousLookup(s: Lookup | undefined): Lookup | undefined {
  if (s?.state === "resolving" && s.previous) return { state: "resolved", ...s.previous };
  return undefined;
}

/** What resolving an image gave, as the lookup that lands; an error keeps `prev`'s result. */
export function landedLookup(r: ResolveImageResult, prev: Lookup | undefined): Lookup {
  if (r.ok) return { state: "resolved", resolution: r.resolution, freshness: r.freshness };
  return {
    state: "error",
    error: r.error,
    ...(r.tags ? { tags: r.tags } : {}),
    ...(r.tagSummaries ? { tagSummaries: r.tagSummaries } : {}),
    ...(r.digestOnly ? { digestOnly: r.digestOnly } : {}),
    ...(prev?.state === "resolved"
      ? { previous: { resolution: prev.resolution, freshness: prev.freshness } }
      : {}),
  };
}
