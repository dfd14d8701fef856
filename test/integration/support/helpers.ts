/** Shared by the support self-tests (not a test file itself). */
import assert from "node:assert/strict";
import { MANIFEST_ACCEPT } from "../../../server/src/oci/types";
import { basicAuthHeader } from "../../support/http";
import { buildImage, presetFromRealdata, sha256 } from "../../support/images";
import type { BuiltImage } from "../../support/images";
import type { Registry } from "../../support/registry";

export const ACCEPT = MANIFEST_ACCEPT.join(", ");

/** python:3.12-slim look-alike: linux/amd64 + linux/arm64/v8 (+ attestations when OCI). */
export function pythonImage(format: "oci" | "docker" = "oci"): BuiltImage {
  const amd64 = presetFromRealdata("python:3.12-slim");
  return buildImage({
    format,
    attestation: format === "oci",
    platforms: [amd64, { ...amd64, architecture: "arm64", variant: "v8" }],
  });
}

/** A one-platform index: cheap to push when the test is not about the image. */
export function smallImage(format: "oci" | "docker" = "oci"): BuiltImage {
  return buildImage({ format, platforms: [{ os: "linux", architecture: "amd64", cmd: ["sh"] }] });
}

/** A token from the registry's token server for `scope` (anonymous unless `creds`). */
export async function bearer(
  registry: Registry,
  scope: string,
  creds?: { user: string; pass: string },
): Promise<string> {
  const ts = registry.tokenServer;
  assert.ok(ts, "token mode registry has a token server");
  const url = new URL(ts.realm);
  url.searchParams.set("service", ts.service);
  url.searchParams.append("scope", scope);
  const res = await fetch(
    url,
    creds ? { headers: { authorization: basicAuthHeader(creds.user, creds.pass) } } : {},
  );
  assert.equal(res.status, 200);
  return ((await res.json()) as { token: string }).token;
}

/** Reads every manifest and blob of `image` back by digest and checks the bytes hash to it. */
export async function assertReadBack(
  registry: Registry,
  repo: string,
  image: BuiltImage,
  headers: Record<string, string> = {},
): Promise<void> {
  for (const [digest, doc] of image.manifestsByDigest) {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${digest}`, {
      headers: { ...headers, accept: ACCEPT },
    });
    assert.equal(res.status, 200, `GET manifest ${digest}`);
    assert.equal(res.headers.get("content-type"), doc.mediaType);
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), digest);
  }
  for (const digest of image.blobs.keys()) {
    const res = await fetch(`${registry.url}/v2/${repo}/blobs/${digest}`, { headers });
    assert.equal(res.status, 200, `GET blob ${digest}`);
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), digest);
  }
}
