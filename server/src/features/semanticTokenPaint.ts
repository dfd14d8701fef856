/**
 * The painting half of the semantic tokens (semanticTokens.ts slices the text and encodes the
 * runs): the token legend, and each token class painted into one byte per character of a parsed
 * slice, in priority order (parameter < string < variable < macro < comment). Pure.
 */
import {
  Comment,
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
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

export class Canvas {
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
export function lineEnd(text: string, i: number): number {
  const n = text.indexOf("\n", i);
  const end = n === -1 ? text.length : n;
  return end > i && text[end - 1] === "\r" ? end - 1 : end;
}

/** True if the line starting at `i` is a comment line (first non-blank character `#`). */
export function commentLineAt(text: string, i: number): boolean {
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

export function paintDocument(c: Canvas, dockerfile: Dockerfile): void {
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
