import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DockerfileParser } from "dockerfile-ast";
import { DockerfileLanguageServiceFactory } from "dockerfile-language-service";
import { parseDockerfile, parseUncached, shareParsesWithLibraries } from "../../../server/src/dockerfile";

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

  it("keeps just the last two texts' parses: each one kept slowed every edit's GC", () => {
    const first = parseDockerfile("FROM first\n");
    const second = parseDockerfile("FROM second\n");
    assert.equal(parseDockerfile("FROM first\n"), first, "two texts (two documents) are both kept");
    parseDockerfile("FROM third\n");
    assert.notEqual(parseDockerfile("FROM second\n"), second, "a third text pushes out the least recent");
  });

  it("is what dockerfile-utils' validator parses with once shared: one parse per edit for both", () => {
    shareParsesWithLibraries();
    const text = "FROM alpine:3.22 AS base\nRUN echo hi\nFROM base\n";
    const ours = parseDockerfile(text);
    assert.equal(DockerfileParser.parse(text), ours, "the library's own parse calls reach the memo");
    const shared = DockerfileParser.parse;
    const answered: unknown[] = [];
    try {
      // The validator must parse through DockerfileParser.parse, or sharing it would not reach it.
      DockerfileParser.parse = (t: string) => {
        const dockerfile = shared(t);
        answered.push(dockerfile);
        return dockerfile;
      };
      DockerfileLanguageServiceFactory.createLanguageService().validate(text);
    } finally {
      DockerfileParser.parse = shared;
    }
    assert.ok(answered.length > 0, "the validator did not parse through DockerfileParser.parse");
    assert.ok(
      answered.every((d) => d === ours),
      "the validator parsed the text again",
    );
  });

  it("keeps slices out of the memo (parseUncached)", () => {
    const text = "FROM alpine:3.22\n";
    const kept = parseDockerfile(text);
    assert.notEqual(parseUncached(text), kept);
    assert.equal(parseDockerfile(text), kept);
  });
});
