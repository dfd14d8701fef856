/**
 * Property tests (fast-check) for credentials.ts: docker config credentials.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  configKeyFor,
  credentialFromAuthEntry,
  decodeAuthField,
  DOCKER_HUB_CONFIG_KEY,
  keyHostname,
  type AuthEntry,
} from "../../../server/src/registry/credentials";
import { chars, definedOnly, junkText, nonEmptyText, ows } from "../../support/arbitraries";

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
    // requiredKeys: [] leaves fields out, as a config.json without them reads.
    const field = fc.oneof(junkText, fc.constantFrom("dXNlcjpwYXNz", "Og==", ""));
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
