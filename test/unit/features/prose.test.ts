/** The shared formatters: sizes, relative times, digests, "did you mean", Markdown escaping. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  closestNames,
  codeSpan,
  escapeMarkdown,
  escapeProse,
  formatAgo,
  formatBytes,
  formatClock,
  formatRelative,
  joinWords,
  shortDigest,
} from "../../../server/src/features/prose";
import { DAY, HOUR, MINUTE, NOW } from "./fixtures";

process.env.TZ = "UTC";

describe("formatBytes", () => {
  it("writes sizes as Docker Hub does, in decimal units", () => {
    const cases: [number, string][] = [
      [0, "0 B"],
      [999, "999 B"],
      [1000, "1.0 kB"],
      [812_345, "812 kB"],
      [1_938_176, "1.9 MB"],
      [29_751_109, "29.8 MB"],
      [99_960_000, "100 MB"],
      [999_960_000, "1.0 GB"],
      [2_345_678_901, "2.3 GB"],
      [Number.NaN, "?"],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, String(bytes));
  });
});

describe("formatRelative", () => {
  it("says how long ago, in the largest unit that fits", () => {
    const ago = (ms: number): string => formatRelative(NOW.getTime() - ms, NOW);
    assert.equal(ago(10_000), "just now");
    assert.equal(ago(50_000), "1 min ago");
    assert.equal(ago(12 * MINUTE), "12 min ago");
    assert.equal(ago(3 * HOUR), "3 h ago");
    assert.equal(ago(DAY), "1 day ago");
    assert.equal(ago(3 * DAY), "3 days ago");
    assert.equal(ago(45 * DAY), "1 month ago");
    assert.equal(ago(115 * DAY), "4 months ago");
    assert.equal(ago(800 * DAY), "2 years ago");
  });

  it("says how long until a future time, and reads ISO dates", () => {
    assert.equal(formatRelative(new Date(NOW.getTime() + 25 * MINUTE), NOW), "in 25 min");
    assert.equal(formatRelative("2026-11-20T12:00:00Z", NOW), "3 days ago");
    assert.equal(formatRelative("not a date", NOW), "at an unknown time");
  });

  it("reads a past event slightly in the future (clock skew) as just now", () => {
    assert.equal(formatAgo(NOW.getTime() + 2 * MINUTE, NOW), "just now");
    assert.equal(formatAgo(NOW.getTime() - 2 * MINUTE, NOW), "2 min ago");
  });

  it("writes wall-clock times as HH:MM", () => {
    assert.equal(formatClock(new Date("2026-11-23T07:05:00Z")), "07:05");
  });
});

describe("shortDigest", () => {
  it("keeps 12 hex digits, like the docker CLI", () => {
    assert.equal(
      shortDigest("sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36"),
      "sha256:229a2c5bfa27",
    );
    assert.equal(shortDigest("sha256:229a"), "sha256:229a");
    assert.equal(shortDigest("latest"), "latest");
  });
});

describe("closestNames", () => {
  const tags = ["3.12", "3.12-slim", "3.12-slim-trixie", "3.13-slim", "3-slim", "latest", "bookworm"];
  it("suggests the closest known names first", () => {
    assert.deepEqual(closestNames("3.12-slimm", tags), ["3.12-slim", "3.13-slim"]);
    assert.deepEqual(closestNames("3.12-silm", tags), ["3.12-slim", "3.13-slim"]);
    assert.deepEqual(closestNames("bookwork", tags), ["bookworm"]);
    assert.deepEqual(closestNames("LATEST", tags), ["latest"]);
  });

  it("suggests nothing for names that are not close", () => {
    assert.deepEqual(closestNames("nope", tags), []);
    assert.deepEqual(closestNames("3.12", tags), [], "the name itself is no suggestion");
    assert.deepEqual(closestNames("x", []), []);
  });
});

describe("Markdown", () => {
  it("escapes what would start markup", () => {
    assert.equal(
      escapeMarkdown("x86_64 *a* [b] <c> |d| `e` ~f~"),
      "x86\\_64 \\*a\\* \\[b\\] \\<c\\> \\|d\\| \\`e\\` \\~f\\~",
    );
  });

  it("keeps balanced backticks in prose as code spans", () => {
    assert.equal(
      escapeProse("Log in with `docker login ghcr.io` or x_y."),
      "Log in with `docker login ghcr.io` or x\\_y.",
    );
    assert.equal(escapeProse("one ` backtick"), "one \\` backtick");
  });

  it("makes code spans for any text", () => {
    assert.equal(codeSpan("sha256:229a"), "`sha256:229a`");
    assert.equal(codeSpan("a`b"), "``a`b``");
    assert.equal(codeSpan("`x"), "`` `x ``");
  });

  it("joins words as a sentence", () => {
    assert.equal(joinWords([]), "");
    assert.equal(joinWords(["A"]), "A");
    assert.equal(joinWords(["A", "B"]), "A and B");
    assert.equal(joinWords(["A", "B", "C"]), "A, B and C");
  });
});
