/**
 * invalid-stage-reference: sources BuildKit rejects (checked against moby/buildkit
 * frontend/dockerfile/dockerfile2llb/convert.go): FROM in another letter case than an earlier
 * stage, a stage index out of range, a later stage or the stage itself, a variable in --from.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe } from "node:test";
import { invalidStageReference } from "../../../../server/src/features/rules/invalidStageReference";
import { unresolvableArg } from "../../../../server/src/features/rules/unresolvableArg";
import { itBoth } from "../fixtures";
import { applyFix, run } from "./helpers";

const FIXTURES = path.resolve(__dirname, "../../../fixtures/buildkit");
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");

describe("invalid-stage-reference", () => {
  itBoth(
    "reports FROM Build after AS Build, with a fix to the lower-case name",
    fixture("stage-case.Dockerfile"),
    {},
    (c) => {
      const found = run(c, invalidStageReference);
      assert.deepEqual(
        found.map((f) => f.text),
        ["Build"],
        "only FROM Build: COPY --from=Build and FROM build match the stage",
      );
      const [first] = found;
      assert.ok(first !== undefined);
      assert.match(first.finding.message, /failed to parse stage name "Build": invalid reference format/);
      assert.match(first.finding.message, /Write "build" to build on stage 0\.$/);
      const fixed = applyFix(c, invalidStageReference, first.finding);
      assert.match(fixed, /^FROM build AS app$/m);
    },
  );

  itBoth(
    "reports a stage index out of range, a later stage and the stage itself",
    fixture("stage-index.Dockerfile"),
    {},
    (c) => {
      const found = run(c, invalidStageReference).map((f) => [f.text, f.finding.message] as const);
      assert.equal(found.length, 3, JSON.stringify(found));
      const [later, index, self] = found;
      assert.equal(later?.[0], "later");
      assert.match(
        later?.[1] ?? "",
        /Stage 2 \(later\) is defined after this one.*cannot copy from stage "later"/,
      );
      assert.equal(index?.[0], "5");
      assert.match(
        index?.[1] ?? "",
        /There is no stage 5: .* this Dockerfile has 3 stages .*invalid stage index 5/,
      );
      assert.equal(self?.[0], "final");
      assert.match(self?.[1] ?? "", /circular dependency/);
    },
  );

  itBoth(
    "reports a later stage in --mount from=",
    "FROM alpine:3.22\nRUN --mount=from=tools,target=/t ls\nFROM busybox:1.37 AS tools\n",
    {},
    (c) => {
      const [found, ...rest] = run(c, invalidStageReference);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "tools");
      assert.match(
        found?.finding.message ?? "",
        /cannot mount from stage "tools", stage needs to be defined before current command/,
      );
    },
  );

  itBoth(
    "says BuildKit does not expand --from, without a NAME placeholder or ARG-default advice",
    fixture("copy-from-variable.Dockerfile"),
    {},
    (c) => {
      const found = run(c, invalidStageReference);
      assert.deepEqual(
        found.map((f) => f.text),
        ["$SRC", "${SRC}"],
      );
      for (const f of found) {
        assert.doesNotMatch(f.finding.message, /NAME|Declare ARG|--build-arg/);
        assert.match(f.finding.message, /does not expand variables/);
      }
      assert.deepEqual(run(c, unresolvableArg), [], "unresolvable-arg is about FROM only");
    },
  );

  itBoth(
    "stays quiet for earlier stages, by name in any case or by index",
    fixture("copy-flags.Dockerfile"),
    {},
    (c) => {
      assert.deepEqual(run(c, invalidStageReference), []);
    },
  );
});
