/**
 * Property tests (fast-check) for manifest.ts: parseManifest, verifyDigest, baseMediaType.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import type { Result } from "../../../server/src/registry/errors";
import {
  baseMediaType,
  computeDigest,
  parseManifest,
  verifyDigest,
  type ParsedManifest,
} from "../../../server/src/registry/manifest";
import { selectPlatform } from "../../../server/src/oci/platform";
import {
  IMAGE_MANIFEST_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MediaType,
  type Descriptor,
  type Platform,
} from "../../../server/src/oci/types";
import {
  DIGEST_PATTERN,
  LOWER_DIGITS,
  PROTOTYPE_NAMES,
  assertObject,
  assertOptionalString,
  assertParseFailure,
  assertStringArray,
  assertStringRecord,
  casings,
  chars,
  digest,
  host,
  isPlainRecord,
  jsonBytes,
  junkBytes,
  junkText,
  lie,
  text,
  viaJson,
} from "../../support/arbitraries";

/** The documented rule (oci/types.ts isAttestationDescriptor), restated independently. */
function expectAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ||
    (d.platform?.os === "unknown" && d.platform.architecture === "unknown")
  );
}

function assertDescriptor(d: Descriptor, what: string): void {
  assertObject(d, what);
  assert.equal(typeof d.mediaType, "string", `${what}.mediaType`);
  assert.ok(typeof d.digest === "string" && DIGEST_PATTERN.test(d.digest), `${what}.digest ${d.digest}`);
  assert.ok(typeof d.size === "number" && Number.isFinite(d.size), `${what}.size ${d.size}`);
  if (d.urls !== undefined) assertStringArray(d.urls, `${what}.urls`);
  if (d.annotations !== undefined) assertStringRecord(d.annotations, `${what}.annotations`);
  assertOptionalString(d.artifactType, `${what}.artifactType`);
  const p = d.platform;
  if (p !== undefined) {
    assert.equal(typeof p.os, "string", `${what}.platform.os`);
    assert.equal(typeof p.architecture, "string", `${what}.platform.architecture`);
    assertOptionalString(p.variant, `${what}.platform.variant`, true);
    assertOptionalString(p["os.version"], `${what}.platform.os.version`);
    if (p["os.features"] !== undefined) assertStringArray(p["os.features"], `${what}.platform.os.features`);
    if (p.features !== undefined) assertStringArray(p.features, `${what}.platform.features`);
  }
}

function assertParsedManifest(result: Result<ParsedManifest>, expectedHost: string | undefined): void {
  assert.equal(typeof result.ok, "boolean");
  if (!result.ok) {
    assertParseFailure(result.error, expectedHost);
    return;
  }
  const v = result.value;
  assert.equal(v.mediaType, v.mediaType.toLowerCase());
  if (v.kind === "index") {
    assert.ok(INDEX_MEDIA_TYPES.has(v.mediaType), v.mediaType);
    assert.equal(v.index.schemaVersion, 2);
    assert.equal(v.index.mediaType, v.mediaType);
    assert.ok(Array.isArray(v.index.manifests));
    v.index.manifests.forEach((d, i) => assertDescriptor(d, `manifests[${i}]`));
    if (v.index.subject !== undefined) assertDescriptor(v.index.subject, "subject");
    if (v.index.annotations !== undefined) assertStringRecord(v.index.annotations, "annotations");
    assertOptionalString(v.index.artifactType, "artifactType");
    // Every entry is either a platform or an attestation, in index order.
    assert.deepEqual(
      v.platforms,
      v.index.manifests.filter((d) => !expectAttestation(d)),
    );
    assert.deepEqual(v.attestations, v.index.manifests.filter(expectAttestation));
  } else {
    assert.equal(v.kind, "image");
    assert.ok(IMAGE_MANIFEST_MEDIA_TYPES.has(v.mediaType), v.mediaType);
    assert.equal(v.manifest.schemaVersion, 2);
    assert.equal(v.manifest.mediaType, v.mediaType);
    assertDescriptor(v.manifest.config, "config");
    assert.ok(Array.isArray(v.manifest.layers));
    v.manifest.layers.forEach((d, i) => assertDescriptor(d, `layers[${i}]`));
    if (v.manifest.subject !== undefined) assertDescriptor(v.manifest.subject, "subject");
    if (v.manifest.annotations !== undefined) assertStringRecord(v.manifest.annotations, "annotations");
    assertOptionalString(v.manifest.artifactType, "artifactType");
  }
}

const ALL_MEDIA_TYPES: string[] = Object.values(MediaType);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(...ALL_MEDIA_TYPES),
    fc.constantFrom(...ALL_MEDIA_TYPES).map((t) => `${t.toUpperCase()} ; charset=utf-8`),
    fc.constantFrom("application/json", "text/plain", "", ";", " "),
    junkText,
  ),
  { nil: undefined },
);

const bodyMediaType = fc.oneof(
  fc.constantFrom(...ALL_MEDIA_TYPES),
  fc.constantFrom(...ALL_MEDIA_TYPES).map((t) => t.toUpperCase()),
  lie,
);

/** Descriptor-shaped objects whose every field may be missing, valid, or a lie. */
const descriptorLike: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: lie },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        mediaType: fc.oneof(fc.constantFrom(...ALL_MEDIA_TYPES), lie),
        digest: fc.oneof(
          { weight: 4, arbitrary: digest },
          { weight: 1, arbitrary: digest.map((d) => d.toUpperCase()) },
          { weight: 1, arbitrary: fc.constantFrom("sha256:", "sha384:" + "a".repeat(96), "sha256:xyz") },
          { weight: 1, arbitrary: lie },
        ),
        size: fc.oneof(fc.nat(), lie),
        urls: fc.oneof(fc.array(fc.oneof(junkText, lie), { maxLength: 3 }), lie),
        annotations: fc.oneof(
          fc.dictionary(
            fc.oneof(junkText, fc.constantFrom("vnd.docker.reference.type", "constructor", "__proto__")),
            fc.oneof(text, fc.constant("attestation-manifest"), lie),
            { maxKeys: 3 },
          ),
          lie,
        ),
        artifactType: fc.oneof(text, lie),
        platform: fc.oneof(
          lie,
          fc.record(
            {
              os: fc.oneof(fc.constantFrom("linux", "windows", "unknown"), lie),
              architecture: fc.oneof(fc.constantFrom("amd64", "arm64", "unknown"), lie),
              variant: fc.oneof(fc.constantFrom("", "v7", "v8"), lie),
              "os.version": fc.oneof(text, lie),
              "os.features": fc.oneof(fc.array(fc.oneof(text, lie), { maxLength: 3 }), lie),
              features: fc.oneof(fc.array(fc.oneof(text, lie), { maxLength: 3 }), lie),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  },
);

const manifestLike: fc.Arbitrary<unknown> = fc.record(
  {
    schemaVersion: fc.oneof(fc.constantFrom(2, 2, 2, 1, "2"), lie),
    mediaType: bodyMediaType,
    manifests: fc.oneof(fc.array(descriptorLike, { maxLength: 5 }), lie),
    config: descriptorLike,
    layers: fc.oneof(fc.array(descriptorLike, { maxLength: 5 }), lie),
    subject: descriptorLike,
    annotations: fc.oneof(fc.dictionary(junkText, fc.oneof(text, lie), { maxKeys: 3 }), lie),
    artifactType: fc.oneof(text, lie),
  },
  { requiredKeys: [] },
);

// Generators for valid documents, with only what the parser keeps (so JSON round trips exactly).
const annotationKey = fc.oneof(
  fc.constantFrom(
    "org.opencontainers.image.created",
    "org.opencontainers.image.source",
    "org.opencontainers.image.ref.name",
    "vnd.docker.reference.digest",
  ),
  fc.string({ unit: chars(LOWER_DIGITS + ".-"), minLength: 1, maxLength: 24 }),
);

const annotations = fc.dictionary(annotationKey, text, { maxKeys: 4, noNullPrototype: true });

const platform: fc.Arbitrary<Platform> = fc.record(
  {
    os: fc.constantFrom("linux", "windows", "freebsd", "unknown"),
    architecture: fc.constantFrom("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "unknown"),
    variant: fc.constantFrom("v5", "v6", "v7", "v8"),
    "os.version": fc.constantFrom("10.0.17763.6893", "10.0.20348.3207"),
    "os.features": fc.array(fc.constantFrom("win32k"), { maxLength: 2 }),
    features: fc.array(fc.constantFrom("sse4", "avx2"), { maxLength: 2 }),
  },
  { requiredKeys: ["os", "architecture"], noNullPrototype: true },
);

const descriptor = (mediaTypes: readonly string[]): fc.Arbitrary<Descriptor> =>
  fc.record(
    {
      mediaType: fc.constantFrom(...mediaTypes),
      digest,
      size: fc.nat(),
      urls: fc.array(fc.webUrl(), { maxLength: 2 }),
      annotations,
      artifactType: fc.constantFrom("application/vnd.example.sbom+json", "application/spdx+json"),
      platform,
    },
    { requiredKeys: ["mediaType", "digest", "size"], noNullPrototype: true },
  );

const attestationEntry: fc.Arbitrary<Descriptor> = fc
  .tuple(digest, digest, fc.nat(), fc.boolean())
  .map(([d, ref, size, withPlatform]) => ({
    mediaType: MediaType.ociManifest,
    digest: d,
    size,
    annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": ref },
    ...(withPlatform ? { platform: { os: "unknown", architecture: "unknown" } } : {}),
  }));

const indexEntry = fc.oneof(
  { weight: 3, arbitrary: descriptor([MediaType.ociManifest, MediaType.dockerManifest, MediaType.ociIndex]) },
  { weight: 1, arbitrary: attestationEntry },
);

const LAYER_TYPES = [
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
];

/** Where the media type of a generated document is to be found. */
const typeSource = fc.constantFrom("body", "header", "inferred");

describe("parseManifest on what a lying registry sends", () => {
  it("never throws and returns a well-typed result, for arbitrary bytes and Content-Type", () => {
    fc.assert(
      fc.property(junkBytes, contentType, host, (bytes, type, h) => {
        assertParsedManifest(parseManifest(bytes, type, h), h);
      }),
      fuzzParameters(500),
    );
  });

  it("never throws and returns a well-typed result, for arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), contentType, host, (value, type, h) => {
        assertParsedManifest(parseManifest(jsonBytes(value), type, h), h);
      }),
      fuzzParameters(500),
    );
  });

  it("never throws and returns a well-typed result, for manifest-shaped JSON full of wrong types", () => {
    fc.assert(
      fc.property(manifestLike, contentType, host, (value, type, h) => {
        assertParsedManifest(parseManifest(jsonBytes(value), type, h), h);
      }),
      fuzzParameters(1500),
    );
  });

  it("rejects every schema 1 manifest as schema1, by body or by Content-Type", () => {
    fc.assert(
      fc.property(manifestLike, fc.boolean(), host, (value, byHeader, h) => {
        const body = isPlainRecord(value) ? { ...value } : {};
        let type: string | undefined;
        if (byHeader) type = `${MediaType.dockerSchema1Signed}; charset=utf-8`;
        else body.schemaVersion = 1;
        const r = parseManifest(jsonBytes(body), type, h);
        assert.ok(!r.ok);
        assert.ok(r.error.kind === "bad-response" && r.error.reason === "schema1");
        assertParseFailure(r.error, h);
      }),
      fuzzParameters(200),
    );
  });
});

describe("generated valid manifests", () => {
  it("an image index reads back with its entries, platforms and attestations (in order)", () => {
    fc.assert(
      fc.property(
        fc.array(indexEntry, { maxLength: 8 }),
        fc.constantFrom(MediaType.ociIndex, MediaType.dockerManifestList),
        typeSource,
        fc.option(annotations, { nil: undefined }),
        fc.option(descriptor([MediaType.ociManifest]), { nil: undefined }),
        (entries, mediaType, source, indexAnnotations, subject) => {
          const body: Record<string, unknown> = { schemaVersion: 2, manifests: entries };
          if (source === "body") body.mediaType = mediaType;
          if (indexAnnotations !== undefined) body.annotations = indexAnnotations;
          if (subject !== undefined) body.subject = subject;
          const header = source === "header" ? `${mediaType}; charset=utf-8` : undefined;
          const expectedType = source === "inferred" ? MediaType.ociIndex : mediaType;

          const r = parseManifest(jsonBytes(body), header, "registry.example");
          assert.ok(r.ok, r.ok ? "" : r.error.message);
          assert.ok(r.value.kind === "index");
          const manifests = viaJson(entries);
          assert.deepEqual(r.value.index, {
            schemaVersion: 2,
            mediaType: expectedType,
            manifests,
            ...(indexAnnotations !== undefined ? { annotations: viaJson(indexAnnotations) } : {}),
            ...(subject !== undefined ? { subject: viaJson(subject) } : {}),
          });
          assert.equal(r.value.mediaType, expectedType);
          assert.deepEqual(
            r.value.platforms,
            manifests.filter((d) => !expectAttestation(d)),
          );
          assert.deepEqual(r.value.attestations, manifests.filter(expectAttestation));
          // Selecting any platform the index lists never picks an attestation.
          for (const d of manifests) {
            if (d.platform === undefined) continue;
            const picked = selectPlatform(r.value.index.manifests, d.platform);
            assert.ok(picked === undefined || !expectAttestation(picked));
          }
        },
      ),
      fuzzParameters(300),
    );
  });

  it("an image manifest reads back with its config, layers, subject and annotations", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          [MediaType.ociManifest, MediaType.ociConfig],
          [MediaType.dockerManifest, MediaType.dockerConfig],
        ),
        fc.array(descriptor(LAYER_TYPES), { maxLength: 6 }),
        descriptor([MediaType.ociConfig, MediaType.dockerConfig]),
        typeSource,
        fc.option(annotations, { nil: undefined }),
        fc.option(descriptor([MediaType.ociManifest]), { nil: undefined }),
        fc.option(fc.constantFrom("application/vnd.example+json"), { nil: undefined }),
        ([mediaType], layers, config, source, manifestAnnotations, subject, artifactType) => {
          const body: Record<string, unknown> = { schemaVersion: 2, config, layers };
          if (source === "body") body.mediaType = mediaType;
          if (manifestAnnotations !== undefined) body.annotations = manifestAnnotations;
          if (subject !== undefined) body.subject = subject;
          if (artifactType !== undefined) body.artifactType = artifactType;
          const header = source === "header" ? mediaType : undefined;
          const expectedType = source === "inferred" ? MediaType.ociManifest : mediaType;

          const r = parseManifest(jsonBytes(body), header);
          assert.ok(r.ok, r.ok ? "" : r.error.message);
          assert.deepEqual(r.value, {
            kind: "image",
            mediaType: expectedType,
            manifest: {
              schemaVersion: 2,
              mediaType: expectedType,
              config: viaJson(config),
              layers: viaJson(layers),
              ...(manifestAnnotations !== undefined ? { annotations: viaJson(manifestAnnotations) } : {}),
              ...(subject !== undefined ? { subject: viaJson(subject) } : {}),
              ...(artifactType !== undefined ? { artifactType } : {}),
            },
          });
        },
      ),
      fuzzParameters(300),
    );
  });
});

describe("names that are also Object.prototype members", () => {
  /** Every Object.prototype member name, in three casings; each run tries them all. */
  const protoNames = PROTOTYPE_NAMES.flatMap(casings);

  it("an annotation named like one is kept like any other", () => {
    fc.assert(
      fc.property(text, digest, (value, d) => {
        for (const name of protoNames) {
          // Computed keys are own properties, so JSON.stringify writes `"__proto__":…` too.
          const annotated = { [name]: value };
          const entry = { mediaType: MediaType.ociManifest, digest: d, size: 1, annotations: annotated };
          const body = { schemaVersion: 2, manifests: [entry], annotations: annotated };
          const r = parseManifest(jsonBytes(body), undefined);
          assert.ok(r.ok && r.value.kind === "index");
          assert.deepEqual(
            Object.entries(r.value.index.annotations ?? {}),
            [[name, value]],
            `annotation ${name}`,
          );
          assert.deepEqual(
            Object.entries(r.value.index.manifests[0]?.annotations ?? {}),
            [[name, value]],
            `annotation ${name}`,
          );
        }
      }),
      fuzzParameters(20),
    );
  });
});

describe("digest and media type helpers", () => {
  it("verifyDigest accepts the bytes' own digest and rejects any other bytes or a malformed digest", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.constantFrom("sha256" as const, "sha512" as const),
        junkText,
        (bytes, at, algorithm, junk) => {
          const d = computeDigest(bytes, algorithm);
          assert.ok(DIGEST_PATTERN.test(d));
          assert.ok(verifyDigest(bytes, d, "registry.example").ok);
          const changed = Uint8Array.from(bytes.length === 0 ? [0] : bytes);
          const i = at % changed.length;
          changed[i] = ((changed[i] ?? 0) + 1) % 256;
          const mismatch = verifyDigest(changed, d, "registry.example");
          assert.ok(
            !mismatch.ok &&
              mismatch.error.kind === "bad-response" &&
              mismatch.error.reason === "digest-mismatch",
          );
          assertParseFailure(mismatch.error, "registry.example");
          if (!DIGEST_PATTERN.test(junk)) {
            const bad = verifyDigest(bytes, junk);
            assert.ok(
              !bad.ok && bad.error.kind === "bad-response" && bad.error.reason === "unsupported-digest",
            );
          }
        },
      ),
      fuzzParameters(300),
    );
  });

  it("baseMediaType never throws and gives a trimmed lower-case type without parameters", () => {
    fc.assert(
      fc.property(fc.option(junkText, { nil: undefined }), (type) => {
        const t = baseMediaType(type);
        if (t === undefined) return;
        assert.ok(t !== "" && t === t.trim() && t === t.toLowerCase() && !t.includes(";"), JSON.stringify(t));
      }),
      fuzzParameters(500),
    );
  });
});
