/**
 * Property tests (fast-check) for oci/platform.ts: platform text forms, normalising, matching.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  formatPlatform,
  normalisePlatform,
  parsePlatform,
  platformMatches,
} from "../../../server/src/oci/platform";
import type { Platform } from "../../../server/src/oci/types";
import { LOWER_DIGITS, chars, junkText } from "../../support/arbitraries";

describe("platform helpers", () => {
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
