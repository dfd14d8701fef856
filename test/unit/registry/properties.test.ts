/**
 * Property tests (fast-check) for the registry layer's pure parsers: everything that reads what a
 * registry, a token server, Docker Hub or a docker config file hands over. A registry that lies
 * (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers) must never make a parser
 * throw or return a wrong-typed value, and valid documents built by generators must read back as
 * what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { parseImageConfig } from "../../../server/src/registry/blob";
import {
  parseChallenges,
  pickChallenge,
  splitScopes,
  toBearerChallenge,
  type Challenge,
} from "../../../server/src/registry/challenge";
import {
  configKeyFor,
  credentialFromAuthEntry,
  decodeAuthField,
  DOCKER_HUB_CONFIG_KEY,
  keyHostname,
  type AuthEntry,
} from "../../../server/src/registry/credentials";
import {
  MAX_ERROR_BODY_CHARS,
  parseErrorEnvelope,
  redactUrl,
  RegistryError,
  type BadResponseReason,
  type ErrorDiagnostic,
  type ResolveError,
  type Result,
} from "../../../server/src/registry/errors";
import { parseHubTag, type HubImage, type HubTag } from "../../../server/src/registry/hub";
import {
  baseMediaType,
  computeDigest,
  parseManifest,
  verifyDigest,
  type ParsedManifest,
} from "../../../server/src/registry/manifest";
import {
  formatPlatform,
  normalisePlatform,
  parsePlatform,
  platformMatches,
  selectPlatform,
} from "../../../server/src/oci/platform";
import {
  IMAGE_MANIFEST_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MediaType,
  type Descriptor,
  type Platform,
} from "../../../server/src/oci/types";
import {
  parseRateLimitHeaders,
  parseRateLimitValue,
  parseRetryAfter,
  RateLimitTracker,
  type HeaderBag,
  type RateLimitInfo,
} from "../../../server/src/registry/ratelimit";
import { parseLinkNext } from "../../../server/src/registry/tags";
import { parseTokenResponse } from "../../../server/src/registry/transport";

// ---- shared generators and checks ---------------------------------------------------------------

const chars = (s: string): fc.Arbitrary<string> => fc.constantFrom(...s.split(""));
/** `s`, `S` or `s` with a capital first letter. */
const casings = (s: string): string[] => [s, s.toUpperCase(), (s[0] ?? "").toUpperCase() + s.slice(1)];
const casing = (s: string): fc.Arbitrary<string> => fc.constantFrom(...casings(s));
const HEX = "0123456789abcdef";
const LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
/** RFC 7230 tchar. */
const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** RFC 7235 token68 characters (before the trailing `=`). */
const TOKEN68_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);
/** The largest time a JavaScript Date can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

const jsonBytes = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v), "utf8");
/** What a parser reading `v` as JSON text can at most give back. */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const junkText = fc.string({ unit: "binary", maxLength: 60 });
const junkBytes = fc.uint8Array({ maxLength: 300 });
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const nonEmptyText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
/** Digit strings of every length, including ones no double can hold (310+ digits: Infinity). */
const digitText = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.string({ unit: chars("0123456789"), minLength: 310, maxLength: 330 }),
);
/**
 * JSON objects with keys named like Object.prototype members: `{"toString":0}` cannot be turned
 * into a string (String() and template literals throw), `{"__proto__":…}` is an own key.
 */
const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(
    fc.constantFrom("toString", "valueOf", "constructor", "__proto__", "hasOwnProperty", "length"),
    fc.jsonValue({ maxDepth: 1 }),
    { minKeys: 1, maxKeys: 3 },
  ),
  fc.constantFrom<unknown>({ toString: 0 }, [{ toString: "" }], { toString: null, valueOf: null }),
);
/** Any JSON value a lying server could put where something else belongs. */
const lie: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  hostileObject,
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(""),
  junkText,
  digitText,
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);
const host = fc.option(fc.constantFrom("registry.example", "127.0.0.1:5000", "ghcr.io"), { nil: undefined });

const digest = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({ unit: chars(HEX), minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: chars(HEX), minLength: 128, maxLength: 128 }).map((h) => `sha512:${h}`),
  },
);
const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Exhaustive by construction: adding a reason to the union breaks the build until it is listed. */
const BAD_RESPONSE_REASONS: Record<BadResponseReason, true> = {
  "digest-mismatch": true,
  "too-large": true,
  truncated: true,
  schema1: true,
  "unsupported-media-type": true,
  malformed: true,
  "unexpected-status": true,
  "unsupported-digest": true,
  "insecure-realm": true,
  "bad-challenge": true,
  "bad-redirect": true,
  "no-token": true,
  "not-docker-hub": true,
};

/** A parser's failure: a bad-response with a known reason, a message for the user and the host. */
function assertParseFailure(error: ResolveError, expectedHost: string | undefined): void {
  assert.equal(error.kind, "bad-response");
  if (error.kind !== "bad-response") return;
  assert.ok(Object.hasOwn(BAD_RESPONSE_REASONS, error.reason), error.reason);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.trim().length > 0, "empty error message");
  assert.equal(error.host, expectedHost);
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Asserts without narrowing, so the checks after it still see the declared type. */
function assertObject(v: unknown, what: string): void {
  assert.ok(isPlainRecord(v), `${what} is not an object`);
}

function assertStringRecord(v: unknown, what: string): void {
  assert.ok(isPlainRecord(v), `${what} is not an object`);
  for (const [k, x] of Object.entries(v)) assert.equal(typeof x, "string", `${what}[${k}]`);
}

function assertStringArray(v: unknown, what: string): void {
  assert.ok(Array.isArray(v), `${what} is not an array`);
  for (const x of v as unknown[]) assert.equal(typeof x, "string", `${what} item`);
}

function assertOptionalString(v: unknown, what: string, nonEmpty = false): void {
  if (v === undefined) return;
  assert.equal(typeof v, "string", what);
  if (nonEmpty) assert.notEqual(v, "", `${what} is empty`);
}

function assertValidTime(t: number | undefined, what: string): void {
  if (t === undefined) return;
  assert.ok(Number.isFinite(t) && Math.abs(t) <= MAX_DATE_MS, `${what} ${t} is not a time a Date can hold`);
  assert.doesNotThrow(() => new Date(t).toISOString(), what);
}

// ---- manifests and image indexes (manifest.ts: parseManifest) ----------------------------------

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

// ---- image configuration (blob.ts: parseImageConfig) --------------------------------------------

describe("parseImageConfig", () => {
  const check = (bytes: Uint8Array, h: string | undefined): void => {
    const r = parseImageConfig(bytes, h);
    if (!r.ok) {
      assertParseFailure(r.error, h);
      return;
    }
    assert.ok(isPlainRecord(r.value));
    assert.equal(typeof r.value.architecture, "string");
    assert.equal(typeof r.value.os, "string");
  };

  it("never throws and returns a well-typed result, for arbitrary bytes and JSON", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          junkBytes,
          fc.jsonValue({ maxDepth: 3 }).map(jsonBytes),
          fc
            .record(
              { architecture: fc.oneof(text, lie), os: fc.oneof(text, lie), config: lie },
              { requiredKeys: [] },
            )
            .map(jsonBytes),
        ),
        host,
        check,
      ),
      fuzzParameters(800),
    );
  });

  it("reads back any configuration that has architecture and os, other fields untouched", () => {
    fc.assert(
      fc.property(
        fc.record({ architecture: text, os: text }),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        (required, extra) => {
          const config = { ...extra, ...required };
          const r = parseImageConfig(jsonBytes(config));
          assert.ok(r.ok);
          assert.deepEqual(r.value, viaJson(config));
        },
      ),
      fuzzParameters(300),
    );
  });
});

// ---- Docker Hub's JSON (hub.ts: parseHubTag) ----------------------------------------------------

function assertHubTag(t: HubTag): void {
  assertObject(t, "tag");
  assert.ok(typeof t.name === "string" && t.name !== "", "name");
  for (const k of ["digest", "mediaType", "lastPushed", "lastUpdated", "status"] as const)
    assertOptionalString(t[k], k, true);
  if (t.fullSize !== undefined) assert.ok(Number.isFinite(t.fullSize), `fullSize ${t.fullSize}`);
  assert.ok(Array.isArray(t.images));
  for (const i of t.images) {
    assertObject(i, "images[]");
    for (const k of ["os", "architecture", "variant", "digest", "lastPushed", "status"] as const)
      assertOptionalString(i[k], `images[].${k}`, true);
    if (i.size !== undefined) assert.ok(Number.isFinite(i.size), `images[].size ${i.size}`);
    for (const [k, v] of Object.entries(i))
      assert.notEqual(v, undefined, `images[].${k} is set to undefined`);
  }
  for (const [k, v] of Object.entries(t)) assert.notEqual(v, undefined, `${k} is set to undefined`);
}

const hubText = fc.oneof(fc.constant(null), fc.constant(""), nonEmptyText);
const hubNumber = fc.oneof(
  fc.constant(null),
  fc.nat(),
  fc.string({ unit: chars("0123456789"), minLength: 1, maxLength: 15 }),
);
const hubImage = fc.record(
  {
    architecture: hubText,
    os: hubText,
    variant: hubText,
    digest: fc.oneof(hubText, digest),
    size: hubNumber,
    last_pushed: hubText,
    status: fc.oneof(hubText, fc.constantFrom("active", "inactive")),
    features: fc.constant(""),
    os_features: fc.constant(""),
    os_version: fc.constant(null),
    last_pulled: fc.constant(null),
  },
  { requiredKeys: [] },
);
const hubTagBody = fc.record(
  {
    name: nonEmptyText,
    digest: fc.oneof(hubText, digest),
    media_type: fc.oneof(hubText, fc.constantFrom(MediaType.ociIndex, MediaType.dockerManifest)),
    tag_last_pushed: hubText,
    last_updated: hubText,
    tag_status: hubText,
    status: hubText,
    full_size: hubNumber,
    images: fc.oneof(
      { weight: 4, arbitrary: fc.array(hubImage, { maxLength: 4 }) },
      { weight: 1, arbitrary: hubImage },
    ),
  },
  { requiredKeys: ["name"] },
);

const expectText = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const expectNumber = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" ? Number(v) : undefined;
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

describe("parseHubTag on what Docker Hub (or something pretending to be it) sends", () => {
  it("never throws and returns undefined or a well-typed tag, for any value", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (v) => {
        const t = parseHubTag(v);
        if (t !== undefined) assertHubTag(t);
      }),
      fuzzParameters(500),
    );
  });

  it("never throws and returns undefined or a well-typed tag, for tag-shaped JSON full of wrong types", () => {
    const lyingImage = fc.record(
      {
        os: lie,
        architecture: lie,
        variant: lie,
        digest: lie,
        size: lie,
        last_pushed: lie,
        status: lie,
      },
      { requiredKeys: [] },
    );
    const lyingTag = fc.record(
      {
        name: fc.oneof(nonEmptyText, lie),
        digest: lie,
        media_type: lie,
        tag_last_pushed: lie,
        last_updated: lie,
        tag_status: lie,
        status: lie,
        full_size: lie,
        images: fc.oneof(fc.array(fc.oneof(lyingImage, lie), { maxLength: 3 }), lyingImage, lie),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(lyingTag, (v) => {
        const t = parseHubTag(viaJson(v));
        if (t !== undefined) assertHubTag(t);
      }),
      fuzzParameters(800),
    );
  });

  it("reads back a generated Hub tag, nulls and empty strings left out", () => {
    fc.assert(
      fc.property(hubTagBody, (body) => {
        const raw = viaJson(body);
        const rawImages = Array.isArray(raw.images)
          ? raw.images
          : raw.images === undefined
            ? []
            : [raw.images];
        const images = rawImages.map((i) =>
          definedOnly<HubImage>({
            os: expectText(i.os),
            architecture: expectText(i.architecture),
            variant: expectText(i.variant),
            digest: expectText(i.digest),
            size: expectNumber(i.size),
            lastPushed: expectText(i.last_pushed),
            status: expectText(i.status),
          }),
        );
        const expected = definedOnly<HubTag>({
          name: raw.name,
          images,
          digest: expectText(raw.digest),
          mediaType: expectText(raw.media_type),
          lastPushed: expectText(raw.tag_last_pushed),
          lastUpdated: expectText(raw.last_updated),
          status: expectText(raw.tag_status) ?? expectText(raw.status),
          fullSize: expectNumber(raw.full_size),
        });
        assert.deepEqual(parseHubTag(raw), expected);
      }),
      fuzzParameters(300),
    );
  });
});

// ---- WWW-Authenticate challenges (challenge.ts) -------------------------------------------------

function assertChallenges(list: Challenge[]): void {
  assert.ok(Array.isArray(list));
  for (const c of list) {
    assert.ok(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(c.scheme), `scheme ${JSON.stringify(c.scheme)}`);
    assert.ok(isPlainRecord(c.params));
    for (const [k, v] of Object.entries(c.params)) {
      assert.ok(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(k), `parameter name ${JSON.stringify(k)}`);
      assert.equal(typeof v, "string", `parameter ${k}`);
    }
    if (c.token68 !== undefined) {
      assert.ok(/^[A-Za-z0-9\-._~+/]*=*$/.test(c.token68) && c.token68 !== "", `token68 ${c.token68}`);
      assert.deepEqual(Object.keys(c.params), [], "a token68 challenge with parameters");
    }
  }
  const picked = pickChallenge(list);
  assert.equal(picked === undefined, list.length === 0);
  if (picked !== undefined) assert.ok(list.includes(picked));
  for (const c of list) {
    const b = toBearerChallenge(c);
    if (b === undefined) continue;
    assert.equal(c.scheme, "bearer");
    assert.ok(typeof b.realm === "string" && b.realm !== "");
    assertOptionalString(b.service, "service");
    assertOptionalString(b.error, "error");
    for (const s of b.scopes) assert.ok(s !== "" && !/\s/.test(s), `scope ${JSON.stringify(s)}`);
  }
}

/** Text made of the pieces challenges are made of, so that much of it is nearly valid. */
const challengeLike = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom("Bearer", "Basic", "Negotiate", "realm", "service", "scope", "a"),
      },
      { weight: 4, arbitrary: fc.constantFrom(" ", "\t", ",", "=", '"', "\\", "==", '="', '",', "\r\n") },
      {
        weight: 2,
        arbitrary: fc.constantFrom("https://auth.example/token", "repository:a/b:pull,push", "x y"),
      },
      { weight: 1, arbitrary: junkText },
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(""));

type GenBody =
  | { kind: "none" }
  | { kind: "token68"; token68: string }
  | { kind: "params"; leadingComma: boolean; params: { name: string; value: string; wire: string }[] };
interface GenChallenge {
  scheme: string;
  body: GenBody;
}

const ows = fc.constantFrom("", " ", "  ", "\t", " \t");
const bws = fc.constantFrom("", " ", "\t");
const listSep = fc.tuple(ows, fc.constantFrom(",", ",", ",,", ", ,"), ows).map((p) => p.join(""));
const token = (s: string): fc.Arbitrary<string> => fc.string({ unit: chars(s), minLength: 1, maxLength: 10 });
const scheme = fc.oneof(
  fc.constantFrom("Bearer", "Basic", "Negotiate", "NTLM", "Digest", "bearer", "BASIC"),
  token(TCHARS),
);
/** Names of Object.prototype members (`constructor`, `__proto__`, `toString`, …). */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
/**
 * Parameter names that are Object.prototype members have a property of their own ("names that
 * are also Object.prototype members"), so a failure there does not stop this round trip from
 * finding other bugs (fast-check's string bias produces `__proto__` and `constructor` often).
 */
const paramName = fc
  .oneof(fc.constantFrom("realm", "service", "scope", "error", "Realm", "SCOPE"), token(TCHARS))
  .filter((n) => !PROTOTYPE_NAMES.includes(n.toLowerCase()));
const quotedValue = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("https://auth.docker.io/token", "repository:samalba/my-app:pull,push", 'a "b" \\ c', ""),
  )
  .chain((value) => bws.map((b) => ({ value, wire: `${b}"${value.replace(/[\\"]/g, (m) => `\\${m}`)}"` })));
const bareValue = fc
  .tuple(chars(TCHARS), fc.string({ unit: chars(`${TCHARS}=/:@?`), maxLength: 20 }))
  .map(([first, rest]) => first + rest)
  .chain((value) => bws.map((b) => ({ value, wire: `${b}${value}` })));
const param = (names: fc.Arbitrary<string>): fc.Arbitrary<{ name: string; value: string; wire: string }> =>
  fc
    .tuple(names, bws, fc.oneof(quotedValue, bareValue))
    .map(([name, b, v]) => ({ name, value: v.value, wire: `${name}${b}=${v.wire}` }));
const challengeBody = (names: fc.Arbitrary<string>): fc.Arbitrary<GenBody> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<GenBody>({ kind: "none" }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(token(TOKEN68_CHARS), fc.constantFrom("", "=", "=="))
        .map(([t, pad]): GenBody => ({ kind: "token68", token68: t + pad })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.boolean(), fc.array(param(names), { minLength: 1, maxLength: 5 }))
        .map(([leadingComma, params]): GenBody => ({ kind: "params", leadingComma, params })),
    },
  );
const challenge = (names: fc.Arbitrary<string>): fc.Arbitrary<GenChallenge> =>
  fc.record({ scheme, body: challengeBody(names) });

/** Writes challenges as a header value, with random (valid) whitespace and empty list elements. */
function writeChallenges(list: readonly GenChallenge[]): fc.Arbitrary<string> {
  const seps = fc.array(listSep, { minLength: 40, maxLength: 40 });
  return fc.tuple(seps, fc.constantFrom(" ", "  "), ows, ows).map(([s, sp, lead, trail]) => {
    let k = 0;
    const sep = (): string => s[k++ % s.length] ?? ",";
    const parts = list.map((c) => {
      if (c.body.kind === "none") return c.scheme;
      if (c.body.kind === "token68") return `${c.scheme}${sp}${c.body.token68}`;
      const params = c.body.params.map((p) => p.wire);
      let out = `${c.scheme}${sp}${c.body.leadingComma ? `,${sp}` : ""}${params[0] ?? ""}`;
      for (const p of params.slice(1)) out += sep() + p;
      return out;
    });
    let out = lead;
    parts.forEach((p, i) => {
      out += (i > 0 ? sep() : "") + p;
    });
    return out + trail;
  });
}

function expectChallenges(list: readonly GenChallenge[]): Challenge[] {
  return list.map((c) => {
    const out: Challenge = { scheme: c.scheme.toLowerCase(), params: {} };
    if (c.body.kind === "token68") out.token68 = c.body.token68;
    if (c.body.kind === "params") {
      const seen = new Map<string, string>();
      for (const p of c.body.params) {
        const name = p.name.toLowerCase();
        if (!seen.has(name)) seen.set(name, p.value);
      }
      out.params = Object.fromEntries(seen);
    }
    return out;
  });
}

const challengeLists = (
  names: fc.Arbitrary<string>,
): fc.Arbitrary<{ header: string[]; expected: Challenge[] }> =>
  fc
    .array(fc.array(challenge(names), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
    .chain((lines) =>
      fc
        .tuple(...lines.map(writeChallenges))
        .map((header) => ({ header, expected: lines.flatMap(expectChallenges) })),
    );

describe("parseChallenges on what a lying registry sends", () => {
  it("never throws and returns well-typed challenges, for any header value", () => {
    fc.assert(
      fc.property(fc.oneof(junkText, fc.array(junkText, { maxLength: 3 })), (header) => {
        assertChallenges(parseChallenges(header));
      }),
      fuzzParameters(1000),
    );
  });

  it("never throws and returns well-typed challenges, for nearly valid header values", () => {
    fc.assert(
      fc.property(challengeLike, (header) => assertChallenges(parseChallenges(header))),
      fuzzParameters(2000),
    );
  });

  it("stays fast on long adversarial input (no quadratic rescans)", () => {
    const inputs = [
      "a=".repeat(25_000),
      "a,".repeat(25_000),
      "a ".repeat(25_000),
      `Bearer realm="${'\\"'.repeat(25_000)}`,
      `Bearer x=y${", a=".repeat(12_000)}`,
      `Bearer x=y, a${" ".repeat(50_000)}b`,
    ];
    const started = performance.now();
    for (const header of inputs) assertChallenges(parseChallenges(header));
    assert.ok(performance.now() - started < 2000, "parsing 300k characters took over 2 s");
  });
});

describe("generated valid challenges", () => {
  it("read back with the same schemes, parameters (first wins, names in lower case) and token68", () => {
    fc.assert(
      fc.property(challengeLists(paramName), ({ header, expected }) => {
        const got = parseChallenges(header);
        assert.deepEqual(got, expected);
        assertChallenges(got);
        // One value per line or all lines joined by a comma: the same challenges (RFC 9110 §5.3).
        assert.deepEqual(parseChallenges(header.join(", ")), expected);
      }),
      fuzzParameters(1000),
    );
  });

  it("give the Bearer challenge's realm, service and scopes", () => {
    fc.assert(
      fc.property(
        fc.webUrl(),
        fc.option(token(TCHARS), { nil: undefined }),
        fc.array(fc.string({ unit: chars(`${LOWER_DIGITS}:/,*`), minLength: 1, maxLength: 30 }), {
          maxLength: 3,
        }),
        (realm, service, scopes) => {
          let header = `Bearer realm="${realm}"`;
          if (service !== undefined) header += `,service="${service}"`;
          if (scopes.length > 0) header += `,scope="${scopes.join(" ")}"`;
          const c = pickChallenge(parseChallenges(`Basic realm="x", ${header}`));
          assert.ok(c);
          assert.deepEqual(toBearerChallenge(c), {
            realm,
            scopes,
            ...(service !== undefined ? { service } : {}),
          });
          assert.deepEqual(splitScopes(scopes.join("  \t")), scopes);
        },
      ),
      fuzzParameters(300),
    );
  });
});

// ---- parameter and annotation names that are Object.prototype members --------------------------

describe("names that are also Object.prototype members", () => {
  /** Every Object.prototype member name, in three casings; each run tries them all. */
  const protoNames = PROTOTYPE_NAMES.flatMap(casings);

  it("a challenge parameter named like one is read like any other", () => {
    fc.assert(
      fc.property(token(TCHARS), (value) => {
        for (const name of protoNames) {
          const [c] = parseChallenges(`Bearer realm="https://auth.example/token",${name}="${value}"`);
          assert.ok(c);
          assert.deepEqual(
            Object.entries(c.params),
            [
              ["realm", "https://auth.example/token"],
              [name.toLowerCase(), value],
            ],
            `parameter ${name}`,
          );
          assert.equal(typeof c.params[name.toLowerCase()], "string", `parameter ${name}`);
        }
      }),
      fuzzParameters(20),
    );
  });

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

// ---- Link headers (tags.ts: parseLinkNext) ------------------------------------------------------

const LINK_BASE = new URL("https://registry.example/v2/library/python/tags/list?n=100");
const tagName = fc
  .tuple(chars(`${LOWER_DIGITS}_`), fc.string({ unit: chars(`${LOWER_DIGITS}_.-`), maxLength: 20 }))
  .map(([a, rest]) => a + rest);
const linkUrl = fc.oneof(
  fc.tuple(tagName, fc.nat(1000)).map(([t, n]) => `/v2/library/python/tags/list?last=${t}&n=${n}`),
  fc.tuple(tagName, fc.nat(1000)).map(([t, n]) => `https://registry.example/v2/x/tags/list?n=${n}&last=${t}`),
  fc.tuple(tagName, tagName).map(([a, b]) => `/v2/x/tags/list?last=${a},${b}`),
  fc.constantFrom("?last=z", "list?n=1", "../../other/tags/list?n=1"),
);
const relType = (types: readonly string[]): fc.Arbitrary<string> => fc.constantFrom(...types).chain(casing);

interface GenLink {
  url: string;
  rels: string[];
  wire: string;
}
const link = (types: readonly string[], otherParams: readonly string[]): fc.Arbitrary<GenLink> =>
  fc
    .record({
      url: linkUrl,
      rels: fc.uniqueArray(relType(types), { maxLength: 3, selector: (r) => r.toLowerCase() }),
      quoted: fc.boolean(),
      before: fc.array(fc.constantFrom(...otherParams), { maxLength: 2 }),
      after: fc.array(fc.constantFrom(...otherParams), { maxLength: 2 }),
      space: fc.tuple(ows, bws, bws),
    })
    .map(({ url, rels, quoted, before, after, space: [o, b1, b2] }) => {
      const relValue = rels.length === 1 && !quoted ? (rels[0] ?? "") : `"${rels.join(" ")}"`;
      const params = [...before, ...(rels.length > 0 ? [`rel${b1}=${b2}${relValue}`] : []), ...after];
      return { url, rels, wire: `<${url}>${params.map((p) => `${o};${o}${p}`).join("")}` };
    });
const linkHeaders = (types: readonly string[], otherParams: readonly string[]): fc.Arbitrary<GenLink[][]> =>
  fc.array(fc.array(link(types, otherParams), { minLength: 1, maxLength: 4 }), { maxLength: 3 });

/** The target of the first link (across header lines) whose relation types include `next`. */
function expectNext(lines: readonly GenLink[][]): string | undefined {
  for (const line of lines)
    for (const l of line)
      if (l.rels.some((r) => r.toLowerCase() === "next")) return new URL(l.url, LINK_BASE).href;
  return undefined;
}

function checkLinks(lines: readonly GenLink[][], seps: readonly string[]): void {
  const headers = lines.map((line) => line.map((l) => l.wire).join(seps[0] ?? ", "));
  assert.equal(parseLinkNext(headers, LINK_BASE)?.href, expectNext(lines), JSON.stringify(headers));
}

describe("parseLinkNext on what a lying registry sends", () => {
  it("never throws and returns a URL or undefined, for any header values", () => {
    const linkLike = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "<",
            ">",
            ";",
            ",",
            "=",
            '"',
            " ",
            "rel",
            "next",
            "prev",
            "/v2/x?n=1",
            "http://[",
            "%",
          ),
          junkText,
        ),
        { maxLength: 20 },
      )
      .map((p) => p.join(""));
    fc.assert(
      fc.property(fc.array(fc.oneof(junkText, linkLike), { maxLength: 3 }), (headers) => {
        const next = parseLinkNext(headers, LINK_BASE);
        assert.ok(next === undefined || next instanceof URL);
      }),
      fuzzParameters(1500),
    );
  });

  it("stays fast on long adversarial input (no catastrophic backtracking)", () => {
    const inputs = [
      `<a>; rel=${" ".repeat(20_000)}x`,
      `<a>; rel="${"a ".repeat(10_000)}`,
      "<".repeat(20_000),
      `<a>${"; rel=".repeat(3_000)}`,
    ];
    for (const header of inputs) {
      const started = performance.now();
      parseLinkNext([header], LINK_BASE);
      const ms = performance.now() - started;
      assert.ok(
        ms < 100,
        `${JSON.stringify(header.slice(0, 20))}… (${header.length} characters) took ${ms.toFixed(0)} ms`,
      );
    }
  });
});

describe("generated Link headers (RFC 8288)", () => {
  it("give the first link whose relation types include next, and no other", () => {
    const types = [
      "next",
      "prev",
      "previous",
      "first",
      "last",
      "self",
      "alternate",
      "next-archive",
      "nofollow",
    ];
    fc.assert(
      fc.property(linkHeaders(types, ['type="application/json"', "hreflang=en"]), ows, (lines, o) =>
        checkLinks(lines, [`,${o}`]),
      ),
      fuzzParameters(500),
    );
  });

  it("find rel=next after link parameters whose quoted values hold ; or ,", () => {
    fc.assert(
      fc.property(
        linkHeaders(["next", "prev"], ['title="tags; page 2"', 'title="a, b"', 'type="text/plain"']),
        ows,
        (lines, o) => checkLinks(lines, [`,${o}`]),
      ),
      fuzzParameters(500),
    );
  });
});

// ---- rate-limit headers (ratelimit.ts) ----------------------------------------------------------

function assertRateLimitInfo(info: RateLimitInfo | undefined, now: number): void {
  if (info === undefined) return;
  assert.equal(info.observedAt, now);
  for (const k of ["limit", "remaining", "windowSeconds"] as const) {
    const v = info[k];
    if (v !== undefined) assert.ok(Number.isInteger(v) && v >= 0 && Number.isFinite(v), `${k} ${v}`);
  }
  assertValidTime(info.resetAt, "resetAt");
  assertOptionalString(info.source, "source");
}

const titleCase = (s: string): string =>
  s.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
const RATE_LIMIT_HEADERS = [
  "ratelimit-limit",
  "ratelimit-remaining",
  "ratelimit-reset",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
  "docker-ratelimit-source",
];
const headerName = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .constantFrom(...RATE_LIMIT_HEADERS)
      .chain((n) => fc.constantFrom(n, n.toUpperCase(), titleCase(n))),
  },
  { weight: 1, arbitrary: fc.constantFrom("content-type", "link", "__proto__", "constructor") },
);
const httpDate = fc
  .date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true })
  .map((d) => d.toUTCString());
const rateLimitText = fc.oneof(
  digitText,
  fc.tuple(digitText, digitText).map(([c, w]) => `${c};w=${w}`),
  fc.tuple(digitText, digitText, digitText).map(([q, c, w]) => `${q}, ${c};w=${w};comment="pulls"`),
  httpDate,
  fc.constantFrom("", " ", "-1", "1e3", "0x10", "Infinity", "NaN", "1.5", "w=60"),
  junkText,
);
const headerBag: fc.Arbitrary<HeaderBag> = fc.dictionary(
  headerName,
  fc.oneof(rateLimitText, fc.array(rateLimitText, { maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 6, noNullPrototype: true },
);

describe("rate-limit headers from a lying registry", () => {
  it("parseRateLimitValue never throws and gives whole, finite counts and windows", () => {
    fc.assert(
      fc.property(fc.option(rateLimitText, { nil: undefined }), (value) => {
        const r = parseRateLimitValue(value);
        if (r === undefined) return;
        assert.ok(Number.isInteger(r.count) && r.count >= 0, `count ${r.count}`);
        if (r.windowSeconds !== undefined)
          assert.ok(Number.isInteger(r.windowSeconds) && r.windowSeconds >= 0, `window ${r.windowSeconds}`);
      }),
      fuzzParameters(1000),
    );
  });

  it("parseRetryAfter never throws and gives undefined or a time a Date can hold", () => {
    fc.assert(
      fc.property(rateLimitText, (value) => assertValidTime(parseRetryAfter(value, NOW), "Retry-After")),
      fuzzParameters(1000),
    );
  });

  it("parseRateLimitHeaders never throws and gives well-typed information", () => {
    fc.assert(
      fc.property(headerBag, (headers) => assertRateLimitInfo(parseRateLimitHeaders(headers, NOW), NOW)),
      fuzzParameters(1000),
    );
  });

  it("a 429 blocks the host until a later time a Date can hold, whatever its headers say", () => {
    fc.assert(
      fc.property(headerBag, (headers) => {
        const tracker = new RateLimitTracker(() => NOW, 60_000);
        const { resetAt, estimate } = tracker.block("registry.example", headers);
        assert.equal(typeof estimate, "boolean");
        assert.ok(resetAt > NOW, `resetAt ${resetAt} is not after now`);
        assertValidTime(resetAt, "resetAt");
        assert.deepEqual(tracker.blockedUntil("registry.example"), {
          until: resetAt,
          estimate,
          scope: "all",
        });
      }),
      fuzzParameters(1000),
    );
  });
});

/**
 * Waits a registry really announces: up to a day (Docker Hub's window is 6 hours). Longer ones are
 * the lies above, which ratelimit.ts may cap, so they are not round-tripped here.
 */
const DAY_SECONDS = 86_400;

describe("generated rate-limit headers", () => {
  it("`count[;w=window][;comment]` lists read back as the first count and the first window", () => {
    const item = fc.record({
      count: fc.nat(),
      window: fc.option(fc.nat({ max: DAY_SECONDS }), { nil: undefined }),
      comment: fc.boolean(),
      space: fc.tuple(ows, bws),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 3 }), (items) => {
        const value = items
          .map(
            ({ count, window, comment, space: [o, b] }) =>
              `${o}${count}${window !== undefined ? `${o};${o}w${b}=${b}${window}` : ""}${comment ? ';comment="x"' : ""}${o}`,
          )
          .join(",");
        const window = items.find((i) => i.window !== undefined)?.window;
        assert.deepEqual(parseRateLimitValue(value), {
          count: items[0]?.count,
          ...(window !== undefined ? { windowSeconds: window } : {}),
        });
      }),
      fuzzParameters(300),
    );
  });

  it("Retry-After reads delta seconds and HTTP dates", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: DAY_SECONDS }),
        fc.date({
          min: new Date("1990-01-01"),
          max: new Date(NOW + DAY_SECONDS * 1000),
          noInvalidDate: true,
        }),
        (seconds, date) => {
          assert.equal(parseRetryAfter(` ${seconds} `, NOW), NOW + seconds * 1000);
          assert.equal(parseRetryAfter(date.toUTCString(), NOW), Math.floor(date.getTime() / 1000) * 1000);
        },
      ),
      fuzzParameters(300),
    );
  });

  it("Docker Hub's registry headers read back as limit, remaining, window and source", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 100_000 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 1, max: DAY_SECONDS }),
        fc.ipV4(),
        (limit, remaining, window, source) => {
          const info = parseRateLimitHeaders(
            {
              "RateLimit-Limit": `${limit};w=${window}`,
              "ratelimit-remaining": [`${remaining};w=${window}`],
              "docker-ratelimit-source": ` ${source} `,
            },
            NOW,
          );
          assert.deepEqual(info, { observedAt: NOW, limit, remaining, windowSeconds: window, source });
        },
      ),
      fuzzParameters(200),
    );
  });
});

// ---- token server answers (transport.ts: parseTokenResponse) ------------------------------------

describe("parseTokenResponse", () => {
  it("never throws and gives undefined or a non-empty token with a positive finite lifetime", () => {
    const tokenLike = fc.record(
      {
        token: fc.oneof(text, lie),
        access_token: fc.oneof(text, lie),
        expires_in: fc.oneof(fc.double(), lie),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(junkBytes, fc.jsonValue({ maxDepth: 3 }).map(jsonBytes), tokenLike.map(jsonBytes)),
        (body) => {
          const r = parseTokenResponse(body);
          if (r === undefined) return;
          assert.ok(typeof r.token === "string" && r.token !== "");
          assert.ok(
            Number.isFinite(r.expiresInSeconds) && r.expiresInSeconds > 0,
            `expires ${r.expiresInSeconds}`,
          );
        },
      ),
      fuzzParameters(800),
    );
  });

  it("reads back token (else access_token) and expires_in (else 60 s, at most a day)", () => {
    fc.assert(
      fc.property(
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.option(fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double()), { nil: undefined }),
        (t, access, expires) => {
          const body = viaJson({
            token: t,
            access_token: access,
            expires_in: expires,
            issued_at: "2024-09-04T08:01:41Z",
          });
          const token =
            t !== undefined && t !== "" ? t : access !== undefined && access !== "" ? access : undefined;
          // A lifetime over a day is kept a day (a 401 refreshes the token anyway).
          const lifetime = Math.min(
            typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60,
            86_400,
          );
          assert.deepEqual(
            parseTokenResponse(jsonBytes(body)),
            token === undefined ? undefined : { token, expiresInSeconds: lifetime },
          );
        },
      ),
      fuzzParameters(300),
    );
  });
});

// ---- error bodies (errors.ts: parseErrorEnvelope, RegistryError) --------------------------------

function assertDiagnostics(list: ErrorDiagnostic[]): void {
  assert.ok(Array.isArray(list));
  for (const d of list) {
    assert.equal(typeof d.code, "string");
    assert.equal(d.code, d.code.toUpperCase());
    assert.equal(typeof d.message, "string");
  }
}

describe("registry error bodies", () => {
  const envelopeLike = fc.record(
    {
      errors: fc.oneof(
        fc.array(
          fc.oneof(
            fc.record(
              { code: fc.oneof(text, lie), message: fc.oneof(text, lie), detail: lie },
              { requiredKeys: [] },
            ),
            lie,
          ),
          { maxLength: 4 },
        ),
        lie,
      ),
    },
    { requiredKeys: [] },
  );

  it("parseErrorEnvelope and RegistryError never throw and stay well typed, for any body and URL", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          junkText,
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          envelopeLike.map((v) => JSON.stringify(v)),
        ),
        fc.oneof(junkText, fc.webUrl({ withQueryParameters: true, withFragments: true })),
        fc.integer({ min: 100, max: 599 }),
        fc.boolean(),
        (body, url, status, asBytes) => {
          assertDiagnostics(parseErrorEnvelope(body));
          const e = new RegistryError({
            status,
            method: "GET",
            url,
            body: asBytes ? Buffer.from(body) : body,
          });
          assert.ok(e.body.length <= MAX_ERROR_BODY_CHARS + 1);
          assertDiagnostics(e.errors);
          assert.equal(typeof e.temporary, "boolean");
          assert.equal(typeof e.describe(), "string");
          const info = e.toInfo();
          assert.equal(info.code, e.errors[0]?.code);
          assert.equal(typeof redactUrl(url), "string");
        },
      ),
      fuzzParameters(800),
    );
  });

  it("an error envelope reads back with upper-case codes, messages and details", () => {
    const diagnostic = fc.record(
      {
        code: fc.oneof(
          fc.constantFrom("MANIFEST_UNKNOWN", "NAME_UNKNOWN", "unauthorized", "TOOMANYREQUESTS", "denied"),
          token(TCHARS),
        ),
        message: text,
        detail: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ["code"] },
    );
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 4 }), (errors) => {
        const expected = viaJson(errors).map((e) => ({
          code: e.code.toUpperCase(),
          message: e.message ?? "",
          ...(e.detail !== undefined ? { detail: e.detail } : {}),
        }));
        assert.deepEqual(parseErrorEnvelope(JSON.stringify({ errors })), expected);
      }),
      fuzzParameters(300),
    );
  });
});

// ---- docker config credentials (credentials.ts) -------------------------------------------------

describe("docker config credentials", () => {
  it("decodeAuthField never throws and gives undefined or a user without a colon", () => {
    const base64ish = fc.string({ unit: chars("ABCabc012+/= \t:\u0000"), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(junkText, base64ish), (auth) => {
        const r = decodeAuthField(auth);
        if (r === undefined) return;
        assert.ok(typeof r.username === "string" && r.username !== "" && !r.username.includes(":"));
        assert.ok(typeof r.password === "string" && !r.password.endsWith("\u0000"));
      }),
      fuzzParameters(800),
    );
  });

  it("decodeAuthField reads back base64 user:password, padded or not, NUL padding trimmed", () => {
    fc.assert(
      fc.property(
        nonEmptyText.filter((u) => !u.includes(":")),
        fc.string({ unit: "grapheme", maxLength: 30 }),
        fc.constantFrom("", "\u0000", "\u0000\u0000"),
        fc.boolean(),
        ows,
        (username, password, nuls, unpadded, space) => {
          let encoded = Buffer.from(`${username}:${password}${nuls}`, "utf8").toString("base64");
          if (unpadded) encoded = encoded.replace(/=+$/, "");
          assert.deepEqual(decodeAuthField(`${space}${encoded}${space}`), {
            username,
            password: password.replace(/\0+$/, ""),
          });
        },
      ),
      fuzzParameters(300),
    );
  });

  it("credentialFromAuthEntry, keyHostname and configKeyFor never throw and stay well typed", () => {
    const field = fc.option(fc.oneof(junkText, fc.constantFrom("dXNlcjpwYXNz", "Og==", "")), {
      nil: undefined,
    });
    const entry: fc.Arbitrary<AuthEntry> = fc.record(
      { username: field, password: field, auth: field, identitytoken: field, registrytoken: field },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(entry, junkText, (e, key) => {
        const c = credentialFromAuthEntry(definedOnly(e));
        switch (c.kind) {
          case "anonymous":
            break;
          case "basic":
            assert.ok(c.username !== "" && typeof c.password === "string");
            break;
          default:
            assert.ok(typeof c.token === "string" && c.token !== "");
        }
        assert.ok(!keyHostname(key).includes("/"));
        const k = configKeyFor(key);
        assert.ok(k === key || k === DOCKER_HUB_CONFIG_KEY);
      }),
      fuzzParameters(500),
    );
  });
});

// ---- digests, media types and platforms (manifest.ts, oci/ helpers) ---------------------------

describe("digest, media type and platform helpers", () => {
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

  it("platforms round-trip through their text form; normalising is idempotent and matching symmetric", () => {
    const part = fc.string({ unit: chars(`${LOWER_DIGITS}_-.`), minLength: 1, maxLength: 10 });
    const anyPart = fc.oneof(
      part,
      fc.constantFrom("ARM64", "x86_64", "aarch64", "armhf", "armel", "i386", "8", "V7", "v1"),
      junkText,
    );
    fc.assert(
      fc.property(
        part,
        part,
        fc.option(part, { nil: undefined }),
        anyPart,
        anyPart,
        fc.option(anyPart, { nil: undefined }),
        (os, arch, variant, os2, arch2, variant2) => {
          const p: Platform =
            variant === undefined ? { os, architecture: arch } : { os, architecture: arch, variant };
          assert.deepEqual(parsePlatform(formatPlatform(p)), p);
          const q: Platform =
            variant2 === undefined
              ? { os: os2, architecture: arch2 }
              : { os: os2, architecture: arch2, variant: variant2 };
          const n = normalisePlatform(q);
          assert.deepEqual(normalisePlatform(n), n);
          assert.ok(platformMatches(q, q));
          assert.equal(platformMatches(p, q), platformMatches(q, p));
          const parsed = parsePlatform(`${os2}/${arch2}`);
          if (parsed !== undefined) assert.ok(parsed.os !== "" && parsed.architecture !== "");
        },
      ),
      fuzzParameters(500),
    );
  });
});
