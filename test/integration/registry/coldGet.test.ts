/**
 * One request for a cold tag (`resolve(…, { fetch: true })`): the manifest GET by tag gives the
 * digest (the hash of the exact bytes) and the manifest at once, against the real CNCF registry;
 * a missing repository is still told from a missing tag; and on Docker Hub's recorded pull limit
 * the digest is still checked with a HEAD (which is not a pull) once manifest GETs are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { computeDigest } from "../../../server/src/registry/manifest";
import { buildImage, pushImage, type BuiltImage } from "../../support/images";
import { HELLO_WORLD, startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";
import { startRegistry, type Registry } from "../../support/registry";
import { expectError, expectOk, ref, testClient } from "./helpers";

describe("a cold tag in one request", () => {
  let registry: Registry;
  let image: BuiltImage;

  before(async () => {
    registry = await startRegistry({ auth: "none" });
    image = buildImage({
      format: "oci",
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64", variant: "v8" },
      ],
      attestation: true,
    });
    await pushImage(registry, "cold/app", "1", image);
  });
  after(() => registry.stop());

  it("GETs the manifest by tag and hashes its bytes: digest and manifest in one request", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/cold/app:1`);
    const resolved = expectOk(await client.resolve(r, { fetch: true }));
    assert.equal(resolved.digest, image.digest);
    assert.equal(resolved.source.method, "GET");
    assert.ok(resolved.manifest, "the manifest comes with the digest");
    assert.equal(computeDigest(resolved.manifest.bytes), image.digest);
    assert.equal(resolved.manifest.kind, "index");
    const counts = client.requestCounts()[registry.host];
    assert.equal(counts?.["get-manifest"], 1);
    assert.equal(counts?.["head-manifest"], 0, "no HEAD before the GET");
    assert.equal(client.totalRequests(), 1);
    expectOk(await client.manifest(r, resolved.digest));
    assert.equal(client.totalRequests(), 1, "asking for the manifest next costs nothing");
  });

  it("keeps HEAD for revalidation (the default)", async (t) => {
    const { client } = await testClient(t);
    const resolved = expectOk(await client.resolve(ref(`${registry.host}/cold/app:1`)));
    assert.equal(resolved.source.method, "HEAD");
    assert.equal(resolved.manifest, undefined);
    assert.equal(client.requestCounts()[registry.host]?.["get-manifest"], 0);
  });

  it("still tells a missing repository from a missing tag", async (t) => {
    const { client } = await testClient(t);
    const tag = expectError(
      await client.resolve(ref(`${registry.host}/cold/app:nope`), { fetch: true }),
      "not-found",
    );
    assert.equal(tag.what, "tag");
    const repo = expectError(
      await client.resolve(ref(`${registry.host}/cold/missing:1`), { fetch: true }),
      "not-found",
    );
    assert.equal(repo.what, "repository");
  });
});

describe("a cold tag on Docker Hub's spent pull limit (recorded answers)", () => {
  let replay: HubRegistryReplay;
  before(async () => {
    replay = await startHubRegistryReplay();
  });
  after(() => replay.stop());

  const sent = (method: "GET" | "HEAD"): number =>
    replay.requests.filter(
      (r) => r.method === method && r.path.startsWith(`/v2/${HELLO_WORLD}/manifests/`) && r.hadAuthorization,
    ).length;

  it("falls back to a HEAD when the GET is refused, and sends no GET while the limit lasts", async (t) => {
    replay.pulls = "spent";
    replay.resetRequests();
    const { client } = await testClient(t, { hubRegistryUrl: replay.url });
    const first = expectOk(await client.resolve(ref("hello-world"), { fetch: true }));
    assert.equal(first.digest, replay.digests.index, "the digest is still known");
    assert.equal(first.source.method, "HEAD");
    assert.equal(sent("GET"), 1, "the one refused GET");
    assert.equal(sent("HEAD"), 1);
    const again = expectOk(await client.resolve(ref("hello-world"), { fetch: true }));
    assert.equal(again.source.method, "HEAD");
    assert.equal(sent("GET"), 1, "no GET while the pull limit is spent");
    assert.equal(sent("HEAD"), 2);
  });
});
