/** How a pinned digest (`image:tag@sha256:…`) relates to what its tag points at now. */
import type { HubData } from "../facts/hubData";
import type { Reference } from "../reference";
import type { ParsedManifest } from "../registry/manifest";
import { formatPlatform, selectPlatform } from "../oci/platform";
import type { ImageConfig } from "../oci/types";
import { manifestFor } from "./documents";
import type { ResolveImageOptions } from "./source";
import type { PinState } from "./types";

/** How a pinned digest relates to what its tag points at now. */
async function comparePin(
  o: ResolveImageOptions,
  ref: Reference,
  pinned: ParsedManifest,
  tagDigest: string | undefined,
  pinnedConfig?: ImageConfig,
): Promise<PinState> {
  if (!ref.digest) return { kind: "unchecked", why: "not-pinned" };
  if (!tagDigest) return { kind: "unchecked", why: ref.tag ? "tag-unchecked" : "no-tag" };
  if (ref.digest === tagDigest) return { kind: "current" };
  const current = await manifestFor(o, ref, tagDigest);
  if (pinned.kind === "image" && current.ok && current.value.kind === "index" && pinnedConfig) {
    const platform = {
      os: pinnedConfig.os,
      architecture: pinnedConfig.architecture,
      ...(pinnedConfig.variant ? { variant: pinnedConfig.variant } : {}),
    };
    const now = selectPlatform(current.value.platforms, platform);
    return {
      kind: "platform-manifest",
      platform: formatPlatform(platform),
      indexDigest: tagDigest,
      ...(now ? { platformDigestNow: now.digest } : {}),
    };
  }
  return { kind: "moved", currentDigest: tagDigest };
}

/**
 * The pin state of a reference written with a digest: `tag-missing` when the registry says the
 * written tag does not exist; a move carries Docker Hub's last push of the tag (the move's date).
 */
export async function pinState(
  o: ResolveImageOptions,
  ref: Reference,
  pinned: ParsedManifest,
  tag: { digest: string | undefined; missing: boolean },
  pinnedConfig: ImageConfig | undefined,
  hub: HubData | undefined,
): Promise<PinState> {
  if (tag.missing) return { kind: "tag-missing" };
  const pin = await comparePin(o, ref, pinned, tag.digest, pinnedConfig);
  const pushed = hub?.tag?.lastPushed;
  return pin.kind === "moved" && pushed ? { ...pin, movedAt: pushed } : pin;
}

/**
 * Manifest downloads are paused (a spent pull limit) but the tag's digest is known: a pin's match
 * with it still is. Whether a different pin is a platform manifest of the index would take the
 * manifests: left unchecked.
 */
export function rateLimitedPin(ref: Reference, tagDigest: string): PinState | undefined {
  if (!ref.digest) return undefined;
  return ref.digest === tagDigest ? { kind: "current" } : { kind: "unchecked", why: "rate-limited" };
}
