/**
 * The last resort for the base OS (`fromLens.facts.inspectLayers`): /etc/os-release read out of
 * the base layer (streamed, stopped as soon as it is read; cached for good per registry,
 * repository and layer digest), and the facts derived again with it.
 */
import { deriveFacts } from "../facts/derive";
import type { FactsInput } from "../facts/input";
import type { ImageFacts } from "../facts/types";
import { formatReference, type Reference } from "../reference";
import { OS_RELEASE_PATHS } from "../registry/layer";
import type { ImageManifest } from "../oci/types";
import type { ResolveImageOptions } from "./source";

/**
 * What reading a base layer's os-release gave (immutable: no TTL), cached per registry +
 * repository + layer digest: a read that stopped at the file is not verified against the digest,
 * so what one repository served under a digest says nothing about what another serves under it.
 */
interface OsReleaseEntry {
  /** The image the layer was read from (`registry/repository`). */
  readFrom?: string;
  /** The wanted path found (`etc/os-release`) and the entry it led to through links, if another. */
  path?: string;
  target?: string;
  text?: string;
  /** Why there is no text: absent, too large, beyond the caps, unreadable compression… */
  missing?: string;
}

/** Layer media types that are tar archives the registry serves (foreign / non-distributable ones point elsewhere). */
function isReadableLayer(d: ImageManifest["layers"][number]): boolean {
  const t = d.mediaType.toLowerCase();
  if (t.includes("foreign") || t.includes("nondistributable") || (d.urls?.length ?? 0) > 0) return false;
  return t.includes("tar");
}

/**
 * The os-release of the image's base (first) layer: from the cache, or streamed out of the layer.
 * Offline (or backing off a registry), only the cache answers. A failure that could go differently
 * next time (network, auth, a digest mismatch) is not cached; an answer that follows from the
 * layer's bytes (found, absent, too large, unsupported compression, not a tar) is.
 */
async function baseLayerOsRelease(
  o: ResolveImageOptions,
  ref: Reference,
  manifest: ImageManifest,
): Promise<{ layerDigest: string; entry: OsReleaseEntry } | undefined> {
  const layer = manifest.layers[0];
  if (!layer || !isReadableLayer(layer)) return undefined;
  const readFrom = `${ref.registry}/${ref.repository}`;
  const cacheKey = `${readFrom}@${layer.digest}`;
  const cached = o.cache.getEntry<OsReleaseEntry>("os-release", cacheKey);
  if (cached?.value.readFrom === readFrom) return { layerDigest: layer.digest, entry: cached.value };
  if (/\+zstd\b/i.test(layer.mediaType)) {
    // Known from the descriptor alone: no request (the registry layer would refuse it after one).
    return {
      layerDigest: layer.digest,
      entry: {
        missing: "it is zstd-compressed, an unsupported layer compression, so /etc/os-release was not read",
      },
    };
  }
  if (o.offline || !o.source.readLayerFile) return undefined;
  const r = await o.source.readLayerFile(ref, layer.digest, OS_RELEASE_PATHS, { signal: o.signal });
  let entry: OsReleaseEntry;
  if (r.ok) {
    const file = r.value.file;
    entry = file
      ? {
          readFrom,
          path: file.path,
          ...(file.target !== undefined ? { target: file.target } : {}),
          text: Buffer.from(file.content).toString("utf8"),
        }
      : { readFrom, missing: r.value.missing ?? "not found" };
    o.log(
      `base layer ${layer.digest} of ${formatReference(ref)}: ${file ? `read /${file.target ?? file.path}` : entry.missing} (${r.value.bytesRead} compressed bytes${r.value.complete ? ", whole layer, verified" : ", stopped early"})`,
    );
  } else {
    o.log(`base layer ${layer.digest} of ${formatReference(ref)}: ${r.error.message}`);
    const lasting =
      r.error.kind === "bad-response" &&
      (r.error.reason === "unsupported-media-type" || r.error.reason === "malformed");
    if (!lasting) return undefined;
    entry = { readFrom, missing: r.error.message };
  }
  o.cache.putEntry("os-release", cacheKey, entry, o.now());
  return { layerDigest: layer.digest, entry };
}

/**
 * `facts` again with the base layer's /etc/os-release when the OS is still unknown and layer
 * reading is on; the evidence names the file and the layer it came from (or why none was read).
 */
export async function withBaseLayerOsRelease(
  o: ResolveImageOptions,
  ref: Reference,
  input: FactsInput,
  facts: ImageFacts,
  imageManifest: ImageManifest | undefined,
): Promise<ImageFacts> {
  if (!o.inspectLayers || facts.os.status !== "unknown" || !imageManifest) return facts;
  const read = await baseLayerOsRelease(o, ref, imageManifest);
  if (read?.entry.text !== undefined) {
    const derived = deriveFacts({ ...input, osRelease: read.entry.text }, new Date(o.now()));
    // The facts say "/etc/os-release …"; say which file that was, and that it came from a layer
    // read only as far as the file (not verified against the layer digest when stopped early).
    const via =
      read.entry.target !== undefined && read.entry.target !== read.entry.path
        ? `→ /${read.entry.target}, `
        : "";
    const from = read.entry.readFrom !== undefined ? ` of ${read.entry.readFrom}` : "";
    const where = `/${read.entry.path ?? "etc/os-release"} (${via}read from base layer ${read.layerDigest}${from})`;
    if (derived.os.evidence.includes("/etc/os-release"))
      derived.os.evidence = derived.os.evidence.replace("/etc/os-release", where);
    else derived.os.evidence += ` (${where})`;
    return derived;
  }
  if (read?.entry.missing !== undefined)
    facts.os.evidence += ` Base layer ${read.layerDigest}: ${read.entry.missing}.`;
  return facts;
}
