/**
 * Dockerfile text → every image reference in it (`ImageRef[]`), as BuildKit would read them:
 * `FROM` (with `--platform`, `AS name`, earlier stages, `scratch`, global-ARG substitution),
 * `COPY --from=` (stage name, stage index or image), `RUN --mount=…,from=…` (stage name or
 * image) and the `# syntax=` parser directive. Pure: no I/O, never throws.
 *
 * dockerfile-ast finds the instructions (escape directive, continuations, comments, heredocs,
 * any letter case); logicalText.ts maps text back to exact document ranges; flags.ts reads
 * builder flags; expand.ts and globalArgs.ts substitute ARGs. This file is the entry point; one
 * module per source reads each kind (fromRef.ts, copyFromRef.ts, mountFromRefs.ts,
 * syntaxDirective.ts). BuildKit behaviours they follow (checked against moby/buildkit
 * frontend/dockerfile):
 * - FROM sees only ARGs declared before the first FROM, plus the predefined platform ARGs.
 * - `AS` names are lower-cased; FROM matches its (expanded) name *exactly* against the
 *   lower-cased names of earlier stages, while COPY --from and mount from= match any stage
 *   case-insensitively.
 * - COPY --from and mount from= are never expanded: a `$` there is a build error in BuildKit.
 * - COPY --from takes a stage index; mount from= does not (a number there names an image).
 * - ADD has no --from. ONBUILD triggers run in other builds and are not read here.
 */
import { Arg, Copy, From, Run } from "dockerfile-ast";
import { TextDocument } from "vscode-languageserver-textdocument";
import { argDeclarations } from "./argDeclarations";
import { copyFromRef } from "./copyFromRef";
import { fromRef, readStageHeader, type StageHeader } from "./fromRef";
import { buildGlobalArgs, type ArgDeclaration } from "./globalArgs";
import { mountFromRefs } from "./mountFromRefs";
import { parseDockerfile } from "./parse";
import { PLATFORM_ARGS, type BuildPlatforms } from "./predefinedArgs";
import { mayHaveFlags, type Source } from "./source";
import { syntaxDirective } from "./syntaxDirective";
import type { ImageRef } from "./types";

/** Records a stage's name (lower-cased, as BuildKit keys it); a later stage of the same name wins. */
function addStageName(names: Map<string, number>, name: string | undefined, index: number): void {
  if (name !== undefined && name !== "") names.set(name.toLowerCase(), index);
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
    const line = instruction.getRange().start.line;
    if (instruction instanceof From) {
      stageIndex++;
      const header = headers[stageIndex];
      if (header === undefined) continue;
      const ref = fromRef(src, header, stageIndex, globals, earlierStagesByName, line);
      if (ref !== undefined) refs.push(ref);
      addStageName(earlierStagesByName, header.name, stageIndex);
    } else if (stageIndex < 0) {
      continue; // COPY / RUN before any FROM: BuildKit rejects the file
    } else if (instruction instanceof Copy) {
      const ref = mayHaveFlags(src, instruction)
        ? copyFromRef(src, instruction, stageIndex, stageNames, allStagesByName, line)
        : undefined;
      if (ref !== undefined) refs.push(ref);
    } else if (instruction instanceof Run && mayHaveFlags(src, instruction)) {
      refs.push(...mountFromRefs(src, instruction, stageIndex, stageNames, allStagesByName, line));
    }
  }
  return refs;
}
