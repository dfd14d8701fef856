/**
 * Property tests with fast-check: any string gives a typed result without throwing (like
 * distribution's FuzzParseNormalizedNamed, plus shape checks), and generated valid references
 * survive formatReference / familiar / splitReferenceText round trips.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  REFERENCE_ERROR_CODES,
  familiar,
  formatReference,
  parseReference,
  splitReferenceText,
  type ParseResult,
  type Reference,
} from "../../../server/src/reference";

// ---- generators for valid, normalised references ------------------------------------------------

const chars = (s: string): fc.Arbitrary<string> => fc.constantFrom(...s.split(""));
const LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const HEX = "0123456789abcdef";

const alphanumeric = fc.string({ unit: chars(LOWER_DIGITS), minLength: 1, maxLength: 5 });
const separator = fc.constantFrom(".", "_", "__", "-", "--", "---");
const pathComponent = fc
  .tuple(alphanumeric, fc.array(fc.tuple(separator, alphanumeric), { maxLength: 3 }))
  .map(([first, rest]) => first + rest.map(([sep, an]) => sep + an).join(""));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((cs) => cs.join("/"));

const labelChars = chars(LOWER_DIGITS + UPPER);
const domainLabel = fc
  .tuple(labelChars, fc.string({ unit: fc.oneof(labelChars, fc.constant("-")), maxLength: 6 }), labelChars)
  .map(([a, middle, z]) => a + middle + z)
  .chain((long) => fc.constantFrom(long, long.slice(0, 1)));
const port = fc.integer({ min: 0, max: 99999 }).map((n) => `:${n}`);
const optionalPort = fc.option(port, { nil: "" });
const ipv4 = fc.ipV4();
const ipv6 = fc
  .array(fc.string({ unit: chars(HEX + "ABCDEF"), minLength: 1, maxLength: 4 }), {
    minLength: 2,
    maxLength: 8,
  })
  .map((groups) => `[${groups.join(":")}]`)
  .chain((full) => fc.constantFrom(full, full.replace(/:[^:\]]*:/, "::")));

/** True when the first component of a name is read as a registry (distribution's rule). */
function readsAsRegistry(component: string): boolean {
  return /[.:]/.test(component) || component === "localhost" || component !== component.toLowerCase();
}

const registry = fc
  .oneof(
    fc
      .tuple(fc.array(domainLabel, { minLength: 1, maxLength: 4 }), optionalPort)
      .map(([ls, p]) => ls.join(".") + p),
    fc.tuple(fc.constant("localhost"), optionalPort).map(([h, p]) => h + p),
    fc.tuple(ipv4, optionalPort).map(([h, p]) => h + p),
    fc.tuple(ipv6, optionalPort).map(([h, p]) => h + p),
  )
  .filter((r) => readsAsRegistry(r) && !["docker.io", "index.docker.io", "registry-1.docker.io"].includes(r));

const hubReference = path.map((p) => ({
  registry: "docker.io",
  repository: p.includes("/") ? p : `library/${p}`,
}));
const otherReference = fc.tuple(registry, path).map(([r, p]) => ({ registry: r, repository: p }));

const tagChars = LOWER_DIGITS + UPPER + "_";
const tag = fc
  .tuple(chars(tagChars), fc.string({ unit: chars(tagChars + ".-"), maxLength: 127 }))
  .map(([a, rest]) => a + rest);
const digest = fc.oneof(
  fc.string({ unit: chars(HEX), minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`),
  fc.string({ unit: chars(HEX), minLength: 128, maxLength: 128 }).map((h) => `sha512:${h}`),
);

const reference: fc.Arbitrary<Reference> = fc
  .tuple(
    fc.oneof(hubReference, otherReference),
    fc.option(tag, { nil: undefined }),
    fc.option(digest, { nil: undefined }),
  )
  .map(([name, t, d]) => {
    const ref: Reference = { ...name };
    if (t !== undefined) ref.tag = t;
    if (d !== undefined) ref.digest = d;
    return ref;
  });

/** Strings made mostly of the characters references use, so many are nearly valid. */
const referenceLike = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: chars("abcz09") },
    { weight: 3, arbitrary: chars("/:.@-_") },
    { weight: 1, arbitrary: chars("AZ[]% \n~") },
    {
      weight: 1,
      arbitrary: fc.constantFrom("sha256:", "library/", "docker.io/", "localhost", "f".repeat(32)),
    },
  ),
  maxLength: 60,
});

// ---- checks -----------------------------------------------------------------------------------

function assertWellTyped(text: string, result: ParseResult): void {
  if (result.ok) {
    const { registry: r, repository, tag: t, digest: d } = result.value;
    assert.equal(typeof r, "string");
    assert.ok(r.length > 0);
    assert.equal(typeof repository, "string");
    assert.ok(repository.length > 0);
    assert.ok(t === undefined || typeof t === "string");
    assert.ok(d === undefined || typeof d === "string");
    // Normalising is idempotent: the full and familiar forms read back as the same reference.
    assert.deepEqual(parseReference(formatReference(result.value)), result);
    assert.deepEqual(parseReference(familiar(result.value)), result);
  } else {
    const { code, message, offset, length } = result.error;
    assert.ok(REFERENCE_ERROR_CODES.includes(code), code);
    assert.ok(message.length > 0);
    if (offset !== undefined) {
      assert.ok(Number.isInteger(offset) && offset >= 0 && offset <= text.length, `offset ${offset}`);
      assert.ok(length === undefined || offset + length <= text.length, `length ${length}`);
    }
  }
}

function assertSpansInRange(text: string): void {
  const spans = splitReferenceText(text);
  const all = [spans.name, spans.registry, spans.repository, spans.tag, spans.digest];
  for (const span of all) {
    if (span === undefined) continue;
    assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length, JSON.stringify(span));
  }
  assert.ok(spans.tag === undefined || spans.tag.start === spans.name.end + 1);
  assert.ok(spans.digest === undefined || spans.digest.end === text.length);
}

describe("parseReference on arbitrary text", () => {
  it("never throws and always returns a well-typed result, for any Unicode string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => {
        assertWellTyped(text, parseReference(text));
        assertSpansInRange(text);
      }),
      fuzzParameters(2000),
    );
  });

  it("never throws and always returns a well-typed result, for nearly valid references", () => {
    fc.assert(
      fc.property(referenceLike, (text) => {
        assertWellTyped(text, parseReference(text));
        assertSpansInRange(text);
      }),
      fuzzParameters(5000),
    );
  });

  it("stays fast on long adversarial input (no catastrophic backtracking)", () => {
    const inputs = [
      "a".repeat(50_000) + "!",
      "a-".repeat(25_000) + "!",
      "a.".repeat(25_000) + "/!",
      "a/".repeat(25_000) + "!",
      "a@" + "a.".repeat(25_000) + ":",
      "[" + ":".repeat(50_000) + "/a",
    ];
    const started = performance.now();
    for (const text of inputs) assertWellTyped(text, parseReference(text));
    assert.ok(performance.now() - started < 2000, "parsing 300k characters took over 2 s");
  });
});

describe("generated valid references", () => {
  it("read back from their full form as the same reference", () => {
    fc.assert(
      fc.property(reference, (ref) => {
        assert.deepEqual(parseReference(formatReference(ref)), { ok: true, value: ref });
      }),
      fuzzParameters(1000),
    );
  });

  it("read back from their familiar form as the same reference", () => {
    fc.assert(
      fc.property(reference, (ref) => {
        assert.deepEqual(parseReference(familiar(ref)), { ok: true, value: ref });
      }),
      fuzzParameters(1000),
    );
  });

  it("read the same when written with index.docker.io", () => {
    fc.assert(
      fc.property(hubReference, fc.constantFrom("index.docker.io"), (ref, host) => {
        assert.deepEqual(parseReference(`${host}/${ref.repository}`), { ok: true, value: ref });
      }),
      fuzzParameters(100),
    );
  });

  it("have their tag, digest and registry found by splitReferenceText in both forms", () => {
    fc.assert(
      fc.property(reference, (ref) => {
        for (const text of [formatReference(ref), familiar(ref)]) {
          const spans = splitReferenceText(text);
          const slice = (span: { start: number; end: number } | undefined): string | undefined =>
            span === undefined ? undefined : text.slice(span.start, span.end);
          assert.equal(slice(spans.tag), ref.tag);
          assert.equal(slice(spans.digest), ref.digest);
          const writtenRegistry = slice(spans.registry);
          assert.ok(writtenRegistry === undefined || writtenRegistry === ref.registry);
          assert.ok(ref.repository.endsWith(slice(spans.repository) ?? "\u0000"));
        }
      }),
      fuzzParameters(500),
    );
  });

  it("are rejected as uppercase when a repository letter is made uppercase, pointing at it", () => {
    const withLetter = otherReference.filter((ref) => /[a-z]/.test(ref.repository));
    fc.assert(
      fc.property(withLetter, fc.nat(), (ref, pick) => {
        const letters = [...ref.repository.matchAll(/[a-z]/g)].map((m) => m.index);
        const index = letters[pick % letters.length] ?? 0;
        const repository =
          ref.repository.slice(0, index) +
          ref.repository.charAt(index).toUpperCase() +
          ref.repository.slice(index + 1);
        const text = `${ref.registry}/${repository}`;
        const result = parseReference(text);
        assert.ok(!result.ok);
        assert.equal(result.error.code, "uppercase-repository");
        assert.equal(result.error.offset, ref.registry.length + 1 + index);
      }),
      fuzzParameters(500),
    );
  });
});
