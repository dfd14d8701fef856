/**
 * Suppression comments, read and written:
 *
 *   # from-lens-ignore latest-tag, unpinned     on the line(s) right above an instruction: the
 *   FROM python:latest                          codes are not reported for its references
 *
 *   # from-lens-ignore-file untrusted-source    anywhere: not reported in this file
 *
 * Codes are separated by commas or blanks; other words after them (a reason) are ignored. The
 * comment block directly above the instruction counts, so several ignore comments can be stacked.
 * A file-level comment is written after the parser directives (`# syntax=`, `# escape=`,
 * `# check=`), which BuildKit only reads before any other line.
 */
import { parseDockerfile } from "../../../dockerfile";
import type { TextEdit } from "vscode-languageserver";
import type { ImageRef } from "../../../dockerfile";
import {
  RULE_DEFAULTS,
  STANDARD_CHECK_DEFAULTS,
  type RuleCode,
  type StandardCheckCode,
} from "../../../settings";
import type { FeatureContext } from "../../context";
import { commentPrefix, isDockerfileDocument } from "../../../sources";
import { indentation, lineEnding, lineText } from "./text";

export const IGNORE_LINE = "from-lens-ignore";
export const IGNORE_FILE = "from-lens-ignore-file";

/** `#` in Dockerfiles and YAML, `//` in JSON with comments (dev containers). */
const IGNORE_COMMENT = /^[ \t]*(?:#|\/\/)[ \t]*(from-lens-ignore-file|from-lens-ignore)(?=[\s,]|$)(.*)$/;
/** BuildKit's parser directive line (frontend/dockerfile/parser/directives.go). */
const DIRECTIVE = /^#[ \t]*(syntax|escape|check)[ \t]*=/i;

export function isRuleCode(value: unknown): value is RuleCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(RULE_DEFAULTS, value);
}

/** A code an ignore comment may name: a FROM Lens rule or a standard check. */
type IgnorableCode = RuleCode | StandardCheckCode;

function isIgnorable(value: unknown): value is IgnorableCode {
  return (
    isRuleCode(value) ||
    (typeof value === "string" && Object.prototype.hasOwnProperty.call(STANDARD_CHECK_DEFAULTS, value))
  );
}

/** What the comment edits need of the context: the document. */
type DocContext = Pick<FeatureContext, "doc">;

interface IgnoreComment {
  scope: "line" | "file";
  codes: RuleCode[];
  /** Every code named, standard checks included. */
  all: IgnorableCode[];
}

function parseIgnoreComment(line: string): IgnoreComment | undefined {
  const m = IGNORE_COMMENT.exec(line);
  if (m === null) return undefined;
  const all = (m[2] ?? "").split(/[\s,]+/).filter(isIgnorable);
  return { scope: m[1] === IGNORE_FILE ? "file" : "line", codes: all.filter(isRuleCode), all };
}

/** First line of the instruction each reference belongs to; none for the `# syntax=` directive. */
function instructionLines(ctx: FeatureContext): (ref: ImageRef) => number | undefined {
  if (!isDockerfileDocument(ctx.doc))
    return (ref) => (ref.kind === "image" ? ref.range.start.line : undefined);
  // The extractor names each reference's instruction: no second parse (a large document's
  // references are read on a worker thread, and its parse must not happen here).
  if (ctx.refs.every((r) => r.kind === "syntax" || r.instructionLine !== undefined))
    return (ref) => (ref.kind === "syntax" ? undefined : ref.instructionLine);
  const starts = parseDockerfile(ctx.doc.getText())
    .getInstructions()
    .map((i) => i.getRange())
    .sort((a, b) => a.start.line - b.start.line);
  return (ref) => {
    if (ref.kind === "syntax") return undefined;
    // In other files the reference's own line is the "instruction" a comment above applies to.
    if (ref.kind === "image") return ref.range.start.line;
    let found: number | undefined;
    for (const range of starts) {
      if (range.start.line > ref.range.start.line) break;
      if (range.end.line >= ref.range.start.line) found = range.start.line;
    }
    return found;
  };
}

export interface Suppressions {
  /** Codes switched off for the whole file. */
  readonly file: ReadonlySet<RuleCode>;
  isSuppressed(code: RuleCode, ref: ImageRef): boolean;
}

/** Reads every suppression comment of the document once. */
export function readSuppressions(ctx: FeatureContext): Suppressions {
  const file = new Set<RuleCode>();
  const text = ctx.doc.getText();
  if (!text.includes(IGNORE_LINE)) return { file, isSuppressed: () => false };
  for (let line = 0; line < ctx.doc.lineCount; line++) {
    const comment = parseIgnoreComment(lineText(ctx.doc, line));
    if (comment?.scope === "file") comment.codes.forEach((c) => file.add(c));
  }
  const lineOf = instructionLines(ctx);
  const byLine = new Map<number, Set<RuleCode>>();
  const codesAbove = (line: number): Set<RuleCode> => {
    let codes = byLine.get(line);
    if (codes === undefined) {
      codes = new Set(commentBlockAbove(ctx, line).flatMap((c) => (c.scope === "line" ? c.codes : [])));
      byLine.set(line, codes);
    }
    return codes;
  };
  return {
    file,
    isSuppressed(code, ref) {
      if (file.has(code)) return true;
      const line = lineOf(ref);
      return line !== undefined && codesAbove(line).has(code);
    },
  };
}

/** The ignore comments in the block of comment lines directly above `line`. */
function commentBlockAbove(ctx: FeatureContext, line: number): IgnoreComment[] {
  const out: IgnoreComment[] = [];
  for (let l = line - 1; l >= 0; l--) {
    const text = lineText(ctx.doc, l);
    const trimmed = text.trimStart();
    if (!trimmed.startsWith("#") && !trimmed.startsWith("//")) break;
    const comment = parseIgnoreComment(text);
    if (comment !== undefined) out.push(comment);
  }
  return out;
}

/** Adds `code` after the codes of the ignore comment on `line` (a reason after them stays last). */
function appendCode(ctx: DocContext, line: number, code: IgnorableCode): TextEdit {
  const text = lineText(ctx.doc, line);
  const rest = IGNORE_COMMENT.exec(text)?.[2] ?? "";
  const keywordEnd = text.length - rest.length;
  let end = keywordEnd;
  for (const word of rest.matchAll(/[\s,]*([^\s,]+)/g)) {
    if (!isIgnorable(word[1])) break;
    end = keywordEnd + word.index + word[0].length;
  }
  const position = { line, character: end };
  return {
    range: { start: position, end: position },
    newText: end === keywordEnd ? ` ${code}` : `, ${code}`,
  };
}

/**
 * The edit that ignores `code` for `ref`'s instruction: a new `# from-lens-ignore <code>` line
 * above it (with its indentation and the document's line ending), or the code added to the
 * ignore comment already there. Undefined for the `# syntax=` directive, which has no line above.
 */
export function ignoreOnLineEdit(ctx: FeatureContext, ref: ImageRef, code: RuleCode): TextEdit | undefined {
  const line = instructionLines(ctx)(ref);
  if (line === undefined) return undefined;
  return ignoreAboveLineEdit(ctx, line, code);
}

/** The edit that ignores `code` for the instruction starting on `line` (see ignoreOnLineEdit). */
export function ignoreAboveLineEdit(
  ctx: DocContext,
  line: number,
  code: IgnorableCode,
): TextEdit | undefined {
  const prefix = commentPrefix(ctx.doc);
  if (prefix === undefined) return undefined;
  const above = line > 0 ? parseIgnoreComment(lineText(ctx.doc, line - 1)) : undefined;
  if (above?.scope === "line") {
    if (above.all.includes(code)) return undefined;
    return appendCode(ctx, line - 1, code);
  }
  const text = ctx.doc.getText();
  // Never push a byte order mark off the first line.
  const position = { line, character: line === 0 && text.startsWith("\uFEFF") ? 1 : 0 };
  const indent = indentation(lineText(ctx.doc, line).replace(/^\uFEFF/, ""));
  return {
    range: { start: position, end: position },
    newText: `${indent}${prefix} ${IGNORE_LINE} ${code}${lineEnding(text)}`,
  };
}

/** The first line after the BOM, shebang and parser directives: where a file-level comment goes. */
function headerEnd(ctx: DocContext): number {
  let line = 0;
  const first = lineText(ctx.doc, 0).replace(/^\uFEFF/, "");
  if (first.startsWith("#!")) line = 1;
  while (line < ctx.doc.lineCount && DIRECTIVE.test(lineText(ctx.doc, line).replace(/^\uFEFF/, ""))) line++;
  return line;
}

/**
 * The edit that ignores `code` in the whole file: the code added to an existing
 * `# from-lens-ignore-file` comment, or a new one right after the parser directives.
 */
export function ignoreInFileEdit(ctx: DocContext, code: IgnorableCode): TextEdit | undefined {
  const prefix = commentPrefix(ctx.doc);
  if (prefix === undefined) return undefined;
  for (let line = 0; line < ctx.doc.lineCount; line++) {
    const comment = parseIgnoreComment(lineText(ctx.doc, line));
    if (comment?.scope !== "file") continue;
    if (comment.all.includes(code)) return undefined;
    return appendCode(ctx, line, code);
  }
  const text = ctx.doc.getText();
  const eol = lineEnding(text);
  const line = headerEnd(ctx);
  const comment = `${prefix} ${IGNORE_FILE} ${code}`;
  if (line >= ctx.doc.lineCount || (line === ctx.doc.lineCount - 1 && lineText(ctx.doc, line) === "")) {
    // The directives are the whole file: the comment becomes its last line.
    const end = ctx.doc.positionAt(text.length);
    const needsBreak = text !== "" && !text.endsWith("\n");
    return { range: { start: end, end }, newText: `${needsBreak ? eol : ""}${comment}${eol}` };
  }
  const character = line === 0 && text.startsWith("\uFEFF") ? 1 : 0;
  const position = { line, character };
  return { range: { start: position, end: position }, newText: `${comment}${eol}` };
}
