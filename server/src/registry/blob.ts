/**
 * Blobs: `GET /v2/<name>/blobs/<digest>`, following the redirect to a CDN that registries use for
 * blob storage (the transport drops `Authorization` on the way: the CDN URL is pre-signed), capped
 * in size and verified against the digest it was asked by. `getConfig` reads the image
 * configuration blob (the JSON `docker image inspect` shows most of).
 */
import { badResponse, err, ok } from "./errors";
import type { Result } from "./errors";
import { isDigest, verifyDigest } from "./manifest";
import type { ManifestTarget } from "./manifest";
import type { ImageConfig } from "../oci/types";
import type { RegistrySession } from "./auth/session";

export interface FetchedBlob {
  digest: string;
  bytes: Uint8Array;
}

export interface FetchedConfig {
  digest: string;
  config: ImageConfig;
  bytes: Uint8Array;
}

export async function getBlob(
  session: RegistrySession,
  target: ManifestTarget,
  digest: string,
  opts: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<Result<FetchedBlob>> {
  const host = target.endpoint.origin.host;
  if (!isDigest(digest))
    return err(badResponse("unsupported-digest", `${digest} is not a sha256 or sha512 digest.`, host));
  const res = await session.fetch({
    endpoint: target.endpoint,
    path: `/v2/${target.repository}/blobs/${digest}`,
    method: "GET",
    repository: target.repository,
    kind: "get-blob",
    maxBytes: opts.maxBytes ?? session.options.limits.maxBlobBytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
    error: { subject: `${target.subject} (blob ${digest})`, target: "blob", byDigest: true },
  });
  if (!res.ok) return res;
  const v = verifyDigest(res.value.body, digest, res.value.url.host);
  if (!v.ok) return v;
  return ok({ digest, bytes: res.value.body });
}

/** Parses an image configuration; `architecture` and `os` are required by the OCI spec. */
export function parseImageConfig(bytes: Uint8Array, host?: string): Result<ImageConfig> {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return err(
      badResponse(
        "malformed",
        `${host ?? "The registry"} sent an image configuration that is not valid JSON.`,
        host,
      ),
    );
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return err(
      badResponse(
        "malformed",
        `${host ?? "The registry"} sent an image configuration that is not a JSON object.`,
        host,
      ),
    );
  }
  const d = data as Record<string, unknown>;
  if (typeof d.architecture !== "string" || typeof d.os !== "string") {
    return err(
      badResponse(
        "malformed",
        `${host ?? "The registry"} sent an image configuration without architecture and os.`,
        host,
      ),
    );
  }
  // The remaining fields are optional and read defensively by facts/.
  return ok(data as ImageConfig);
}

export async function getConfig(
  session: RegistrySession,
  target: ManifestTarget,
  digest: string,
  signal?: AbortSignal,
): Promise<Result<FetchedConfig>> {
  const blob = await getBlob(session, target, digest, {
    maxBytes: session.options.limits.maxConfigBytes,
    ...(signal ? { signal } : {}),
  });
  if (!blob.ok) return blob;
  const config = parseImageConfig(blob.value.bytes, target.endpoint.origin.host);
  if (!config.ok) return config;
  return ok({ digest, config: config.value, bytes: blob.value.bytes });
}
