/**
 * expandWord: the port of BuildKit's shell lexer (frontend/dockerfile/shell/lex.go), table-driven.
 * Expected values follow lex.go's behaviour and its tests (shell/envVarTest).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandWord } from "../../../server/src/dockerfile";
import type { Variable, VariableLookup } from "../../../server/src/dockerfile";

const vars: Record<string, Variable> = {
  PY: { state: "set", value: "3.12" },
  EMPTY: { state: "set", value: "" },
  PATHISH: { state: "set", value: "/usr/local/bin/python3" },
  FILE: { state: "set", value: "archive.tar.gz" },
  NODEF: { state: "unset", reason: "ARG NODEF has no default value" },
  ARCH: { state: "unknown", reason: "ARCH differs per platform" },
  SPACED: { state: "set", value: "a b" },
  STARS: { state: "set", value: "x*y*" },
};
const lookup: VariableLookup = (name) =>
  vars[name] ?? { state: "unset", reason: `ARG ${name} is not declared` };

describe("expandWord", () => {
  const values: [string, string][] = [
    ["python:3.12-slim", "python:3.12-slim"],
    ["python:$PY-slim", "python:3.12-slim"],
    ["python:${PY}-slim", "python:3.12-slim"],
    ["python:${PY:-3.11}", "python:3.12"],
    ["python:${NODEF:-3.11}", "python:3.11"],
    ["python:${UNDECLARED:-3.11}", "python:3.11"],
    ["python:${EMPTY:-3.11}", "python:3.11"],
    ["python:${EMPTY-3.11}x", "python:x"],
    ["python:${NODEF-3.11}", "python:3.11"],
    ["python:3.12${PY:+-slim}", "python:3.12-slim"],
    ["python:3.12${PY+-slim}", "python:3.12-slim"],
    ["python:3.12${NODEF:+-slim}", "python:3.12"],
    ["python:3.12${EMPTY:+-slim}", "python:3.12"],
    ["python:3.12${EMPTY+-slim}", "python:3.12-slim"],
    ["python:${PY:?need PY}", "python:3.12"],
    ["${PATHISH#*/}", "usr/local/bin/python3"],
    ["${PATHISH##*/}", "python3"],
    ["${FILE%.*}", "archive.tar"],
    ["${FILE%%.*}", "archive"],
    ["${FILE/tar/zip}", "archive.zip.gz"],
    ["${FILE//a/A}", "Archive.tAr.gz"],
    ["${FILE/#arch/ARCH}", "archive.tar.gz"],
    ["'python:$PY'", "python:$PY"],
    ['"python:$PY"', "python:3.12"],
    ["python:\\$PY", "python:$PY"],
    ['"a\\"b"', 'a"b'],
    ["a\\", "a"],
    ["cost$", "cost$"],
    ["$", "$"],
    ["${SPACED}", "a b"],
    ["a${PY:-${FILE%%.*}}b", "a3.12b"],
    ["${NODEF:-${PY}}", "3.12"],
    ["${PATHISH//\\//-}", "-usr-local-bin-python3"],
    ["${STARS%\\*}", "x*y"],
    ["${STARS#*\\*}", "y*"],
    ["${STARS%%\\**}", "x"],
    ["${FILE/t?r/zip}", "archive.zip.gz"],
  ];
  for (const [word, expected] of values) {
    it(`expands ${word} to ${expected}`, () => {
      const result = expandWord(word, lookup);
      assert.equal(result.error, undefined);
      assert.equal(result.unknown, undefined);
      assert.equal(result.value, expected);
    });
  }

  it("uses the escape directive's token", () => {
    assert.equal(expandWord("python:`$PY", lookup, "`").value, "python:$PY");
    assert.equal(expandWord("C:\\app", lookup, "`").value, "C:\\app");
  });

  const unknown: [string, RegExp][] = [
    ["python:$NODEF", /ARG NODEF has no default value/],
    ["python:${NODEF}", /ARG NODEF has no default value/],
    ["python:$UNDECLARED", /ARG UNDECLARED is not declared/],
    ["${ARCH}/alpine", /ARCH differs per platform/],
    ["${ARCH:-amd64}/alpine", /ARCH differs per platform/],
    ["x${ARCH:+-variant}", /ARCH differs per platform/],
    ["${NODEF%%.*}", /ARG NODEF has no default value/],
    ["${PY:-$ARCH}${NODEF}", /ARG NODEF has no default value/],
    ["${NODEF:-$ARCH}", /ARCH differs per platform/],
  ];
  for (const [word, reason] of unknown) {
    it(`has no value for ${word}, and says why`, () => {
      const result = expandWord(word, lookup);
      assert.equal(result.value, undefined);
      assert.match(result.unknown ?? "", reason);
    });
  }

  const errors: [string, string][] = [
    ["${PY", "syntax error: missing '}'"],
    ["${PY:-3.11", "syntax error: missing '}'"],
    ["${}", "syntax error: bad substitution"],
    ["${:-x}", "syntax error: bad substitution"],
    ["${PY:=x}", "unsupported modifier (:=) in substitution"],
    ["${PY=x}", "unsupported modifier (=) in substitution"],
    ["${PY:#x}", "unsupported modifier (:#) in substitution"],
    ["'python", "unexpected end of statement while looking for matching single-quote"],
    ['"python', "unexpected end of statement while looking for matching double-quote"],
    ["${NODEF?}", "NODEF: is not allowed to be unset"],
    ["${EMPTY:?must be set}", "EMPTY: must be set"],
    ["${FILE/a}", "syntax error: missing '/' in ${}"],
    ["${FILE/a/b", "syntax error: missing '}'"],
    ["${FILE%\\.gz}", "invalid pattern (\\.gz) in substitution: invalid escape '\\.'"],
    ["${A:-'x}", "syntax error: missing '}'"],
  ];
  for (const [word, message] of errors) {
    it(`reports the error for ${word}`, () => {
      const result = expandWord(word, lookup);
      assert.equal(result.value, undefined);
      assert.equal(result.error, message);
    });
  }

  it("lists every variable the word names, once, in order", () => {
    assert.deepEqual(expandWord("${A:-$B}:${A}$C${B}", lookup).used, ["A", "B", "C"]);
    assert.deepEqual(expandWord("'$QUOTED'\\$ESCAPED", lookup).used, []);
  });

  it("reads names the way sh does: letters, digits, underscore; digits and specials alone", () => {
    assert.deepEqual(expandWord("$PY_2.x", lookup).used, ["PY_2"]);
    assert.deepEqual(expandWord("$1x", lookup).used, ["1"]);
    assert.deepEqual(expandWord("$@x", lookup).used, ["@"]);
    assert.deepEqual(expandWord("$ÄRG-x", lookup).used, ["ÄRG"]);
  });
});
