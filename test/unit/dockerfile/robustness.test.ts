/**
 * Empty, partial and garbage input: extractImageRefs never throws, and what it returns is always
 * well-formed (ranges inside the document, exactly one of resolved/unresolvable, …). Property
 * tests (fast-check) generate Dockerfile-like text from the tokens that trip parsers up.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs } from "../../../server/src/dockerfile";
import type { ImageRef } from "../../../server/src/dockerfile";

function assertWellFormed(text: string, refs: readonly ImageRef[]): void {
  const doc = TextDocument.create("file:///Dockerfile", "dockerfile", 0, text);
  for (const ref of refs) {
    const start = doc.offsetAt(ref.range.start);
    const end = doc.offsetAt(ref.range.end);
    assert.ok(start <= end, `range start after end for ${JSON.stringify(ref.raw)}`);
    assert.deepEqual(doc.positionAt(start), ref.range.start, "range start is a real position");
    assert.deepEqual(doc.positionAt(end), ref.range.end, "range end is a real position");
    assert.ok(ref.raw.length > 0, "no empty references");
    assert.notEqual(
      ref.resolved === undefined,
      ref.unresolvable === undefined,
      "exactly one of resolved / unresolvable",
    );
    if (ref.targetStage !== undefined) assert.ok(ref.isStageRef, "a target stage implies a stage reference");
    if (ref.isScratch) assert.equal(ref.resolved, "scratch");
    if (ref.kind === "syntax") assert.equal(ref.stageIndex, -1);
    else assert.ok(ref.stageIndex >= 0);
    for (const use of ref.argsUsed) assert.ok(use.name.length > 0);
  }
}

const tokens = [
  "FROM",
  "from",
  "ARG",
  "COPY",
  "RUN",
  "ADD",
  "ONBUILD",
  " ",
  "\t",
  "\n",
  "\\",
  "\\\n",
  "`",
  "`\n",
  "#",
  "# escape=`\n",
  "# syntax=",
  "#!",
  "=",
  "AS",
  "as",
  "build",
  "python:3.12-slim",
  "scratch",
  "0",
  "--platform=",
  "--from=",
  "--mount=",
  "type=bind,",
  "from=",
  "source=",
  ",",
  '"',
  "'",
  "$",
  "${",
  "}",
  ":-",
  ":+",
  "%%",
  "##",
  "/",
  "$BUILDPLATFORM",
  "${TARGETARCH}",
  "PY",
  "<<EOF",
  "EOF",
  "<<-",
  "\uFEFF",
  "é",
  "😀",
];
const soup = fc
  .array(fc.constantFrom(...tokens), { maxLength: 80, size: "max" })
  .map((parts) => parts.join(""));
/** Lines that start like instructions, so the flag and ARG paths are exercised, not only the parser. */
const line = fc
  .tuple(
    fc.constantFrom("FROM ", "from ", "ARG ", "COPY ", "RUN ", "# ", ""),
    fc.array(
      fc.constantFrom(
        ...tokens,
        " --from=",
        " --mount=from=",
        " --platform=$TARGETPLATFORM ",
        " AS ",
        "$PY",
        "=3.12",
      ),
      {
        maxLength: 12,
        size: "max",
      },
    ),
  )
  .map(([keyword, parts]) => keyword + parts.join(""));
const structured = fc.array(line, { maxLength: 15, size: "max" }).map((lines) => lines.join("\n"));
const dockerfileish = fc.oneof(soup, structured);

describe("robustness", () => {
  const literal = [
    "",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "`",
    "#",
    "# escape=`",
    "# syntax=",
    "# syntax=\n",
    "FROM",
    "FROM ",
    "FROM \\",
    "FROM \\\n",
    "FROM $",
    "FROM ${",
    "FROM ${}",
    'FROM "',
    "FROM --platform",
    "FROM --platform=",
    "FROM a AS",
    "ARG",
    "ARG =x",
    "ARG A=${",
    "COPY --from",
    "COPY --from=",
    "RUN --mount",
    "RUN --mount=",
    "RUN --mount=from",
    'RUN --mount="',
    "FROM a\nRUN <<EOF",
    "FROM a\nRUN <<",
    "\u0000\u0001\u0002FROM\u0000",
    "FROM a\nCOPY --from=99999999999999999999 / /",
    "FROM a\nCOPY --from=-1 / /",
    "\uFEFF",
    "#!",
    "x".repeat(10_000),
    "FROM " + "a".repeat(10_000),
  ];
  for (const text of literal) {
    it(`copes with ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text)}`, () => {
      const refs = extractImageRefs(text);
      assertWellFormed(text, refs);
    });
  }

  // Counterexamples the fuzzer found (npm run fuzz), kept as plain cases.
  it("finds nothing to look up in an empty `# syntax= ` directive", () => {
    assert.deepEqual(
      extractImageRefs("# syntax= \nFROM a\n").map((r) => r.kind),
      ["from"],
    );
  });

  it("ends a FROM word at the end of the logical line, even where dockerfile-ast reads on", () => {
    for (const eol of ["\n", "\r\n"]) {
      const refs = extractImageRefs(`FROM FROM\\${eol}\\\t##${eol}FROM `);
      assert.equal(refs.length, 1);
      assert.equal(refs[0]?.raw, "FROM\\\t##");
      assert.deepEqual(refs[0]?.range.end, { line: 1, character: 4 });
    }
  });

  it("explains a negative stage index", () => {
    const refs = extractImageRefs("FROM a\nCOPY --from=-1 / /\n");
    assert.match(refs[1]?.unresolvable ?? "", /no stage -1/);
  });

  it("never throws on arbitrary text, and returns well-formed references", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        assertWellFormed(text, extractImageRefs(text));
      }),
      fuzzParameters(500),
    );
  });

  it("never throws on Dockerfile-like text, and returns well-formed references", () => {
    fc.assert(
      fc.property(dockerfileish, (text) => {
        assertWellFormed(text, extractImageRefs(text));
      }),
      fuzzParameters(2000),
    );
  });

  it("gives the same references for LF and CRLF line endings", () => {
    fc.assert(
      fc.property(dockerfileish, (lf) => {
        fc.pre(!lf.includes("\r"));
        assert.deepEqual(extractImageRefs(lf.replace(/\n/g, "\r\n")), extractImageRefs(lf));
      }),
      fuzzParameters(1000),
    );
  });

  it("handles a long Dockerfile", () => {
    const stages = Array.from(
      { length: 500 },
      (_, i) =>
        `FROM python:3.12-slim AS s${i}\nCOPY --from=s${Math.max(0, i - 1)} /a /b\nRUN --mount=from=s0,target=/x true\n`,
    );
    const text = "ARG PY=3.12\n" + stages.join("");
    const refs = extractImageRefs(text);
    assert.equal(refs.length, 1500);
    assertWellFormed(text, refs);
  });
});

describe("deeply nested substitutions", () => {
  it("a 3,000-deep ${A:-${A:-…}} does not throw: the reference says why it is not expanded", () => {
    const deep = `${"${A:-".repeat(3000)}x${"}".repeat(3000)}`;
    const text = `ARG A\nARG B=${deep}\nFROM ${deep} AS one\nFROM $B AS two\nFROM alpine:3.22\n`;
    const refs = extractImageRefs(text);
    assertWellFormed(text, refs);
    assert.equal(refs.length, 3);
    assert.equal(refs[0]?.tooDeep, true);
    assert.match(refs[0]?.unresolvable ?? "", /nest more than 64 levels deep/);
    assert.match(refs[1]?.unresolvable ?? "", /default value of ARG B is not expanded: .*64 levels/);
    assert.equal(refs[2]?.resolved, "alpine:3.22");
  });

  it("64 levels still expand", () => {
    const text = `FROM ${"${A:-".repeat(63)}alpine:3.22${"}".repeat(63)}\n`;
    assert.equal(extractImageRefs(text)[0]?.resolved, "alpine:3.22");
  });
});
