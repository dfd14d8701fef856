/**
 * The automatic platform ARGs (moby/buildkit dockerfile2llb/platform.go defaultArgs): BuildKit
 * always defines TARGET* from the build's target platform and BUILD* from the builder's, in the
 * global scope FROM sees. A stage's own --platform does not change them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { extractImageRefs, platformArgsOf, platformArgValues } from "../../../server/src/dockerfile";

const FIXTURE = readFileSync(
  path.resolve(__dirname, "../../fixtures/buildkit/platform-args.Dockerfile"),
  "utf8",
);
const ARM_ON_AMD = { platforms: { target: "linux/arm64", build: "linux/amd64" } } as const;

describe("platform ARGs", () => {
  for (const eol of ["\n", "\r\n"]) {
    const text = FIXTURE.replace(/\r?\n/g, eol);
    const label = eol === "\n" ? "LF" : "CRLF";

    it(`resolves TARGET* from the target platform and BUILD* from the builder's (${label})`, () => {
      const refs = extractImageRefs(text, ARM_ON_AMD);
      const byStage = new Map(refs.filter((r) => r.kind === "from").map((r) => [r.stage, r]));
      assert.equal(byStage.get("build")?.platform?.resolved, "linux/amd64", "--platform=$BUILDPLATFORM");
      assert.equal(byStage.get("arch")?.resolved, "alpine:3.22-arm64");
      assert.equal(byStage.get("binaries")?.resolved, "binaries-linux");
      assert.equal(byStage.get("binaries")?.isStageRef, true, "the stage binaries-linux above");
      assert.deepEqual(platformArgsOf(byStage.get("binaries")!), ["TARGETOS"]);
      assert.deepEqual(platformArgsOf(byStage.get("other")!), []);
      for (const ref of refs)
        assert.equal(ref.unresolvable, undefined, `${ref.raw}: ${ref.unresolvable ?? ""}`);
    });

    it(`keeps them unknown when no platform is given (${label})`, () => {
      const binaries = extractImageRefs(text).find((r) => r.stage === "binaries");
      assert.match(binaries?.unresolvable ?? "", /TARGETOS is set by BuildKit for each target platform/);
    });
  }

  it("a stage's own --platform does not change TARGETARCH (it is the build's)", () => {
    const [ref] = extractImageRefs("FROM --platform=linux/arm64 alpine:3.22-${TARGETARCH}\n", {
      platforms: { target: "linux/amd64", build: "linux/amd64" },
    });
    assert.equal(ref?.resolved, "alpine:3.22-amd64");
    assert.equal(ref?.platform?.resolved, "linux/arm64");
  });

  it("a global ARG default of its own still overrides it; through another ARG it still counts", () => {
    const refs = extractImageRefs(
      "ARG TARGETARCH=s390x\nARG BASE=debian-${BUILDARCH}\nFROM ${TARGETARCH}/alpine\nFROM $BASE\n",
      ARM_ON_AMD,
    );
    assert.equal(refs[0]?.resolved, "s390x/alpine");
    assert.deepEqual(platformArgsOf(refs[0]), [], "declared in the file: a fixed value");
    assert.equal(refs[1]?.resolved, "debian-amd64");
    assert.deepEqual(platformArgsOf(refs[1]), ["BUILDARCH"]);
  });

  it("gives every platform ARG a value, variants included", () => {
    const values = platformArgValues({ target: "linux/arm/v7", build: "linux/amd64" });
    assert.deepEqual(Object.fromEntries(values), {
      BUILDPLATFORM: "linux/amd64",
      BUILDOS: "linux",
      BUILDOSVERSION: "",
      BUILDARCH: "amd64",
      BUILDVARIANT: "",
      TARGETPLATFORM: "linux/arm/v7",
      TARGETOS: "linux",
      TARGETOSVERSION: "",
      TARGETARCH: "arm",
      TARGETVARIANT: "v7",
    });
  });
});
