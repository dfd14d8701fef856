/**
 * What the resolver tells the features about one image reference: answered synchronously from
 * memory (`Resolver.lookup`), so hovers, lenses and diagnostics never wait on the network.
 */
import type { ImageFacts } from "../facts/types";
import type { Reference } from "../reference";
import type { ResolveError } from "../registry/errors";

/**
 * A failure the resolver finds itself (no registry answered it), as a code and data: the
 * features write its words (features/lookupError.ts). Its `kind` is the `ResolveError` kind it
 * stands beside, so rules that sort failures by kind read it the same way.
 */
export type ResolverError =
  /** Offline (the setting), and nothing is cached for `reference` (its full form). */
  | { kind: "offline"; why: "nothing-cached"; reference: string }
  /** `host` failed and the cache answered; `detail`: what the registry layer said of the failure. */
  | { kind: "network"; why: "unreachable"; host: string; detail: string }
  /** A bug guard: resolving threw instead of returning an error value; `detail`: what it threw. */
  | { kind: "bad-response"; reason: "malformed"; why: "internal"; detail: string };

/** Why a lookup failed: what the registry layer said, or what the resolver found. */
export type LookupError = ResolveError | ResolverError;

/** How the digest written in a pinned reference relates to what its tag points at now. */
/** Why a pin could not be compared with its tag. */
export type UncheckedPin = "not-pinned" | "tag-unchecked" | "no-tag" | "rate-limited";

export type PinState =
  /** The pin is the tag's current index (or single-manifest) digest. */
  | { kind: "current" }
  /** The tag has moved on: `currentDigest` is where it points now. */
  | { kind: "moved"; currentDigest: string; movedAt?: string }
  /** The pin is one platform's manifest inside the tag's multi-platform index. */
  | { kind: "platform-manifest"; platform: string; indexDigest: string; platformDigestNow?: string }
  /**
   * The tag written next to the digest no longer exists (or never did); the digest still does,
   * and the builder pulls by digest, so the build works but nothing follows the tag.
   */
  | { kind: "tag-missing" }
  /** No tag written, or the tag could not be checked; `why` (features/pin.ts says it in words). */
  | { kind: "unchecked"; why: UncheckedPin };

/** What Docker Hub's tag list says of one tag (other registries list tag names only). */
export interface TagSummary {
  /** Runnable platforms as `os/architecture[/variant]`, in Hub's order; attestations left out. */
  platforms: string[];
  /** The tag's digest (the index digest of a multi-platform tag). */
  digest?: string;
  /** When the tag was last pushed, ISO 8601. */
  pushedAt?: string;
}

/** A tag found by a tag search, with what the registry said of it. */
export interface FoundTag {
  name: string;
  summary?: TagSummary;
}

export interface Resolution {
  reference: Reference;
  /** The digest the tag points at now (index digest for multi-platform images). */
  tagDigest?: string;
  /** When `tagDigest` was fetched from the registry (epoch ms). */
  tagFetchedAt?: number;
  /** For pinned references. */
  pin?: PinState;
  /** A pin whose tag moved: the facts of what the tag points at now (for "what changed"). */
  movedTo?: ImageFacts;
  /** Facts about the image the reference denotes (the pinned digest when pinned, else the tag's). */
  facts: ImageFacts;
  /** The platform the facts describe ("linux/amd64"), and whether the image offers the wanted one. */
  platform: { wanted: string; offered: boolean };
  /** The repository's tags (bounded listing), when they were fetched: for "did you mean" and aliases. */
  tags?: string[];
  /** Per-tag platforms, digest and push date of `tags`, where the registry says (Docker Hub). */
  tagSummaries?: Record<string, TagSummary>;
  /**
   * Some of it could not be asked because of a rate limit (manifest details, the Hub trust
   * badge): resolve again at this time (epoch ms) to fill it in.
   */
  retryAt?: number;
}

/**
 * What still worked while manifest downloads were paused by a rate limit: the tag's digest (a
 * HEAD, which Docker Hub does not count as a pull) and, for a pinned reference, the pin check.
 */
export interface DigestOnly {
  tagDigest: string;
  /** When the digest was checked (epoch ms). */
  fetchedAt: number;
  pin?: PinState;
}

export type Freshness =
  /** Fetched or revalidated within the TTL. */
  | { kind: "fresh"; fetchedAt: number }
  /** Older than the TTL, being revalidated in the background. */
  | { kind: "stale"; fetchedAt: number }
  /** Network failed or offline mode: this is what the cache had. */
  | { kind: "offline"; fetchedAt: number; reason: string };

export type Lookup =
  | { state: "unknown" }
  | {
      state: "resolving";
      previous?: { resolution: Resolution; freshness: Freshness };
      /**
       * The tag's digest, just fetched; the facts are still being fetched. (A pin is "current"
       * only when it is that digest; whether another pin is a platform manifest needs the facts.)
       */
      digest?: DigestOnly;
    }
  | { state: "resolved"; resolution: Resolution; freshness: Freshness }
  | {
      state: "error";
      error: LookupError;
      /** Known tags when the error is an unknown tag (for "did you mean"). */
      tags?: string[];
      /** What the registry said of those tags (Docker Hub), for completion. */
      tagSummaries?: Record<string, TagSummary>;
      /** What the cache still had, if anything (e.g. rate-limited but cached yesterday). */
      previous?: { resolution: Resolution; freshness: Freshness };
      /** Rate-limited: what was still checked without downloading manifests. */
      digestOnly?: DigestOnly;
    };

/** A summary for the status bar and progress. */
export interface ResolverStatus {
  resolving: number;
  queued: number;
  offline: boolean;
  /** Docker Hub's pull allowance as last reported (`ratelimit-remaining`), if known. */
  hubRateLimit?: {
    limit: number;
    remaining: number;
    windowSeconds?: number | undefined;
    resetAt?: number | undefined;
  };
  /** Requests made since start, by kind (HEAD manifest, GET manifest, GET blob, token, hub-api). */
  requests: Record<string, number>;
}
