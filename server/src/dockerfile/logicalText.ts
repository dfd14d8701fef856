/**
 * Logical text: a stretch of a Dockerfile as BuildKit's parser sees it, with line continuations
 * (escape char + optional blanks + newline) removed, and the comment lines and blank lines that
 * follow a continuation skipped (parser/parser.go: isComment, isEmptyContinuationLine). Every
 * character keeps the document offset it came from, so a piece found in the logical text maps
 * back to an exact document range even when the instruction spans several lines.
 *
 * Everything else (escapes, quotes, `$`) is kept as written: the shell lexer in expand.ts and the
 * flag parser in flags.ts interpret it.
 */

export interface LogicalText {
  /** The text with continuations and skipped lines removed. */
  readonly text: string;
  /**
   * Where each character came from: `offsets[i]` is the document offset of `text[i]` (UTF-16 code
   * units, like LSP positions); `undefined` when the text is one unbroken stretch of the document
   * starting at `start` (then `text[i]` came from `start + i`), as nearly every line is. Read it
   * through `logicalOffset`.
   */
  readonly offsets: readonly number[] | undefined;
  /** The document offset of `text[0]` (or where an empty text was read). */
  readonly start: number;
}

/** The document offset `text[i]` came from, or undefined outside the text. */
export function logicalOffset(logical: LogicalText, i: number): number | undefined {
  if (!(i >= 0 && i < logical.text.length)) return undefined;
  return logical.offsets === undefined ? logical.start + i : logical.offsets[i];
}

/** Where a continuation starting at `at` (an escape char) ends, or -1 if it is not one. */
function continuationEnd(doc: string, at: number): number {
  let j = at + 1;
  while (j < doc.length && (doc[j] === " " || doc[j] === "\t")) j++;
  if (j >= doc.length) return doc.length; // `\` (and blanks) ending the file: BuildKit drops it
  if (doc[j] === "\n") return j + 1;
  if (doc[j] === "\r" && doc[j + 1] === "\n") return j + 2;
  return -1;
}

/**
 * After a continuation, skip the lines BuildKit drops from the logical line: blank lines and
 * comment lines (first non-blank character `#`). Returns the offset of the next kept line.
 */
function skipDroppedLines(doc: string, from: number, limit: number): number {
  let lineStart = from;
  while (lineStart < limit) {
    let k = lineStart;
    while (k < limit && (doc[k] === " " || doc[k] === "\t")) k++;
    const blank = k >= limit || doc[k] === "\n" || (doc[k] === "\r" && doc[k + 1] === "\n");
    if (!blank && doc[k] !== "#") return lineStart;
    const newline = doc.indexOf("\n", k);
    if (newline === -1 || newline >= limit) return limit;
    lineStart = newline + 1;
  }
  return lineStart;
}

/**
 * Reads document text from `start` as BuildKit's parser joins it. With `stopAtNewline` it stops
 * at the first newline that is not part of a continuation (the end of the instruction's logical
 * line: a heredoc body after it is never read); otherwise it reads up to `end`.
 */
export function readLogical(
  doc: string,
  start: number,
  end: number,
  escapeChar: string,
  stopAtNewline: boolean,
): LogicalText {
  const limit = Math.min(Math.max(end, 0), doc.length);
  const from = Math.max(0, start);
  // Nearly every line has no escape char: then it is the document text up to its end, as is (one
  // slice, no per-character offsets). This runs for every instruction of every edit.
  const escape = escapeChar.charCodeAt(0);
  let i = from;
  for (; i < limit; i++) {
    const c = doc.charCodeAt(i);
    if (c === escape) return readEscaped(doc, from, limit, escapeChar, stopAtNewline);
    if (stopAtNewline && (c === 10 || (c === 13 && doc.charCodeAt(i + 1) === 10))) break;
  }
  return { text: doc.slice(from, i), offsets: undefined, start: from };
}

/** readLogical for text with an escape char in it: continuations and escaped characters. */
function readEscaped(
  doc: string,
  from: number,
  limit: number,
  escapeChar: string,
  stopAtNewline: boolean,
): LogicalText {
  let text = "";
  const offsets: number[] = [];
  let i = from;
  while (i < limit) {
    const ch = doc[i] as string;
    if (ch === escapeChar) {
      const after = continuationEnd(doc, i);
      if (after !== -1) {
        i = skipDroppedLines(doc, after, limit);
        continue;
      }
      // An escaped character: keep both as written for the lexer, and never read the escaped
      // character as the start of a continuation (`\\` at the end of a line ends the line).
      text += ch;
      offsets.push(i);
      const next = doc[i + 1];
      if (i + 1 < limit && next !== undefined && next !== "\n" && next !== "\r") {
        text += next;
        offsets.push(i + 1);
        i += 2;
      } else {
        i += 1;
      }
      continue;
    }
    if (stopAtNewline && (ch === "\n" || (ch === "\r" && doc[i + 1] === "\n"))) break;
    text += ch;
    offsets.push(i);
    i++;
  }
  return { text, offsets, start: from };
}

/** The document offsets `[start, end)` covering logical characters `from` .. `to - 1`. */
export function documentSpan(logical: LogicalText, from: number, to: number): { start: number; end: number } {
  const first = logicalOffset(logical, from);
  const last = logicalOffset(logical, to - 1);
  if (first === undefined || last === undefined || to <= from) {
    const end = logicalOffset(logical, logical.text.length - 1);
    const at = first ?? (end === undefined ? logical.start : end + 1);
    return { start: at, end: at };
  }
  return { start: first, end: last + 1 };
}
