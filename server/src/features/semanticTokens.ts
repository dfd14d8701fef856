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
 * equal paint on each line. No recursion, no per-token allocation beyond the output.
 */
import {
  Comment,
  DockerfileParser,
  Keyword,
  ModifiableInstruction,
  PropertyInstruction,
  type Instruction,
  type Dockerfile,
} from "dockerfile-ast";
import {
  SemanticTokenModifiers,
  SemanticTokenTypes,
  type Position,
  type Range,
  type SemanticTokens,
  type SemanticTokensLegend,
} from "vscode-languageserver";

/** Every token type this module emits, in the order of their numbers. */
const TYPES = [
  SemanticTokenTypes.keyword,
  SemanticTokenTypes.comment,
  SemanticTokenTypes.parameter,
  SemanticTokenTypes.property,
  SemanticTokenTypes.namespace,
  SemanticTokenTypes.class,
  SemanticTokenTypes.macro,
  SemanticTokenTypes.string,
  SemanticTokenTypes.variable,
  SemanticTokenTypes.operator,
] as const;
type TokenType = (typeof TYPES)[number];

const MODIFIERS = [SemanticTokenModifiers.declaration, SemanticTokenModifiers.deprecated] as const;
type TokenModifier = (typeof MODIFIERS)[number];

/** The legend the server advertises; it names every type and modifier `provideSemanticTokens` emits. */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TYPES],
  tokenModifiers: [...MODIFIERS],
};

/** Paint: the type's number + 1 in the low 4 bits (0 = no token), modifier bits above. */
function paintOf(type: TokenType, modifiers: readonly TokenModifier[] = []): number {
  let code = TYPES.indexOf(type) + 1;
  for (const m of modifiers) code |= 1 << (4 + MODIFIERS.indexOf(m));
  return code;
}
const P = {
  keyword: paintOf(SemanticTokenTypes.keyword),
  deprecatedKeyword: paintOf(SemanticTokenTypes.keyword, [SemanticTokenModifiers.deprecated]),
  comment: paintOf(SemanticTokenTypes.comment),
  parameter: paintOf(SemanticTokenTypes.parameter),
  property: paintOf(SemanticTokenTypes.property),
  namespace: paintOf(SemanticTokenTypes.namespace),
  class: paintOf(SemanticTokenTypes.class),
  macro: paintOf(SemanticTokenTypes.macro),
  string: paintOf(SemanticTokenTypes.string),
  variable: paintOf(SemanticTokenTypes.variable),
  declaration: paintOf(SemanticTokenTypes.variable, [SemanticTokenModifiers.declaration]),
  operator: paintOf(SemanticTokenTypes.operator),
};

/** Line starts of a text, for position → offset in O(1). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

class Canvas {
  readonly paint: Uint8Array;
  constructor(
    readonly text: string,
    readonly starts: number[],
  ) {
    this.paint = new Uint8Array(text.length);
  }
  offset(p: Position): number {
    const start = this.starts[p.line] ?? this.text.length;
    return Math.min(start + p.character, this.text.length);
  }
  fill(from: number, to: number, code: number): void {
    for (let i = Math.max(0, from); i < to && i < this.text.length; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) this.paint[i] = code;
    }
  }
  range(r: Range | null | undefined, code: number): void {
    if (r) this.fill(this.offset(r.start), this.offset(r.end), code);
  }
}

const isSpace = (c: string): boolean => c === " " || c === "\t";
const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isNameChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** The end of the line at `i` (the offset of its `\r`/`\n`, or the text's end). */
function lineEnd(text: string, i: number): number {
  const n = text.indexOf("\n", i);
  const end = n === -1 ? text.length : n;
  return end > i && text[end - 1] === "\r" ? end - 1 : end;
}

/** True if the line starting at `i` is a comment line (first non-blank character `#`). */
function commentLineAt(text: string, i: number): boolean {
  let j = i;
  while (j < text.length && isSpace(text[j] ?? "")) j++;
  return text[j] === "#";
}

/**
 * Inside one instruction: the escape characters that continue a line (macro) and the comment
 * lines embedded between continued lines (comment).
 */
function paintContinuations(c: Canvas, from: number, to: number, escape: string): void {
  const text = c.text;
  for (let nl = text.indexOf("\n", from); nl !== -1 && nl < to; nl = text.indexOf("\n", nl + 1)) {
    let j = nl - 1;
    while (j >= from && (isSpace(text[j] ?? "") || text[j] === "\r")) j--;
    if (j >= from && text[j] === escape) c.fill(j, j + 1, P.macro);
    const next = nl + 1;
    if (next < to && commentLineAt(text, next)) {
      const start = text.indexOf("#", next);
      c.fill(start, lineEnd(text, start), P.comment);
    }
  }
}

/**
 * Strings and variables over the argument text `[from, to)` (already painted as `base`): quoted
 * text becomes a string (an unclosed quote runs to the end), `$NAME` and `${NAME…}` outside quotes
 * become variables, with the `:-`/`:+`/`:?` of a substitution an operator.
 */
function paintShellWords(c: Canvas, from: number, to: number, escape: string): void {
  const text = c.text;
  let quote = "";
  let quoteStart = -1;
  for (let i = from; i < to; i++) {
    const ch = text[i] ?? "";
    if (ch === "\n") {
      // Comment lines inside a continued instruction are not shell text.
      let next = i + 1;
      while (next < to && commentLineAt(text, next)) {
        const nl = text.indexOf("\n", next);
        next = nl === -1 || nl >= to ? to : nl + 1;
      }
      i = next - 1;
      continue;
    }
    if (ch === escape && quote !== "'") {
      i++; // the escaped character (or the newline of a continuation) is taken literally
      continue;
    }
    if (quote !== "") {
      if (ch === quote) {
        c.fill(quoteStart, i + 1, P.string);
        quote = "";
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      quoteStart = i;
    } else if (ch === "$") {
      i = paintVariable(c, i, to) - 1;
    }
  }
  if (quote !== "") c.fill(quoteStart, to, P.string);
}

/** Paints the variable at `start` (a `$`); returns the offset after it. */
function paintVariable(c: Canvas, start: number, to: number): number {
  const text = c.text;
  if (text[start + 1] === "{") {
    let i = start + 2;
    while (i < to && isNameChar(text[i] ?? "")) i++;
    c.fill(start, i, P.variable);
    if (text[i] === ":" && /[-+?]/.test(text[i + 1] ?? "")) {
      c.fill(i, i + 2, P.operator);
      i += 2;
    } else if (/[-+?]/.test(text[i] ?? "")) {
      c.fill(i, i + 1, P.operator);
      i += 1;
    }
    // The word of a substitution stays a parameter; the closing brace ends the variable.
    while (i < to && text[i] !== "}" && text[i] !== "\n") i++;
    if (text[i] === "}") {
      c.fill(i, i + 1, P.variable);
      return i + 1;
    }
    return i;
  }
  if (!isNameStart(text[start + 1] ?? "")) return start + 1;
  let i = start + 1;
  while (i < to && isNameChar(text[i] ?? "")) i++;
  c.fill(start, i, P.variable);
  return i;
}

/** The image argument of a FROM: name (class), then tag and digest (property). */
function paintImage(c: Canvas, from: number, to: number): void {
  const image = c.text.slice(from, to);
  // Separators inside `${…}` belong to the variable, not the reference.
  const plain = image.replace(/\$\{[^}]*\}/g, (m) => "_".repeat(m.length));
  const at = plain.lastIndexOf("@");
  const nameAndTag = at === -1 ? plain : plain.slice(0, at);
  const colon = nameAndTag.lastIndexOf(":");
  const tagStart = colon > nameAndTag.lastIndexOf("/") ? colon : -1;
  const nameEnd = tagStart !== -1 ? tagStart : at !== -1 ? at : image.length;
  c.fill(from, from + nameEnd, P.class);
  if (tagStart !== -1) c.fill(from + tagStart + 1, from + nameAndTag.length, P.property);
  if (at !== -1) c.fill(from + at + 1, to, P.property);
}

interface ArgLike {
  getRange(): Range;
}

function paintArguments(c: Canvas, args: readonly ArgLike[], escape: string): void {
  const first = args[0];
  const last = args[args.length - 1];
  if (!first || !last) return;
  for (const a of args) c.range(a.getRange(), P.parameter);
  paintShellWords(c, c.offset(first.getRange().start), c.offset(last.getRange().end), escape);
}

function paintFlags(c: Canvas, instruction: ModifiableInstruction): void {
  for (const flag of instruction.getFlags()) {
    const nameRange = flag.getNameRange();
    const nameEnd = c.offset(nameRange.end);
    c.fill(c.offset(flag.getRange().start), nameEnd, P.parameter);
    const value = flag.getValue();
    if (value === null) continue;
    const valueRange = flag.getValueRange();
    c.fill(nameEnd, valueRange ? c.offset(valueRange.start) : nameEnd + 1, P.operator);
    if (flag.hasOptions()) {
      for (const option of flag.getOptions()) {
        const optionName = option.getNameRange();
        c.range(optionName, P.parameter);
        const optionValue = option.getValueRange();
        if (!optionValue) continue;
        c.fill(c.offset(optionName.end), c.offset(optionValue.start), P.operator);
        if (option.getValue() !== "") c.range(optionValue, P.property);
      }
    } else if (value !== "") {
      c.range(valueRange, P.property);
    }
  }
}

function paintInstruction(c: Canvas, instruction: Instruction, escape: string, nested: boolean): void {
  // getKeyword() is the upper-cased instruction word: one of Keyword's values, or an unknown word.
  const keyword = instruction.getKeyword() as Keyword;
  c.range(
    instruction.getInstructionRange(),
    keyword === Keyword.MAINTAINER ? P.deprecatedKeyword : P.keyword,
  );
  if (instruction instanceof ModifiableInstruction) paintFlags(c, instruction);
  const args = instruction.getArguments();
  switch (keyword) {
    case Keyword.ARG:
    case Keyword.ENV:
      if (!(instruction instanceof PropertyInstruction)) break;
      for (const property of instruction.getProperties()) {
        const nameRange = property.getNameRange();
        c.range(nameRange, P.declaration);
        const valueRange = property.getValueRange();
        const nameEnd = c.offset(nameRange.end);
        if (c.text[nameEnd] === "=") c.fill(nameEnd, nameEnd + 1, P.operator);
        if (valueRange) paintArguments(c, [{ getRange: () => valueRange }], escape);
      }
      return;
    case Keyword.FROM: {
      const [image, as, stage, ...rest] = args;
      if (!image) return;
      paintImage(c, c.offset(image.getRange().start), c.offset(image.getRange().end));
      if (as?.getValue().toUpperCase() === "AS") {
        c.range(as.getRange(), P.keyword);
        if (stage) c.range(stage.getRange(), P.namespace);
        paintArguments(c, rest, escape);
      } else {
        paintArguments(c, args.slice(1), escape);
      }
      return;
    }
    case Keyword.HEALTHCHECK:
      if (args[0]) c.range(args[0].getRange(), P.keyword);
      paintArguments(c, args.slice(1), escape);
      return;
    case Keyword.ONBUILD: {
      // ONBUILD takes one instruction; a nested ONBUILD is invalid and is not looked into.
      const onbuild = instruction as Instruction & { getTriggerInstruction(): Instruction | null };
      const trigger = nested ? null : onbuild.getTriggerInstruction();
      if (trigger) paintInstruction(c, trigger, escape, true);
      else paintArguments(c, args, escape);
      return;
    }
  }
  paintArguments(c, args, escape);
}

function paintDocument(c: Canvas, dockerfile: Dockerfile): void {
  const escape = dockerfile.getEscapeCharacter();
  for (const directive of dockerfile.getDirectives()) {
    const range = directive.getRange();
    const nameRange = directive.getNameRange();
    const valueRange = directive.getValueRange();
    c.fill(c.offset(range.start), c.offset(nameRange.start), P.comment);
    c.range(nameRange, P.property);
    const valueStart = c.offset(valueRange.start);
    if (c.text[valueStart - 1] === "=") c.fill(valueStart - 1, valueStart, P.operator);
    c.range(valueRange, P.parameter);
  }
  for (const instruction of dockerfile.getInstructions()) {
    paintInstruction(c, instruction, escape, false);
    const r = instruction.getRange();
    paintContinuations(c, c.offset(r.start), c.offset(r.end), escape);
  }
  for (const comment of dockerfile.getComments()) {
    if (comment instanceof Comment) c.range(comment.getRange(), P.comment);
  }
}

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
    paintDocument(c, DockerfileParser.parse(slice));
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
  return end === 0 ? "\\" : DockerfileParser.parse(text.slice(0, end)).getEscapeCharacter();
}
