/**
 * Semantic tokens for Dockerfiles, in one linear pass. Pure: text (and optionally a range of
 * lines) in, LSP `SemanticTokens` out.
 *
 * Why our own and not dockerfile-language-service's: its tokenizer grows its output with
 * `Array.concat` per token, rescans comments per multi-line instruction and resolves every
 * variable against every build stage (dockerfile-ast's `getVariables`), so a 2 MB file took
 * 82 s; it recurses per token and overflows the stack on `ENV C a\\b\\` + a next line; and it
 * emits a token type (`modifier`, for `${X:-…}`) that the legend we advertised did not contain.
 *
 * How: dockerfile-ast parses the text (linear), and only its per-instruction, cheap accessors are
 * used (ranges, raw arguments, flags, properties — never `getVariables`, `getImageTagRange` or
 * anything that resolves variables). Each token class is painted into one byte per character,
 * in priority order (parameter < string < variable < macro < comment); the tokens are the runs of
 * equal paint on each line (the painting is in semanticTokenPaint.ts). No recursion, no
 * per-token allocation beyond the output.
 */
import type { Range, SemanticTokens } from "vscode-languageserver";
import { parseUncached } from "../dockerfile";
import { Canvas, commentLineAt, lineEnd, lineStarts, paintDocument } from "./semanticTokenPaint";

export { SEMANTIC_TOKENS_LEGEND } from "./semanticTokenPaint";

/** Relative LSP token data, built line by line across slices. */
class Encoder {
  readonly data: number[] = [];
  private prevLine = 0;
  private prevChar = 0;
  /** Adds the painted runs of the canvas' lines `[firstLine, lastLine]`, shifted by `shift` lines. */
  add(c: Canvas, firstLine: number, lastLine: number, shift: number): void {
    const last = Math.min(lastLine, c.starts.length - 1);
    for (let line = Math.max(0, firstLine); line <= last; line++) {
      const start = c.starts[line] ?? c.text.length;
      const end = lineEnd(c.text, start);
      const outLine = line + shift;
      for (let i = start; i < end;) {
        const code = c.paint[i] ?? 0;
        let j = i + 1;
        while (j < end && c.paint[j] === code) j++;
        if (code !== 0) {
          const char = i - start;
          const deltaChar = outLine === this.prevLine ? char - this.prevChar : char;
          this.data.push(outLine - this.prevLine, deltaChar, j - i, (code & 15) - 1, code >> 4);
          this.prevLine = outLine;
          this.prevChar = char;
        }
        i = j;
      }
    }
  }
}

/** A document's lines, and where its instructions may be cut apart. */
class Lines {
  readonly starts: number[];
  readonly last: number;
  readonly escape: string;
  constructor(readonly text: string) {
    this.starts = lineStarts(text);
    this.last = this.starts.length - 1;
    this.escape = leadingEscapeCharacter(text, this.starts);
  }
  line(n: number): string {
    const start = this.starts[n] ?? this.text.length;
    return this.text.slice(start, lineEnd(this.text, start));
  }
  /** Blank or comment: such a line neither starts nor ends an instruction. */
  skippable(n: number): boolean {
    const t = this.line(n);
    return t.trim() === "" || commentLineAt(t, 0);
  }
  /** The line ends with the escape character: the instruction goes on. */
  continues(n: number): boolean {
    return !this.skippable(n) && this.line(n).trimEnd().endsWith(this.escape);
  }
  /**
   * True if the text may be cut after line `n`: it ends an instruction, and the next line starts a
   * new one (a keyword, a comment or a blank line), which a heredoc's body seldom does.
   */
  cutAfter(n: number): boolean {
    if (n >= this.last) return true;
    if (this.skippable(n) || this.continues(n)) return false;
    return this.skippable(n + 1) || INSTRUCTION_START.test(this.line(n + 1));
  }
  /** Parses and paints lines `[first, last]` alone, and adds lines `[from, to]` of them to `out`. */
  paint(first: number, last: number, from: number, to: number, out: Encoder): void {
    const prefix = first > 0 && this.escape !== "\\" ? `# escape=${this.escape}\n` : "";
    const shift = first - (prefix ? 1 : 0);
    const slice =
      prefix +
      this.text.slice(this.starts[first] ?? this.text.length, this.starts[last + 1] ?? this.text.length);
    const c = new Canvas(slice, lineStarts(slice));
    paintDocument(c, parseUncached(slice));
    out.add(c, from - shift, to - shift, shift);
  }
}

const INSTRUCTION_START =
  /^\s*(?:FROM|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL)(?:\s|$)/i;

/**
 * Lines per slice. dockerfile-ast's parse is itself quadratic in places (it files every comment
 * under every build stage), so a document is parsed in slices of whole instructions.
 */
const SLICE_LINES = 200;
/** How far a range request looks back for the start of the instruction its first line is in. */
const MAX_LOOK_BACK = 5000;

/**
 * All semantic tokens of a document, one slice of whole instructions per step: the caller may
 * yield to other work between steps (the generator's result is the tokens).
 */
export function* semanticTokenSteps(text: string): Generator<undefined, SemanticTokens> {
  const lines = new Lines(text);
  const out = new Encoder();
  for (let first = 0; first <= lines.last;) {
    let last = Math.min(first + SLICE_LINES, lines.last);
    while (!lines.cutAfter(last)) last++;
    lines.paint(first, last, first, last, out);
    first = last + 1;
    yield;
  }
  return { data: out.data };
}

/** All semantic tokens of a document, in time linear in its size. */
export function provideSemanticTokens(text: string): SemanticTokens {
  const steps = semanticTokenSteps(text);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The tokens of lines `range.start.line`–`range.end.line` only, in time proportional to those
 * lines (and the instructions they are part of) whatever the document's size.
 */
export function provideSemanticTokensRange(text: string, range: Range): SemanticTokens {
  const lines = new Lines(text);
  const from = Math.min(Math.max(0, range.start.line), lines.last);
  const to = Math.min(Math.max(from, range.end.line), lines.last);
  let first = from;
  while (first > 0 && from - first < MAX_LOOK_BACK && !lines.cutAfter(first - 1)) first--;
  let last = to;
  while (!lines.cutAfter(last)) last++;
  const out = new Encoder();
  lines.paint(first, last, from, to, out);
  return { data: out.data };
}

/** The escape character set by a parser directive at the top of the text (`\` by default). */
function leadingEscapeCharacter(text: string, starts: number[]): string {
  let end = 0;
  for (let n = 0; n < Math.min(starts.length, 64); n++) {
    const s = starts[n] ?? text.length;
    const line = text.slice(s, lineEnd(text, s));
    if (line.trim() !== "" && !commentLineAt(line, 0)) break;
    end = starts[n + 1] ?? text.length;
  }
  return end === 0 ? "\\" : parseUncached(text.slice(0, end)).getEscapeCharacter();
}
