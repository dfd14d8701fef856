/**
 * FROM lines: images, AS names, references to earlier stages, scratch, --platform, letter case.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { assertRangesMatchRaw, itBoth } from "./helpers";

describe("FROM", () => {
  itBoth("finds a plain image with its exact range", "FROM python:3.12-slim\n", (c) => {
    assert.equal(c.refs.length, 1);
    const ref = c.ref("python:3.12-slim");
    assert.equal(ref.kind, "from");
    assert.equal(ref.resolved, "python:3.12-slim");
    assert.equal(ref.unresolvable, undefined);
    assert.equal(c.slice(ref.range), "python:3.12-slim");
    assert.deepEqual(ref.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 21 } });
    assert.equal(ref.stageIndex, 0);
    assert.equal(ref.isStageRef, false);
    assert.equal(ref.isScratch, false);
    assert.equal(ref.stage, undefined);
    assert.equal(ref.platform, undefined);
    assert.deepEqual(ref.argsUsed, []);
  });

  itBoth(
    "keeps registries, ports, namespaces and digests in the reference",
    [
      "FROM gcr.io/distroless/static-debian12:nonroot",
      "FROM localhost:5000/team/app:1.0",
      "FROM ubuntu@sha256:2edbbc5dc405e9612ba3584ce95480277e3eb374407b5505fe26f17df77c7dbc",
      "FROM eclipse-temurin:21-jre-alpine@sha256:79676deb51ebb02885b0b9d33788e78a37cf1045ad79d1bb04c6a222c3556b3d",
      "",
    ].join("\n"),
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.resolved),
        [
          "gcr.io/distroless/static-debian12:nonroot",
          "localhost:5000/team/app:1.0",
          "ubuntu@sha256:2edbbc5dc405e9612ba3584ce95480277e3eb374407b5505fe26f17df77c7dbc",
          "eclipse-temurin:21-jre-alpine@sha256:79676deb51ebb02885b0b9d33788e78a37cf1045ad79d1bb04c6a222c3556b3d",
        ],
      );
      assert.deepEqual(
        c.refs.map((r) => r.stageIndex),
        [0, 1, 2, 3],
      );
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "reads the AS name, with AS in any case",
    "FROM golang:1.25-bookworm AS build\nFROM alpine:3.22 as Final\nFROM ubuntu:noble aS x\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.stage),
        ["build", "Final", "x"],
      );
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "marks a FROM naming an earlier stage as a stage reference",
    "FROM golang:1.25-bookworm AS build\nRUN go build -o /app .\nFROM build AS test\nRUN go test ./...\nFROM test\n",
    (c) => {
      const [base, test, last] = c.refs;
      assert.equal(base?.isStageRef, false);
      assert.equal(test?.raw, "build");
      assert.equal(test?.isStageRef, true);
      assert.equal(test?.targetStage, 0);
      assert.equal(test?.resolved, "build");
      assert.equal(test?.stage, "test");
      assert.equal(last?.isStageRef, true);
      assert.equal(last?.targetStage, 1);
      assert.equal(last?.stageIndex, 2);
    },
  );

  itBoth(
    "matches a FROM against the lower-cased AS name",
    "FROM node:22-alpine AS Deps\nFROM deps\n",
    (c) => {
      const ref = c.ref("deps");
      assert.equal(ref.isStageRef, true);
      assert.equal(ref.targetStage, 0);
    },
  );

  itBoth(
    "explains that BuildKit does not match FROM against a stage in another letter case",
    "FROM node:22-alpine AS deps\nFROM Deps\n",
    (c) => {
      const ref = c.ref("Deps");
      assert.equal(ref.isStageRef, true, "never resolved remotely");
      assert.equal(ref.targetStage, 0);
      assert.equal(ref.resolved, undefined);
      assert.match(ref.unresolvable ?? "", /Write "deps"/);
      assert.match(ref.unresolvable ?? "", /failed to parse stage name "Deps": invalid reference format/);
    },
  );

  itBoth(
    "treats a stage named later in the file as an image, as BuildKit does",
    "FROM app\nFROM alpine:3.22 AS app\n",
    (c) => {
      const ref = c.ref("app");
      assert.equal(ref.isStageRef, false);
      assert.equal(ref.resolved, "app");
    },
  );

  itBoth("does not let a stage refer to itself", "FROM python AS python\nFROM python\n", (c) => {
    const [first, second] = c.refs;
    assert.equal(first?.isStageRef, false, "the first FROM python is the image");
    assert.equal(first?.resolved, "python");
    assert.equal(second?.isStageRef, true, "the second is the stage that shadows the image name");
    assert.equal(second?.targetStage, 0);
  });

  itBoth(
    "refers to the latest earlier stage of a repeated name",
    "FROM alpine AS base\nFROM ubuntu:noble AS base\nFROM base\n",
    (c) => {
      assert.equal(c.refs[2]?.targetStage, 1);
    },
  );

  itBoth(
    "marks FROM scratch",
    "FROM golang:1.25-bookworm AS build\nFROM scratch\nCOPY --from=build /app /app\n",
    (c) => {
      const ref = c.ref("scratch");
      assert.equal(ref.isScratch, true);
      assert.equal(ref.isStageRef, false);
      assert.equal(ref.resolved, "scratch");
      assert.equal(ref.stageIndex, 1);
    },
  );

  itBoth(
    "lets a stage named scratch shadow the empty image",
    "FROM alpine AS scratch\nFROM scratch\n",
    (c) => {
      const ref = c.refs[1];
      assert.equal(ref?.isStageRef, true);
      assert.equal(ref?.isScratch, false);
    },
  );

  itBoth("reads a literal --platform", "FROM --platform=linux/arm64 ubuntu:noble\n", (c) => {
    const ref = c.ref("ubuntu:noble");
    assert.deepEqual(ref.platform && { raw: ref.platform.raw, resolved: ref.platform.resolved }, {
      raw: "linux/arm64",
      resolved: "linux/arm64",
    });
    assert.equal(c.slice(ref.platform?.range), "linux/arm64");
    assert.equal(c.slice(ref.range), "ubuntu:noble");
  });

  itBoth(
    "keeps --platform=$BUILDPLATFORM raw with no resolved value",
    "FROM --platform=$BUILDPLATFORM golang:1.25-bookworm AS build\nFROM --platform=${TARGETPLATFORM} alpine:3.22\n",
    (c) => {
      const build = c.ref("golang:1.25-bookworm");
      assert.equal(build.platform?.raw, "$BUILDPLATFORM");
      assert.equal(build.platform?.resolved, undefined);
      assert.equal(c.slice(build.platform?.range), "$BUILDPLATFORM");
      assert.equal(build.resolved, "golang:1.25-bookworm", "the image itself still resolves");
      const alpine = c.ref("alpine:3.22");
      assert.equal(alpine.platform?.raw, "${TARGETPLATFORM}");
      assert.equal(alpine.platform?.resolved, undefined);
    },
  );

  itBoth(
    "resolves --platform through a global ARG",
    'ARG PLATFORM=linux/amd64\nFROM --platform="$PLATFORM" python:3.12-slim\n',
    (c) => {
      const ref = c.ref("python:3.12-slim");
      assert.equal(ref.platform?.raw, "$PLATFORM", "the range sits inside the quotes");
      assert.equal(ref.platform?.resolved, "linux/amd64");
      assert.equal(c.slice(ref.platform?.range), "$PLATFORM");
    },
  );

  itBoth(
    "reads instructions in lower case",
    "from python:3.12-slim as base\ncopy --from=base /a /b\nrun --mount=from=base,target=/x true\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => [r.kind, r.raw, r.isStageRef]),
        [
          ["from", "python:3.12-slim", false],
          ["copy-from", "base", true],
          ["mount-from", "base", true],
        ],
      );
    },
  );

  itBoth("removes quotes the way BuildKit's lexer does", 'FROM "python:3.12-slim"\n', (c) => {
    const ref = c.refs[0];
    assert.equal(ref?.raw, '"python:3.12-slim"');
    assert.equal(ref?.resolved, "python:3.12-slim");
    assert.equal(c.slice(ref?.range), '"python:3.12-slim"');
  });

  itBoth(
    "skips a FROM without an image but still counts its stage",
    "FROM\nFROM --platform=linux/amd64\nFROM alpine:3.22\n",
    (c) => {
      assert.equal(c.refs.length, 1);
      assert.equal(c.refs[0]?.stageIndex, 2);
    },
  );

  itBoth(
    "reads --platform whose quoted value holds a space like BuildKit (one flag word)",
    'FROM --platform="linux/amd64 " alpine:3.22 AS a\n',
    (c) => {
      const ref = c.ref("alpine:3.22");
      assert.equal(ref.stage, "a");
      assert.equal(ref.platform?.raw, "linux/amd64 ");
    },
  );

  itBoth(
    "puts tabs and extra spaces outside the range",
    "FROM \t  python:3.12-slim  \t AS   base   \n",
    (c) => {
      const ref = c.ref("python:3.12-slim");
      assert.equal(ref.stage, "base");
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "does not read ADD --from (ADD has no such flag)",
    "FROM alpine AS a\nFROM alpine\nADD --from=a /x /y\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.kind),
        ["from", "from"],
      );
    },
  );

  itBoth(
    "does not read ONBUILD triggers (they run in other builds)",
    "FROM alpine\nONBUILD COPY --from=nginx:1.27 /a /b\n",
    (c) => {
      assert.equal(c.refs.length, 1);
    },
  );
});
