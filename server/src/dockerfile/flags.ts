/**
 * Builder flags (`--platform=…`, `--from=…`, `--mount=…`) the way BuildKit reads them:
 * `extractBuilderFlags` ports parser/split_command.go (flags are the leading words starting with
 * `--`; quotes and the escape char are removed, so a quoted value may hold spaces), and
 * `parseMountOptions` ports the single-line CSV reader BuildKit uses for `--mount`
 * (tonistiigi/go-csvvalue: a field is either bare or wholly double-quoted, `""` is a quote).
 *
 * dockerfile-ast's own flag splitting breaks words at every space, even inside quotes, so the
 * flags are read here from the logical text of the instruction; every character of a result
 * keeps its index in that text, for exact document ranges.
 */
import { readLogical, type LogicalText } from "./logicalText";

/** Text taken from a LogicalText: `at[i]` is the logical index `text[i]` came from. */
export interface MappedWord {
  readonly text: string;
  readonly at: readonly number[];
}

export interface BuilderFlag {
  /** The flag's name without `--` (case-sensitive, as BuildKit matches it). */
  readonly name: string;
  /** The value after the first `=`, unquoted; absent for a flag without `=`. */
  readonly value?: MappedWord;
  /** Logical indices of the flag's first and last character as written. */
  readonly start: number;
  readonly end: number;
}

export interface BuilderFlags {
  readonly flags: readonly BuilderFlag[];
  /** Logical index where the instruction's other arguments begin. */
  readonly restStart: number;
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

/** How far `mayStartWithFlag` looks: the first word of almost any instruction starts well within it. */
const FLAG_PEEK = 64;

/**
 * False when the arguments starting at document offset `start` certainly begin with no builder
 * flag: their first word, as BuildKit joins the line, does not start with `--` (what
 * `extractBuilderFlags` checks first). True (read them) when that word is not within the first
 * few characters.
 */
export function mayStartWithFlag(text: string, start: number, escapeChar: string): boolean {
  // Most lines: blanks, then a plain character that starts the first word.
  let at = start;
  while (text[at] === " " || text[at] === "\t") at++;
  const first = text[at];
  if (first !== undefined && first !== "-" && first !== escapeChar && !isSpace(first)) return false;
  const head = readLogical(text, start, start + FLAG_PEEK, escapeChar, true).text;
  let pos = 0;
  while (pos < head.length && isSpace(head[pos] ?? "")) pos++;
  if (pos + 1 >= head.length) return true;
  return head[pos] === "-" && head[pos + 1] === "-";
}

class WordBuilder {
  text = "";
  at: number[] = [];
  add(ch: string, index: number): void {
    this.text += ch;
    this.at.push(index);
  }
  take(): MappedWord {
    const word = { text: this.text, at: this.at };
    this.text = "";
    this.at = [];
    return word;
  }
}

function toFlag(word: MappedWord, endIndex: number): BuilderFlag {
  const eq = word.text.indexOf("=");
  const nameEnd = eq === -1 ? word.text.length : eq;
  const name = word.text.slice(2, nameEnd);
  const span = { start: word.at[0] ?? endIndex, end: Math.max(endIndex, word.at[0] ?? endIndex) };
  if (eq === -1) return { name, ...span };
  return { name, value: { text: word.text.slice(eq + 1), at: word.at.slice(eq + 1) }, ...span };
}

/** Reads the leading `--flag` words of an instruction's logical text (after its keyword). */
export function extractBuilderFlags(line: LogicalText, escapeChar: string): BuilderFlags {
  const text = line.text;
  const flags: BuilderFlag[] = [];
  const word = new WordBuilder();
  let phase: "spaces" | "word" | "quote" = "spaces";
  let quote = "";
  let blankOK = false;
  for (let pos = 0; pos <= text.length; pos++) {
    let ch = text[pos] ?? "";
    if (phase === "spaces") {
      if (pos === text.length) break;
      if (isSpace(ch)) continue;
      if (ch !== "-" || text[pos + 1] !== "-") return { flags, restStart: pos };
      phase = "word";
    }
    if (pos === text.length) {
      if (word.text !== "--" && (blankOK || word.text.length > 0)) flags.push(toFlag(word.take(), pos - 1));
      break;
    }
    if (phase === "word") {
      if (isSpace(ch)) {
        const done = word.take();
        phase = "spaces";
        if (done.text === "--") return { flags, restStart: pos };
        if (blankOK || done.text.length > 0) flags.push(toFlag(done, pos - 1));
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
        continue;
      }
      if (ch === escapeChar) {
        if (pos + 1 === text.length) continue;
        pos++;
        ch = text[pos] ?? "";
      }
      word.add(ch, pos);
      continue;
    }
    // phase === "quote"
    if (ch === quote) {
      phase = "word";
      continue;
    }
    if (ch === escapeChar) {
      if (pos + 1 === text.length) {
        phase = "word";
        continue;
      }
      pos++;
      ch = text[pos] ?? "";
    }
    word.add(ch, pos);
  }
  return { flags, restStart: text.length };
}

export interface MountOption {
  /** The key, lower-cased as BuildKit compares it. */
  readonly key: string;
  /** The value after the first `=`; absent for a bare key such as `ro`. */
  readonly value?: MappedWord;
}

export type MountParse =
  | { readonly ok: true; readonly options: readonly MountOption[] }
  | { readonly ok: false; readonly error: string };

function slice(word: MappedWord, from: number, to: number = word.text.length): MappedWord {
  return { text: word.text.slice(from, to), at: word.at.slice(from, to) };
}

/** Splits a `--mount` value into its comma-separated options (CSV, as BuildKit does). */
export function parseMountOptions(value: MappedWord): MountParse {
  if (value.text.length === 0) return { ok: false, error: "failed to parse csv mounts: EOF" };
  const fields: WordBuilder[] = [];
  let pos = 0;
  const text = value.text;
  const bareQuote = { ok: false, error: 'failed to parse csv mounts: bare " in non-quoted field' } as const;
  const badQuote = {
    ok: false,
    error: 'failed to parse csv mounts: extraneous or missing " in quoted field',
  } as const;
  for (;;) {
    if (pos >= text.length || text[pos] !== '"') {
      const comma = text.indexOf(",", pos);
      const end = comma === -1 ? text.length : comma;
      if (text.slice(pos, end).includes('"')) return bareQuote;
      const field = new WordBuilder();
      for (let i = pos; i < end; i++) field.add(text[i] as string, value.at[i] as number);
      fields.push(field);
      if (comma === -1) break;
      pos = comma + 1;
      continue;
    }
    pos++; // opening quote
    const field = new WordBuilder();
    fields.push(field);
    let endOfLine = false;
    for (;;) {
      const close = text.indexOf('"', pos);
      if (close === -1) return badQuote;
      for (let i = pos; i < close; i++) field.add(text[i] as string, value.at[i] as number);
      pos = close + 1;
      const after = text[pos];
      if (after === '"') {
        field.add('"', value.at[pos] as number);
        pos++;
        continue;
      }
      if (after === ",") {
        pos++;
        break;
      }
      if (after === undefined) {
        endOfLine = true;
        break;
      }
      return badQuote;
    }
    if (endOfLine) break;
  }
  const options = fields.map((f): MountOption => {
    const word = f.take();
    const eq = word.text.indexOf("=");
    if (eq === -1) return { key: word.text.toLowerCase() };
    return { key: word.text.slice(0, eq).toLowerCase(), value: slice(word, eq + 1) };
  });
  return { ok: true, options };
}
