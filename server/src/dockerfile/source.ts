/**
 * The Dockerfile being read, and the text helpers every extractor shares: document ranges of
 * logical text (logicalText.ts) and an instruction's builder flags (flags.ts).
 */
import type { Instruction } from "dockerfile-ast";
import type { Range, TextDocument } from "vscode-languageserver-textdocument";
import { extractBuilderFlags, mayStartWithFlag } from "./flags";
import type { BuilderFlags, MappedWord } from "./flags";
import { documentSpan, readLogical } from "./logicalText";
import type { LogicalText } from "./logicalText";

export interface Source {
  readonly text: string;
  readonly doc: TextDocument;
  readonly escapeChar: string;
}

export function toRange(src: Source, start: number, end: number): Range {
  return { start: src.doc.positionAt(start), end: src.doc.positionAt(end) };
}

/** The part of a logical text between two logical indices, with its document range. */
export function excerpt(
  src: Source,
  logical: LogicalText,
  from: number,
  to: number,
): { raw: string; range: Range } {
  const span = documentSpan(logical, from, to);
  return { raw: logical.text.slice(from, to), range: toRange(src, span.start, span.end) };
}

/** The excerpt a flag value (or mount option value) was read from. */
export function wordExcerpt(
  src: Source,
  logical: LogicalText,
  word: MappedWord,
): { raw: string; range: Range } {
  const first = word.at[0] ?? 0;
  const last = word.at[word.at.length - 1] ?? first;
  return excerpt(src, logical, first, last + 1);
}

/** The logical text of an instruction after its keyword, up to the end of its logical line. */
export function argumentsText(src: Source, instruction: Instruction): LogicalText {
  const start = src.doc.offsetAt(instruction.getInstructionRange().end);
  return readLogical(src.text, start, src.text.length, src.escapeChar, true);
}

export function readFlags(src: Source, instruction: Instruction): { line: LogicalText; flags: BuilderFlags } {
  const line = argumentsText(src, instruction);
  return { line, flags: extractBuilderFlags(line, src.escapeChar) };
}

/**
 * False when the instruction certainly has no builder flags (see `mayStartWithFlag`): spares
 * reading a long RUN or COPY line to its end for flags it does not have.
 */
export function mayHaveFlags(src: Source, instruction: Instruction): boolean {
  return mayStartWithFlag(src.text, src.doc.offsetAt(instruction.getInstructionRange().end), src.escapeChar);
}
