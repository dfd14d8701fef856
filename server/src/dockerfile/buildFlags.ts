/**
 * The builder flags of ADD, COPY, FROM, HEALTHCHECK and RUN checked as BuildKit checks them, for
 * the standard checks (dockerfile-utils lags the Dockerfile frontend: it rejects `ADD --unpack`,
 * zero HEALTHCHECK durations, `--retries=0` and the `--` end-of-flags marker, all valid).
 *
 * Ported from moby/buildkit frontend/dockerfile/instructions: bflag.go (BFlags.Parse: unknown,
 * duplicate, missing value, boolean value; `--` ends the flags), parse.go (the flags of each
 * instruction, HEALTHCHECK durations and retries), commands_runmount.go (mount types and
 * options), commands_runnetwork.go, commands_runsecurity.go. The words are read by flags.ts, a
 * port of parser/split_command.go. Pure; never throws.
 */
import { parseDockerfile } from "./parse";
import type { Instruction } from "dockerfile-ast";
import { extractBuilderFlags, mayStartWithFlag, parseMountOptions } from "./flags";
import type { BuilderFlag, MappedWord } from "./flags";
import { documentSpan, readLogical } from "./logicalText";
import type { LogicalText } from "./logicalText";

export type FlagCheck = "unknown-flag" | "duplicate-flag" | "missing-flag-value" | "invalid-flag-value";

export interface FlagProblem {
  readonly check: FlagCheck;
  /** Document offsets of the flag (or of its value) at fault. */
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

type FlagType = "bool" | "string" | "strings";

/** Each instruction's flags (instructions/parse.go, commands_run*.go). */
export const INSTRUCTION_FLAGS: Readonly<Record<string, Readonly<Record<string, FlagType>>>> = {
  ADD: {
    chown: "string",
    chmod: "string",
    link: "bool",
    "keep-git-dir": "bool",
    checksum: "string",
    unpack: "bool",
    exclude: "strings",
  },
  COPY: {
    chown: "string",
    from: "string",
    chmod: "string",
    link: "bool",
    exclude: "strings",
    parents: "bool",
  },
  FROM: { platform: "string" },
  HEALTHCHECK: {
    interval: "string",
    timeout: "string",
    "start-period": "string",
    "start-interval": "string",
    retries: "string",
  },
  RUN: { mount: "strings", network: "string", security: "string", device: "strings" },
};

const NETWORKS = ["default", "none", "host"];
const SECURITY = ["insecure", "sandbox"];
const MOUNT_TYPES = ["bind", "cache", "tmpfs", "secret", "ssh"];
const SHARING = ["shared", "private", "locked"];
const MOUNT_KEYS = new Set([
  "type",
  "from",
  "source",
  "src",
  "target",
  "dst",
  "destination",
  "readonly",
  "ro",
  "readwrite",
  "rw",
  "required",
  "size",
  "id",
  "sharing",
  "mode",
  "uid",
  "gid",
  "env",
]);

/** Go's time.ParseDuration, in nanoseconds, or its error message. */
export function parseGoDuration(s: string): number | { error: string } {
  const quoted = JSON.stringify(s);
  const invalid = { error: `time: invalid duration ${quoted}` };
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return invalid;
  const units: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    μs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9,
  };
  let total = 0;
  while (rest !== "") {
    const number = /^(\d*)(?:\.(\d*))?/u.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2];
    if (whole === "" && (fraction === undefined || fraction === "")) return invalid;
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^\d.]*/u.exec(rest)?.[0] ?? "";
    if (unit === "") return { error: `time: missing unit in duration ${quoted}` };
    const scale = units[unit];
    if (scale === undefined)
      return { error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    rest = rest.slice(unit.length);
    total += Number(`${whole || "0"}.${fraction ?? "0"}`) * scale;
  }
  return sign * total;
}

function isBool(value: string): boolean {
  // strconv.ParseBool
  return ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"].includes(value);
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  // BuildKit's suggest.WrapError offers the nearest name; one that starts the same is enough here.
  return candidates.find((c) => c.startsWith(name) || name.startsWith(c) || levenshtein(c, name) <= 2);
}

function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

interface Context {
  readonly keyword: string;
  readonly logical: LogicalText;
  readonly problems: FlagProblem[];
}

function report(
  ctx: Context,
  check: FlagCheck,
  from: number,
  to: number,
  buildkitError: string,
  advice = "",
): void {
  const span = documentSpan(ctx.logical, from, Math.max(from + 1, to));
  ctx.problems.push({
    check,
    start: span.start,
    end: span.end,
    message: `${ctx.keyword}: BuildKit stops the build with "${buildkitError}".${advice === "" ? "" : ` ${advice}`}`,
  });
}

function valueSpan(flag: BuilderFlag): { from: number; to: number } {
  const value = flag.value;
  if (value === undefined || value.at.length === 0) return { from: flag.start, to: flag.end + 1 };
  return { from: value.at[0] ?? flag.start, to: (value.at[value.at.length - 1] ?? flag.end) + 1 };
}

function checkDurations(ctx: Context, flag: BuilderFlag): void {
  const value = flag.value?.text ?? "";
  if (value === "" || value.includes("$")) return;
  const { from, to } = valueSpan(flag);
  if (flag.name === "retries") {
    if (!/^[+-]?\d+$/u.test(value) || Math.abs(Number(value)) > 2 ** 31) {
      report(
        ctx,
        "invalid-flag-value",
        from,
        to,
        `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`,
      );
    } else if (Number(value) < 0) {
      report(ctx, "invalid-flag-value", from, to, `--retries cannot be negative (${Number(value)})`);
    }
    return;
  }
  const duration = parseGoDuration(value);
  if (typeof duration !== "number") {
    report(
      ctx,
      "invalid-flag-value",
      from,
      to,
      duration.error,
      "Write a duration with a unit, such as 30s or 1m30s.",
    );
  } else if (duration !== 0 && duration < 1e6) {
    report(
      ctx,
      "invalid-flag-value",
      from,
      to,
      `Interval "${flag.name}" cannot be less than 1ms`,
      "0 (the default) or at least 1ms is allowed.",
    );
  }
}

function oneOf(
  ctx: Context,
  flag: BuilderFlag,
  allowed: readonly string[],
  error: (v: string) => string,
): void {
  const value = flag.value?.text ?? "";
  if (value.includes("$") || allowed.includes(value)) return;
  const { from, to } = valueSpan(flag);
  report(ctx, "invalid-flag-value", from, to, error(value), `Use one of: ${allowed.join(", ")}.`);
}

function wordSpan(word: MappedWord): { from: number; to: number } {
  return { from: word.at[0] ?? 0, to: (word.at[word.at.length - 1] ?? 0) + 1 };
}

/** commands_runmount.go parseMount, as it runs at dispatch (values expanded: `$` skips a check). */
function checkMount(ctx: Context, flag: BuilderFlag): void {
  const value = flag.value;
  if (value === undefined) return;
  const parsed = parseMountOptions(value);
  const whole = valueSpan(flag);
  if (!parsed.ok) {
    report(ctx, "invalid-flag-value", whole.from, whole.to, parsed.error);
    return;
  }
  let type = "bind";
  let typeWord: MappedWord | undefined;
  const problem = (word: MappedWord | undefined, error: string, advice = ""): void => {
    const span = word === undefined || word.at.length === 0 ? whole : wordSpan(word);
    report(ctx, "invalid-flag-value", span.from, span.to, error, advice);
  };
  const seen = new Map<string, MappedWord | undefined>();
  for (const option of parsed.options) {
    if (option.value === undefined) {
      if (["readonly", "ro", "readwrite", "rw"].includes(option.key)) continue;
      if (option.key === "required") {
        if (type !== "secret" && type !== "ssh") {
          return problem(undefined, `unexpected key 'required' for mount type '${type}'`);
        }
        continue;
      }
      return problem(undefined, `invalid field '${option.key}' must be a key=value pair`);
    }
    const v = option.value.text;
    if (!MOUNT_KEYS.has(option.key)) {
      const near = closest(option.key, [...MOUNT_KEYS]);
      return problem(
        undefined,
        `unexpected key '${option.key}' in '${option.key}=${v}'`,
        near === undefined ? "" : `Did you mean ${near}?`,
      );
    }
    seen.set(option.key, option.value);
    if (v.includes("$")) continue;
    switch (option.key) {
      case "type":
        if (!MOUNT_TYPES.includes(v.toLowerCase())) {
          return problem(
            option.value,
            `unsupported mount type "${v}"`,
            `Use one of: ${MOUNT_TYPES.join(", ")}.`,
          );
        }
        type = v.toLowerCase();
        typeWord = option.value;
        break;
      case "readonly":
      case "ro":
      case "readwrite":
      case "rw":
        if (!isBool(v)) return problem(option.value, `invalid value for ${option.key}: ${v}`);
        break;
      case "required":
        if (type !== "secret" && type !== "ssh") {
          return problem(undefined, `unexpected key 'required' for mount type '${type}'`);
        }
        if (!isBool(v)) return problem(option.value, `invalid value for ${option.key}: ${v}`);
        break;
      case "size":
        if (type !== "tmpfs") return problem(undefined, `unexpected key 'size' for mount type '${type}'`);
        break;
      case "sharing":
        if (!SHARING.includes(v.toLowerCase())) {
          return problem(
            option.value,
            `unsupported sharing value "${v}"`,
            `Use one of: ${SHARING.join(", ")}.`,
          );
        }
        break;
      case "mode":
        if (!/^[0-7]+$/u.test(v)) return problem(option.value, `invalid value ${v} for mode`);
        break;
      case "uid":
      case "gid":
        if (!/^\d+$/u.test(v)) return problem(option.value, `invalid value ${v} for ${option.key}`);
        break;
    }
  }
  if (type !== "secret" && type !== "ssh" && type !== "cache") {
    for (const key of ["mode", "uid", "gid"]) {
      if (seen.has(key)) return problem(seen.get(key), `${key} not allowed for "${type}" type mounts`);
    }
  }
  if (seen.has("sharing") && type !== "cache") {
    return problem(seen.get("sharing"), `invalid cache sharing set for ${type} mount`);
  }
  if (type === "secret") {
    if (seen.has("from")) return problem(seen.get("from"), "secret mount should not have a from");
    if (
      !seen.has("source") &&
      !seen.has("src") &&
      !seen.has("target") &&
      !seen.has("dst") &&
      !seen.has("destination") &&
      !seen.has("id")
    ) {
      return problem(typeWord, "invalid secret mount. one of source, target required");
    }
  }
}

function checkInstruction(
  text: string,
  lineStarts: readonly number[],
  escapeChar: string,
  instruction: Instruction,
  problems: FlagProblem[],
): void {
  const keyword = instruction.getKeyword();
  const known = INSTRUCTION_FLAGS[keyword];
  if (known === undefined) return;
  const start = instruction.getInstructionRange();
  const offset = lineStarts[start.end.line] ?? text.length;
  if (!mayStartWithFlag(text, offset + start.end.character, escapeChar)) return;
  const logical = readLogical(text, offset + start.end.character, text.length, escapeChar, true);
  const { flags, restStart } = extractBuilderFlags(logical, escapeChar);
  if (keyword === "HEALTHCHECK" && /^none(\s|$)/iu.test(logical.text.slice(restStart))) return; // flags not parsed
  const ctx: Context = { keyword, logical, problems };
  const used = new Set<string>();
  for (const flag of flags) {
    const type = known[flag.name];
    const written = `--${flag.name}`;
    if (type === undefined) {
      const near = flag.name === "" ? undefined : closest(flag.name, Object.keys(known));
      report(
        ctx,
        "unknown-flag",
        flag.start,
        flag.end + 1,
        `unknown flag: ${written}`,
        `${keyword} takes ${Object.keys(known)
          .map((n) => `--${n}`)
          .join(", ")}.${near === undefined ? "" : ` Did you mean --${near}?`}`,
      );
      return; // BuildKit stops at the first bad flag
    }
    if (used.has(flag.name) && type !== "strings") {
      report(ctx, "duplicate-flag", flag.start, flag.end + 1, `duplicate flag specified: ${written}`);
      return;
    }
    used.add(flag.name);
    if (type === "bool") {
      const value = flag.value?.text;
      if (value === "") {
        report(ctx, "missing-flag-value", flag.start, flag.end + 1, `missing a value on flag: ${written}`);
        return;
      }
      if (value !== undefined && !["true", "false"].includes(value.toLowerCase())) {
        const { from, to } = valueSpan(flag);
        report(
          ctx,
          "invalid-flag-value",
          from,
          to,
          `expecting boolean value for flag ${written}, not: ${value}`,
        );
        return;
      }
      continue;
    }
    if (flag.value === undefined) {
      report(
        ctx,
        "missing-flag-value",
        flag.start,
        flag.end + 1,
        `missing a value on flag: ${written}`,
        `Write ${written}=<value>.`,
      );
      return;
    }
  }
  for (const flag of flags) {
    if (keyword === "HEALTHCHECK") checkDurations(ctx, flag);
    if (keyword !== "RUN") continue;
    if (flag.name === "network") oneOf(ctx, flag, NETWORKS, (v) => `invalid network mode "${v}"`);
    if (flag.name === "security") oneOf(ctx, flag, SECURITY, (v) => `security "${v}" is not valid`);
    if (flag.name === "mount") checkMount(ctx, flag);
  }
}

/** Every flag problem of the document, in document order. */
export function checkBuilderFlags(text: string): FlagProblem[] {
  const dockerfile = parseDockerfile(text);
  const escapeChar = dockerfile.getEscapeCharacter();
  const problems: FlagProblem[] = [];
  // Where each line starts, computed once: per instruction it made a 2,000-stage file quadratic.
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  for (const instruction of dockerfile.getInstructions()) {
    try {
      checkInstruction(text, lineStarts, escapeChar, instruction, problems);
    } catch {
      // one odd instruction must not cost the others their checks
    }
  }
  return problems;
}
