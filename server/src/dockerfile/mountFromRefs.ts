/** RUN --mount=…,from=: a stage name or an image (no stage index, no variables, as BuildKit). */
import type { Run } from "dockerfile-ast";
import { parseMountOptions } from "./flags";
import type { MappedWord } from "./flags";
import { readFlags, wordExcerpt, type Source } from "./source";
import { notEarlierStage, resolveSourceName } from "./stageTarget";
import type { ImageRef } from "./types";

export function mountFromRefs(
  src: Source,
  run: Run,
  stageIndex: number,
  stageNames: readonly (string | undefined)[],
  stagesByName: ReadonlyMap<string, number>,
  instructionLine: number,
): ImageRef[] {
  const { line, flags } = readFlags(src, run);
  const refs: ImageRef[] = [];
  for (const flag of flags.flags) {
    if (flag.name !== "mount" || flag.value === undefined) continue;
    const parsed = parseMountOptions(flag.value);
    if (!parsed.ok) continue;
    let from: MappedWord | undefined;
    let type = "bind";
    for (const option of parsed.options) {
      if (option.key === "from" && option.value !== undefined) from = option.value;
      if (option.key === "type" && option.value !== undefined) type = option.value.text.toLowerCase();
    }
    if (from === undefined || from.text === "") continue;
    const value = from.text;
    const { raw, range } = wordExcerpt(src, line, from);
    const base = { range, raw, argsUsed: [], kind: "mount-from" as const, stageIndex, instructionLine };
    const dollar = value.indexOf("$");
    let unresolvable: string | undefined;
    if (dollar !== -1 && dollar !== value.length - 1) {
      unresolvable = `BuildKit does not expand variables in --mount from=: use a stage instead (FROM \${…} AS name with a global ARG, then from=name)`;
    } else if (type === "secret") {
      unresolvable = "BuildKit rejects from= on a secret mount";
    }
    if (unresolvable !== undefined) {
      refs.push({ ...base, unresolvable, isStageRef: false, isScratch: false });
      continue;
    }
    const source = resolveSourceName(value, stagesByName);
    if (!source.isStageRef && /^[+-]?\d+$/u.test(value)) {
      refs.push({
        ...base,
        unresolvable: `--mount from= takes a stage name, not an index: BuildKit would pull an image named "${value}"`,
        isStageRef: false,
        isScratch: false,
      });
      continue;
    }
    const later =
      source.targetStage === undefined
        ? undefined
        : notEarlierStage("mount-from", raw, source.targetStage, stageIndex, stageNames);
    if (later !== undefined) {
      refs.push({ ...base, unresolvable: later, ...source });
      continue;
    }
    refs.push({ ...base, resolved: value, ...source });
  }
  return refs;
}
