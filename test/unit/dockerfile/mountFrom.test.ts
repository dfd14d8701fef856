/**
 * RUN --mount=…,from=…: CSV options as BuildKit reads them; `from` names a stage or an image.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { assertRangesMatchRaw, itBoth } from "./helpers";

describe("RUN --mount from=", () => {
  itBoth(
    "refers to a stage from a bind mount",
    "FROM golang:1.25-bookworm AS build\nFROM alpine:3.22\nRUN --mount=type=bind,from=build,source=/out,target=/mnt cp /mnt/app /usr/local/bin/\n",
    (c) => {
      const ref = c.ref("build", "mount-from");
      assert.equal(ref.isStageRef, true);
      assert.equal(ref.targetStage, 0);
      assert.equal(ref.stageIndex, 1);
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "names an image from a cache mount",
    "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip,from=python:3.12-slim,source=/tmp pip install -r requirements.txt\n",
    (c) => {
      const ref = c.ref("python:3.12-slim", "mount-from");
      assert.equal(ref.isStageRef, false);
      assert.equal(ref.resolved, "python:3.12-slim");
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "reads from= before type= and keys in any case",
    "FROM alpine AS a\nFROM alpine\nRUN --mount=FROM=a,Type=bind,target=/a true\n",
    (c) => {
      assert.equal(c.ref("a", "mount-from").targetStage, 0);
    },
  );

  itBoth(
    "matches stage names case-insensitively",
    "FROM alpine AS assets\nFROM alpine\nRUN --mount=from=Assets,target=/a true\n",
    (c) => {
      assert.equal(c.ref("Assets", "mount-from").targetStage, 0);
    },
  );

  itBoth(
    "finds every mount's from, in order",
    "FROM alpine AS a\nFROM alpine AS b\nFROM alpine\nRUN --mount=from=a,target=/a --mount=type=tmpfs,target=/t --mount=from=b,target=/b true\n",
    (c) => {
      assert.deepEqual(
        c.ofKind("mount-from").map((r) => [r.raw, r.targetStage]),
        [
          ["a", 0],
          ["b", 1],
        ],
      );
    },
  );

  itBoth(
    "reads quoted values (the flag's quotes, then a CSV-quoted field)",
    'FROM alpine AS build\nFROM alpine\nRUN --mount=type=bind,source="my dir",from="build",target=/x true\nRUN --mount=\'type=bind,"from=build",target=/y\' true\n',
    (c) => {
      const refs = c.ofKind("mount-from");
      assert.equal(refs.length, 2);
      for (const ref of refs) {
        assert.equal(ref.raw, "build");
        assert.equal(ref.targetStage, 0);
        assert.equal(c.slice(ref.range), "build");
      }
    },
  );

  itBoth(
    "reads CSV quoting: doubled quotes, a quoted last field",
    'FROM alpine\nRUN --mount=\'type=bind,"from=my""image",target=/a\' true\nRUN --mount=\'target=/b,"from=nginx:alpine"\' true\n',
    (c) => {
      assert.deepEqual(
        c.ofKind("mount-from").map((r) => [r.raw, r.resolved]),
        [
          ['my""image', 'my"image'],
          ["nginx:alpine", "nginx:alpine"],
        ],
      );
    },
  );

  itBoth(
    "ignores a mount whose CSV quoting is broken",
    "FROM alpine\nRUN --mount='\"from=a\"x,target=/a' true\nRUN --mount='\"from=a' true\n",
    (c) => {
      assert.equal(c.ofKind("mount-from").length, 0);
    },
  );

  itBoth(
    "finds mounts over continuation lines",
    "FROM alpine AS wheels\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    --mount=type=bind,from=wheels,source=/wheels,target=/wheels \\\n    pip install /wheels/*.whl\n",
    (c) => {
      const ref = c.ref("wheels", "mount-from");
      assert.equal(ref.range.start.line, 3);
      assert.equal(c.slice(ref.range), "wheels");
    },
  );

  itBoth(
    "does not expand variables, and says why",
    "FROM alpine\nARG STAGE=a\nRUN --mount=from=$STAGE,target=/a true\n",
    (c) => {
      const ref = c.ref("$STAGE", "mount-from");
      assert.equal(ref.resolved, undefined);
      assert.match(ref.unresolvable ?? "", /does not expand variables in --mount from=/);
    },
  );

  itBoth(
    "explains that a stage index is not a stage here",
    "FROM alpine\nFROM alpine\nRUN --mount=from=0,target=/a true\n",
    (c) => {
      const ref = c.ref("0", "mount-from");
      assert.equal(ref.isStageRef, false);
      assert.equal(ref.resolved, undefined);
      assert.match(ref.unresolvable ?? "", /stage name, not an index/);
    },
  );

  itBoth(
    "explains that a secret mount cannot have from=",
    "FROM alpine\nRUN --mount=type=secret,id=npmrc,from=alpine true\n",
    (c) => {
      assert.match(c.ref("alpine", "mount-from").unresolvable ?? "", /secret/);
    },
  );

  itBoth(
    "ignores mounts without from= and malformed CSV",
    "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\nRUN --mount='type=bind,from=x\"y,target=/a' true\nRUN --mount= true\n",
    (c) => {
      assert.equal(c.ofKind("mount-from").length, 0);
    },
  );

  itBoth(
    "reads mounts in JSON-form RUN",
    'FROM alpine AS a\nFROM alpine\nRUN --mount=from=a,target=/a ["sh", "-c", "ls /a"]\n',
    (c) => {
      assert.equal(c.ref("a", "mount-from").targetStage, 0);
    },
  );

  itBoth("stops reading flags at the command", "FROM alpine\nRUN echo --mount=from=nginx\n", (c) => {
    assert.equal(c.ofKind("mount-from").length, 0);
  });
});
