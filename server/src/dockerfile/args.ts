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
 *
 * `buildGlobalArgs` mirrors dockerfile2llb's buildMetaArgs + defaultArgs: only ARGs declared
 * before the first FROM are visible in FROM; each default is expanded against the predefined
 * platform ARGs and the global ARGs before it; an ARG redeclared without a value keeps the value
 * it had (so `ARG TARGETARCH` stays per-platform, `ARG TARGETARCH=amd64` fixes it).
 */
import type { Range } from "vscode-languageserver-textdocument";

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

class LexError extends Error {}

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
 * A shell wildcard pattern (`?` one char, `*` any run) as a regular expression, like BuildKit's
 * convertShellPatternToRegex (no bracket expressions).
 */
function shellPatternToRegex(
  pattern: string,
  greedy: boolean,
  anchored: boolean,
  global = false,
  shown = pattern,
): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? "^" : "";
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i] as string;
    if (tok === "*") {
      out += greedy ? ".*" : ".*?";
    } else if (tok === "?") {
      out += ".";
    } else if (tok === "\\") {
      const next = chars[i + 1];
      if (next === "}" || next === "/") continue; // escaped only for ${}, not part of the pattern
      i++;
      if (next !== "*" && next !== "?" && next !== "\\") {
        throw new LexError(`invalid pattern (${shown}) in substitution: invalid escape '\\${next ?? ""}'`);
      }
      out += "\\" + next;
    } else if ("[]{}.+()|^$".includes(tok)) {
      out += "\\" + tok;
    } else {
      out += tok;
    }
  }
  return new RegExp(out, global ? "gu" : "u");
}

function trimPrefix(pattern: string, value: string, greedy: boolean, shown = pattern): string {
  const m = shellPatternToRegex(pattern, greedy, true, false, shown).exec(value);
  return m === null ? value : value.slice(m.index + m[0].length);
}

/** Reverses a pattern, keeping each escape before the character it escapes (a\*c → c\*a). */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const tok = chars[i] as string;
    if (tok === "\\" && i !== last) {
      out[last - i - 1] = tok;
      out[last - i] = chars[i + 1] as string;
      i += 2;
    } else {
      out[last - i] = tok;
      i++;
    }
  }
  return out.join("");
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // A regex cannot find the shortest rightmost match, so reverse both and trim a prefix.
  // (BuildKit's error message then shows the reversed pattern; this one shows it as written.)
  const reversed = trimPrefix(reversePattern(pattern), Array.from(value).reverse().join(""), greedy, pattern);
  return Array.from(reversed).reverse().join("");
}

/**
 * Expands `word` as BuildKit's lexer does, with `escapeChar` as the escape token. Never throws:
 * malformed words come back with `error`.
 */
export function expandWord(word: string, lookup: VariableLookup, escapeChar = "\\"): Expansion {
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

/** The ARGs BuildKit defines for every build (dockerfile2llb/platform.go defaultArgs), with why
 * none of them has a value an editor can know. */
export const PREDEFINED_ARGS: ReadonlyMap<string, string> = (() => {
  const reasons = new Map<string, string>();
  for (const name of ["BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT"]) {
    reasons.set(
      name,
      `${name} is set by BuildKit to the platform of the machine running the build, so it has no fixed value`,
    );
  }
  for (const name of ["TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT"]) {
    reasons.set(
      name,
      `${name} is set by BuildKit for each target platform (--platform), so it has no fixed value`,
    );
  }
  reasons.set(
    "TARGETSTAGE",
    "TARGETSTAGE is set by BuildKit to the stage being built (--target), so it has no fixed value",
  );
  return reasons;
})();

/** The automatic platform ARGs (all of PREDEFINED_ARGS but TARGETSTAGE). */
export const PLATFORM_ARGS: ReadonlySet<string> = new Set(
  [...PREDEFINED_ARGS.keys()].filter((name) => name !== "TARGETSTAGE"),
);

/**
 * The platforms a build runs with, as "os/arch[/variant]": `target` is what BuildKit builds for
 * (`docker build --platform`, else the builder's own platform), `build` the builder's platform.
 */
export interface BuildPlatforms {
  readonly target: string;
  readonly build: string;
}

/**
 * The values BuildKit gives the platform ARGs (dockerfile2llb/platform.go defaultArgs): the
 * TARGET* ones from the target platform, the BUILD* ones from the builder's. A stage's own
 * `FROM --platform` does not change them.
 */
export function platformArgValues(platforms: BuildPlatforms): ReadonlyMap<string, string> {
  const values = new Map<string, string>();
  for (const [prefix, platform] of [
    ["BUILD", platforms.build],
    ["TARGET", platforms.target],
  ] as const) {
    const [os = "", arch = "", variant = ""] = platform.split("/");
    values.set(`${prefix}PLATFORM`, [os, arch, variant].filter((p) => p !== "").join("/"));
    values.set(`${prefix}OS`, os);
    values.set(`${prefix}OSVERSION`, "");
    values.set(`${prefix}ARCH`, arch);
    values.set(`${prefix}VARIANT`, variant);
  }
  return values;
}

/** One name (or name=value) of an ARG instruction declared before the first FROM. */
export interface ArgDeclaration {
  readonly name: string;
  /** Range of the name in the document. */
  readonly nameRange: Range;
  /** The default value as written (quotes, escapes, `$` kept; continuations removed). */
  readonly rawValue?: string;
  /** Range of the default value as written. */
  readonly valueRange?: Range;
}

/** A global ARG as FROM lines see it. */
export interface GlobalArg {
  readonly name: string;
  readonly variable: Variable;
  /** The declaration that gave the ARG its current state (absent for predefined ARGs). */
  readonly declaration?: ArgDeclaration;
  /** Other ARGs its default refers to (directly), in order. */
  readonly deps: readonly string[];
}

export interface GlobalArgs {
  /** The lookup FROM lines expand against. */
  readonly lookup: VariableLookup;
  /** The state of one ARG (declared or predefined), if it has one. */
  get(name: string): GlobalArg | undefined;
}

export interface GlobalArgOptions {
  /** The escape token of the document. */
  readonly escapeChar: string;
  /**
   * Explains why a name not declared before the first FROM has no value (e.g. "it is declared
   * inside a stage on line 7"); return undefined for no extra detail.
   */
  readonly explainUndeclared?: (name: string) => string | undefined;
  /**
   * The platforms the build uses: the platform ARGs then have their values. Without it they are
   * `unknown` (every platform is possible).
   */
  readonly platforms?: BuildPlatforms;
}

/** The global ARG scope FROM lines see: predefined platform ARGs, then `declarations` in order. */
export function buildGlobalArgs(
  declarations: readonly ArgDeclaration[],
  options: GlobalArgOptions,
): GlobalArgs {
  const args = new Map<string, GlobalArg>();
  const platformValues = options.platforms === undefined ? undefined : platformArgValues(options.platforms);
  for (const [name, reason] of PREDEFINED_ARGS) {
    const value = platformValues?.get(name);
    const variable: Variable = value === undefined ? { state: "unknown", reason } : { state: "set", value };
    args.set(name, { name, variable, deps: [] });
  }
  const lookup: VariableLookup = (name) => {
    const found = args.get(name);
    if (found !== undefined) return found.variable;
    const detail = options.explainUndeclared?.(name);
    return {
      state: "unset",
      reason: `ARG ${name} is not declared before the first FROM${detail === undefined ? "" : ` (${detail})`}`,
    };
  };
  for (const declaration of declarations) {
    const { name } = declaration;
    const previous = args.get(name);
    if (declaration.rawValue === undefined) {
      // BuildKit only adds ARGs with a value to the global scope: a bare redeclaration keeps
      // whatever the name already had.
      if (previous === undefined) {
        const reason = `ARG ${name} has no default value, so it is empty unless the build passes --build-arg ${name}=…`;
        args.set(name, { name, variable: { state: "unset", reason }, declaration, deps: [] });
      }
      continue;
    }
    const expansion = expandWord(declaration.rawValue, lookup, options.escapeChar);
    const deps = expansion.used.filter((n) => n !== name);
    if (expansion.used.includes(name) && previous !== undefined) {
      for (const dep of previous.deps) if (!deps.includes(dep)) deps.push(dep);
    }
    let variable: Variable;
    if (expansion.tooDeep === true) {
      variable = {
        state: "unknown",
        reason: `the default value of ARG ${name} is not expanded: ${expansion.unknown ?? ""}`,
      };
    } else if (expansion.error !== undefined) {
      variable = {
        state: "unknown",
        reason: `the default value of ARG ${name} is invalid: ${expansion.error}`,
      };
    } else if (expansion.value === undefined) {
      variable = { state: "unknown", reason: expansion.unknown ?? `ARG ${name} has no fixed value` };
    } else {
      variable = { state: "set", value: expansion.value };
    }
    args.set(name, { name, variable, declaration, deps });
  }
  return { lookup, get: (name) => args.get(name) };
}
