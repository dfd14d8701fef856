import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { computeDigest, isDigest, parseManifest, verifyDigest } from "../../../server/src/registry/manifest";
import { MediaType } from "../../../server/src/oci/types";
import type { Descriptor } from "../../../server/src/oci/types";

const d = (n: number): string => `sha256:${n.toString(16).padStart(64, "0")}`;
const bytes = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));

const amd64: Descriptor = {
  mediaType: MediaType.ociManifest,
  digest: d(1),
  size: 100,
  platform: { os: "linux", architecture: "amd64" },
};
const arm64: Descriptor = {
  mediaType: MediaType.ociManifest,
  digest: d(2),
  size: 100,
  platform: { os: "linux", architecture: "arm64", variant: "v8" },
};
const attestation: Descriptor = {
  mediaType: MediaType.ociManifest,
  digest: d(3),
  size: 50,
  platform: { os: "unknown", architecture: "unknown" },
  annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": d(1) },
};

describe("parsing manifests", () => {
  it("reads an OCI index and sets attestation entries apart", () => {
    const r = parseManifest(
      bytes({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [amd64, attestation, arm64] }),
      MediaType.ociIndex,
    );
    assert.ok(r.ok);
    assert.equal(r.value.kind, "index");
    if (r.value.kind !== "index") return;
    assert.deepEqual(
      r.value.platforms.map((p) => p.digest),
      [d(1), d(2)],
    );
    assert.deepEqual(
      r.value.attestations.map((p) => p.digest),
      [d(3)],
    );
    assert.equal(r.value.index.manifests.length, 3);
  });

  it("recognises attestations by annotation alone, and by unknown/unknown alone", () => {
    const byAnnotation = { ...attestation, platform: { os: "linux", architecture: "amd64" } };
    const byPlatform: Descriptor = {
      mediaType: MediaType.ociManifest,
      digest: d(4),
      size: 1,
      platform: { os: "unknown", architecture: "unknown" },
    };
    const r = parseManifest(
      bytes({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [amd64, byAnnotation, byPlatform],
      }),
      undefined,
    );
    assert.ok(r.ok && r.value.kind === "index");
    if (r.value.kind === "index") assert.equal(r.value.platforms.length, 1);
  });

  it("reads a Docker manifest list", () => {
    const list = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifestList,
      manifests: [{ ...amd64, mediaType: MediaType.dockerManifest }],
    };
    const r = parseManifest(bytes(list), MediaType.dockerManifestList);
    assert.ok(r.ok);
    assert.equal(r.value.mediaType, MediaType.dockerManifestList);
  });

  it("reads OCI and Docker schema 2 image manifests", () => {
    for (const [mt, cfg] of [
      [MediaType.ociManifest, MediaType.ociConfig],
      [MediaType.dockerManifest, MediaType.dockerConfig],
    ] as const) {
      const m = {
        schemaVersion: 2,
        mediaType: mt,
        config: { mediaType: cfg, digest: d(9), size: 10 },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: d(8), size: 20 }],
      };
      const r = parseManifest(bytes(m), mt);
      assert.ok(r.ok, mt);
      assert.equal(r.value.kind, "image");
      if (r.value.kind === "image") assert.equal(r.value.manifest.config.digest, d(9));
    }
  });

  it("infers the type when neither body nor header says (OCI allows mediaType to be absent)", () => {
    const index = parseManifest(bytes({ schemaVersion: 2, manifests: [amd64] }), "application/json");
    assert.ok(index.ok && index.value.mediaType === MediaType.ociIndex);
    const image = parseManifest(
      bytes({
        schemaVersion: 2,
        config: { mediaType: MediaType.ociConfig, digest: d(9), size: 1 },
        layers: [],
      }),
      undefined,
    );
    assert.ok(image.ok && image.value.mediaType === MediaType.ociManifest);
  });

  it("takes the header's type when the body has none", () => {
    const r = parseManifest(
      bytes({ schemaVersion: 2, manifests: [] }),
      `${MediaType.dockerManifestList}; charset=utf-8`,
    );
    assert.ok(r.ok && r.value.mediaType === MediaType.dockerManifestList);
  });

  it("rejects schema 1 clearly, by header or by body", () => {
    const byHeader = parseManifest(
      bytes({ schemaVersion: 1, name: "x", tag: "y", fsLayers: [] }),
      MediaType.dockerSchema1Signed,
      "r.example",
    );
    assert.ok(!byHeader.ok && byHeader.error.kind === "bad-response" && byHeader.error.reason === "schema1");
    assert.match(byHeader.ok ? "" : byHeader.error.message, /schema 1/);
    const byBody = parseManifest(
      bytes({ schemaVersion: 1, name: "x", tag: "y", fsLayers: [] }),
      "application/json",
    );
    assert.ok(!byBody.ok && byBody.error.kind === "bad-response" && byBody.error.reason === "schema1");
  });

  it("rejects unknown media types, naming them", () => {
    const r = parseManifest(
      bytes({ schemaVersion: 2, mediaType: "application/vnd.oci.artifact.manifest.v1+json", blobs: [] }),
      undefined,
    );
    assert.ok(!r.ok && r.error.kind === "bad-response" && r.error.reason === "unsupported-media-type");
    assert.match(r.ok ? "" : r.error.message, /application\/vnd\.oci\.artifact\.manifest\.v1\+json/);
  });

  it("rejects bodies that are not JSON, or broken entries", () => {
    const notJson = parseManifest(Buffer.from("<html>"), MediaType.ociIndex);
    assert.ok(!notJson.ok && notJson.error.kind === "bad-response" && notJson.error.reason === "malformed");
    const badEntry = parseManifest(
      bytes({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ digest: "sha256:short" }] }),
      undefined,
    );
    assert.ok(
      !badEntry.ok && badEntry.error.kind === "bad-response" && badEntry.error.reason === "malformed",
    );
    const noLayers = parseManifest(
      bytes({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { digest: d(1) } }),
      undefined,
    );
    assert.ok(!noLayers.ok);
  });
});

describe("parsing what a lying registry sends (cases the fuzz test found)", () => {
  it("answers malformed, never throws, for a schemaVersion whose toString is not a function", () => {
    const r = parseManifest(Buffer.from('{"schemaVersion":{"toString":0},"manifests":[]}'), undefined);
    assert.ok(!r.ok && r.error.kind === "bad-response" && r.error.reason === "malformed");
    assert.match(r.error.message, /schemaVersion \{"toString":0\}, expected 2/);
  });

  it("keeps an annotation named __proto__ as data", () => {
    const r = parseManifest(
      Buffer.from(`{"schemaVersion":2,"manifests":[],"annotations":{"__proto__":"x","a":"b"}}`),
      MediaType.ociIndex,
    );
    assert.ok(r.ok && r.value.kind === "index");
    assert.deepEqual(Object.entries(r.value.index.annotations ?? {}), [
      ["__proto__", "x"],
      ["a", "b"],
    ]);
  });

  it("reads a negative, fractional or huge descriptor size as 0 (unknown)", () => {
    for (const size of [-1, 1.5, 2 ** 60]) {
      const r = parseManifest(
        bytes({ schemaVersion: 2, manifests: [{ ...amd64, size }] }),
        MediaType.ociIndex,
      );
      assert.ok(r.ok && r.value.kind === "index");
      assert.equal(r.value.index.manifests[0]?.size, 0, String(size));
    }
  });
});

describe("digests", () => {
  it("validates the sha256 and sha512 forms", () => {
    assert.equal(isDigest(d(1)), true);
    assert.equal(isDigest(`sha512:${"a".repeat(128)}`), true);
    assert.equal(isDigest(`sha256:${"A".repeat(64)}`), false);
    assert.equal(isDigest(`sha384:${"a".repeat(96)}`), false);
    assert.equal(isDigest("latest"), false);
  });

  it("hashes the exact bytes", () => {
    const body = Buffer.from('{"schemaVersion":2}\n');
    assert.equal(computeDigest(body), `sha256:${createHash("sha256").update(body).digest("hex")}`);
    assert.equal(computeDigest(body, "sha512"), `sha512:${createHash("sha512").update(body).digest("hex")}`);
  });

  it("verifies content against a sha256 or sha512 digest and reports a mismatch", () => {
    const body = Buffer.from("content");
    assert.ok(verifyDigest(body, computeDigest(body)).ok);
    assert.ok(verifyDigest(body, computeDigest(body, "sha512")).ok);
    const bad = verifyDigest(Buffer.from("other"), computeDigest(body), "mirror.example");
    assert.ok(!bad.ok && bad.error.kind === "bad-response" && bad.error.reason === "digest-mismatch");
    assert.match(bad.ok ? "" : bad.error.message, /mirror\.example/);
    const unsupported = verifyDigest(body, "md5:abc");
    assert.ok(
      !unsupported.ok &&
        unsupported.error.kind === "bad-response" &&
        unsupported.error.reason === "unsupported-digest",
    );
  });
});
