/**
 * Every manifest media type against the real CNCF registry on loopback: OCI index with BuildKit
 * attestations, Docker manifest list, single OCI and Docker manifests; configs verified; platform
 * selection; what is not found (repository / tag / digest / platform); schema 1 and unknown
 * media types (from the fault server, as the 2.8 registry refuses to store them).
 */
import { expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MediaType } from "../../../server/src/oci/types";
import { buildImage, platformManifest, pushImage } from "../../support/images";
import type { BuiltImage } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";

const platforms = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "arm", variant: "v7" },
];

describe("manifest media types on the CNCF registry", () => {
  let registry: Registry;
  const images: Record<string, BuiltImage> = {};

  before(async () => {
    registry = await startRegistry({ auth: "none" });
    images.oci = buildImage({ format: "oci", platforms, attestation: true });
    images.docker = buildImage({ format: "docker", platforms: platforms.slice(0, 2) });
    images.ociSingle = buildImage({ format: "oci", platforms: [platforms[0]!], single: true });
    images.dockerSingle = buildImage({ format: "docker", platforms: [platforms[1]!], single: true });
    await pushImage(registry, "media/oci", "1", images.oci);
    await pushImage(registry, "media/docker", "1", images.docker);
    await pushImage(registry, "media/oci-single", "1", images.ociSingle);
    await pushImage(registry, "media/docker-single", "1", images.dockerSingle);
  });
  after(() => registry.stop());

  it("resolves an OCI index with one HEAD and lists its platforms without the attestations", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/media/oci:1`);
    const resolved = expectOk(await client.resolve(r));
    assert.equal(resolved.digest, images.oci!.digest);
    assert.equal(resolved.mediaType, MediaType.ociIndex);
    assert.equal(resolved.kind, "index");
    assert.equal(resolved.source.method, "HEAD");
    assert.equal(client.totalRequests(), 1);

    const m = expectOk(await client.manifest(r, resolved.digest));
    assert.equal(m.kind, "index");
    if (m.kind !== "index") return;
    assert.deepEqual(
      m.platforms.map((p) => `${p.platform?.os}/${p.platform?.architecture}/${p.platform?.variant ?? ""}`),
      ["linux/amd64/", "linux/arm64/v8", "linux/arm/v7"],
    );
    assert.equal(m.attestations.length, 3);
    assert.ok(
      m.attestations.every((a) => a.annotations?.["vnd.docker.reference.type"] === "attestation-manifest"),
    );
    assert.equal(m.index.manifests.length, 6);
  });

  it("resolves a platform: index digest plus that platform's manifest", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/media/oci:1`);
    const resolved = expectOk(await client.resolve(r, { platform: "linux/arm64" }));
    assert.equal(resolved.digest, images.oci!.digest);
    assert.equal(resolved.platform?.digest, platformManifest(images.oci!, "linux/arm64/v8").digest);
    // The index was fetched once to pick the platform; asking for it again costs nothing.
    assert.deepEqual(client.requestCounts()[registry.host]?.["get-manifest"], 1);
    expectOk(await client.manifest(r, resolved.digest));
    assert.deepEqual(client.requestCounts()[registry.host]?.["get-manifest"], 1);
  });

  it("fetches a platform manifest and its config, both verified", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/media/oci:1`);
    const arm = platformManifest(images.oci!, "linux/arm/v7");
    const m = expectOk(await client.manifest(r, arm.digest));
    assert.equal(m.kind, "image");
    if (m.kind !== "image") return;
    assert.equal(m.mediaType, MediaType.ociManifest);
    const c = expectOk(await client.config(r, m.manifest.config.digest));
    assert.equal(c.config.architecture, "arm");
    assert.equal(c.config.variant, "v7");
    assert.equal(client.requestCounts()[registry.host]?.["get-blob"], 1);
  });

  it("resolves a Docker manifest list", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/media/docker:1`);
    const resolved = expectOk(await client.resolve(r, { platform: "linux/amd64" }));
    assert.equal(resolved.mediaType, MediaType.dockerManifestList);
    assert.equal(resolved.platform?.mediaType, MediaType.dockerManifest);
    const m = expectOk(await client.manifest(r, resolved.platform.digest));
    assert.equal(m.mediaType, MediaType.dockerManifest);
    if (m.kind !== "image") return assert.fail("expected an image manifest");
    const c = expectOk(await client.config(r, m.manifest.config.digest));
    assert.equal(c.config.architecture, "amd64");
  });

  it("resolves single OCI and Docker image manifests", async (t) => {
    const { client } = await testClient(t);
    for (const [repo, mt, image] of [
      ["media/oci-single", MediaType.ociManifest, images.ociSingle!],
      ["media/docker-single", MediaType.dockerManifest, images.dockerSingle!],
    ] as const) {
      const r = ref(`${registry.host}/${repo}:1`);
      const resolved = expectOk(await client.resolve(r, { platform: "linux/amd64" }));
      assert.equal(resolved.mediaType, mt);
      assert.equal(resolved.kind, "image");
      assert.equal(resolved.digest, image.digest);
      assert.equal(resolved.platform, undefined, "a single manifest has no index entry to pick");
      const m = expectOk(await client.manifest(r, resolved.digest));
      assert.equal(m.kind, "image");
    }
  });

  it("checks a reference that carries a digest", async (t) => {
    const { client } = await testClient(t);
    const resolved = expectOk(
      await client.resolve(ref(`${registry.host}/media/oci:1@${images.oci!.digest}`)),
    );
    assert.equal(resolved.digest, images.oci!.digest);
    assert.equal(resolved.mediaType, MediaType.ociIndex);
  });

  it("says which part is missing: repository, tag, digest, platform", async (t) => {
    const { client } = await testClient(t);
    const repo = expectError(await client.resolve(ref(`${registry.host}/media/nope:1`)), "not-found");
    assert.equal(repo.what, "repository");
    const tag = expectError(await client.resolve(ref(`${registry.host}/media/oci:nope`)), "not-found");
    assert.equal(tag.what, "tag");
    const missing = `sha256:${"0".repeat(64)}`;
    const digest = expectError(
      await client.resolve(ref(`${registry.host}/media/oci@${missing}`)),
      "not-found",
    );
    assert.equal(digest.what, "digest");
    const viaManifest = expectError(
      await client.manifest(ref(`${registry.host}/media/oci`), missing),
      "not-found",
    );
    assert.equal(viaManifest.what, "digest");
    const blob = expectError(await client.config(ref(`${registry.host}/media/oci`), missing), "not-found");
    assert.equal(blob.what, "digest");
    const platform = expectError(
      await client.resolve(ref(`${registry.host}/media/oci:1`), { platform: "linux/s390x" }),
      "not-found",
    );
    assert.equal(platform.what, "platform");
    assert.match(platform.message, /linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7/);
  });
});

describe("manifests FROM Lens refuses", () => {
  it("reports schema 1 as a bad response, signed or not", async (t) => {
    const image = buildImage({ format: "docker", platforms: [platforms[0]!] });
    const server = await startFaultServer({
      images: [{ repository: "old/app", tag: ["signed", "unsigned"], image }],
    });
    t.after(() => server.stop());
    server.route({ path: faultPaths.manifest("old/app", "signed"), fault: { kind: "schema1" } });
    server.route({
      path: faultPaths.manifest("old/app", "unsigned"),
      fault: { kind: "schema1", signed: false },
    });
    const { client } = await testClient(t);
    for (const tag of ["signed", "unsigned"]) {
      const e = expectError(await client.resolve(ref(`${server.host}/old/app:${tag}`)), "bad-response");
      assert.equal(e.reason, "schema1");
      assert.match(e.message, /schema 1/);
    }
  });

  it("reports an unknown media type as a bad response naming it", async (t) => {
    const image = buildImage({ format: "oci", platforms: [platforms[0]!] });
    const server = await startFaultServer({ images: [{ repository: "odd/app", tag: "1", image }] });
    t.after(() => server.stop());
    server.route({
      path: faultPaths.manifest("odd/app"),
      fault: {
        kind: "unknownMediaType",
        mediaType: "application/vnd.example.thing.v1+json",
        body: '{"schemaVersion":2,"mediaType":"application/vnd.example.thing.v1+json"}',
      },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(ref(`${server.host}/odd/app:1`)), "bad-response");
    assert.equal(e.reason, "unsupported-media-type");
    assert.match(e.message, /application\/vnd\.example\.thing\.v1\+json/);
  });
});
