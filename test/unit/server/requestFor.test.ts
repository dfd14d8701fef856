/**
 * requestFor and parseRef: one frozen request (and parsed reference) per reference text and
 * platform, shared by every stage that names the image and by every version of a document being
 * typed into, so an edit neither parses the same text again nor builds its resolver key again.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { extractImageRefs, type ImageRef } from "../../../server/src/dockerfile";
import type { FeatureContext } from "../../../server/src/features/context";
import {
  imageRefs,
  PARSED_TEXTS_KEPT,
  parsedRefs,
  parseRef,
} from "../../../server/src/features/rules/support/refs";
import { requestKey } from "../../../server/src/resolver/requests";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";
import { requestFor } from "../../../server/src/workspace";

const settings = { ...DEFAULT_SETTINGS, defaultPlatform: "linux/amd64" };

function froms(text: string): ImageRef[] {
  return extractImageRefs(text).filter((r) => r.kind === "from");
}

describe("requestFor", () => {
  it("gives every reference to the same text and platform the same request, across versions", () => {
    const v1 = froms("FROM python:3.12 AS a\nFROM python:3.12 AS b\nFROM alpine:3.20\n");
    const v2 = froms("# edited\nFROM python:3.12 AS a\nFROM alpine:3.20 AS c\n");
    const [a1, b1, alpine1] = v1.map((r) => requestFor(r, settings));
    const [a2, alpine2] = v2.map((r) => requestFor(r, settings));
    assert.ok(a1 && b1 && alpine1 && a2 && alpine2);
    assert.equal(a1, b1, "two stages, one request");
    assert.equal(a1, a2, "the next version, the same request");
    assert.equal(alpine1, alpine2);
    assert.notEqual(a1, alpine1);
    assert.equal(requestKey(a1), "docker.io/library/python:3.12 linux/amd64");
    assert.ok(Object.isFrozen(a1) && Object.isFrozen(a1.reference), "shared, so never changed");
    assert.equal(parseRef(v1[0] as ImageRef), parseRef(v2[0] as ImageRef));
  });

  it("keeps the platform apart from the text: a --platform with a space names no other image", () => {
    // Joined with a space, both would read "linux/amd64 a b": the first is image b, the second no image.
    const [quoted, spaced] = froms(
      'ARG X="a b"\nFROM --platform="linux/amd64 a" b\nFROM --platform=linux/amd64 $X\n',
    );
    assert.ok(quoted && spaced);
    assert.equal(spaced.resolved, "a b");
    const q = requestFor(quoted, settings);
    assert.equal(q?.platform, "linux/amd64 a");
    assert.equal(q?.reference.repository, "library/b");
    assert.equal(requestFor(spaced, settings), undefined, "not a reference, whatever was asked before");
    assert.equal(requestFor(quoted, settings), q);
  });

  it("follows fromLens.defaultPlatform for references without --platform", () => {
    const [ref] = froms("FROM debian:bookworm\n");
    assert.ok(ref);
    assert.equal(requestFor(ref, settings)?.platform, "linux/amd64");
    assert.equal(requestFor(ref, { ...settings, defaultPlatform: "linux/arm64" })?.platform, "linux/arm64");
  });

  it("keeps a bounded number: a file of thousands of distinct images does not grow it forever", () => {
    const lines = Array.from({ length: PARSED_TEXTS_KEPT + 10 }, (_, i) => `FROM r.example/img:${i}`);
    const refs = froms(`${lines.join("\n")}\n`);
    const first = requestFor(refs[0] as ImageRef, settings);
    for (const ref of refs) requestFor(ref, settings);
    const again = requestFor(refs[0] as ImageRef, settings);
    assert.notEqual(again, first, "dropped once the bound was passed, then made anew");
    assert.deepEqual(again, first);
  });
});

describe("imageRefs and parsedRefs", () => {
  it("are worked out once per document version and kinds, shared frozen by every rule", () => {
    const refs = extractImageRefs(
      "FROM python:3.12 AS a\nCOPY --from=alpine:3.20 / /\nFROM a\nFROM scratch\n",
    );
    const ctx = { refs } as unknown as FeatureContext;
    const all = parsedRefs(ctx);
    assert.equal(parsedRefs(ctx), all, "the second rule gets the first one's list");
    assert.deepEqual(
      all.map((p) => p.ref.raw),
      ["python:3.12", "alpine:3.20"],
    );
    assert.deepEqual(
      parsedRefs(ctx, ["from"]).map((p) => p.ref.raw),
      ["python:3.12"],
    );
    assert.equal(imageRefs(ctx, ["from"]), imageRefs(ctx, ["from"]));
    assert.ok(Object.isFrozen(all) && Object.isFrozen(all[0]), "shared, so never changed");
    const next = { refs: extractImageRefs("FROM python:3.13\n") } as unknown as FeatureContext;
    assert.deepEqual(
      parsedRefs(next).map((p) => p.ref.raw),
      ["python:3.13"],
      "another version, its own list",
    );
  });
});
