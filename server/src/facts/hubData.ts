/**
 * The parts of Docker Hub web API responses facts/ reads (shapes in ../shared/HUB-API.md §2–3),
 * in the camelCase registry/hub.ts parses them into (`tag_last_pushed` → `lastPushed`), so its
 * objects pass through as they are; everything is optional or nullable because Hub omits and
 * nulls fields freely.
 */

/**
 * Search v4 `badge`: the only Hub field that tells Verified Publisher and Sponsored OSS apart.
 * These are the values known today; any other is passed through and read as an unknown badge.
 */
export type HubBadge = "official" | "verified_publisher" | "open_source" | "none";

/** One `images[]` entry of a Hub tag: per-platform digest and compressed size. */
export interface HubTagImage {
  architecture?: string | null;
  os?: string | null;
  variant?: string | null;
  digest?: string | null;
  size?: number | null;
  lastPushed?: string | null;
}

/** A tag object from `GET /v2/namespaces/{ns}/repositories/{repo}/tags[/{tag}]`. */
export interface HubTag {
  name: string;
  /** The index (manifest list) digest, not a per-platform one; may be null. */
  digest?: string | null;
  /** Hub's `tag_last_pushed`. */
  lastPushed?: string | null;
  /** Hub's `last_updated`. */
  lastUpdated?: string | null;
  images?: readonly HubTagImage[] | null;
}

export interface HubData {
  /**
   * The repository's badge from Hub search v4 (`badge`), when it was looked up: null or "none" =
   * no badge. Leave undefined when not looked up (then a non-library image's trust is unknown).
   */
  badge?: HubBadge | (string & Record<never, never>) | null;
  /** v1 search's `is_official`, where that is all that was available. */
  isOfficial?: boolean;
  /** The tag being resolved, for its push date and per-platform sizes. */
  tag?: HubTag;
  /** Tags of the repository (name + digest), for aliases. */
  tags?: readonly HubTag[];
}
