/**
 * FROM: the image (global ARGs substituted), `--platform`, `AS name`, and whether it names an
 * earlier stage (BuildKit matches the expanded name exactly against lower-cased stage names).
 */
import type { From } from "dockerfile-ast";
import type { Range } from "vscode-languageserver-textdocument";
import { expandWord } from "./expand";
import type { BuilderFlags } from "./flags";
import type { GlobalArgs } from "./globalArgs";
import { logicalOffset, readLogical } from "./logicalText";
import type { LogicalText } from "./logicalText";
import { excerpt, readFlags, wordExcerpt, type Source } from "./source";
import type { ArgUse, ImageRef } from "./types";

/** What a FROM line says: its flags, and the positional arguments after them (image, `AS`, name). */
export interface StageHeader {
  readonly image?: { raw: string; range: Range };
  /** The `AS` name as written. */
  readonly name?: string;
  readonly line: LogicalText;
  readonly flags: BuilderFlags;
}

export function readStageHeader(src: Source, from: From): StageHeader {
  const { line, flags } = readFlags(src, from);
  // dockerfile-ast splits words at every blank, even inside a quoted flag value: keep only the
  // words after the flags as BuildKit reads them.
  const restOffset = logicalOffset(line, flags.restStart) ?? Number.POSITIVE_INFINITY;
  const args = from.getArguments().filter((a) => src.doc.offsetAt(a.getRange().start) >= restOffset);
  const logicalOf = (index: number): LogicalText | undefined => {
    const arg = args[index];
    if (arg === undefined) return undefined;
    const r = arg.getRange();
    // Stop at a newline that is not a continuation: dockerfile-ast can stretch a word past it
    // (after a continuation, a line of escape char, tab, `##` runs on into the next line),
    // where BuildKit's logical line has already ended.
    return readLogical(src.text, src.doc.offsetAt(r.start), src.doc.offsetAt(r.end), src.escapeChar, true);
  };
  const image = logicalOf(0);
  const as = logicalOf(1);
  const name = as !== undefined && as.text.toLowerCase() === "as" ? logicalOf(2)?.text : undefined;
  // Optional members are assigned, not spread in: `...(x ? { x } : {})` in the middle of a
  // literal costs V8 a runtime copy (about 5 µs per object), and this runs for every FROM of
  // every edit.
  const header: Mutable<StageHeader> = { line, flags };
  if (image !== undefined && image.text !== "") header.image = excerpt(src, image, 0, image.text.length);
  if (name !== undefined && name !== "") header.name = name;
  return header;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function argUses(names: readonly string[], globals: GlobalArgs): ArgUse[] {
  const uses: ArgUse[] = [];
  const seen = new Set<string>();
  const queue: { name: string; via?: string }[] = names.map((name) => ({ name }));
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    const arg = globals.get(item.name);
    const declaration = arg?.declaration;
    const use: Mutable<ArgUse> = { name: item.name };
    if (arg?.variable.state === "set") use.value = arg.variable.value;
    if (declaration !== undefined) use.declaredAt = declaration.nameRange;
    if (declaration?.valueRange !== undefined) use.valueRange = declaration.valueRange;
    if (item.via !== undefined) use.via = item.via;
    uses.push(use);
    for (const dep of arg?.deps ?? []) queue.push({ name: dep, via: item.name });
  }
  return uses;
}

export function fromRef(
  src: Source,
  header: StageHeader,
  stageIndex: number,
  globals: GlobalArgs,
  earlierStagesByName: ReadonlyMap<string, number>,
  instructionLine: number,
): ImageRef | undefined {
  if (header.image === undefined) return undefined;
  const { raw, range } = header.image;
  const expansion = expandWord(raw, globals.lookup, src.escapeChar);
  // Built by assignment, not by spreading optional parts in (see readStageHeader).
  const ref: Mutable<ImageRef> = {
    range,
    raw,
    argsUsed: argUses(expansion.used, globals),
    kind: "from",
    stageIndex,
    instructionLine,
    isStageRef: false,
    isScratch: false,
  };
  const platform = platformOf(src, header, globals);
  if (platform !== undefined) ref.platform = platform;
  if (header.name !== undefined) ref.stage = header.name;
  const unresolvable = (reason: string): ImageRef => {
    ref.unresolvable = reason;
    return ref;
  };
  if (expansion.error !== undefined) return unresolvable(`BuildKit cannot expand ${raw}: ${expansion.error}`);
  if (expansion.tooDeep === true) {
    ref.tooDeep = true;
    return unresolvable(`${raw.length > 40 ? "this reference" : raw}: ${expansion.unknown ?? ""}`);
  }
  if (expansion.value === undefined) return unresolvable(expansion.unknown ?? `${raw} has no fixed value`);
  const value = expansion.value;
  if (value === "") return unresolvable(`${raw} expands to an empty image name`);
  const target = earlierStagesByName.get(value);
  if (target !== undefined) {
    ref.resolved = value;
    ref.isStageRef = true;
    ref.targetStage = target;
    return ref;
  }
  const caseInsensitiveTarget = earlierStagesByName.get(value.toLowerCase());
  if (caseInsensitiveTarget !== undefined) {
    ref.isStageRef = true;
    ref.targetStage = caseInsensitiveTarget;
    return unresolvable(
      `BuildKit lower-cases stage names and matches FROM against them exactly, so "${value}" is not stage ` +
        `${caseInsensitiveTarget} but an image name, and the build stops with: failed to parse stage name ` +
        `"${value}": invalid reference format (image names are lower case). Write "${value.toLowerCase()}" ` +
        `to build on stage ${caseInsensitiveTarget}`,
    );
  }
  ref.resolved = value;
  ref.isScratch = value === "scratch";
  return ref;
}

function platformOf(
  src: Source,
  header: StageHeader,
  globals: GlobalArgs,
): NonNullable<ImageRef["platform"]> | undefined {
  const flag = header.flags.flags.find((f) => f.name === "platform");
  if (flag?.value === undefined || flag.value.text === "") return undefined;
  const { raw, range } = wordExcerpt(src, header.line, flag.value);
  const expansion = expandWord(flag.value.text, globals.lookup, src.escapeChar);
  const resolved = expansion.value !== undefined && expansion.value !== "" ? expansion.value : undefined;
  return resolved !== undefined ? { raw, range, resolved } : { raw, range };
}
