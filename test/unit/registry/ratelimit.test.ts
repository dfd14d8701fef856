import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  RateLimitTracker,
  parseRateLimitHeaders,
  parseRateLimitValue,
  parseRetryAfter,
} from "../../../server/src/registry/ratelimit";

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

describe("rate-limit header values", () => {
  const cases: [string | undefined, ReturnType<typeof parseRateLimitValue>][] = [
    ["100;w=21600", { count: 100, windowSeconds: 21600 }],
    ["0;w=21600", { count: 0, windowSeconds: 21600 }],
    ["76;w=21600", { count: 76, windowSeconds: 21600 }],
    ["100;w=3600", { count: 100, windowSeconds: 3600 }],
    ["100", { count: 100 }],
    [" 200 ; w = 21600 ", { count: 200, windowSeconds: 21600 }],
    ["100, 100;w=21600", { count: 100, windowSeconds: 21600 }],
    ['0;w=21600;comment="pulls"', { count: 0, windowSeconds: 21600 }],
    ["", undefined],
    ["unlimited", undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of cases) {
    it(`parses ${JSON.stringify(value)}`, () => assert.deepEqual(parseRateLimitValue(value), expected));
  }
});

describe("rate-limit headers of a response", () => {
  it("reads Docker Hub's registry headers (docker/hub-feedback#2464 capture)", () => {
    const info = parseRateLimitHeaders(
      {
        "ratelimit-limit": "100;w=21600",
        "ratelimit-remaining": "0;w=21600",
        "docker-ratelimit-source": "2001:41d0:801:2000::",
      },
      NOW,
    );
    assert.deepEqual(info, {
      observedAt: NOW,
      limit: 100,
      remaining: 0,
      windowSeconds: 21600,
      source: "2001:41d0:801:2000::",
    });
  });

  it("matches header names case-insensitively (older captures: RateLimit-Limit)", () => {
    const info = parseRateLimitHeaders(
      { "RateLimit-Limit": "100;w=21600", "RateLimit-Remaining": "76;w=21600" },
      NOW,
    );
    assert.equal(info?.limit, 100);
    assert.equal(info?.remaining, 76);
  });

  it("reads the Hub web API's X-RateLimit-* with a unix reset time", () => {
    const reset = Math.floor(NOW / 1000) + 60;
    const info = parseRateLimitHeaders(
      { "x-ratelimit-limit": "180", "x-ratelimit-remaining": "3", "x-ratelimit-reset": String(reset) },
      NOW,
    );
    assert.deepEqual(info, { observedAt: NOW, limit: 180, remaining: 3, resetAt: reset * 1000 });
  });

  it("prefers Retry-After (seconds) for the reset time", () => {
    const info = parseRateLimitHeaders(
      { "retry-after": "120", "x-ratelimit-reset": String(Math.floor(NOW / 1000) + 60) },
      NOW,
    );
    assert.equal(info?.resetAt, NOW + 120_000);
  });

  it("says nothing when there are no rate-limit headers (unlimited accounts)", () => {
    assert.equal(parseRateLimitHeaders({ "content-type": "application/json" }, NOW), undefined);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    assert.equal(parseRetryAfter("30", NOW), NOW + 30_000);
    assert.equal(parseRetryAfter("Thu, 01 May 2025 12:05:00 GMT", NOW), Date.UTC(2025, 4, 1, 12, 5, 0));
    assert.equal(parseRetryAfter("soon", NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
  });
});

describe("the per-host rate-limit tracker", () => {
  function tracker(start = NOW): { t: RateLimitTracker; clock: { now: number } } {
    const clock = { now: start };
    return { t: new RateLimitTracker(() => clock.now, 60_000), clock };
  }

  it("blocks a host after a 429 until Retry-After, then lets requests go", () => {
    const { t, clock } = tracker();
    const b = t.block("registry-1.docker.io", { "retry-after": "30" });
    assert.deepEqual(b, { resetAt: NOW + 30_000, estimate: false });
    assert.deepEqual(t.blockedUntil("registry-1.docker.io"), {
      until: NOW + 30_000,
      estimate: false,
      scope: "all",
    });
    assert.equal(t.blockedUntil("ghcr.io"), undefined, "other hosts are not blocked");
    clock.now = NOW + 29_999;
    assert.ok(t.blockedUntil("registry-1.docker.io"));
    clock.now = NOW + 30_000;
    assert.equal(t.blockedUntil("registry-1.docker.io"), undefined);
  });

  it("keeps the pull counter when a 401 names only docker-ratelimit-source (merges, never erases)", () => {
    const { t } = tracker();
    t.observe("registry-1.docker.io", {
      "ratelimit-limit": "100;w=21600",
      "ratelimit-remaining": "76;w=21600",
      "docker-ratelimit-source": "192.0.2.1",
    });
    // The recorded 401 of a private / mistyped repository: the source header, no limit headers.
    t.observe("registry-1.docker.io", { "docker-ratelimit-source": "192.12.184.6" });
    const last = t.get("registry-1.docker.io")?.last;
    assert.equal(last?.limit, 100);
    assert.equal(last?.remaining, 76);
    assert.equal(last?.windowSeconds, 21600);
    assert.equal(last?.source, "192.12.184.6");
  });

  it("blocks only pulls (manifest GETs) on remaining 0 or a pulls-scoped 429; pulls left again lift it", () => {
    const { t } = tracker();
    t.observe("registry-1.docker.io", {
      "ratelimit-limit": "100;w=21600",
      "ratelimit-remaining": "0;w=21600",
    });
    assert.equal(t.blockedUntil("registry-1.docker.io"), undefined, "HEADs still go");
    assert.deepEqual(t.blockedUntil("registry-1.docker.io", { pulls: true }), {
      until: NOW + 21_600_000,
      estimate: true,
      scope: "pulls",
    });
    t.observe("registry-1.docker.io", { "ratelimit-remaining": "85;w=21600" });
    assert.equal(t.blockedUntil("registry-1.docker.io", { pulls: true }), undefined);
    t.block("registry-1.docker.io", { "ratelimit-remaining": "0;w=21600" }, "pulls");
    assert.equal(t.blockedUntil("registry-1.docker.io"), undefined);
    assert.ok(t.blockedUntil("registry-1.docker.io", { pulls: true }));
    t.clear("registry-1.docker.io");
    assert.equal(t.blockedUntil("registry-1.docker.io", { pulls: true }), undefined);
  });

  it("uses the policy window as an upper bound when the 429 names no reset time", () => {
    const { t } = tracker();
    const b = t.block("registry-1.docker.io", {
      "ratelimit-limit": "100;w=21600",
      "ratelimit-remaining": "0;w=21600",
    });
    assert.deepEqual(b, { resetAt: NOW + 21_600_000, estimate: true });
  });

  it("never blocks a host for more than a day, whatever a registry claims (found by the fuzz test)", () => {
    const { t } = tracker();
    const day = 24 * 60 * 60 * 1000;
    assert.deepEqual(t.block("a.example", { "retry-after": "9".repeat(400) }), {
      resetAt: NOW + day,
      estimate: true,
    });
    assert.deepEqual(t.block("b.example", { "ratelimit-limit": "100;w=99999999999" }), {
      resetAt: NOW + day,
      estimate: true,
    });
    assert.equal(parseRateLimitValue(`${"4".repeat(400)};w=10`), undefined, "a count JavaScript cannot hold");
    const far = parseRetryAfter("9".repeat(400), NOW);
    assert.ok(far !== undefined && !Number.isNaN(new Date(far).getTime()), "a time a Date can hold");
  });

  it("uses the default cool-down for a bare 429 (Hub's anti-abuse limit)", () => {
    const { t } = tracker();
    assert.deepEqual(t.block("registry-1.docker.io", {}), { resetAt: NOW + 60_000, estimate: true });
  });

  it("remembers the last headers seen and exposes them", () => {
    const { t } = tracker();
    t.observe("registry-1.docker.io", {
      "ratelimit-limit": "100;w=21600",
      "ratelimit-remaining": "42;w=21600",
    });
    assert.equal(t.get("registry-1.docker.io")?.last?.remaining, 42);
    assert.deepEqual(
      t.snapshot().map((s) => s.host),
      ["registry-1.docker.io"],
    );
  });

  it("lifts a block when asked", () => {
    const { t } = tracker();
    t.block("a", {});
    t.block("b", {});
    t.clear("a");
    assert.equal(t.blockedUntil("a"), undefined);
    assert.ok(t.blockedUntil("b"));
    t.clear();
    assert.equal(t.blockedUntil("b"), undefined);
  });
});
