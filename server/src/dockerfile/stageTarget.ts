/** What COPY --from and RUN --mount from= name: a stage (earlier, as BuildKit needs) or an image. */

/** Decides what a COPY --from / mount from= value refers to. */
export function resolveSourceName(
  value: string,
  stagesByName: ReadonlyMap<string, number>,
): { isStageRef: boolean; targetStage?: number; isScratch: boolean } {
  const target = stagesByName.get(value.toLowerCase());
  if (target !== undefined) return { isStageRef: true, targetStage: target, isScratch: false };
  return { isStageRef: false, isScratch: value === "scratch" };
}

/**
 * Why a stage reference from stage `stageIndex` to `target` fails in BuildKit, if it does: stages
 * are built in file order, so a source must be an earlier stage (dockerfile2llb: "cannot copy
 * from stage …, it needs to be defined before current stage …"; a stage naming itself is a
 * "circular dependency").
 */
export function notEarlierStage(
  kind: "copy-from" | "mount-from",
  raw: string,
  target: number,
  stageIndex: number,
  stageNames: readonly (string | undefined)[],
): string | undefined {
  if (target < stageIndex) return undefined;
  const what = kind === "copy-from" ? `COPY --from=${raw}` : `--mount from=${raw}`;
  if (target === stageIndex) {
    return `${what} names the stage it is in: BuildKit stops with "circular dependency detected on stage"`;
  }
  const name = stageNames[target];
  const label = name === undefined ? `Stage ${target}` : `Stage ${target} (${name})`;
  const error =
    kind === "copy-from"
      ? `cannot copy from stage "${raw}", it needs to be defined before current stage`
      : `cannot mount from stage "${raw}", stage needs to be defined before current command`;
  return `${label} is defined after this one, and BuildKit builds stages in file order: it stops with "${error}". Move that stage above this one`;
}
