import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../../server/src/dockerfile";

describe("parseDockerfile", () => {
  it("parses a text once however many features read it", () => {
    const text = "FROM alpine:3.22\nRUN echo hi\n";
    const first = parseDockerfile(text);
    assert.equal(parseDockerfile(`${text}`), first);
    assert.equal(first.getInstructions().length, 2);
  });

  it("parses a changed text afresh and keeps only the last few", () => {
    const a = parseDockerfile("FROM a\n");
    const b = parseDockerfile("FROM b\n");
    assert.notEqual(a, b);
    assert.equal(b.getFROMs()[0]?.getImageName(), "b");
    for (let i = 0; i < 10; i++) parseDockerfile(`FROM c${i}\n`);
    assert.notEqual(parseDockerfile("FROM a\n"), a, "old texts are forgotten");
  });
});
