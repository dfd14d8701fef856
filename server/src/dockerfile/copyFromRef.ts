/** COPY --from=: a stage name, a stage index or an image, never expanded (as BuildKit). */
import type { Copy } from "dockerfile-ast";
import { expandWord } from "./expand";
import { readFlags, wordExcerpt, type Source } from "./source";
import { notEarlierStage, resolveSourceName } from "./stageTarget";
import type { ImageRef } from "./types";

export function copyFromRef(
  src: Source,
  copy: Copy,
  stageIndex: number,
  stageNames: readonly (string | undefined)[],
  stagesByName: ReadonlyMap<string, number>,
  instructionLine: number,
): ImageRef | undefined {
  const stageCount = stageNames.length;
  const { line, flags } = readFlags(src, copy);
  const flag = flags.flags.find((f) => f.name === "from");
  if (flag?.value === undefined || flag.value.text === "") return undefined;
  const value = flag.value.text;
  const { raw, range } = wordExcerpt(src, line, flag.value);
  const base = { range, raw, argsUsed: [], kind: "copy-from" as const, stageIndex, instructionLine };

  // BuildKit expands --from with no variables at all and rejects it if that changes anything.
  const check = expandWord(
    value,
    (name) => ({ state: "unset", reason: `${name} is not expanded` }),
    src.escapeChar,
  );
  if (check.error !== undefined || check.used.length > 0 || check.value !== value) {
    const reason =
      check.used.length > 0
        ? `BuildKit does not expand variables in COPY --from: use a stage instead (FROM \${…} AS name with a global ARG, then COPY --from=name)`
        : `BuildKit rejects quotes and escapes left in COPY --from=${raw}`;
    return { ...base, unresolvable: reason, isStageRef: false, isScratch: false };
  }
  if (/^[+-]?\d+$/u.test(value)) {
    const index = Number.parseInt(value, 10);
    if (index >= 0 && index < stageCount) {
      const later = notEarlierStage("copy-from", raw, index, stageIndex, stageNames);
      if (later !== undefined) {
        return { ...base, unresolvable: later, isStageRef: true, targetStage: index, isScratch: false };
      }
      return { ...base, resolved: value, isStageRef: true, targetStage: index, isScratch: false };
    }
    const count = `${stageCount} stage${stageCount === 1 ? "" : "s"}`;
    return {
      ...base,
      unresolvable:
        `There is no stage ${index}: stages are numbered from 0 and this Dockerfile has ${count} ` +
        `(BuildKit stops with "invalid stage index ${index}")`,
      isStageRef: true,
      isScratch: false,
    };
  }
  const source = resolveSourceName(value, stagesByName);
  if (source.targetStage !== undefined) {
    const later = notEarlierStage("copy-from", raw, source.targetStage, stageIndex, stageNames);
    if (later !== undefined) return { ...base, unresolvable: later, ...source };
  }
  return { ...base, resolved: value, ...source };
}
