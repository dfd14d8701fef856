import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { editDistance, isOneEditApart } from "../../../server/src/features/editDistance";

/** The linear "one edit away" check the lookalike rule used before, restated independently. */
function oneEditLinear(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

describe("edit distance", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    assert.equal(editDistance("python", "python"), 0);
    assert.equal(editDistance("pyhton", "python"), 1);
    assert.equal(editDistance("alpin", "alpine"), 1);
    assert.equal(editDistance("3.12-slimm", "3.12-slim"), 1);
    assert.equal(editDistance("bookwork", "bookworm"), 1);
    assert.equal(editDistance("ngnix", "nginx"), 1);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("kitten", "sitting"), 3);
  });

  it("says one edit apart exactly where the linear check did", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "-"), maxLength: 7 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        assert.equal(isOneEditApart(a, b), oneEditLinear(a, b), `${a} / ${b}`);
      }),
      { numRuns: 2000 },
    );
  });
});
