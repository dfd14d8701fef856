/**
 * Manifests: resolve a tag with HEAD (the full Accept list, `Docker-Content-Digest`), fall back to
 * GET and hash the exact body bytes when the header is missing, fetch a manifest by digest and
 * verify it, and parse what came back: OCI index / Docker manifest list (platform entries, with
 * BuildKit attestations set apart) or OCI / Docker schema 2 image manifest. Schema 1 and unknown
 * media types are a clear `bad-response`. Digests are `digest.ts`; platform matching is
 * oci/platform.ts.
 */
import { badResponse, err, notFoundError, ok } from "./errors";
import type { ResolveError, Result } from "./errors";
import {
  IMAGE_MANIFEST_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MANIFEST_ACCEPT,
  MediaType,
  isAttestationDescriptor,
} from "../oci/types";
import { formatPlatform } from "../oci/platform";
import type { Descriptor, ImageIndex, ImageManifest, Platform } from "../oci/types";
import { headerValue } from "./http/types";
import type { RegistryEndpoint } from "./auth/types";
import type { RegistrySession } from "./auth/session";
import { isRecord, setOwn } from "../json";
import { computeDigest, isDigest, verifyDigest } from "./digest";

export { computeDigest, isDigest, verifyDigest } from "./digest";

// ---------------------------------------------------------------------------------------------
// Parsing

export type ParsedManifest =
  | {
      kind: "index";
      mediaType: string;
      index: ImageIndex;
      /** Runnable platform entries, in index order. */
      platforms: Descriptor[];
      /** BuildKit attestation entries (`unknown/unknown`, `vnd.docker.reference.type`). */
      attestations: Descriptor[];
    }
  | { kind: "image"; mediaType: string; manifest: ImageManifest };

export type FetchedManifest = ParsedManifest & {
  digest: string;
  size: number;
  /** The exact bytes the digest was computed over. */
  bytes: Uint8Array;
};

const SCHEMA1_TYPES: ReadonlySet<string> = new Set([MediaType.dockerSchema1, MediaType.dockerSchema1Signed]);

/** The media type without parameters, lower case (`…+json; charset=utf-8` → `…+json`). */
export function baseMediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const t = contentType.split(";")[0]?.trim().toLowerCase();
  return t || undefined;
}

function schema1Error(host?: string): ResolveError {
  return badResponse(
    "schema1",
    `${host ?? "The registry"} served a Docker schema 1 manifest. Schema 1 is deprecated and unsupported: FROM Lens cannot read platforms or digests from it. Rebuild and push the image with a current Docker or buildx.`,
    host,
  );
}

function parseDescriptor(v: unknown): Descriptor | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.digest !== "string" || !isDigest(v.digest)) return undefined;
  const d: Descriptor = {
    mediaType: typeof v.mediaType === "string" ? v.mediaType : "",
    digest: v.digest,
    // OCI: a non-negative int64. Anything else (negative, fractional, huge) reads as unknown, 0.
    size: typeof v.size === "number" && Number.isSafeInteger(v.size) && v.size >= 0 ? v.size : 0,
  };
  if (Array.isArray(v.urls)) d.urls = v.urls.filter((u): u is string => typeof u === "string");
  if (isRecord(v.annotations)) d.annotations = stringRecord(v.annotations);
  if (typeof v.artifactType === "string") d.artifactType = v.artifactType;
  if (
    isRecord(v.platform) &&
    typeof v.platform.os === "string" &&
    typeof v.platform.architecture === "string"
  ) {
    const p: Platform = { os: v.platform.os, architecture: v.platform.architecture };
    if (typeof v.platform.variant === "string" && v.platform.variant) p.variant = v.platform.variant;
    if (typeof v.platform["os.version"] === "string") p["os.version"] = v.platform["os.version"];
    if (Array.isArray(v.platform["os.features"]))
      p["os.features"] = v.platform["os.features"].filter((f): f is string => typeof f === "string");
    if (Array.isArray(v.platform.features))
      p.features = v.platform.features.filter((f): f is string => typeof f === "string");
    d.platform = p;
  }
  return d;
}

function stringRecord(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === "string") setOwn(out, k, v); // "__proto__" too
  return out;
}

/**
 * A JSON value from a registry, short, for a message. JSON.stringify, not String(): parsed JSON
 * can hold an object whose own `toString` is not a function.
 */
function shownValue(v: unknown): string {
  const text = JSON.stringify(v) ?? "nothing";
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Parses manifest bytes. The media type is the body's `mediaType`, else the Content-Type, else
 * inferred from the shape (`manifests` → index, `config` + `layers` → image), as the OCI spec
 * allows it to be absent.
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | undefined,
  host?: string,
): Result<ParsedManifest> {
  const headerType = baseMediaType(contentType);
  if (headerType && SCHEMA1_TYPES.has(headerType)) return err(schema1Error(host));
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return err(
      badResponse("malformed", `${host ?? "The registry"} sent a manifest that is not valid JSON.`, host),
    );
  }
  if (!isRecord(data))
    return err(
      badResponse("malformed", `${host ?? "The registry"} sent a manifest that is not a JSON object.`, host),
    );
  if (data.schemaVersion === 1) return err(schema1Error(host));
  const bodyType = typeof data.mediaType === "string" ? data.mediaType.toLowerCase() : undefined;
  const known = (t: string | undefined): t is string =>
    t !== undefined && (INDEX_MEDIA_TYPES.has(t) || IMAGE_MANIFEST_MEDIA_TYPES.has(t));
  let mediaType: string | undefined;
  if (bodyType !== undefined) mediaType = bodyType;
  else if (known(headerType)) mediaType = headerType;
  else if (Array.isArray(data.manifests)) mediaType = MediaType.ociIndex;
  else if (isRecord(data.config) && Array.isArray(data.layers)) mediaType = MediaType.ociManifest;
  if (mediaType && SCHEMA1_TYPES.has(mediaType)) return err(schema1Error(host));
  if (!known(mediaType)) {
    const shown = mediaType ?? headerType ?? "none";
    return err(
      badResponse(
        "unsupported-media-type",
        `${host ?? "The registry"} served a manifest of type ${shown}, which is not an image or an image index (FROM Lens reads OCI and Docker schema 2).`,
        host,
      ),
    );
  }
  if (data.schemaVersion !== 2)
    return err(
      badResponse(
        "malformed",
        `${host ?? "The registry"} sent a manifest with schemaVersion ${shownValue(data.schemaVersion)}, expected 2.`,
        host,
      ),
    );

  if (INDEX_MEDIA_TYPES.has(mediaType)) {
    if (!Array.isArray(data.manifests))
      return err(
        badResponse(
          "malformed",
          `${host ?? "The registry"} sent an image index without a manifests list.`,
          host,
        ),
      );
    const manifests: Descriptor[] = [];
    for (const m of data.manifests as unknown[]) {
      const d = parseDescriptor(m);
      if (!d)
        return err(
          badResponse(
            "malformed",
            `${host ?? "The registry"} sent an image index with an invalid entry.`,
            host,
          ),
        );
      manifests.push(d);
    }
    const index: ImageIndex = { schemaVersion: 2, mediaType, manifests };
    if (isRecord(data.annotations)) index.annotations = stringRecord(data.annotations);
    if (typeof data.artifactType === "string") index.artifactType = data.artifactType;
    const subject = parseDescriptor(data.subject);
    if (subject) index.subject = subject;
    const attestations = manifests.filter(isAttestationDescriptor);
    const platforms = manifests.filter((d) => !isAttestationDescriptor(d));
    return ok({ kind: "index", mediaType, index, platforms, attestations });
  }

  const config = parseDescriptor(data.config);
  if (!config || !Array.isArray(data.layers))
    return err(
      badResponse(
        "malformed",
        `${host ?? "The registry"} sent an image manifest without a valid config or layers.`,
        host,
      ),
    );
  const layers: Descriptor[] = [];
  for (const l of data.layers as unknown[]) {
    const d = parseDescriptor(l);
    if (!d)
      return err(
        badResponse(
          "malformed",
          `${host ?? "The registry"} sent an image manifest with an invalid layer.`,
          host,
        ),
      );
    layers.push(d);
  }
  const manifest: ImageManifest = { schemaVersion: 2, mediaType, config, layers };
  if (isRecord(data.annotations)) manifest.annotations = stringRecord(data.annotations);
  if (typeof data.artifactType === "string") manifest.artifactType = data.artifactType;
  const subject = parseDescriptor(data.subject);
  if (subject) manifest.subject = subject;
  return ok({ kind: "image", mediaType, manifest });
}

// ---------------------------------------------------------------------------------------------
// Network

export interface ManifestTarget {
  endpoint: RegistryEndpoint;
  repository: string;
  /** For messages: `docker.io/library/python:3.12`. */
  subject: string;
}

export interface HeadResult {
  digest: string;
  mediaType: string;
  size?: number;
  /** True when HEAD did not give a usable digest and the manifest was fetched (and hashed). */
  fetched?: FetchedManifest;
}

function manifestPath(repository: string, reference: string): string {
  return `/v2/${repository}/manifests/${encodeURIComponent(reference).replace(/%3A/gi, ":")}`;
}

/**
 * Resolves a tag (or checks a digest) to its digest and media type. HEAD first; when the answer
 * lacks a valid `Docker-Content-Digest` or a manifest media type, GET and hash the body. A bodiless
 * HEAD 404 is followed by a GET so the error can say whether the repository or the tag is missing.
 */
export async function headManifest(
  session: RegistrySession,
  target: ManifestTarget,
  reference: string,
  signal?: AbortSignal,
): Promise<Result<HeadResult>> {
  const host = target.endpoint.origin.host;
  const byDigest = isDigest(reference);
  const res = await session.fetch({
    endpoint: target.endpoint,
    path: manifestPath(target.repository, reference),
    method: "HEAD",
    accept: MANIFEST_ACCEPT,
    repository: target.repository,
    kind: "head-manifest",
    maxBytes: 0,
    ...(signal ? { signal } : {}),
    // A tag's digest goes before the manifests and configs waiting for the same host.
    ...(byDigest ? {} : { urgent: true }),
    error: { subject: target.subject, target: "manifest", byDigest },
  });
  if (!res.ok) {
    const e = res.error;
    if (e.kind === "not-found" && e.cause?.code === undefined) {
      // A HEAD answer has no body, so a 404 cannot say whether the repository or the tag is
      // missing (and distribution 2.8 says MANIFEST_UNKNOWN for both even on GET). Its tag list
      // can: NAME_UNKNOWN there means the repository.
      const exists = await repositoryExists(session, target, signal);
      if (exists.ok && !exists.value) return err(notFoundError("repository", target.subject, host, e.cause));
      if (!exists.ok && exists.error.kind === "cancelled") return exists;
      return res;
    }
    if (e.kind === "bad-response" && e.cause?.status === 405) {
      // HEAD not supported: GET instead.
      const g = await getManifest(session, target, reference, signal);
      return g.ok
        ? ok({ digest: g.value.digest, mediaType: g.value.mediaType, size: g.value.size, fetched: g.value })
        : g;
    }
    return res;
  }
  const r = res.value;
  const digest = headerValue(r.headers, "docker-content-digest")?.trim();
  const contentType = baseMediaType(headerValue(r.headers, "content-type"));
  if (
    contentType &&
    (contentType === MediaType.dockerSchema1 || contentType === MediaType.dockerSchema1Signed)
  )
    return err(schema1Error(host));
  const knownType =
    contentType !== undefined &&
    (INDEX_MEDIA_TYPES.has(contentType) || IMAGE_MANIFEST_MEDIA_TYPES.has(contentType));
  if (digest && isDigest(digest) && knownType && (!byDigest || digest === reference)) {
    const length = Number(headerValue(r.headers, "content-length"));
    const out: HeadResult = { digest, mediaType: contentType };
    if (Number.isFinite(length) && length > 0) out.size = length;
    return ok(out);
  }
  // No usable digest or type: GET the manifest and take the digest of the bytes (renovate does
  // the same). By tag the header, if any, must agree with the bytes.
  const g = await getManifest(
    session,
    target,
    reference,
    signal,
    digest && isDigest(digest) ? digest : undefined,
  );
  return g.ok
    ? ok({ digest: g.value.digest, mediaType: g.value.mediaType, size: g.value.size, fetched: g.value })
    : g;
}

/** Whether the repository exists, asked with the smallest tag-list page (not a pull). */
async function repositoryExists(
  session: RegistrySession,
  target: ManifestTarget,
  signal?: AbortSignal,
): Promise<Result<boolean>> {
  const res = await session.fetch({
    endpoint: target.endpoint,
    path: `/v2/${target.repository}/tags/list?n=1`,
    method: "GET",
    accept: ["application/json"],
    repository: target.repository,
    kind: "get-tags",
    maxBytes: session.options.limits.maxErrorBodyBytes,
    ...(signal ? { signal } : {}),
    error: { subject: target.subject, target: "tags" },
  });
  if (res.ok) return ok(true);
  if (res.error.kind === "not-found") return ok(false);
  return res;
}

/**
 * GETs a manifest by tag or digest and verifies it: by digest against that digest; by tag against
 * `expectedDigest` or the `Docker-Content-Digest` header when present. The digest returned is
 * always that of the exact bytes received.
 */
export async function getManifest(
  session: RegistrySession,
  target: ManifestTarget,
  reference: string,
  signal?: AbortSignal,
  expectedDigest?: string,
): Promise<Result<FetchedManifest>> {
  const host = target.endpoint.origin.host;
  const byDigest = isDigest(reference);
  const res = await session.fetch({
    endpoint: target.endpoint,
    path: manifestPath(target.repository, reference),
    method: "GET",
    accept: MANIFEST_ACCEPT,
    repository: target.repository,
    kind: "get-manifest",
    maxBytes: session.options.limits.maxManifestBytes,
    ...(signal ? { signal } : {}),
    // A tag's digest goes before the manifests and configs waiting for the same host.
    ...(byDigest ? {} : { urgent: true }),
    error: { subject: target.subject, target: "manifest", byDigest },
  });
  if (!res.ok) return res;
  const r = res.value;
  const bytes = r.body;
  const headerDigest = headerValue(r.headers, "docker-content-digest")?.trim();
  const expected = byDigest
    ? reference
    : (expectedDigest ?? (headerDigest && isDigest(headerDigest) ? headerDigest : undefined));
  let digest: string;
  if (expected) {
    const v = verifyDigest(bytes, expected, host);
    if (!v.ok) return v;
    digest = expected;
  } else {
    digest = computeDigest(bytes);
  }
  const parsed = parseManifest(bytes, headerValue(r.headers, "content-type"), host);
  if (!parsed.ok) return parsed;
  return ok({ ...parsed.value, digest, size: bytes.length, bytes });
}

/**
 * A cold tag in one request: GETs the manifest by tag, its digest that of the exact bytes (checked
 * against `Docker-Content-Digest` when sent). A 404 for the tag is told apart from a missing
 * repository as `headManifest` does (distribution says MANIFEST_UNKNOWN for both): by the
 * repository's smallest tag-list page, asked on that error path only.
 */
export async function getTagManifest(
  session: RegistrySession,
  target: ManifestTarget,
  reference: string,
  signal?: AbortSignal,
): Promise<Result<FetchedManifest>> {
  const g = await getManifest(session, target, reference, signal);
  if (g.ok || g.error.kind !== "not-found" || g.error.what !== "tag") return g;
  const exists = await repositoryExists(session, target, signal);
  if (exists.ok && !exists.value)
    return err(notFoundError("repository", target.subject, target.endpoint.origin.host, g.error.cause));
  if (!exists.ok && exists.error.kind === "cancelled") return exists;
  return g;
}

/** A not-found for a platform the index lacks, listing what it has. */
export function platformNotFound(
  subject: string,
  host: string,
  wanted: Platform,
  available: readonly Descriptor[],
): ResolveError {
  const e = notFoundError("platform", subject, host);
  const have = available.map((d) => (d.platform ? formatPlatform(d.platform) : "?")).join(", ");
  e.message = `${subject} has no image for ${formatPlatform(wanted)}${have ? ` (it has ${have})` : ""}. Check --platform, or pick an image built for that platform.`;
  return e;
}
