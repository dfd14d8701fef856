/**
 * Property tests (fast-check) for tags.ts: parseLinkNext on Link headers (RFC 8288).
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { parseLinkNext } from "../../../server/src/registry/tags";
import { LOWER_DIGITS, bws, casing, chars, junkText, ows } from "../../support/arbitraries";

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
