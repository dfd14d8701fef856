/**
 * The resolver says why a pin could not be checked as a code; the words are the features'
 * (the resolver never formats what the user reads).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { uncheckedPinText } from "../../../server/src/features/pin";
import type { UncheckedPin } from "../../../server/src/resolver/types";
import { REPO_ROOT } from "../../support/paths";

describe("why a pin was not checked", () => {
  it("has words for every reason the resolver gives", () => {
    const all: UncheckedPin[] = ["not-pinned", "tag-unchecked", "no-tag", "rate-limited"];
    const texts = all.map(uncheckedPinText);
    assert.equal(new Set(texts).size, all.length, "one sentence each");
    assert.equal(uncheckedPinText("rate-limited"), "the manifests could not be downloaded (rate limit)");
  });

  it("is a code in the resolver, not a sentence", () => {
    const source = readFileSync(join(REPO_ROOT, "server/src/resolver/pinState.ts"), "utf8");
    assert.doesNotMatch(source, /reason:/);
    assert.match(source, /why: "rate-limited"/);
  });
});
