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
  /** `offsets[i]` is the document offset of `text[i]` (UTF-16 code units, like LSP positions). */
  readonly offsets: readonly number[];
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
  let text = "";
  const offsets: number[] = [];
  let i = Math.max(0, start);
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
  return { text, offsets };
}

/** The document offsets `[start, end)` covering logical characters `from` .. `to - 1`. */
export function documentSpan(logical: LogicalText, from: number, to: number): { start: number; end: number } {
  const first = logical.offsets[from];
  const last = logical.offsets[to - 1];
  if (first === undefined || last === undefined || to <= from) {
    const at = first ?? (logical.offsets[logical.offsets.length - 1] ?? -1) + 1;
    return { start: at, end: at };
  }
  return { start: first, end: last + 1 };
}
