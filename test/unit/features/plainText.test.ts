/** The card's Markdown read back as plain text: markup gone, every character of the facts kept. */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { codeSpan, escapeMarkdown, escapeProse } from "../../../server/src/features/prose";
import { markdownToPlainText } from "../../../server/src/features/plainText";

describe("markdownToPlainText", () => {
  it("drops bold and italics and turns hard breaks into newlines", () => {
    assert.equal(
      markdownToPlainText("**Base OS** Debian 13  \n*libc: glibc.*"),
      "Base OS Debian 13\nlibc: glibc.",
    );
  });

  it("writes links as label (url), and a rule as a line", () => {
    assert.equal(
      markdownToPlainText("[Docker Hub](https://hub.docker.com/_/python)\n\n---\n\nend"),
      "Docker Hub (https://hub.docker.com/_/python)\n\n────────────────────\n\nend",
    );
  });

  it("gives back exactly the text that was escaped or put in a code span", () => {
    for (const text of [
      "x86_64 *star* [a](b) <t> |p| ~ \\ back",
      "a`b``c",
      "`edge`",
      "sha256:229a2c5bfa27",
    ]) {
      assert.equal(markdownToPlainText(escapeMarkdown(text)), text, `escaped ${text}`);
      assert.equal(markdownToPlainText(codeSpan(text)), text, `code span ${text}`);
    }
    assert.equal(
      markdownToPlainText(escapeProse("run `docker login ghcr.io`, then *refresh*")),
      "run docker login ghcr.io, then *refresh*",
    );
  });

  it("leaves an unclosed backtick as it is", () => {
    assert.equal(markdownToPlainText("a ` b"), "a ` b");
  });
});
