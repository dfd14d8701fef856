/** slim-final-stage: the shipped stage of a multi-stage build on a full image with a -slim sibling. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { slimCandidates, slimFinalStage } from "../../../../server/src/features/rules/slimFinalStage";
import type { Lookup } from "../../../../server/src/resolver/types";
import { hubTagNames, itBoth, realFactsAs, realFactsWithHub, resolved } from "../fixtures";
import { applyFix, only, run } from "./helpers";

/** python's tags on test/fixtures/hub, plus the full-image tags (illustrative: the official naming scheme). */
const PYTHON_TAGS = [...hubTagNames("library/python"), "3.12", "3.12-trixie", "3.13"];
/** Illustrative: python:3.12 described by 3.12-slim's realdata documents; only the tag list matters. */
const PYTHON_FULL = realFactsAs("python:3.12-slim", "3.12");

const LOOKUPS: Record<string, Lookup> = {
  "python:3.12": resolved("python:3.12", PYTHON_FULL, { tags: PYTHON_TAGS }),
  "python:3.12-trixie": resolved("python:3.12-trixie", PYTHON_FULL, { tags: PYTHON_TAGS }),
  "python:3.13": resolved("python:3.13", PYTHON_FULL, { tags: PYTHON_TAGS }),
  "python:3.12-slim": resolved("python:3.12-slim", realFactsWithHub("python:3.12-slim"), {
    tags: PYTHON_TAGS,
  }),
  "golang:1.25-bookworm": resolved("golang:1.25-bookworm", realFactsWithHub("golang:1.25-bookworm"), {
    tags: hubTagNames("library/golang"),
  }),
};

const BUILD = "FROM golang:1.25-bookworm AS build\nRUN go build -o /out/app ./cmd/app\n";

describe("slim-final-stage", () => {
  itBoth(
    "hints when the shipped stage could use the -slim variant",
    `${BUILD}FROM python:3.12\nCOPY --from=build /out/app /app\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, slimFinalStage);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "3.12");
      assert.equal(
        found?.finding.message,
        "The final stage, the image this build ships, uses the full python:3.12, with compilers, headers and tools " +
          "the earlier stages already used. python:3.12-slim is published too: a smaller image with fewer packages " +
          "to patch, usually enough to run what the earlier stages built.",
      );
      assert.equal(
        applyFix(c, slimFinalStage, found.finding),
        c.lines(`${BUILD}FROM python:3.12-slim\nCOPY --from=build /out/app /app\n`),
      );
    },
  );

  itBoth("finds slim before a codename", `${BUILD}FROM python:3.12-trixie\n`, { lookups: LOOKUPS }, (c) => {
    assert.equal(
      applyFix(c, slimFinalStage, only(c, slimFinalStage)),
      c.lines(`${BUILD}FROM python:3.12-slim-trixie\n`),
    );
  });

  itBoth(
    "stays quiet for a single-stage build (nothing earlier to leave the tools in)",
    "FROM python:3.12\n",
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, slimFinalStage), []),
  );

  for (const final of ["python:3.12-slim", "build", "scratch", "python:3.13"]) {
    itBoth(
      `quiet when the final stage is ${final}`,
      `FROM python:3.12 AS build\nFROM ${final}\n`,
      { lookups: LOOKUPS },
      (c) => {
        assert.deepEqual(run(c, slimFinalStage), []);
      },
    );
  }

  it("slimCandidates: where official images put -slim", () => {
    assert.deepEqual(slimCandidates("latest"), ["slim"]);
    assert.deepEqual(slimCandidates("3.12"), ["3.12-slim"]);
    assert.deepEqual(slimCandidates("3.12-bookworm"), ["3.12-bookworm-slim", "3.12-slim-bookworm"]);
    assert.deepEqual(slimCandidates("1.80-rust-bookworm"), [
      "1.80-rust-bookworm-slim",
      "1.80-rust-slim-bookworm",
      "1.80-slim-rust-bookworm",
    ]);
  });
});
