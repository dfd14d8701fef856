/**
 * ARG substitution in FROM, with BuildKit's scoping: only ARGs declared before the first FROM
 * (plus the predefined platform ARGs) are visible; defaults may use earlier ARGs.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { itBoth } from "./helpers";

describe("ARG substitution in FROM", () => {
  itBoth("substitutes a global ARG's default", "ARG PY=3.12\nFROM python:${PY}-slim\n", (c) => {
    const ref = c.ref("python:${PY}-slim");
    assert.equal(ref.resolved, "python:3.12-slim");
    assert.equal(c.slice(ref.range), "python:${PY}-slim");
    assert.equal(ref.argsUsed.length, 1);
    const use = ref.argsUsed[0];
    assert.equal(use?.name, "PY");
    assert.equal(use?.value, "3.12");
    assert.equal(use?.via, undefined);
    assert.equal(c.slice(use?.declaredAt), "PY");
    assert.equal(c.slice(use?.valueRange), "3.12");
  });

  itBoth(
    "substitutes $VAR and ${VAR} forms",
    "ARG NODE=22\nARG FLAVOR=alpine\nFROM node:$NODE-$FLAVOR\nFROM node:${NODE}-${FLAVOR}\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.resolved),
        ["node:22-alpine", "node:22-alpine"],
      );
      assert.deepEqual(
        c.refs[0]?.argsUsed.map((a) => a.name),
        ["NODE", "FLAVOR"],
      );
    },
  );

  itBoth(
    "applies the default/alternative modifiers",
    [
      "ARG SET=3.12",
      "ARG EMPTY=",
      "ARG NODEFAULT",
      "FROM python:${NODEFAULT:-3.13}",
      "FROM python:${EMPTY:-3.11}",
      "FROM python:${EMPTY-3.10}alpine",
      "FROM python:${SET:+3.9}",
      "FROM python:3.8${NODEFAULT+-slim}",
      "FROM python:3.7${UNDECLARED:-}",
      "",
    ].join("\n"),
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.resolved),
        ["python:3.13", "python:3.11", "python:alpine", "python:3.9", "python:3.8", "python:3.7"],
      );
    },
  );

  itBoth(
    "resolves an ARG whose default refers to earlier ARGs, and reports both",
    'ARG PY=3.12\nARG VARIANT=slim-bookworm\nARG BASE="python:${PY}-${VARIANT}"\nFROM ${BASE} AS app\n',
    (c) => {
      const ref = c.ref("${BASE}");
      assert.equal(ref.resolved, "python:3.12-slim-bookworm");
      assert.deepEqual(
        ref.argsUsed.map((a) => [a.name, a.value, a.via]),
        [
          ["BASE", "python:3.12-slim-bookworm", undefined],
          ["PY", "3.12", "BASE"],
          ["VARIANT", "slim-bookworm", "BASE"],
        ],
      );
      const base = ref.argsUsed[0];
      assert.equal(c.slice(base?.valueRange), '"python:${PY}-${VARIANT}"');
    },
  );

  itBoth(
    "uses a later default over an earlier one, and keeps it on a bare redeclaration",
    "ARG PY=3.11\nARG PY=3.12\nARG PY\nFROM python:$PY\n",
    (c) => {
      const ref = c.ref("python:$PY");
      assert.equal(ref.resolved, "python:3.12");
      assert.equal(ref.argsUsed[0]?.declaredAt?.start.line, 1, "declared where the value came from");
    },
  );

  itBoth(
    "follows a self-referencing default",
    "ARG TAG=3.12\nARG TAG=${TAG}-slim\nFROM python:$TAG\n",
    (c) => {
      assert.equal(c.refs[0]?.resolved, "python:3.12-slim");
    },
  );

  itBoth(
    "ignores an ARG redeclared inside a stage (FROM sees only global ARGs)",
    "ARG PY=3.12\nFROM python:${PY}-slim AS build\nARG PY=3.13\nRUN echo $PY\nFROM python:${PY}-alpine\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.resolved),
        ["python:3.12-slim", "python:3.12-alpine"],
      );
    },
  );

  itBoth(
    "explains an ARG that is only declared inside a stage",
    "FROM alpine:3.22\nARG PY=3.12\nFROM python:${PY}\n",
    (c) => {
      const ref = c.ref("python:${PY}");
      assert.equal(ref.resolved, undefined);
      assert.match(ref.unresolvable ?? "", /ARG PY is not declared before the first FROM/);
      assert.match(ref.unresolvable ?? "", /inside a stage on line 2/);
    },
  );

  itBoth("says an undeclared ARG is undeclared", "FROM python:$PY\n", (c) => {
    const ref = c.refs[0];
    assert.equal(ref?.resolved, undefined);
    assert.equal(ref?.unresolvable, "ARG PY is not declared before the first FROM");
    assert.deepEqual(ref?.argsUsed, [{ name: "PY" }]);
  });

  itBoth("says an ARG without a default has no value", "ARG PY\nFROM python:${PY}-slim\n", (c) => {
    const ref = c.refs[0];
    assert.equal(ref?.resolved, undefined);
    assert.match(ref?.unresolvable ?? "", /^ARG PY has no default value/);
    assert.match(ref?.unresolvable ?? "", /--build-arg PY=/);
    assert.equal(c.slice(ref?.argsUsed[0]?.declaredAt), "PY");
    assert.equal(ref?.argsUsed[0]?.valueRange, undefined);
  });

  itBoth(
    "marks platform ARGs in the image name as having no fixed value",
    "FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM ${TARGETARCH}/alpine:3.22\nFROM alpine:3.22-${TARGETOS:-linux}\n",
    (c) => {
      const [xx, arch, os] = c.refs;
      assert.equal(xx?.resolved, "tonistiigi/xx");
      assert.equal(arch?.resolved, undefined);
      assert.match(arch?.unresolvable ?? "", /TARGETARCH is set by BuildKit for each target platform/);
      assert.deepEqual(arch?.argsUsed, [{ name: "TARGETARCH" }]);
      assert.match(os?.unresolvable ?? "", /TARGETOS/);
    },
  );

  itBoth(
    "propagates a platform ARG through another ARG's default",
    "ARG ARCH=${BUILDARCH}\nFROM ${ARCH}/debian:bookworm\n",
    (c) => {
      const ref = c.refs[0];
      assert.match(ref?.unresolvable ?? "", /BUILDARCH is set by BuildKit/);
      assert.deepEqual(
        ref?.argsUsed.map((a) => [a.name, a.via]),
        [
          ["ARCH", undefined],
          ["BUILDARCH", "ARCH"],
        ],
      );
    },
  );

  itBoth(
    "lets a global default fix a platform ARG, but not a bare redeclaration",
    "ARG TARGETARCH=amd64\nARG TARGETOS\nFROM ${TARGETARCH}/alpine\nFROM ${TARGETOS}/x\n",
    (c) => {
      assert.equal(c.refs[0]?.resolved, "amd64/alpine");
      assert.match(c.refs[1]?.unresolvable ?? "", /TARGETOS is set by BuildKit/);
    },
  );

  itBoth(
    "reads several ARGs on one line, with quoted values",
    "ARG REG=gcr.io IMG=\"distroless/static-debian12\" TAG='nonroot'\nFROM $REG/$IMG:$TAG\n",
    (c) => {
      assert.equal(c.refs[0]?.resolved, "gcr.io/distroless/static-debian12:nonroot");
      assert.deepEqual(
        c.refs[0]?.argsUsed.map((a) => c.slice(a.valueRange)),
        ["gcr.io", '"distroless/static-debian12"', "'nonroot'"],
      );
    },
  );

  itBoth(
    "reads an ARG default continued over lines",
    "ARG IMAGE=eclipse-temurin:\\\n21-jre-alpine\nFROM $IMAGE\n",
    (c) => {
      const ref = c.refs[0];
      assert.equal(ref?.resolved, "eclipse-temurin:21-jre-alpine");
      assert.equal(c.slice(ref?.argsUsed[0]?.valueRange), c.lines("eclipse-temurin:\\\n21-jre-alpine"));
    },
  );

  itBoth("keeps an escaped dollar literal", "FROM python:\\$PY\n", (c) => {
    assert.equal(c.refs[0]?.resolved, "python:$PY");
    assert.deepEqual(c.refs[0]?.argsUsed, []);
  });

  itBoth("reports a malformed substitution", "ARG PY=3.12\nFROM python:${PY\n", (c) => {
    const ref = c.refs[0];
    assert.equal(ref?.resolved, undefined);
    assert.match(ref?.unresolvable ?? "", /missing '}'/);
  });

  itBoth(
    "reports an ARG whose default is malformed where it is used",
    "ARG PY=${X\nFROM python:$PY\nFROM alpine\n",
    (c) => {
      assert.match(c.refs[0]?.unresolvable ?? "", /default value of ARG PY is invalid/);
      assert.equal(c.refs[1]?.resolved, "alpine");
    },
  );

  itBoth("reports an image name that expands to nothing", "ARG IMAGE=\nFROM ${IMAGE}\n", (c) => {
    assert.match(c.refs[0]?.unresolvable ?? "", /empty image name/);
  });

  itBoth(
    "finds a stage through an ARG",
    "ARG BASE=build\nFROM golang:1.25-bookworm AS build\nFROM ${BASE}\n",
    (c) => {
      const ref = c.refs[1];
      assert.equal(ref?.resolved, "build");
      assert.equal(ref?.isStageRef, true);
      assert.equal(ref?.targetStage, 0);
    },
  );

  itBoth("picks scratch through an ARG", "ARG RUNTIME=scratch\nFROM ${RUNTIME}\n", (c) => {
    assert.equal(c.refs[0]?.isScratch, true);
  });
});
