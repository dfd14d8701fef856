/** unresolvable-arg: image names that depend on an ARG with no value FROM can use. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe } from "node:test";
import { unresolvableArg } from "../../../../server/src/features/rules/unresolvableArg";
import { itBoth } from "../fixtures";
import { covered, run } from "./helpers";

describe("unresolvable-arg", () => {
  itBoth(
    "flags a FROM built from an ARG without a default, pointing at the ARG",
    "ARG BASE\nFROM $BASE AS app\n",
    {},
    (c) => {
      const [found, ...rest] = run(c, unresolvableArg);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "$BASE");
      assert.equal(
        found?.finding.message,
        "$BASE depends on a value only the build command can give: ARG BASE has no default value, so it is empty " +
          "unless the build passes --build-arg BASE=…. FROM Lens cannot look the image up, and a build without " +
          "--build-arg BASE=… uses an empty value (usually a broken reference). Declare ARG BASE with a default " +
          "before the first FROM (ARG BASE=…).",
      );
      const related = found?.finding.relatedInformation ?? [];
      assert.equal(related.length, 1);
      assert.equal(related[0]?.location.uri, c.ctx.doc.uri);
      assert.equal(covered(c, related[0].location.range), "BASE");
    },
  );

  itBoth(
    "flags an ARG declared inside a stage, which FROM cannot see",
    "FROM alpine:3.22\nARG TAG=3.12\nFROM python:${TAG}-slim\n",
    {},
    (c) => {
      const [found] = run(c, unresolvableArg);
      assert.equal(found?.text, "python:${TAG}-slim");
      assert.match(
        found?.finding.message ?? "",
        /ARG TAG is not declared before the first FROM \(it is declared inside a stage on line 2/,
      );
    },
  );

  itBoth(
    "stays quiet for ARGs with defaults, :- defaults, platform ARGs, literal images and comments",
    [
      "ARG PY=3.12",
      "ARG BASE=python:${PY}-slim",
      "FROM ${BASE} AS a",
      "FROM ${OTHER:-alpine:3.22} AS b",
      "FROM --platform=$BUILDPLATFORM golang:1.25-bookworm AS c",
      "# FROM $UNSET",
      "FROM a",
      "",
    ].join("\n"),
    {},
    (c) => assert.deepEqual(run(c, unresolvableArg), []),
  );
});

describe("unresolvable-arg beyond ARG defaults", () => {
  itBoth(
    "never blames the automatic platform ARGs: BuildKit always sets them",
    readFileSync(path.resolve(__dirname, "../../../fixtures/buildkit/platform-args.Dockerfile"), "utf8"),
    {},
    (c) => assert.deepEqual(run(c, unresolvableArg), []),
  );

  itBoth(
    "reports ${…} nested deeper than FROM Lens expands, and keeps the file's other references",
    `ARG A\nFROM ${"${A:-".repeat(3000)}x${"}".repeat(3000)} AS deep\nFROM python:3.12-slim\n`,
    {},
    (c) => {
      assert.equal(c.ctx.refs.length, 2, "the extractor does not throw: both references are there");
      const [found, ...rest] = run(c, unresolvableArg);
      assert.equal(rest.length, 0);
      assert.match(
        found?.finding.message ?? "",
        /^FROM Lens does not check this image: .*nest more than 64 levels deep/,
      );
      assert.doesNotMatch(found?.finding.message ?? "", /Declare ARG|--build-arg/);
    },
  );

  itBoth("gives no --build-arg advice for a malformed substitution", "FROM python:${PY:?}\n", {}, (c) => {
    const [found] = run(c, unresolvableArg);
    assert.match(
      found?.finding.message ?? "",
      /^FROM Lens cannot tell which image python:\$\{PY:\?\} is: BuildKit cannot expand/,
    );
  });
});
