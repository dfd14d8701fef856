/**
 * patches/dockerfile-ast+0.7.1.patch: an instruction's arguments are computed once, not on every
 * call (a JSON-form RUN asked five times while it was built, which made big files slow). The
 * callers still get arrays of their own: ModifiableInstruction.getArguments shifts its copy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DockerfileParser } from "dockerfile-ast";

describe("dockerfile-ast, as patched", () => {
  it("computes an instruction's arguments once", () => {
    const [run] = DockerfileParser.parse('FROM a\nRUN ["echo", "hi"]\n').getInstructions().slice(1);
    assert.ok(run !== undefined);
    const memo = (run as unknown as { rawArgumentsMemo?: unknown }).rawArgumentsMemo;
    assert.ok(Array.isArray(memo), "the patch is applied (npm ci runs patch-package)");
    assert.deepEqual(
      run.getArguments().map((a) => a.getValue()),
      ['["echo",', '"hi"]'],
    );
  });

  it("gives each caller its own array: flags are dropped again on every call", () => {
    const [, copy] = DockerfileParser.parse("FROM a\nCOPY --from=a --chown=1 src dst\n").getInstructions();
    assert.ok(copy !== undefined);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(
        copy.getArguments().map((a) => a.getValue()),
        ["src", "dst"],
        `call ${i + 1}`,
      );
    }
  });
});
