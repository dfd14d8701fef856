import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choosePlatform, derivePlatforms, manifestSize } from "../../../server/src/facts/platforms";
import { formatPlatform } from "../../../server/src/oci/platform";
import type { PlatformFacts } from "../../../server/src/facts/types";
import { MediaType, type ImageManifest } from "../../../server/src/oci/types";
import { AMD64_DIGEST, ARM64_DIGEST, INDEX_DIGEST, config, index } from "./helpers";

const manifest: ImageManifest = {
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: `sha256:${"c".repeat(64)}`, size: 1500 },
  layers: [
    {
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: `sha256:${"d".repeat(64)}`,
      size: 29_000_000,
    },
    {
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: `sha256:${"e".repeat(64)}`,
      size: 3_500_000,
    },
  ],
};

describe("platforms", () => {
  it("lists runnable platforms in index order, leaving out attestation manifests", () => {
    const platforms = derivePlatforms({
      resolved: { digest: INDEX_DIGEST, mediaType: MediaType.ociIndex, manifest: index({}) },
    });
    assert.deepEqual(
      platforms.map((p) => formatPlatform(p)),
      ["linux/amd64", "linux/arm64/v8"],
    );
  });

  it("sums layers and config into the size, and takes created from the config", () => {
    assert.equal(manifestSize(manifest), 32_501_500);
    const [amd64] = derivePlatforms({
      resolved: { digest: INDEX_DIGEST, mediaType: MediaType.ociIndex, manifest: index({}) },
      manifests: { [AMD64_DIGEST]: manifest },
      configs: { [AMD64_DIGEST]: config({}) },
    });
    assert.equal(amd64?.size, 32_501_500);
    assert.equal(amd64?.sizeSource, "manifest");
    assert.equal(amd64?.created, "2026-08-01T10:00:00Z");
  });

  it("uses Docker Hub's size where the platform manifest was not fetched", () => {
    const platforms = derivePlatforms({
      resolved: { digest: INDEX_DIGEST, mediaType: MediaType.ociIndex, manifest: index({}) },
      hubImages: [{ architecture: "arm64", digest: ARM64_DIGEST, size: 31_000_000 }],
    });
    assert.equal(platforms[1]?.size, 31_000_000);
    assert.equal(platforms[1]?.sizeSource, "hub");
    assert.equal(platforms[0]?.size, undefined);
  });

  it("describes a single-manifest image by its config", () => {
    const digest = `sha256:${"f".repeat(64)}`;
    const platforms = derivePlatforms({
      resolved: { digest, mediaType: MediaType.dockerManifest, manifest },
      configs: { [digest]: { ...config({}), architecture: "arm64", variant: "v8" } },
    });
    assert.deepEqual(platforms, [
      {
        os: "linux",
        architecture: "arm64",
        variant: "v8",
        digest,
        size: 32_501_500,
        sizeSource: "manifest",
        created: "2026-08-01T10:00:00Z",
      },
    ]);
  });

  it("keeps the Windows build of each entry", () => {
    const [win] = derivePlatforms({
      resolved: {
        digest: INDEX_DIGEST,
        mediaType: MediaType.ociIndex,
        manifest: index({ os: "windows", osVersion: "10.0.20348.5622" }),
      },
    });
    assert.equal(win?.osVersion, "10.0.20348.5622");
  });
});

describe("choosePlatform", () => {
  const p = (os: string, architecture: string, variant?: string): PlatformFacts =>
    variant === undefined
      ? { os, architecture, digest: `${os}-${architecture}` }
      : { os, architecture, variant, digest: `${os}-${architecture}-${variant}` };

  it("prefers linux/amd64, then windows/amd64, then the first", () => {
    assert.equal(choosePlatform([p("linux", "arm64", "v8"), p("linux", "amd64")])?.architecture, "amd64");
    assert.equal(choosePlatform([p("windows", "amd64"), p("linux", "amd64")])?.os, "linux");
    assert.equal(choosePlatform([p("linux", "arm64", "v8"), p("windows", "amd64")])?.os, "windows");
    assert.equal(choosePlatform([p("linux", "s390x")])?.architecture, "s390x");
    assert.equal(choosePlatform([]), undefined);
  });

  it("honours a wanted platform as the registry picks it: arm is arm/v7, arm64 is arm64/v8", () => {
    const list = [p("linux", "amd64"), p("linux", "arm", "v6"), p("linux", "arm", "v7"), p("linux", "arm64")];
    assert.equal(choosePlatform(list, { os: "linux", architecture: "arm", variant: "v7" })?.variant, "v7");
    // The registry selects arm/v7 for "linux/arm" (oci/platform.ts): the facts describe that one.
    assert.equal(choosePlatform(list, { os: "linux", architecture: "arm" })?.variant, "v7");
    assert.equal(choosePlatform(list, { os: "linux", architecture: "arm", variant: "v6" })?.variant, "v6");
    // An index entry "linux/arm64" without a variant is what --platform=linux/arm64/v8 asks for.
    assert.equal(
      choosePlatform(list, { os: "linux", architecture: "arm64", variant: "v8" })?.digest,
      "linux-arm64",
    );
    assert.equal(choosePlatform(list, { os: "linux", architecture: "ppc64le" }), undefined);
  });
});
