/** Position and range helpers shared by the server and the features. */
import type { Position, Range } from "vscode-languageserver-types";

/** True when `position` lies within `range`, both ends included (a cursor right after a word is on it). */
export function rangeContains(range: Range | null | undefined, position: Position): boolean {
  if (!range) return false;
  const afterStart =
    position.line > range.start.line ||
    (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd =
    position.line < range.end.line ||
    (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}
