/**
 * The failed lookups of image references, for the unauthorized / rate-limited /
 * registry-unreachable rules: one finding per reference, in the error's own words (registry/
 * errors.ts writes them for the user), plus what FROM Lens still shows from its cache.
 */
import type { ImageRef } from "../../../dockerfile";
import type { Freshness, LookupError, Resolution } from "../../../resolver/types";
import { formatRelative } from "../../prose";
import type { FeatureContext } from "../../context";
import { imageRefs } from "./refs";

export interface FailedLookup {
  ref: ImageRef;
  error: LookupError;
  previous?: { resolution: Resolution; freshness: Freshness };
}

export function failedLookups(ctx: FeatureContext, kinds: readonly LookupError["kind"][]): FailedLookup[] {
  const out: FailedLookup[] = [];
  for (const ref of imageRefs(ctx)) {
    if (ref.resolved === undefined) continue;
    const lookup = ctx.lookup(ref);
    if (lookup.state !== "error" || !kinds.includes(lookup.error.kind)) continue;
    // Assigned, not spread in: this runs for every failing reference of every edit (fromRef.ts).
    const failed: FailedLookup = { ref, error: lookup.error };
    if (lookup.previous !== undefined) failed.previous = lookup.previous;
    out.push(failed);
  }
  return out;
}

/** " FROM Lens shows what it cached 3 h ago." when the cache still had the image. */
export function cachedNote(failed: FailedLookup, now: Date): string {
  if (failed.previous === undefined) return "";
  return ` FROM Lens shows what it cached ${formatRelative(failed.previous.freshness.fetchedAt, now)}.`;
}
