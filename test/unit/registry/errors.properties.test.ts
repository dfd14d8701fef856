/**
 * Property tests (fast-check) for errors.ts: parseErrorEnvelope and RegistryError.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  MAX_ERROR_BODY_CHARS,
  parseErrorEnvelope,
  redactUrl,
  RegistryError,
  type ErrorDiagnostic,
} from "../../../server/src/registry/errors";
import { TCHARS, junkText, lie, text, token, viaJson } from "../../support/arbitraries";

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
