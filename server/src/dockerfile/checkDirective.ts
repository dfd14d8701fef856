/**
 * BuildKit's `check` directive, which skips build checks (docs/reference.md "check";
 * linter/linter.go ParseLintOptions and WithMergedConfigFromComments; parser/parser.go):
 *
 *   # check=skip=JSONArgsRecommended,StageNameCasing   a parser directive: the whole file
 *   # check=skip=all;error=true                         options separated by `;`
 *
 *   # check=skip=MaintainerDeprecated                   among the comments right above an
 *   MAINTAINER me                                       instruction: that instruction only
 *
 * Check names are case-sensitive (Pascal case). The comments above an instruction are those since
 * the previous instruction, blank lines included; an empty `#` line starts them afresh. The first
 * `check=` comment among them counts; a malformed one is ignored, as BuildKit does.
 */

export interface CheckSkips {
  /** Skipped for the whole file: names, or "all". */
  readonly file: ReadonlySet<string> | "all";
  /** Skipped for the instruction starting on `line` (0-based). */
  instructionAt(line: number): ReadonlySet<string> | "all" | undefined;
}

/** ParseLintOptions: the `skip` part of a check value, or undefined when it is malformed. */
export function parseCheckValue(value: string): ReadonlySet<string> | "all" | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return new Set();
  let skip: ReadonlySet<string> | "all" = new Set();
  for (const part of trimmed.split(";").slice(0, 3)) {
    const eq = part.indexOf("=");
    if (eq === -1) return undefined;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === "skip") skip = v === "all" ? "all" : new Set(v.split(",").map((s) => s.trim()));
    else if (key === "error") {
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/u.test(v)) return undefined;
    } else if (key !== "experimental") return undefined;
  }
  return skip;
}

/** directives.go: `check = value` after the comment character (value up to the first space). */
function checkValue(comment: string): string | undefined {
  const m = /^[\s]*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/u.exec(comment);
  if (m === null || (m[1] ?? "").toLowerCase() !== "check") return undefined;
  return (m[2] ?? "").split(" ")[0] ?? "";
}

const INSTRUCTION_START = /^\s*[A-Za-z]/u;

/** Reads the file-level directive and the per-instruction check comments. */
export function readCheckDirectives(text: string): CheckSkips {
  const lines = text.replace(/^\uFEFF/u, "").split(/\r?\n/);
  let file: ReadonlySet<string> | "all" = new Set();
  // Parser directives: the leading `#` lines that are directives (a shebang first is allowed).
  let i = lines[0]?.startsWith("#!") === true ? 1 : 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line.startsWith("#")) break;
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/u.exec(line);
    const key = m?.[1]?.toLowerCase();
    if (m === null || (key !== "syntax" && key !== "escape" && key !== "check")) break;
    if (key === "check") {
      const skip = parseCheckValue((m[2] ?? "").split(" ")[0] ?? "");
      if (skip !== undefined) file = skip;
    }
  }
  const directiveEnd = i;
  const byLine = new Map<number, ReadonlySet<string> | "all">();
  let comments: string[] = [];
  let continued = false;
  for (let l = directiveEnd; l < lines.length; l++) {
    const line = lines[l] ?? "";
    const trimmed = line.trim();
    const isContinuation = /[\\`]\s*$/u.test(line);
    if (continued) {
      continued = isContinuation;
      continue;
    }
    if (trimmed.startsWith("#")) {
      const comment = trimmed.slice(1).trim();
      if (comment === "") comments = [];
      else comments.push(comment);
      continue;
    }
    if (trimmed === "") continue;
    if (INSTRUCTION_START.test(line)) {
      for (const comment of comments) {
        const value = checkValue(comment);
        if (value === undefined) continue;
        const skip = parseCheckValue(value);
        if (skip !== undefined) byLine.set(l, skip);
        break;
      }
    }
    comments = [];
    continued = isContinuation;
  }
  return { file, instructionAt: (line) => byLine.get(line) };
}
