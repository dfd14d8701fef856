/**
 * COPY --from=: a stage name (any letter case), a stage index, or an image; never expanded.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { assertRangesMatchRaw, itBoth } from "./helpers";

const twoStages =
  "FROM golang:1.25-bookworm AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12\n";

describe("COPY --from", () => {
  itBoth("refers to a stage by name", twoStages + "COPY --from=build /out/app /app\n", (c) => {
    const ref = c.ref("build", "copy-from");
    assert.equal(ref.isStageRef, true);
    assert.equal(ref.targetStage, 0);
    assert.equal(ref.stageIndex, 1);
    assert.equal(ref.resolved, "build");
    assert.deepEqual(ref.argsUsed, []);
    assertRangesMatchRaw(c);
  });

  itBoth(
    "matches the stage name case-insensitively, as BuildKit does",
    twoStages.replace("AS build", "AS Build") + "COPY --from=BUILD /out/app /app\n",
    (c) => {
      const ref = c.ref("BUILD", "copy-from");
      assert.equal(ref.isStageRef, true);
      assert.equal(ref.targetStage, 0);
    },
  );

  itBoth("refers to a stage by index (COPY --from=0)", twoStages + "COPY --from=0 /out/app /app\n", (c) => {
    const ref = c.ref("0", "copy-from");
    assert.equal(ref.isStageRef, true);
    assert.equal(ref.targetStage, 0);
    assert.equal(ref.resolved, "0");
  });

  itBoth("explains an index past the last stage", twoStages + "COPY --from=2 /out/app /app\n", (c) => {
    const ref = c.ref("2", "copy-from");
    assert.equal(ref.isStageRef, true, "never resolved remotely");
    assert.equal(ref.targetStage, undefined);
    assert.equal(ref.resolved, undefined);
    assert.match(ref.unresolvable ?? "", /no stage 2.*has 2/);
  });

  itBoth(
    "treats any other value as an image",
    "FROM nginx:alpine\nCOPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/\nCOPY --from=docker.io/library/busybox:musl /bin/busybox /bin/\n",
    (c) => {
      const nginx = c.ref("nginx:latest", "copy-from");
      assert.equal(nginx.isStageRef, false);
      assert.equal(nginx.resolved, "nginx:latest");
      assert.equal(
        c.ref("docker.io/library/busybox:musl", "copy-from").resolved,
        "docker.io/library/busybox:musl",
      );
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "can name a stage defined later (BuildKit orders by dependency)",
    "FROM alpine\nCOPY --from=late /a /b\nFROM alpine AS late\n",
    (c) => {
      const ref = c.ref("late", "copy-from");
      assert.equal(ref.isStageRef, true);
      assert.equal(ref.targetStage, 1);
    },
  );

  itBoth(
    "reads --from among other flags, in any order",
    "FROM node:22-alpine AS deps\nFROM node:22-alpine\nCOPY --chown=node:node --link --from=deps /app/node_modules ./node_modules\n",
    (c) => {
      const ref = c.ref("deps", "copy-from");
      assert.equal(ref.targetStage, 0);
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "does not expand variables, and says why",
    "ARG BUILDER=build\nFROM alpine AS build\nFROM alpine\nARG SRC=build\nCOPY --from=${SRC} /a /b\nCOPY --from=$BUILDER /a /b\n",
    (c) => {
      for (const raw of ["${SRC}", "$BUILDER"]) {
        const ref = c.ref(raw, "copy-from");
        assert.equal(ref.resolved, undefined);
        assert.equal(ref.isStageRef, false);
        assert.match(ref.unresolvable ?? "", /does not expand variables in COPY --from/);
      }
    },
  );

  itBoth(
    "takes a quoted value without its quotes",
    'FROM alpine AS build\nFROM alpine\nCOPY --from="build" /a /b\n',
    (c) => {
      const ref = c.ref("build", "copy-from");
      assert.equal(ref.isStageRef, true);
      assert.equal(c.slice(ref.range), "build");
    },
  );

  itBoth("marks --from=scratch", "FROM alpine\nCOPY --from=scratch / /\n", (c) => {
    assert.equal(c.ref("scratch", "copy-from").isScratch, true);
  });

  itBoth(
    "ignores an empty --from and a --from that is not a flag",
    "FROM alpine\nCOPY --from= /a /b\nCOPY ./--from=x /a\nCOPY -- --from=y /z\n",
    (c) => {
      assert.equal(c.ofKind("copy-from").length, 0);
    },
  );

  itBoth(
    "reads --from continued onto another line",
    "FROM alpine AS build\nFROM alpine\nCOPY --link \\\n     --from=build \\\n     /a /b\n",
    (c) => {
      const ref = c.ref("build", "copy-from");
      assert.equal(ref.range.start.line, 3);
      assert.equal(c.slice(ref.range), "build");
    },
  );

  itBoth(
    "does not read COPY heredoc bodies",
    "FROM alpine\nCOPY <<EOF /etc/motd\nCOPY --from=nginx /a /b\nFROM ubuntu\nEOF\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.raw),
        ["alpine"],
      );
    },
  );

  itBoth(
    "skips COPY before any FROM (BuildKit rejects it)",
    "COPY --from=nginx /a /b\nFROM alpine\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.kind),
        ["from"],
      );
    },
  );
});
