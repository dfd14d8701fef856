import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkBuilderFlags } from "../../../server/src/dockerfile/buildFlags";

function stages(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(`FROM --platform=linux/amd64 alpine:3.${i % 20} AS s${i}`, `RUN --network=none echo ${i}`);
  return `${lines.join("\n")}\n`;
}

/** The fastest of five runs, in ms: the least noisy measure on a busy machine. */
function fastest(text: string): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    checkBuilderFlags(text);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe("checkBuilderFlags", () => {
  it("reports the first bad flag of an instruction, where it is", () => {
    const problems = checkBuilderFlags("FROM alpine\nADD --unpak=true a.tar /\n");
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.check, "unknown-flag");
    assert.equal(problems[0]?.start, "FROM alpine\nADD ".length);
  });

  it("takes time linear in the number of instructions (it re-split the text per instruction)", () => {
    fastest(stages(200)); // warm up
    const small = fastest(stages(400));
    const large = fastest(stages(4000));
    // Ten times the instructions: linear work takes ~10× (up to ~30× on a loaded machine); the
    // quadratic version took ~80×.
    assert.ok(
      large / Math.max(small, 0.5) < 35,
      `400 → 4000 instructions: ${small.toFixed(1)} → ${large.toFixed(1)} ms`,
    );
  });
});
