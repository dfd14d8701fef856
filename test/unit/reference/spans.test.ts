/**
 * splitReferenceText: where registry, repository, tag and digest sit in the text as written,
 * for colouring, underlining and placing edits (such as inserting `@sha256:…` after the tag).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitReferenceText, type Span } from "../../../server/src/reference";

const DIGEST = `sha256:${"ab".repeat(32)}`;

interface Parts {
  name: string;
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

function parts(text: string): Parts {
  const spans = splitReferenceText(text);
  const slice = (span: Span): string => text.slice(span.start, span.end);
  const result: Parts = { name: slice(spans.name), repository: slice(spans.repository) };
  if (spans.registry !== undefined) result.registry = slice(spans.registry);
  if (spans.tag !== undefined) result.tag = slice(spans.tag);
  if (spans.digest !== undefined) result.digest = slice(spans.digest);
  return result;
}

describe("splitting reference text into parts", () => {
  const cases: [string, Parts][] = [
    ["python", { name: "python", repository: "python" }],
    ["python:3.12-slim", { name: "python", repository: "python", tag: "3.12-slim" }],
    [`python@${DIGEST}`, { name: "python", repository: "python", digest: DIGEST }],
    [`python:3@${DIGEST}`, { name: "python", repository: "python", tag: "3", digest: DIGEST }],
    ["user/app:1", { name: "user/app", repository: "user/app", tag: "1" }],
    ["ghcr.io/o/r:1", { name: "ghcr.io/o/r", registry: "ghcr.io", repository: "o/r", tag: "1" }],
    [
      `localhost:5000/a/b:c@${DIGEST}`,
      { name: "localhost:5000/a/b", registry: "localhost:5000", repository: "a/b", tag: "c", digest: DIGEST },
    ],
    ["[::1]:5000/app", { name: "[::1]:5000/app", registry: "[::1]:5000", repository: "app" }],
    [
      "docker.io/library/python",
      { name: "docker.io/library/python", registry: "docker.io", repository: "library/python" },
    ],
    ["localhost:5000", { name: "localhost", repository: "localhost", tag: "5000" }],
    ["MyHost/app", { name: "MyHost/app", registry: "MyHost", repository: "app" }],
    ["", { name: "", repository: "" }],
  ];
  for (const [text, expected] of cases) {
    it(`splits ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parts(text), expected);
    });
  }

  it("excludes the ':' and '@' separators from the tag and digest spans", () => {
    const spans = splitReferenceText(`python:3@${DIGEST}`);
    assert.deepEqual(spans.tag, { start: 7, end: 8 });
    assert.deepEqual(spans.digest, { start: 9, end: 9 + DIGEST.length });
  });

  it("gives the place to insert a digest: after the tag, or after the name when untagged", () => {
    const insertAt = (text: string): number => {
      const spans = splitReferenceText(text);
      return spans.tag?.end ?? spans.name.end;
    };
    const pin = (text: string): string => {
      const at = insertAt(text);
      return `${text.slice(0, at)}@${DIGEST}${text.slice(at)}`;
    };
    assert.equal(pin("python:3.12"), `python:3.12@${DIGEST}`);
    assert.equal(pin("ghcr.io/o/r"), `ghcr.io/o/r@${DIGEST}`);
    assert.equal(pin("localhost:5000/app"), `localhost:5000/app@${DIGEST}`);
  });

  it("splits text still being typed, without validating it", () => {
    assert.deepEqual(parts("python:"), { name: "python", repository: "python", tag: "" });
    assert.deepEqual(parts("python@sha"), { name: "python", repository: "python", digest: "sha" });
    assert.deepEqual(parts("ghcr.io/"), { name: "ghcr.io/", registry: "ghcr.io", repository: "" });
    assert.deepEqual(parts("Python:3"), { name: "Python", repository: "Python", tag: "3" });
  });

  it("keeps offsets relative to the given string, whatever surrounds it in the document", () => {
    const line = "FROM ghcr.io/o/r:1 AS build";
    const text = line.slice(5, 18);
    const spans = splitReferenceText(text);
    assert.equal(spans.tag?.start, 12);
    assert.equal(line.slice(5 + (spans.tag?.start ?? 0), 5 + (spans.tag?.end ?? 0)), "1");
  });
});
