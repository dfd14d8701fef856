/**
 * Dockerfile text → every image reference in it (`ImageRef[]`), as BuildKit would read them:
 * `FROM` (with `--platform`, `AS name`, earlier stages, `scratch`, global-ARG substitution),
 * `COPY --from=` (stage name, stage index or image), `RUN --mount=…,from=…` (stage name or
 * image) and the `# syntax=` parser directive. Pure: no I/O, never throws.
 *
 * dockerfile-ast finds the instructions (escape directive, continuations, comments, heredocs,
 * any letter case); logicalText.ts maps text back to exact document ranges; flags.ts reads
 * builder flags; args.ts substitutes ARGs. BuildKit behaviours this file follows (checked against
 * moby/buildkit frontend/dockerfile):
 * - FROM sees only ARGs declared before the first FROM, plus the predefined platform ARGs.
 * - `AS` names are lower-cased; FROM matches its (expanded) name *exactly* against the
 *   lower-cased names of earlier stages, while COPY --from and mount from= match any stage
 *   case-insensitively.
 * - COPY --from and mount from= are never expanded: a `$` there is a build error in BuildKit.
 * - COPY --from takes a stage index; mount from= does not (a number there names an image).
 * - ADD has no --from. ONBUILD triggers run in other builds and are not read here.
 */
import { Arg, Copy, From, Run } from "dockerfile-ast";
import { parseDockerfile } from "./parse";
import type { Instruction } from "dockerfile-ast";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Range } from "vscode-languageserver-textdocument";
import { buildGlobalArgs, expandWord, PLATFORM_ARGS } from "./args";
import type { ArgDeclaration, BuildPlatforms, GlobalArgs } from "./args";
import { extractBuilderFlags, parseMountOptions } from "./flags";
import type { BuilderFlags, MappedWord } from "./flags";
import { documentSpan, readLogical } from "./logicalText";
import type { LogicalText } from "./logicalText";

/**
 * Where the reference is written: a Dockerfile's FROM, COPY --from, RUN --mount from= or
 * `# syntax=` directive, or `image`: an image named in another kind of file (Compose,
 * Kubernetes, a workflow, … — see sources/).
 */
export type ImageRefKind = "from" | "copy-from" | "mount-from" | "syntax" | "image";

/** One ARG that went into a reference. */
export interface ArgUse {
  readonly name: string;
  /** Its value in a build without --build-arg, when it has a fixed one. */
  readonly value?: string;
  /** Range of the ARG's name where it was declared (absent for predefined platform ARGs). */
  readonly declaredAt?: Range;
  /** Range of its default value as written there (for "pin through the ARG default"). */
  readonly valueRange?: Range;
  /** Set when this ARG was used through another ARG's default: that ARG's name. */
  readonly via?: string;
}

export interface ImageRef {
  /** The reference text as written in the document (its first to its last character). */
  readonly range: Range;
  /** The text as written, line continuations removed, e.g. `python:${PY}-slim`. */
  readonly raw: string;
  /** After ARG substitution and quote removal, e.g. `python:3.12-slim`; absent when unresolvable. */
  readonly resolved?: string;
  /** Why there is no `resolved`, written for the user. */
  readonly unresolvable?: string;
  /** The ARGs that went into it: those it names first, then those their defaults name (`via`). */
  readonly argsUsed: readonly ArgUse[];
  readonly kind: ImageRefKind;
  /** `--platform` of a FROM; `resolved` is absent when it depends on a platform ARG. */
  readonly platform?: { readonly raw: string; readonly resolved?: string; readonly range: Range };
  /** The `AS` name of this FROM, as written (BuildKit matches it lower-cased). */
  readonly stage?: string;
  /** Index of the build stage the reference belongs to (its FROM's index); -1 for `# syntax`. */
  readonly stageIndex: number;
  /** Refers to a build stage: never resolved remotely. */
  readonly isStageRef: boolean;
  /** For stage references: index of the stage referred to. */
  readonly targetStage?: number;
  /** `FROM scratch` (or `--from=scratch`): the empty image, nothing to resolve. */
  readonly isScratch: boolean;
  /** Unresolvable only because its `${…}` nest deeper than FROM Lens expands (args.ts). */
  readonly tooDeep?: true;
  /** kind "image": where in its file, for the user ("Compose service web", "Deployment api, container app"). */
  readonly where?: string;
  /**
   * kind "image" written in parts (Helm `image: {repository, tag, digest}`, Kustomize
   * `images[]`): pinning writes the digest field rather than editing one string.
   */
  readonly split?: SplitImage;
}

/** An image written as separate fields; `range` of the ImageRef covers the repository value. */
export interface SplitImage {
  /** The value of the existing digest field, to replace. */
  readonly digestRange?: Range;
  /** Where a new digest line goes (the start of the line after the last field), and its indentation. */
  readonly insertAt: { readonly line: number; readonly indent: string };
  /** The field name the digest is written under (`digest`). */
  readonly digestKey: string;
}

interface Source {
  readonly text: string;
  readonly doc: TextDocument;
  readonly escapeChar: string;
}

function toRange(src: Source, start: number, end: number): Range {
  return { start: src.doc.positionAt(start), end: src.doc.positionAt(end) };
}

/** The part of a logical text between two logical indices, with its document range. */
function excerpt(src: Source, logical: LogicalText, from: number, to: number): { raw: string; range: Range } {
  const span = documentSpan(logical, from, to);
  return { raw: logical.text.slice(from, to), range: toRange(src, span.start, span.end) };
}

/** The excerpt a flag value (or mount option value) was read from. */
function wordExcerpt(src: Source, logical: LogicalText, word: MappedWord): { raw: string; range: Range } {
  const first = word.at[0] ?? 0;
  const last = word.at[word.at.length - 1] ?? first;
  return excerpt(src, logical, first, last + 1);
}

/** The logical text of an instruction after its keyword, up to the end of its logical line. */
function argumentsText(src: Source, instruction: Instruction): LogicalText {
  const start = src.doc.offsetAt(instruction.getInstructionRange().end);
  return readLogical(src.text, start, src.text.length, src.escapeChar, true);
}

function readFlags(src: Source, instruction: Instruction): { line: LogicalText; flags: BuilderFlags } {
  const line = argumentsText(src, instruction);
  return { line, flags: extractBuilderFlags(line, src.escapeChar) };
}

/** Records a stage's name (lower-cased, as BuildKit keys it); a later stage of the same name wins. */
function addStageName(names: Map<string, number>, name: string | undefined, index: number): void {
  if (name !== undefined && name !== "") names.set(name.toLowerCase(), index);
}

/** What a FROM line says: its flags, and the positional arguments after them (image, `AS`, name). */
interface StageHeader {
  readonly image?: { raw: string; range: Range };
  /** The `AS` name as written. */
  readonly name?: string;
  readonly line: LogicalText;
  readonly flags: BuilderFlags;
}

function readStageHeader(src: Source, from: From): StageHeader {
  const { line, flags } = readFlags(src, from);
  // dockerfile-ast splits words at every blank, even inside a quoted flag value: keep only the
  // words after the flags as BuildKit reads them.
  const restOffset = line.offsets[flags.restStart] ?? Number.POSITIVE_INFINITY;
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
  return {
    line,
    flags,
    ...(image !== undefined && image.text !== "" ? { image: excerpt(src, image, 0, image.text.length) } : {}),
    ...(name !== undefined && name !== "" ? { name } : {}),
  };
}

function argUses(names: readonly string[], globals: GlobalArgs): ArgUse[] {
  const uses: ArgUse[] = [];
  const seen = new Set<string>();
  const queue: { name: string; via?: string }[] = names.map((name) => ({ name }));
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    const arg = globals.get(item.name);
    const declaration = arg?.declaration;
    uses.push({
      name: item.name,
      ...(arg?.variable.state === "set" ? { value: arg.variable.value } : {}),
      ...(declaration !== undefined ? { declaredAt: declaration.nameRange } : {}),
      ...(declaration?.valueRange !== undefined ? { valueRange: declaration.valueRange } : {}),
      ...(item.via !== undefined ? { via: item.via } : {}),
    });
    for (const dep of arg?.deps ?? []) queue.push({ name: dep, via: item.name });
  }
  return uses;
}

/** The names and values of one ARG instruction, as BuildKit splits them (first `=`). */
function argDeclarations(src: Source, arg: Arg): ArgDeclaration[] {
  const out: ArgDeclaration[] = [];
  for (const word of arg.getPropertyArguments()) {
    const r = word.getRange();
    const logical = readLogical(
      src.text,
      src.doc.offsetAt(r.start),
      src.doc.offsetAt(r.end),
      src.escapeChar,
      true, // as for FROM: never past the end of the logical line
    );
    const eq = logical.text.indexOf("=");
    const nameEnd = eq === -1 ? logical.text.length : eq;
    const name = logical.text.slice(0, nameEnd);
    if (name === "") continue;
    const nameRange = excerpt(src, logical, 0, nameEnd).range;
    if (eq === -1) {
      out.push({ name, nameRange });
      continue;
    }
    const value = excerpt(src, logical, eq + 1, logical.text.length);
    const valueRange =
      value.raw === ""
        ? toRange(src, (logical.offsets[eq] ?? 0) + 1, (logical.offsets[eq] ?? 0) + 1)
        : value.range;
    out.push({ name, nameRange, rawValue: value.raw, valueRange });
  }
  return out;
}

/** BuildKit's DetectSyntax: `# syntax=…` among the leading directive lines (after a shebang). */
function syntaxDirective(src: Source): ImageRef | undefined {
  const text = src.text;
  let offset = text.startsWith("\uFEFF") ? 1 : 0;
  const lineAt = (start: number): { line: string; next: number } => {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end).replace(/\r$/, "");
    return { line, next: nl === -1 ? text.length + 1 : nl + 1 };
  };
  if (text.startsWith("#!", offset)) offset = lineAt(offset).next;
  const seen = new Set<string>();
  while (offset <= text.length) {
    const { line, next } = lineAt(offset);
    if (!line.startsWith("#")) return undefined;
    // BuildKit: cut the "#", trim leading space, then match `key = value` (Go's \s is ASCII).
    const match =
      /^#[\s\u0085\u00a0]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/du.exec(line);
    if (match === null) return undefined;
    const key = (match[1] ?? "").toLowerCase();
    if (key !== "syntax" && key !== "escape" && key !== "check") return undefined;
    if (seen.has(key)) return undefined; // BuildKit: "only one syntax parser directive can be used"
    seen.add(key);
    if (key === "syntax") {
      const value = match[2] ?? "";
      const raw = value.split(" ")[0] ?? "";
      if (raw === "") return undefined; // `# syntax= `: nothing to look up
      const valueStart = offset + (match.indices?.[2]?.[0] ?? 0);
      return {
        range: toRange(src, valueStart, valueStart + raw.length),
        raw,
        resolved: raw,
        argsUsed: [],
        kind: "syntax",
        stageIndex: -1,
        isStageRef: false,
        isScratch: false,
      };
    }
    offset = next;
  }
  return undefined;
}

/** Decides what a COPY --from / mount from= value refers to. */
function resolveSourceName(
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
function notEarlierStage(
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

export interface ExtractOptions {
  /**
   * The platforms of the build, which give the automatic platform ARGs (TARGETOS, BUILDPLATFORM,
   * …) their values, as BuildKit does. Without it, references built from them are unresolvable.
   */
  readonly platforms?: BuildPlatforms;
}

/**
 * The automatic platform ARGs a reference depends on (directly or through an ARG default), in
 * order: such a reference names another image on another platform, so it must never be pinned
 * or rewritten to the one image it is on this platform.
 */
export function platformArgsOf(ref: ImageRef): string[] {
  return ref.argsUsed
    .filter((a) => a.declaredAt === undefined && PLATFORM_ARGS.has(a.name))
    .map((a) => a.name);
}

/** Every image reference in a Dockerfile, in document order. */
export function extractImageRefs(text: string, options: ExtractOptions = {}): ImageRef[] {
  const dockerfile = parseDockerfile(text);
  const src: Source = {
    text,
    doc: TextDocument.create("file:///Dockerfile", "dockerfile", 0, text),
    escapeChar: dockerfile.getEscapeCharacter(),
  };
  const instructions = dockerfile.getInstructions();

  // First pass: the global ARGs, where later ARGs live (for messages), and every stage's name
  // (COPY --from and mount from= may name any stage in the file).
  const globalDeclarations: ArgDeclaration[] = [];
  const stageArgLines = new Map<string, number>();
  const headers: StageHeader[] = [];
  const allStagesByName = new Map<string, number>();
  for (const instruction of instructions) {
    if (instruction instanceof From) {
      const header = readStageHeader(src, instruction);
      addStageName(allStagesByName, header.name, headers.length);
      headers.push(header);
    } else if (instruction instanceof Arg) {
      for (const declaration of argDeclarations(src, instruction)) {
        if (headers.length === 0) globalDeclarations.push(declaration);
        else if (!stageArgLines.has(declaration.name))
          stageArgLines.set(declaration.name, declaration.nameRange.start.line);
      }
    }
  }
  const globals = buildGlobalArgs(globalDeclarations, {
    escapeChar: src.escapeChar,
    ...(options.platforms !== undefined ? { platforms: options.platforms } : {}),
    explainUndeclared: (name) => {
      const line = stageArgLines.get(name);
      return line === undefined
        ? undefined
        : `it is declared inside a stage on line ${line + 1}, and FROM only sees ARGs declared before the first FROM`;
    },
  });

  const refs: ImageRef[] = [];
  const syntax = syntaxDirective(src);
  if (syntax !== undefined) refs.push(syntax);

  const stageNames = headers.map((h) => h.name);
  const earlierStagesByName = new Map<string, number>();
  let stageIndex = -1;
  for (const instruction of instructions) {
    if (instruction instanceof From) {
      stageIndex++;
      const header = headers[stageIndex];
      if (header === undefined) continue;
      const ref = fromRef(src, header, stageIndex, globals, earlierStagesByName);
      if (ref !== undefined) refs.push(ref);
      addStageName(earlierStagesByName, header.name, stageIndex);
    } else if (stageIndex < 0) {
      continue; // COPY / RUN before any FROM: BuildKit rejects the file
    } else if (instruction instanceof Copy) {
      const ref = copyFromRef(src, instruction, stageIndex, stageNames, allStagesByName);
      if (ref !== undefined) refs.push(ref);
    } else if (instruction instanceof Run) {
      refs.push(...mountFromRefs(src, instruction, stageIndex, stageNames, allStagesByName));
    }
  }
  return refs;
}

function fromRef(
  src: Source,
  header: StageHeader,
  stageIndex: number,
  globals: GlobalArgs,
  earlierStagesByName: ReadonlyMap<string, number>,
): ImageRef | undefined {
  if (header.image === undefined) return undefined;
  const { raw, range } = header.image;
  const expansion = expandWord(raw, globals.lookup, src.escapeChar);
  const base = {
    range,
    raw,
    argsUsed: argUses(expansion.used, globals),
    kind: "from" as const,
    ...platformOf(src, header, globals),
    ...(header.name !== undefined ? { stage: header.name } : {}),
    stageIndex,
  };
  const unresolvable = (reason: string): ImageRef => ({
    ...base,
    unresolvable: reason,
    isStageRef: false,
    isScratch: false,
  });
  if (expansion.error !== undefined) return unresolvable(`BuildKit cannot expand ${raw}: ${expansion.error}`);
  if (expansion.tooDeep === true) {
    return {
      ...unresolvable(`${raw.length > 40 ? "this reference" : raw}: ${expansion.unknown ?? ""}`),
      tooDeep: true,
    };
  }
  if (expansion.value === undefined) return unresolvable(expansion.unknown ?? `${raw} has no fixed value`);
  const value = expansion.value;
  if (value === "") return unresolvable(`${raw} expands to an empty image name`);
  const target = earlierStagesByName.get(value);
  if (target !== undefined) {
    return { ...base, resolved: value, isStageRef: true, targetStage: target, isScratch: false };
  }
  const caseInsensitiveTarget = earlierStagesByName.get(value.toLowerCase());
  if (caseInsensitiveTarget !== undefined) {
    return {
      ...base,
      unresolvable:
        `BuildKit lower-cases stage names and matches FROM against them exactly, so "${value}" is not stage ` +
        `${caseInsensitiveTarget} but an image name, and the build stops with: failed to parse stage name ` +
        `"${value}": invalid reference format (image names are lower case). Write "${value.toLowerCase()}" ` +
        `to build on stage ${caseInsensitiveTarget}`,
      isStageRef: true,
      targetStage: caseInsensitiveTarget,
      isScratch: false,
    };
  }
  return { ...base, resolved: value, isStageRef: false, isScratch: value === "scratch" };
}

function platformOf(
  src: Source,
  header: StageHeader,
  globals: GlobalArgs,
): { platform?: ImageRef["platform"] } {
  const flag = header.flags.flags.find((f) => f.name === "platform");
  if (flag?.value === undefined || flag.value.text === "") return {};
  const { raw, range } = wordExcerpt(src, header.line, flag.value);
  const expansion = expandWord(flag.value.text, globals.lookup, src.escapeChar);
  const resolved = expansion.value !== undefined && expansion.value !== "" ? expansion.value : undefined;
  return { platform: { raw, range, ...(resolved !== undefined ? { resolved } : {}) } };
}

function copyFromRef(
  src: Source,
  copy: Copy,
  stageIndex: number,
  stageNames: readonly (string | undefined)[],
  stagesByName: ReadonlyMap<string, number>,
): ImageRef | undefined {
  const stageCount = stageNames.length;
  const { line, flags } = readFlags(src, copy);
  const flag = flags.flags.find((f) => f.name === "from");
  if (flag?.value === undefined || flag.value.text === "") return undefined;
  const value = flag.value.text;
  const { raw, range } = wordExcerpt(src, line, flag.value);
  const base = { range, raw, argsUsed: [], kind: "copy-from" as const, stageIndex };

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

function mountFromRefs(
  src: Source,
  run: Run,
  stageIndex: number,
  stageNames: readonly (string | undefined)[],
  stagesByName: ReadonlyMap<string, number>,
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
    const base = { range, raw, argsUsed: [], kind: "mount-from" as const, stageIndex };
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
