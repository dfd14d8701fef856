/**
 * Property tests (fast-check) for hub.ts: parseHubTag on what Docker Hub sends.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { parseHubTag, type HubImage, type HubTag } from "../../../server/src/registry/hub";
import { MediaType } from "../../../server/src/oci/types";
import {
  assertObject,
  assertOptionalString,
  chars,
  definedOnly,
  digest,
  lie,
  nonEmptyText,
  viaJson,
} from "../../support/arbitraries";

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
