/**
 * Property tests (fast-check) for ratelimit.ts: rate-limit and Retry-After headers.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  parseRateLimitHeaders,
  parseRateLimitValue,
  parseRetryAfter,
  RateLimitTracker,
  type HeaderBag,
  type RateLimitInfo,
} from "../../../server/src/registry/ratelimit";
import {
  NOW,
  assertOptionalString,
  assertValidTime,
  bws,
  digitText,
  junkText,
  ows,
} from "../../support/arbitraries";

function assertRateLimitInfo(info: RateLimitInfo | undefined, now: number): void {
  if (info === undefined) return;
  assert.equal(info.observedAt, now);
  for (const k of ["limit", "remaining", "windowSeconds"] as const) {
    const v = info[k];
    if (v !== undefined) assert.ok(Number.isInteger(v) && v >= 0 && Number.isFinite(v), `${k} ${v}`);
  }
  assertValidTime(info.resetAt, "resetAt");
  assertOptionalString(info.source, "source");
}

const titleCase = (s: string): string =>
  s.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

const RATE_LIMIT_HEADERS = [
  "ratelimit-limit",
  "ratelimit-remaining",
  "ratelimit-reset",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
  "docker-ratelimit-source",
];

const headerName = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .constantFrom(...RATE_LIMIT_HEADERS)
      .chain((n) => fc.constantFrom(n, n.toUpperCase(), titleCase(n))),
  },
  { weight: 1, arbitrary: fc.constantFrom("content-type", "link", "__proto__", "constructor") },
);

const httpDate = fc
  .date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true })
  .map((d) => d.toUTCString());

const rateLimitText = fc.oneof(
  digitText,
  fc.tuple(digitText, digitText).map(([c, w]) => `${c};w=${w}`),
  fc.tuple(digitText, digitText, digitText).map(([q, c, w]) => `${q}, ${c};w=${w};comment="pulls"`),
  httpDate,
  fc.constantFrom("", " ", "-1", "1e3", "0x10", "Infinity", "NaN", "1.5", "w=60"),
  junkText,
);

const headerBag: fc.Arbitrary<HeaderBag> = fc.dictionary(
  headerName,
  fc.oneof(rateLimitText, fc.array(rateLimitText, { maxLength: 3 }), fc.constant(undefined)),
  { maxKeys: 6, noNullPrototype: true },
);

describe("rate-limit headers from a lying registry", () => {
  it("parseRateLimitValue never throws and gives whole, finite counts and windows", () => {
    fc.assert(
      fc.property(fc.option(rateLimitText, { nil: undefined }), (value) => {
        const r = parseRateLimitValue(value);
        if (r === undefined) return;
        assert.ok(Number.isInteger(r.count) && r.count >= 0, `count ${r.count}`);
        if (r.windowSeconds !== undefined)
          assert.ok(Number.isInteger(r.windowSeconds) && r.windowSeconds >= 0, `window ${r.windowSeconds}`);
      }),
      fuzzParameters(1000),
    );
  });

  it("parseRetryAfter never throws and gives undefined or a time a Date can hold", () => {
    fc.assert(
      fc.property(rateLimitText, (value) => assertValidTime(parseRetryAfter(value, NOW), "Retry-After")),
      fuzzParameters(1000),
    );
  });

  it("parseRateLimitHeaders never throws and gives well-typed information", () => {
    fc.assert(
      fc.property(headerBag, (headers) => assertRateLimitInfo(parseRateLimitHeaders(headers, NOW), NOW)),
      fuzzParameters(1000),
    );
  });

  it("a 429 blocks the host until a later time a Date can hold, whatever its headers say", () => {
    fc.assert(
      fc.property(headerBag, (headers) => {
        const tracker = new RateLimitTracker(() => NOW, 60_000);
        const { resetAt, estimate } = tracker.block("registry.example", headers);
        assert.equal(typeof estimate, "boolean");
        assert.ok(resetAt > NOW, `resetAt ${resetAt} is not after now`);
        assertValidTime(resetAt, "resetAt");
        assert.deepEqual(tracker.blockedUntil("registry.example"), {
          until: resetAt,
          estimate,
          scope: "all",
        });
      }),
      fuzzParameters(1000),
    );
  });
});

/**
 * Waits a registry really announces: up to a day (Docker Hub's window is 6 hours). Longer ones are
 * the lies above, which ratelimit.ts may cap, so they are not round-tripped here.
 */
const DAY_SECONDS = 86_400;

describe("generated rate-limit headers", () => {
  it("`count[;w=window][;comment]` lists read back as the first count and the first window", () => {
    const item = fc.record({
      count: fc.nat(),
      window: fc.option(fc.nat({ max: DAY_SECONDS }), { nil: undefined }),
      comment: fc.boolean(),
      space: fc.tuple(ows, bws),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 3 }), (items) => {
        const value = items
          .map(
            ({ count, window, comment, space: [o, b] }) =>
              `${o}${count}${window !== undefined ? `${o};${o}w${b}=${b}${window}` : ""}${comment ? ';comment="x"' : ""}${o}`,
          )
          .join(",");
        const window = items.find((i) => i.window !== undefined)?.window;
        assert.deepEqual(parseRateLimitValue(value), {
          count: items[0]?.count,
          ...(window !== undefined ? { windowSeconds: window } : {}),
        });
      }),
      fuzzParameters(300),
    );
  });

  it("Retry-After reads delta seconds and HTTP dates", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: DAY_SECONDS }),
        fc.date({
          min: new Date("1990-01-01"),
          max: new Date(NOW + DAY_SECONDS * 1000),
          noInvalidDate: true,
        }),
        (seconds, date) => {
          assert.equal(parseRetryAfter(` ${seconds} `, NOW), NOW + seconds * 1000);
          assert.equal(parseRetryAfter(date.toUTCString(), NOW), Math.floor(date.getTime() / 1000) * 1000);
        },
      ),
      fuzzParameters(300),
    );
  });

  it("Docker Hub's registry headers read back as limit, remaining, window and source", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 100_000 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 1, max: DAY_SECONDS }),
        fc.ipV4(),
        (limit, remaining, window, source) => {
          const info = parseRateLimitHeaders(
            {
              "RateLimit-Limit": `${limit};w=${window}`,
              "ratelimit-remaining": [`${remaining};w=${window}`],
              "docker-ratelimit-source": ` ${source} `,
            },
            NOW,
          );
          assert.deepEqual(info, { observedAt: NOW, limit, remaining, windowSeconds: window, source });
        },
      ),
      fuzzParameters(200),
    );
  });
});
