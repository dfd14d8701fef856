/**
 * Shared fast-check arbitraries and checks for the property tests of the registry layer's pure
 * parsers (test/unit/registry/*.properties.test.ts, test/unit/oci/platform.properties.test.ts):
 * junk and hostile values a lying registry could send, digests, HTTP header building blocks, and
 * the assertions every parser's result must pass.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { BadResponseReason, ResolveError } from "../../server/src/registry/errors";

export const chars = (s: string): fc.Arbitrary<string> => fc.constantFrom(...s.split(""));

/** `s`, `S` or `s` with a capital first letter. */
export const casings = (s: string): string[] => [s, s.toUpperCase(), (s[0] ?? "").toUpperCase() + s.slice(1)];

export const casing = (s: string): fc.Arbitrary<string> => fc.constantFrom(...casings(s));

export const HEX = "0123456789abcdef";

export const LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** RFC 7230 tchar. */
export const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** RFC 7235 token68 characters (before the trailing `=`). */
export const TOKEN68_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

export const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

/** The largest time a JavaScript Date can hold (ECMA-262 §21.4.1.1). */
export const MAX_DATE_MS = 8.64e15;

export const jsonBytes = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v), "utf8");

/** What a parser reading `v` as JSON text can at most give back. */
export const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export const junkText = fc.string({ unit: "binary", maxLength: 60 });

export const junkBytes = fc.uint8Array({ maxLength: 300 });

export const text = fc.string({ unit: "grapheme", maxLength: 20 });

export const nonEmptyText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });

/** Digit strings of every length, including ones no double can hold (310+ digits: Infinity). */
export const digitText = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.string({ unit: chars("0123456789"), minLength: 310, maxLength: 330 }),
);

/**
 * JSON objects with keys named like Object.prototype members: `{"toString":0}` cannot be turned
 * into a string (String() and template literals throw), `{"__proto__":…}` is an own key.
 */
export const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(
    fc.constantFrom("toString", "valueOf", "constructor", "__proto__", "hasOwnProperty", "length"),
    fc.jsonValue({ maxDepth: 1 }),
    { minKeys: 1, maxKeys: 3 },
  ),
  fc.constantFrom<unknown>({ toString: 0 }, [{ toString: "" }], { toString: null, valueOf: null }),
);

/** Any JSON value a lying server could put where something else belongs. */
export const lie: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  hostileObject,
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(""),
  junkText,
  digitText,
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);

export const host = fc.option(fc.constantFrom("registry.example", "127.0.0.1:5000", "ghcr.io"), {
  nil: undefined,
});

export const digest = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({ unit: chars(HEX), minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: chars(HEX), minLength: 128, maxLength: 128 }).map((h) => `sha512:${h}`),
  },
);

export const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Exhaustive by construction: adding a reason to the union breaks the build until it is listed. */
export const BAD_RESPONSE_REASONS: Record<BadResponseReason, true> = {
  "digest-mismatch": true,
  "too-large": true,
  truncated: true,
  schema1: true,
  "unsupported-media-type": true,
  malformed: true,
  "unexpected-status": true,
  "unsupported-digest": true,
  "insecure-realm": true,
  "bad-challenge": true,
  "bad-redirect": true,
  "no-token": true,
  "not-docker-hub": true,
};

/** A parser's failure: a bad-response with a known reason, a message for the user and the host. */
export function assertParseFailure(error: ResolveError, expectedHost: string | undefined): void {
  assert.equal(error.kind, "bad-response");
  if (error.kind !== "bad-response") return;
  assert.ok(Object.hasOwn(BAD_RESPONSE_REASONS, error.reason), error.reason);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.trim().length > 0, "empty error message");
  assert.equal(error.host, expectedHost);
}

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Asserts without narrowing, so the checks after it still see the declared type. */
export function assertObject(v: unknown, what: string): void {
  assert.ok(isPlainRecord(v), `${what} is not an object`);
}

export function assertStringRecord(v: unknown, what: string): void {
  assert.ok(isPlainRecord(v), `${what} is not an object`);
  for (const [k, x] of Object.entries(v)) assert.equal(typeof x, "string", `${what}[${k}]`);
}

export function assertStringArray(v: unknown, what: string): void {
  assert.ok(Array.isArray(v), `${what} is not an array`);
  for (const x of v as unknown[]) assert.equal(typeof x, "string", `${what} item`);
}

export function assertOptionalString(v: unknown, what: string, nonEmpty = false): void {
  if (v === undefined) return;
  assert.equal(typeof v, "string", what);
  if (nonEmpty) assert.notEqual(v, "", `${what} is empty`);
}

export function assertValidTime(t: number | undefined, what: string): void {
  if (t === undefined) return;
  assert.ok(Number.isFinite(t) && Math.abs(t) <= MAX_DATE_MS, `${what} ${t} is not a time a Date can hold`);
  assert.doesNotThrow(() => new Date(t).toISOString(), what);
}

export function definedOnly<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const ows = fc.constantFrom("", " ", "  ", "\t", " \t");

export const bws = fc.constantFrom("", " ", "\t");

export const token = (s: string): fc.Arbitrary<string> =>
  fc.string({ unit: chars(s), minLength: 1, maxLength: 10 });

/** Names of Object.prototype members (`constructor`, `__proto__`, `toString`, …). */
export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
