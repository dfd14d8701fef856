/**
 * Run parameters for the property (fuzz) tests.
 *
 * `npm test` and CI run them with a fixed seed, so a red run always means a change broke
 * something and the same failure replays on any machine. `npm run fuzz` explores new inputs:
 * it sets FROM_LENS_FUZZ_SEED=random and multiplies the runs by FROM_LENS_FUZZ_RUNS. A failure
 * prints fast-check's seed and path; run again with FROM_LENS_FUZZ_SEED=<seed> to replay it,
 * then add the counterexample as a plain unit test.
 */
import type { Parameters } from "fast-check";

/** The seed `npm test` uses (any fixed integer works; this one is just recognisable). */
export const DEFAULT_FUZZ_SEED = 20_261_123;

export function fuzzParameters<T>(numRuns: number): Parameters<T> {
  const seedText = process.env["FROM_LENS_FUZZ_SEED"] ?? "";
  const factor = Number(process.env["FROM_LENS_FUZZ_RUNS"] ?? "1");
  const runs = Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
  if (seedText === "random") return { numRuns: runs };
  const seed = seedText === "" ? DEFAULT_FUZZ_SEED : Number(seedText);
  if (!Number.isInteger(seed))
    throw new Error(`FROM_LENS_FUZZ_SEED must be an integer or "random", not ${seedText}`);
  return { numRuns: runs, seed };
}
