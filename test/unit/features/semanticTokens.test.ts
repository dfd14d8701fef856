/** FROM Lens' own semantic tokens: what they say, that they scale linearly, that the legend covers them. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  SEMANTIC_TOKENS_LEGEND,
  provideSemanticTokens,
  provideSemanticTokensRange,
} from "../../../server/src/features/semanticTokens";

interface Token {
  line: number;
  char: number;
  text: string;
  type: string;
  modifiers: string[];
}

/** Decodes LSP relative token data against the legend (an index outside it fails the test). */
function decode(text: string, data: number[]): Token[] {
  const lines = text.split(/\r?\n/);
  const out: Token[] = [];
  let line = 0;
  let char = 0;
  assert.equal(data.length % 5, 0);
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, len, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
    if (dl > 0) {
      line += dl;
      char = dc;
    } else char += dc;
    const typeName = SEMANTIC_TOKENS_LEGEND.tokenTypes[type];
    assert.ok(typeName !== undefined, `token type ${type} is not in the legend`);
    assert.ok(
      mods >> SEMANTIC_TOKENS_LEGEND.tokenModifiers.length === 0,
      `modifier bits ${mods} not in the legend`,
    );
    const modifiers = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, b) => (mods & (1 << b)) !== 0);
    assert.ok(len > 0, "no empty tokens");
    out.push({ line, char, text: (lines[line] ?? "").slice(char, char + len), type: typeName, modifiers });
  }
  return out;
}

const brief = (tokens: Token[]): string[] =>
  tokens.map((t) => `${t.line}:${t.text}:${t.type}${t.modifiers.length ? "+" + t.modifiers.join("+") : ""}`);

const SAMPLE = [
  "# escape=\\",
  "ARG BASE=python",
  "FROM --platform=$BUILDPLATFORM registry.example:5000/team/${BASE}:3.12-slim@sha256:abc AS build",
  "# a comment",
  "RUN apt-get update && \\",
  "  # inside the instruction",
  '    apt-get install -y "x y" ${FOO:-bar} $HOME \\',
  "    'single'",
  'ENV A=1 B="two"',
  "COPY --from=build --chown=1:1 /a /b",
  "RUN --mount=type=cache,target=/root/.cache pip install x",
  "MAINTAINER someone",
  'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]',
  "ONBUILD RUN echo 'hi'",
  'CMD ["python", "app.py"]',
  "",
].join("\n");

describe("semantic tokens", () => {
  for (const eol of ["\n", "\r\n"]) {
    const text = SAMPLE.replaceAll("\n", eol);
    it(`classifies instructions, flags, images, variables, strings and continuations (${JSON.stringify(eol)})`, () => {
      const tokens = brief(decode(text, provideSemanticTokens(text).data));
      for (const expected of [
        "0:# :comment",
        "0:escape:property",
        "1:ARG:keyword",
        "1:BASE:variable+declaration",
        "1:=:operator",
        "2:--platform:parameter",
        "2:$BUILDPLATFORM:property",
        "2:3.12-slim:property",
        "2:sha256:abc:property",
        "2:AS:keyword",
        "2:build:namespace",
        "3:# a comment:comment",
        "4:\\:macro",
        "5:# inside the instruction:comment",
        '6:"x y":string',
        "6:${FOO:variable",
        "6::-:operator",
        "6:bar:parameter",
        "6:}:variable",
        "6:$HOME:variable",
        "7:'single':string",
        "8:B:variable+declaration",
        '8:"two":string',
        "9:--from:parameter",
        "9:build:property",
        "10:type:parameter",
        "10:cache:property",
        "10:target:parameter",
        "11:MAINTAINER:keyword+deprecated",
        "12:CMD:keyword",
        '12:"curl":string',
        "13:RUN:keyword",
        "13:'hi':string",
      ]) {
        assert.ok(tokens.includes(expected), `${expected} in\n${tokens.join("\n")}`);
      }
      // The image name, with its variable: the `:` and `@` inside `${…}` do not split it.
      assert.ok(
        tokens.some((t) => t.startsWith("2:registry.example:5000/team/${BASE}:class")),
        tokens.join("\n"),
      );
    });
  }

  it("does not overflow the stack on an escaped escape at the end of a line (a real file)", () => {
    const text = "FROM alpine\nENV C a\\\\b\\\\\nENV D x\n";
    const tokens = brief(decode(text, provideSemanticTokens(text).data));
    assert.ok(tokens.includes("1:C:variable+declaration"), tokens.join("\n"));
    // Docker continues the line after the last backslash: `ENV D x` is part of C's value.
    assert.ok(tokens.includes("2:ENV D x:parameter"), tokens.join("\n"));
  });

  it("honours `# escape=`` (backtick continuations)", () => {
    const text =
      "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n  && echo done\n";
    const tokens = brief(decode(text, provideSemanticTokens(text).data));
    assert.ok(tokens.includes("2:`:macro"), tokens.join("\n"));
    assert.ok(tokens.includes("2:c:\\:parameter"), tokens.join("\n"));
    assert.ok(tokens.includes("3:&&:parameter"), tokens.join("\n"));
  });

  it("emits only types and modifiers of the legend, on every fixture Dockerfile", () => {
    const dir = join(__dirname, "..", "..", "fixtures", "workspace");
    const texts = [
      SAMPLE,
      ...readdirSync(dir)
        .filter((f) => /ockerfile|Containerfile/.test(f))
        .map((f) => readFileSync(join(dir, f), "utf8")),
    ];
    const seen = new Set<string>();
    for (const text of texts)
      for (const t of decode(text, provideSemanticTokens(text).data)) seen.add(t.type);
    // Every legend type is used (the legend says no more than the tokens do), and none is missing.
    assert.deepEqual([...seen].sort(), [...SEMANTIC_TOKENS_LEGEND.tokenTypes].sort());
  });

  it("answers a range with exactly the full tokens of those lines, also inside a continued instruction", () => {
    for (const text of [SAMPLE, "# escape=`\nFROM x\nRUN a `\n  # c\n  b `\n  c\nCMD d\n"]) {
      const full = decode(text, provideSemanticTokens(text).data);
      const lineCount = text.split("\n").length;
      for (let from = 0; from < lineCount; from++) {
        for (const to of [from, from + 1, from + 3]) {
          const range = { start: { line: from, character: 0 }, end: { line: to, character: 0 } };
          const part = decode(text, provideSemanticTokensRange(text, range).data);
          const expected = full.filter((t) => t.line >= from && t.line <= to);
          assert.deepEqual(brief(part), brief(expected), `lines ${from}–${to}`);
        }
      }
    }
  });

  it("takes time linear in the document's size (128 KB → 1 MB), and a range stays cheap", () => {
    const unit = SAMPLE.split("\n").slice(1).join("\n");
    const doc = (bytes: number): string => unit.repeat(Math.ceil(bytes / unit.length));
    const time = (fn: () => unknown): number => {
      let best = Infinity;
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        fn();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const small = doc(128 * 1024);
    const big = doc(1024 * 1024);
    provideSemanticTokens(small); // warm-up
    const smallMs = time(() => provideSemanticTokens(small));
    const bigMs = time(() => provideSemanticTokens(big));
    // 8× the text: linear is ~8×; the library's tokenizer (quadratic) was ~60× and more.
    assert.ok(bigMs / smallMs < 20, `128 KB: ${smallMs.toFixed(0)} ms, 1 MB: ${bigMs.toFixed(0)} ms`);
    const middle = Math.floor(big.split("\n").length / 2);
    const rangeMs = time(() =>
      provideSemanticTokensRange(big, {
        start: { line: middle, character: 0 },
        end: { line: middle + 80, character: 0 },
      }),
    );
    assert.ok(
      rangeMs < bigMs / 10,
      `range of 80 lines: ${rangeMs.toFixed(1)} ms, full: ${bigMs.toFixed(0)} ms`,
    );
  });
});
