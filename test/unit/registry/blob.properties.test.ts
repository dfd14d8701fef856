/**
 * Property tests (fast-check) for blob.ts: parseImageConfig.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { parseImageConfig } from "../../../server/src/registry/blob";
import {
  assertParseFailure,
  host,
  isPlainRecord,
  jsonBytes,
  junkBytes,
  lie,
  text,
  viaJson,
} from "../../support/arbitraries";

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
