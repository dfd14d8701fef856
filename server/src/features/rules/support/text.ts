/**
 * Small text helpers shared by the rules, suppression comments and code actions: line endings,
 * lines, indentation, and range comparisons. Pure.
 */
import type { Position, Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";

/** The document's line ending: `\r\n` when its first line break is one, else `\n`. */
export function lineEnding(text: string): "\n" | "\r\n" {
  const nl = text.indexOf("\n");
  return nl > 0 && text[nl - 1] === "\r" ? "\r\n" : "\n";
}

/** The text of one line, without its line ending; "" past the end. */
export function lineText(doc: TextDocument, line: number): string {
  if (line < 0 || line >= doc.lineCount) return "";
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, "").replace(/\r$/, "");
}

/** The blanks a line starts with. */
export function indentation(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

/** True when the ranges share at least one character (or touch, for empty ranges). */
export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export function compareRanges(a: Range, b: Range): number {
  return comparePositions(a.start, b.start) || comparePositions(a.end, b.end);
}
