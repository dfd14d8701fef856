/**
 * Ranges and text across lines: line continuations, comments and blank lines inside them, and
 * the `# escape=` directive (backtick).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { itBoth } from "./helpers";

describe("line continuations and the escape directive", () => {
  itBoth(
    "finds a FROM whose parts sit on separate lines",
    "FROM \\\n  --platform=linux/amd64 \\\n  python:3.12-slim \\\n  AS base\n",
    (c) => {
      const ref = c.ref("python:3.12-slim");
      assert.equal(ref.stage, "base");
      assert.equal(ref.range.start.line, 2);
      assert.equal(c.slice(ref.range), "python:3.12-slim");
      assert.equal(c.slice(ref.platform?.range), "linux/amd64");
      assert.equal(ref.platform?.range.start.line, 1);
    },
  );

  itBoth(
    "joins an image name split by a continuation, and the range spans both lines",
    "FROM python:3.12\\\n-slim AS base\n",
    (c) => {
      const ref = c.ref("python:3.12-slim");
      assert.equal(ref.resolved, "python:3.12-slim");
      assert.equal(c.slice(ref.range), c.lines("python:3.12\\\n-slim"));
      assert.deepEqual(ref.range.start, { line: 0, character: 5 });
      assert.deepEqual(ref.range.end, { line: 1, character: 5 });
    },
  );

  itBoth(
    "skips comment lines and blank lines inside a continuation",
    "FROM golang:\\\n# the Go version we test against\n\n   # indented comment\n1.25-bookworm \\\n  # stage name follows\n  AS build\n",
    (c) => {
      const ref = c.ref("golang:1.25-bookworm");
      assert.equal(ref.stage, "build");
      assert.equal(ref.range.start.line, 0);
      assert.equal(ref.range.end.line, 4);
      assert.equal(
        c.slice(ref.range),
        c.lines("golang:\\\n# the Go version we test against\n\n   # indented comment\n1.25-bookworm"),
      );
    },
  );

  itBoth(
    "accepts blanks between the backslash and the end of the line",
    "FROM ubuntu:noble \\   \n  AS base\nFROM base\n",
    (c) => {
      assert.equal(c.refs[0]?.stage, "base");
      assert.equal(c.refs[1]?.isStageRef, true);
    },
  );

  itBoth(
    "uses the backtick escape from # escape=`",
    "# escape=`\nARG TAG=ltsc2022\nFROM mcr.microsoft.com/windows/servercore:${TAG} `\n  AS build\nCOPY --from=build C:\\app C:\\app\nRUN --mount=type=bind,from=build,target=C:\\src `\n    dir C:\\src\n",
    (c) => {
      const base = c.ref("mcr.microsoft.com/windows/servercore:${TAG}");
      assert.equal(base.resolved, "mcr.microsoft.com/windows/servercore:ltsc2022");
      assert.equal(base.stage, "build");
      assert.equal(c.ref("build", "copy-from").targetStage, 0);
      assert.equal(c.ref("build", "mount-from").targetStage, 0);
    },
  );

  itBoth(
    "treats a backslash as a plain character under the backtick escape",
    "# escape=`\nFROM python:3.12 AS a\\\nFROM a\n",
    (c) => {
      assert.equal(c.refs[0]?.stage, "a\\");
      assert.equal(c.refs[1]?.isStageRef, false, "stage names are matched exactly");
    },
  );

  itBoth(
    "continues with a backtick inside an image name",
    "# escape=`\nFROM eclipse-temurin:`\n21-jre-alpine\n",
    (c) => {
      const ref = c.ref("eclipse-temurin:21-jre-alpine");
      assert.equal(c.slice(ref.range), c.lines("eclipse-temurin:`\n21-jre-alpine"));
    },
  );

  itBoth("escapes a dollar with the backtick", "# escape=`\nFROM alpine:`$TAG\n", (c) => {
    assert.equal(c.refs[0]?.resolved, "alpine:$TAG");
  });

  itBoth(
    "ends the logical line at a newline, even inside an unclosed quote",
    'FROM alpine AS a\nRUN --mount="from=a,target=/x\nFROM a\n',
    (c) => {
      assert.equal(c.refs.length, 3);
      assert.equal(c.refs[2]?.kind, "from");
      assert.equal(c.refs[2]?.isStageRef, true);
    },
  );

  itBoth("ends a file with a dangling continuation", "FROM alpine:3.22 \\", (c) => {
    assert.equal(c.ref("alpine:3.22").resolved, "alpine:3.22");
  });
});
