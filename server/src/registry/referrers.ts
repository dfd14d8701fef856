/**
 * Artifacts that refer to an image (signatures, SBOMs, attestations) — OCI distribution spec 1.1:
 * `GET /v2/<name>/referrers/<digest>` answers an image index of their descriptors (optionally
 * filtered by `artifactType`); a registry without the API answers 404, and clients then read the
 * referrers tag schema, an index pushed under the tag `sha256-<hex>`. Cosign's own (pre-1.1)
 * scheme is a manifest under the tag `sha256-<hex>.sig`. Every lookup here is by tag or an API
 * path, never via a mirror, and a missing one is an answer ("none"), not an error.
 */
import { badResponse, err, ok, type Result } from "./errors";
import { getManifest, isDigest, type FetchedManifest, type ManifestTarget } from "./manifest";
import { MediaType, type Descriptor, type ImageIndex } from "../oci/types";
import type { RegistrySession } from "./auth/session";

export interface Referrers {
  /** Where the list came from: the referrers API, the `sha256-<hex>` tag, or nothing found by either. */
  via: "api" | "tag" | "none";
  descriptors: Descriptor[];
}

/** `sha256:abc…` → `sha256-abc…` (the tag both fallback schemes build on). */
export function digestTag(digest: string): string {
  return digest.replace(":", "-");
}

function indexDescriptors(data: unknown): Descriptor[] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const manifests = (data as Partial<ImageIndex>).manifests;
  if (!Array.isArray(manifests)) return undefined;
  return manifests.filter(
    (d): d is Descriptor =>
      typeof d === "object" && d !== null && typeof d.digest === "string" && typeof d.mediaType === "string",
  );
}

/** The referrers of `digest`: the API, else the referrers tag schema. */
export async function getReferrers(
  session: RegistrySession,
  target: ManifestTarget,
  digest: string,
  signal?: AbortSignal,
): Promise<Result<Referrers>> {
  const host = target.endpoint.origin.host;
  if (!isDigest(digest))
    return err(badResponse("unsupported-digest", `${digest} is not a sha256 or sha512 digest.`, host));
  const res = await session.fetch({
    endpoint: target.endpoint,
    path: `/v2/${target.repository}/referrers/${digest}`,
    method: "GET",
    accept: [MediaType.ociIndex],
    repository: target.repository,
    kind: "get-manifest",
    maxBytes: session.options.limits.maxManifestBytes,
    ...(signal ? { signal } : {}),
    error: { subject: `${target.subject} (referrers of ${digest})`, target: "manifest", byDigest: true },
  });
  if (res.ok) {
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(res.value.body).toString("utf8"));
    } catch {
      data = undefined;
    }
    const descriptors = indexDescriptors(data);
    if (descriptors === undefined)
      return err(
        badResponse(
          "malformed",
          `${host} answered the referrers API with something that is not an image index.`,
          host,
        ),
      );
    return ok({ via: "api", descriptors });
  }
  // No referrers API (404, or 405/400 from registries that route the path elsewhere): the tag schema.
  const status = res.error.cause?.status;
  if (res.error.kind !== "not-found" && status !== 405 && status !== 400) return res;
  const tagged = await getManifest(session, target, digestTag(digest), signal);
  if (!tagged.ok) return tagged.error.kind === "not-found" ? ok({ via: "none", descriptors: [] }) : tagged;
  if (tagged.value.kind !== "index") return ok({ via: "none", descriptors: [] });
  return ok({ via: "tag", descriptors: tagged.value.index.manifests });
}

/** Cosign's signature manifest for `digest` (tag `sha256-<hex>.sig`), or undefined when there is none. */
export async function getCosignSignature(
  session: RegistrySession,
  target: ManifestTarget,
  digest: string,
  signal?: AbortSignal,
): Promise<Result<FetchedManifest | undefined>> {
  const m = await getManifest(session, target, `${digestTag(digest)}.sig`, signal);
  if (m.ok) return m;
  return m.error.kind === "not-found" ? ok(undefined) : m;
}
