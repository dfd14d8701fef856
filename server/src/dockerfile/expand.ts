/**
 * ARG substitution the way BuildKit does it for FROM lines.
 *
 * `expandWord` is a port of BuildKit's shell lexer (frontend/dockerfile/shell/lex.go,
 * ProcessWordWithMatches): quotes, the escape token, `$VAR`, `${VAR}`, `${VAR:-w}`, `${VAR-w}`,
 * `${VAR:+w}`, `${VAR+w}`, `${VAR:?w}`, `${VAR?w}`, `${VAR#p}`, `${VAR##p}`, `${VAR%p}`,
 * `${VAR%%p}`, `${VAR/p/r}`, `${VAR//p/r}`, with the same error messages. Unlike BuildKit it
 * knows that some values are not fixed: a variable is `set` (a known value), `unset` (empty in a
 * plain build) or `unknown` (e.g. TARGETARCH, which differs per platform). A result that depends
 * on an unknown value, or on the value of an unset variable, has no value, only a reason.
 * The wildcard patterns live in shellPattern.ts; the scope FROM lines expand against in
 * globalArgs.ts.
 */
import { LexError, shellPatternToRegex, trimPrefix, trimSuffix } from "./shellPattern";

export type Variable =
  | { readonly state: "set"; readonly value: string }
  | { readonly state: "unset"; readonly reason: string }
  | { readonly state: "unknown"; readonly reason: string };

/** Looks a variable up; every name has an answer (undeclared names are `unset`). */
export type VariableLookup = (name: string) => Variable;

export interface Expansion {
  /** The expanded word, when it is fully known. */
  readonly value?: string;
  /** Why the word has no single value (first cause found), when it depends on one. */
  readonly unknown?: string;
  /** BuildKit's error for a malformed word (unterminated quote, bad substitution, …). */
  readonly error?: string;
  /** Set (with `unknown`) when FROM Lens stopped because `${…}` nests deeper than it expands. */
  readonly tooDeep?: true;
  /** Every variable name the word refers to, in order of first appearance. */
  readonly used: readonly string[];
}

/**
 * How deep `${…}` substitutions may nest before FROM Lens stops expanding a word. BuildKit has no
 * such limit (Go's stacks grow), but a recursive-descent lexer in JavaScript overflows the stack
 * somewhere past a few thousand levels; no real Dockerfile comes near this bound.
 */
export const MAX_SUBSTITUTION_DEPTH = 64;

/** The word nests `${…}` deeper than MAX_SUBSTITUTION_DEPTH: FROM Lens does not know its value. */
class TooDeepError extends Error {}

const EOF = -1;

function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** POSIX special parameters ($@, $*, $#, …): a name of one character. */
function isSpecialParam(ch: string): boolean {
  return "@*#?-$!0".includes(ch);
}

/** A value under construction: its text, and why it is not a single value (if it is not). */
interface Piece {
  text: string;
  unknown?: string;
}

class ShellWord {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes = false;
  private depth = 0;
  readonly used: string[] = [];

  constructor(
    word: string,
    private readonly lookup: VariableLookup,
    private readonly escapeToken: string,
  ) {
    this.chars = Array.from(word);
  }

  private peek(): string | typeof EOF {
    return this.chars[this.pos] ?? EOF;
  }

  private next(): string | typeof EOF {
    const ch = this.chars[this.pos];
    if (ch === undefined) return EOF;
    this.pos++;
    return ch;
  }

  /** Records a name where it is written, so `used` follows the text. */
  private note(name: string): void {
    if (name !== "" && !this.used.includes(name)) this.used.push(name);
  }

  private get(name: string): Variable {
    this.note(name);
    return this.lookup(name);
  }

  /** processStopOn: read up to `stopChar` (consumed) or the end of the word. */
  processStopOn(stopChar: string | typeof EOF, rawEscapes: boolean): Piece {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      const result: Piece = { text: "" };
      for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
        if (stopChar !== EOF && ch === stopChar) {
          this.next();
          return result;
        }
        if (ch === "$") {
          append(result, this.processDollar());
        } else if (ch === "'") {
          append(result, this.processSingleQuote());
        } else if (ch === '"') {
          append(result, this.processDoubleQuote());
        } else {
          this.next();
          if (ch === this.escapeToken) {
            if (this.rawEscapes) result.text += ch;
            const escaped = this.next();
            if (escaped === EOF) break;
            result.text += escaped;
          } else {
            result.text += ch;
          }
        }
      }
      if (stopChar !== EOF) {
        throw new LexError(`unexpected end of statement while looking for matching ${stopChar}`);
      }
      return result;
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): Piece {
    this.next();
    let text = "";
    for (;;) {
      const ch = this.next();
      if (ch === EOF)
        throw new LexError("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") return { text };
      text += ch;
    }
  }

  private processDoubleQuote(): Piece {
    this.next();
    const result: Piece = { text: "" };
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF)
        throw new LexError("unexpected end of statement while looking for matching double-quote");
      if (peeked === '"') {
        this.next();
        return result;
      }
      if (peeked === "$") {
        append(result, this.processDollar());
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result.text += ch;
        const after = this.peek();
        if (after === EOF) continue; // a trailing escape inside quotes is dropped
        if (after === '"' || after === "$" || after === this.escapeToken) ch = this.next() as string;
      }
      result.text += ch;
    }
  }

  private processName(): string {
    let name = "";
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name === "" && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek() as string)) name += this.next() as string;
        return name;
      }
      if (name === "" && isSpecialParam(ch)) return this.next() as string;
      if (!isLetter(ch) && !isDigit(ch) && ch !== "_") break;
      name += this.next() as string;
    }
    return name;
  }

  /** The value of a plain reference: unknown when the variable has no value in a plain build. */
  private valueOf(name: string): Piece {
    const v = this.get(name);
    return v.state === "set" ? { text: v.value } : { text: "", unknown: v.reason };
  }

  private processDollar(): Piece {
    if (this.depth >= MAX_SUBSTITUTION_DEPTH) throw new TooDeepError();
    this.depth++;
    try {
      return this.processDollarAt();
    } finally {
      this.depth--;
    }
  }

  private processDollarAt(): Piece {
    this.next();
    if (this.peek() !== "{") {
      const name = this.processName();
      if (name === "") return { text: "$" };
      return this.valueOf(name);
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexError("syntax error: bad substitution");
    const name = this.processName();
    this.note(name);
    let ch = this.next();
    if (ch === EOF) throw new LexError("syntax error: missing '}'");
    let modifier = ch;
    let nullIsUnset = false;

    if (ch === "}") return this.valueOf(name);
    if (ch === "/") return this.processReplace(name);
    if (ch === ":") {
      nullIsUnset = true;
      ch = this.next();
      if (ch === EOF) throw new LexError("syntax error: missing '}'");
      modifier += ch;
    } else if (!"+-?#%".includes(ch)) {
      throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    }

    const patternOp = ch === "#" || ch === "%";
    if (nullIsUnset && patternOp) throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    let word: Piece;
    try {
      word = this.processStopOn("}", patternOp);
    } catch (e) {
      if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw e;
    }

    const v = this.get(name);
    switch (ch) {
      case "-":
        if (v.state === "unknown") return { text: "", unknown: v.reason };
        if (v.state === "unset" || (nullIsUnset && v.value === "")) return word;
        return { text: v.value };
      case "+":
        if (v.state === "unknown") return { text: "", unknown: v.reason };
        if (v.state === "unset" || (nullIsUnset && v.value === "")) return { text: "" };
        return word;
      case "?": {
        if (v.state === "unknown") return { text: "", unknown: v.reason };
        if (word.unknown !== undefined && (v.state === "unset" || (nullIsUnset && v.value === ""))) {
          return { text: "", unknown: word.unknown };
        }
        if (v.state === "unset") throw new LexError(`${name}: ${word.text || "is not allowed to be unset"}`);
        if (nullIsUnset && v.value === "")
          throw new LexError(`${name}: ${word.text || "is not allowed to be empty"}`);
        return { text: v.value };
      }
      case "#":
      case "%": {
        if (v.state !== "set") return { text: "", unknown: v.reason };
        if (word.unknown !== undefined) return { text: "", unknown: word.unknown };
        let pattern = word.text;
        const greedy = pattern.startsWith(ch);
        if (greedy) pattern = pattern.slice(1);
        return {
          text: ch === "%" ? trimSuffix(pattern, v.value, greedy) : trimPrefix(pattern, v.value, greedy),
        };
      }
      default:
        throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`. */
  private processReplace(name: string): Piece {
    const replaceAll = this.peek() === "/";
    if (replaceAll) this.next();
    let pattern: Piece;
    let replacement: Piece;
    try {
      pattern = this.processStopOn("/", true);
    } catch (e) {
      if (this.peek() === EOF) throw new LexError("syntax error: missing '/' in ${}");
      throw e;
    }
    try {
      replacement = this.processStopOn("}", true);
    } catch (e) {
      if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw e;
    }
    const v = this.get(name);
    if (v.state !== "set") return { text: "", unknown: v.reason };
    const unknown = pattern.unknown ?? replacement.unknown;
    if (unknown !== undefined) return { text: "", unknown };
    const re = shellPatternToRegex(pattern.text, true, false, replaceAll);
    if (replaceAll) return { text: v.value.replace(re, () => replacement.text) };
    const m = re.exec(v.value);
    if (m === null) return { text: v.value };
    return { text: v.value.slice(0, m.index) + replacement.text + v.value.slice(m.index + m[0].length) };
  }
}

function append(to: Piece, piece: Piece): void {
  to.text += piece.text;
  if (to.unknown === undefined && piece.unknown !== undefined) to.unknown = piece.unknown;
}

/**
 * Expands `word` as BuildKit's lexer does, with `escapeChar` as the escape token. Never throws:
 * malformed words come back with `error`.
 */
export function expandWord(word: string, lookup: VariableLookup, escapeChar = "\\"): Expansion {
  // Nothing to substitute, unquote or unescape (most image names): the lexer would copy each
  // character as it is. Every FROM of every edit comes here.
  if (isLiteral(word, escapeChar)) return { value: word, used: NO_NAMES };
  const sw = new ShellWord(word, lookup, escapeChar);
  try {
    const piece = sw.processStopOn(EOF, false);
    if (piece.unknown !== undefined) return { unknown: piece.unknown, used: sw.used };
    return { value: piece.text, used: sw.used };
  } catch (e) {
    if (e instanceof LexError || e instanceof SyntaxError) return { error: e.message, used: sw.used };
    if (e instanceof TooDeepError) {
      return {
        unknown: `its \${…} substitutions nest more than ${MAX_SUBSTITUTION_DEPTH} levels deep, further than FROM Lens expands them (BuildKit has no such limit)`,
        tooDeep: true,
        used: sw.used,
      };
    }
    throw e;
  }
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/** No `$`, quote or escape character: the word stands for itself (processStopOn's plain branch). */
function isLiteral(word: string, escapeChar: string): boolean {
  return !word.includes("$") && !word.includes("'") && !word.includes('"') && !word.includes(escapeChar);
}
