/**
 * Resolving one image reference for one platform, step by step, each cache first:
 * tag → digest (`tagDigest.ts`), the manifest and config for that digest (`documents.ts`:
 * content-addressed, fetched once ever), Docker Hub data beside them (`hubData.ts`: web API, not
 * counted as pulls; cached with a TTL), then `deriveFacts`; when nothing cheaper names the base
 * OS and the user opted in, /etc/os-release out of the base layer (`osRelease.ts`); for a pinned
 * digest, the pin state and, when the tag moved, what the tag is now (`pinState.ts`). Registry
 * failures fall back to what the cache has, marked offline, so the editor keeps its facts when
 * the network goes.
 */
import { deriveFacts } from "../facts/derive";
import type { FactsInput } from "../facts/input";
import type { Reference } from "../reference";
import { parsePlatform } from "../oci/platform";
import { describedImage, manifestFor } from "./documents";
import { fetchMetadata, readMetadata } from "./hubData";
import type { ResolvedSubject } from "./hubTags";
import { withBaseLayerOsRelease } from "./osRelease";
import { pinState, rateLimitedPin } from "./pinState";
import { offlineError, type ResolveImageOptions, type ResolveImageResult } from "./source";
import { resolveTagDigest, tagReference, type TagState } from "./tagDigest";
import type { LookupError, Resolution } from "./types";

/** The earliest time a rate limit named among `errors` lets it be asked again. */
function retryTime(o: ResolveImageOptions, errors: readonly LookupError[]): number | undefined {
  let retryAt: number | undefined;
  for (const e of errors) {
    if (e.kind !== "rate-limited") continue;
    const at = e.resetAt?.getTime() ?? o.now() + 60_000;
    retryAt = retryAt === undefined ? at : Math.min(retryAt, at);
  }
  return retryAt;
}

export async function resolveImage(
  o: ResolveImageOptions,
  ref: Reference,
  wanted: string,
): Promise<ResolveImageResult> {
  const tagRef = tagReference(ref);
  const checkTag = ref.tag !== undefined || ref.digest === undefined;
  let tag: TagState = {
    freshness: { kind: "fresh", fetchedAt: o.now() },
    fromNetwork: false,
    missing: false,
  };
  if (checkTag) {
    const step = await resolveTagDigest(o, ref);
    o.tagChecked?.();
    if ("result" in step) return step.result;
    tag = step.tag;
  } else {
    o.tagChecked?.();
  }

  const subject = ref.digest ?? tag.digest;
  if (!subject) return { ok: false, error: offlineError(ref, o.unreachable) };
  // Docker Hub's web API (trust badge, tag details, the tag list behind "Also tagged") and any
  // tag list asked for run beside the manifests and config, never in a chain after them.
  const metadata = fetchMetadata(o, ref, tagRef, checkTag && !tag.missing);
  const top = await manifestFor(o, ref, subject);
  if (!top.ok) {
    if (top.error.kind !== "rate-limited" || tag.digest === undefined || tag.fetchedAt === undefined)
      return { ok: false, error: top.error };
    // Manifest downloads are paused (a spent pull limit) but the HEAD answered: the digest, and a
    // pin's match with it, are still known.
    const pin = rateLimitedPin(ref, tag.digest);
    return {
      ok: false,
      error: top.error,
      digestOnly: { tagDigest: tag.digest, fetchedAt: tag.fetchedAt, ...(pin ? { pin } : {}) },
    };
  }

  const wantedPlatform = parsePlatform(wanted);
  const described = await describedImage(o, ref, subject, top.value, wantedPlatform);
  if (!described.ok) return { ok: false, error: described.error };
  const image = described.value;

  const resolvedSubject: ResolvedSubject =
    top.value.kind === "index"
      ? { digest: subject, platformDigests: top.value.platforms.map((p) => p.digest) }
      : { digest: subject };
  const repo = readMetadata(await metadata, resolvedSubject);
  /** A rate limit kept something from being asked: when to ask again. */
  const retryAt = retryTime(o, [...image.paused, ...repo.paused]);

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
    manifests: image.manifests,
    configs: image.configs,
    ...(wantedPlatform ? { platform: wantedPlatform } : {}),
    ...(repo.hub ? { hub: repo.hub } : {}),
    settings: { trustedRegistries: o.trustedRegistries },
    ...(tag.mirror !== undefined && tag.digest === subject ? { servedByMirror: tag.mirror } : {}),
    source: tag.freshness.kind === "offline" ? "stale-cache" : tag.fromNetwork ? "network" : "cache",
    resolvedAt: new Date(tag.fetchedAt ?? o.now()).toISOString(),
  };
  const facts = await withBaseLayerOsRelease(
    o,
    ref,
    input,
    deriveFacts(input, new Date(o.now())),
    image.imageManifest,
  );
  const resolution: Resolution = {
    reference: ref,
    facts,
    platform: { wanted, offered: image.offered },
    ...(tag.digest ? { tagDigest: tag.digest } : {}),
    ...(tag.fetchedAt !== undefined ? { tagFetchedAt: tag.fetchedAt } : {}),
    ...(repo.tags ? { tags: repo.tags } : {}),
    ...(repo.tagSummaries ? { tagSummaries: repo.tagSummaries } : {}),
    ...(retryAt !== undefined ? { retryAt } : {}),
  };
  if (ref.digest) {
    const tagNow = { digest: tag.digest, missing: tag.missing };
    resolution.pin = await pinState(o, ref, top.value, tagNow, image.config, repo.hub);
    // What the tag is now, for "what changed" (its manifests are usually cached by then).
    if (resolution.pin.kind === "moved") {
      const now = await resolveImage(o, tagRef, wanted);
      if (now.ok) resolution.movedTo = now.resolution.facts;
    }
  }
  return { ok: true, resolution, freshness: tag.freshness };
}
