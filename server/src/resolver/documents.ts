/**
 * The documents behind a digest: manifests and configs, memo → disk cache → registry (content
 * addressed: fetched once ever), and the image one platform of an index stands for.
 */
import type { Reference } from "../reference";
import { err, ok, type Result } from "../registry/errors";
import { parseManifest, type ParsedManifest } from "../registry/manifest";
import { parseImageConfig } from "../registry/blob";
import { defaultPlatformEntry, platformMatches, selectPlatform } from "../oci/platform";
import type { ImageConfig, ImageManifest, Platform } from "../oci/types";
import { cacheWrite, isUnreachable, offlineError, type ResolveImageOptions } from "./source";
import type { LookupError } from "./types";

/**
 * Before a document goes to the network: no platform manifest or config of a registry is asked
 * while one of its digests is still on its way (memo and disk answer without waiting).
 */
async function digestsFirst(o: ResolveImageOptions, ref: Reference): Promise<void> {
  await o.afterDigests?.(ref.registry);
}

export async function manifestFor(
  o: ResolveImageOptions,
  ref: Reference,
  digest: string,
): Promise<Result<ParsedManifest, LookupError>> {
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
  await digestsFirst(o, ref);
  const fetched = await o.source.manifest(ref, digest, { signal: o.signal });
  if (!fetched.ok) return fetched;
  o.memo.set(digest, fetched.value);
  cacheWrite(o, () => o.cache.putBlob(digest, fetched.value.bytes));
  return ok(fetched.value);
}

export async function configFor(
  o: ResolveImageOptions,
  ref: Reference,
  digest: string,
): Promise<Result<ImageConfig, LookupError>> {
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
  await digestsFirst(o, ref);
  const fetched = await o.source.config(ref, digest, { signal: o.signal });
  if (!fetched.ok) return fetched;
  o.memo.set(digest, fetched.value.config);
  cacheWrite(o, () => o.cache.putBlob(digest, fetched.value.bytes));
  return ok(fetched.value.config);
}

/** The image the facts describe: for an index, the wanted (else the default) platform's. */
export interface DescribedImage {
  manifests: Record<string, ImageManifest>;
  configs: Record<string, ImageConfig>;
  /** Whether the wanted platform is offered (true when none is wanted). */
  offered: boolean;
  imageManifest?: ImageManifest;
  config?: ImageConfig;
  /** Errors that left a document unfetched for now (unreachable, rate-limited). */
  paused: LookupError[];
}

/**
 * The platform manifest and config behind `top` (the subject's manifest). An unreachable
 * registry leaves them out (listed in `paused`); any other failure is the result.
 */
export async function describedImage(
  o: ResolveImageOptions,
  ref: Reference,
  subject: string,
  top: ParsedManifest,
  wantedPlatform: Platform | undefined,
): Promise<Result<DescribedImage, LookupError>> {
  const d: DescribedImage = { manifests: {}, configs: {}, offered: true, paused: [] };
  let describedDigest = subject;
  if (top.kind === "index") {
    const selected = wantedPlatform ? selectPlatform(top.platforms, wantedPlatform) : undefined;
    d.offered = selected !== undefined;
    const chosen = selected ?? defaultPlatformEntry(top.platforms, (p) => p.platform);
    if (chosen) {
      const m = await manifestFor(o, ref, chosen.digest);
      if (m.ok && m.value.kind === "image") {
        d.imageManifest = m.value.manifest;
        d.manifests[chosen.digest] = m.value.manifest;
        describedDigest = chosen.digest;
      } else if (!m.ok && !isUnreachable(m.error)) {
        return m;
      } else if (!m.ok) {
        d.paused.push(m.error);
      }
    }
  } else {
    d.imageManifest = top.manifest;
  }
  if (d.imageManifest) {
    const c = await configFor(o, ref, d.imageManifest.config.digest);
    if (c.ok) {
      d.config = c.value;
      d.configs[describedDigest] = c.value;
      if (top.kind === "image" && wantedPlatform) d.offered = platformMatches(c.value, wantedPlatform);
    } else if (!isUnreachable(c.error)) {
      return c;
    } else {
      d.paused.push(c.error);
    }
  }
  return ok(d);
}
