/**
 * Property tests (fast-check) for transport.ts: parseTokenResponse on token server answers.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { parseTokenResponse } from "../../../server/src/registry/auth/token";
import { jsonBytes, junkBytes, lie, text, viaJson } from "../../support/arbitraries";

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
