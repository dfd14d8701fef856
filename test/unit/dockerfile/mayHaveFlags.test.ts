/**
 * `mayHaveFlags`: extraction skips reading a RUN or COPY line for flags when its first word
 * certainly is not one. It must never skip a line BuildKit reads flags from.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DockerfileParser } from "dockerfile-ast";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs } from "../../../server/src/dockerfile";
import { mayHaveFlags, type Source } from "../../../server/src/dockerfile/source";

function firstAfterFrom(text: string): boolean {
  const dockerfile = DockerfileParser.parse(text);
  const src: Source = {
    text,
    doc: TextDocument.create("file:///Dockerfile", "dockerfile", 0, text),
    escapeChar: dockerfile.getEscapeCharacter(),
  };
  const instruction = dockerfile.getInstructions()[1];
  assert.ok(instruction !== undefined);
  return mayHaveFlags(src, instruction);
}

describe("mayHaveFlags", () => {
  it("says no only when the first word does not start with --", () => {
    assert.equal(firstAfterFrom("FROM a\nRUN echo --mount=from=b\n"), false);
    assert.equal(firstAfterFrom("FROM a\nCOPY x /y\n"), false);
    assert.equal(firstAfterFrom(`FROM a\nRUN ${"apt-get install -y x ".repeat(40)}\n`), false);
    assert.equal(firstAfterFrom("FROM a\nRUN -x\n"), false);
    assert.equal(firstAfterFrom("FROM a\nRUN --mount=from=b cat /x\n"), true);
    assert.equal(firstAfterFrom("FROM a\nCOPY \t --from=b /x /y\n"), true);
  });

  it("joins continuations, blank and comment lines before the first word, as BuildKit does", () => {
    assert.equal(firstAfterFrom("FROM a\nRUN \\\n\n# note\n  --mount=from=b cat /x\n"), true);
    assert.equal(firstAfterFrom("FROM a\nRUN -\\\n-mount=from=b cat /x\n"), true);
    assert.equal(firstAfterFrom("# escape=`\nFROM a\nRUN `\n  --mount=from=b cat /x\n"), true);
  });

  it("reads the line when the first word is further than it looks", () => {
    const far = `FROM a\nRUN \\\n${"#\n".repeat(40)}  --mount=from=b cat /x\n`;
    assert.equal(firstAfterFrom(far), true);
    const refs = extractImageRefs(far).filter((r) => r.kind === "mount-from");
    assert.deepEqual(
      refs.map((r) => r.resolved),
      ["b"],
    );
  });
});
