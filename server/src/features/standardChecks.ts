/**
 * The standard checks as FROM Lens reports them: dockerfile-utils' validation, corrected where it
 * disagrees with BuildKit (its flag checks are replaced by dockerfile/buildFlags.ts, a port of
 * BuildKit's own), each finding named by a stable kebab-case code with a README link, at the
 * severity `fromLens.rules.<code>` sets (or the legacy `fromLens.validate.<rule>`), and silenced
 * by `# check=skip=<BuildKit check>` (dockerfile/checkDirective.ts), by FROM Lens' own
 * `# from-lens-ignore <code>` comments, or by dockerfile-utils' `# dockerfile-utils: ignore`.
 *
 * The service's quick fixes key on dockerfile-utils' numeric codes: each diagnostic keeps its
 * number in `data.validationCode`, and standard.ts hands that back to the service.
 */
import { parseDockerfile } from "../dockerfile";
import { ValidationCode } from "dockerfile-utils";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { checkBuilderFlags } from "../dockerfile/buildFlags";
import { readCheckDirectives, type CheckSkips } from "../dockerfile/checkDirective";
import { isRecord } from "../json";
import {
  STANDARD_CHECK_DEFAULTS,
  VALIDATE_RULES,
  type FromLensSettings,
  type RuleSeverity,
  type StandardCheckCode,
  type ValidateRule,
} from "../settings";

/** The `source` of the standard checks' diagnostics. */
export const STANDARD_SOURCE = "dockerfile-utils";

/** The name of each of dockerfile-utils' codes. */
const NAMES: Readonly<Record<number, StandardCheckCode>> = {
  [ValidationCode.CASING_INSTRUCTION]: "instruction-casing",
  [ValidationCode.CASING_DIRECTIVE]: "directive-casing",
  [ValidationCode.ARGUMENT_MISSING]: "missing-argument",
  [ValidationCode.ARGUMENT_EXTRA]: "extra-argument",
  [ValidationCode.ARGUMENT_REQUIRES_ONE]: "argument-count",
  [ValidationCode.ARGUMENT_REQUIRES_AT_LEAST_ONE]: "argument-count",
  [ValidationCode.ARGUMENT_REQUIRES_TWO]: "argument-count",
  [ValidationCode.ARGUMENT_REQUIRES_AT_LEAST_TWO]: "argument-count",
  [ValidationCode.ARGUMENT_REQUIRES_ONE_OR_THREE]: "argument-count",
  [ValidationCode.ARGUMENT_UNNECESSARY]: "extra-argument",
  [ValidationCode.DUPLICATE_BUILD_STAGE_NAME]: "duplicate-stage-name",
  [ValidationCode.EMPTY_CONTINUATION_LINE]: "empty-continuation-line",
  [ValidationCode.INVALID_BUILD_STAGE_NAME]: "invalid-stage-name",
  [ValidationCode.NO_SOURCE_IMAGE]: "no-source-image",
  [ValidationCode.INVALID_ESCAPE_DIRECTIVE]: "invalid-escape-directive",
  [ValidationCode.DUPLICATED_ESCAPE_DIRECTIVE]: "invalid-escape-directive",
  [ValidationCode.INVALID_AS]: "invalid-as",
  [ValidationCode.INVALID_DESTINATION]: "destination-not-directory",
  [ValidationCode.INVALID_PORT]: "invalid-port",
  [ValidationCode.INVALID_PROTO]: "invalid-port",
  [ValidationCode.INVALID_REFERENCE_FORMAT]: "invalid-reference-format",
  [ValidationCode.INVALID_SIGNAL]: "invalid-signal",
  [ValidationCode.ONBUILD_CHAINING_DISALLOWED]: "invalid-onbuild-trigger",
  [ValidationCode.ONBUILD_TRIGGER_DISALLOWED]: "invalid-onbuild-trigger",
  [ValidationCode.SHELL_JSON_FORM]: "shell-json-form",
  [ValidationCode.SHELL_REQUIRES_ONE]: "shell-json-form",
  [ValidationCode.SYNTAX_MISSING_EQUALS]: "key-value-syntax",
  [ValidationCode.SYNTAX_MISSING_NAMES]: "key-value-syntax",
  [ValidationCode.SYNTAX_MISSING_SINGLE_QUOTE]: "key-value-syntax",
  [ValidationCode.SYNTAX_MISSING_DOUBLE_QUOTE]: "key-value-syntax",
  [ValidationCode.MULTIPLE_INSTRUCTIONS]: "multiple-instructions",
  [ValidationCode.UNKNOWN_INSTRUCTION]: "unknown-instruction",
  [ValidationCode.UNKNOWN_TYPE]: "healthcheck-syntax",
  [ValidationCode.HEALTHCHECK_CMD_ARGUMENT_MISSING]: "healthcheck-syntax",
  [ValidationCode.UNSUPPORTED_MODIFIER]: "unsupported-modifier",
  [ValidationCode.DEPRECATED_MAINTAINER]: "deprecated-maintainer",
  [ValidationCode.FLAG_INVALID_FROM_VALUE]: "invalid-flag-value",
  [ValidationCode.JSON_IN_SINGLE_QUOTES]: "json-in-single-quotes",
  [ValidationCode.WORKDIR_IS_NOT_ABSOLUTE]: "relative-workdir",
  [ValidationCode.BASE_NAME_EMPTY]: "blank-base-name",
};

/**
 * dockerfile-utils' flag checks, replaced by buildFlags.ts: it rejects `ADD --unpack`, zero
 * HEALTHCHECK durations, `--retries=0` and the `--` end-of-flags marker, which BuildKit accepts.
 * INVALID_SYNTAX is only its HEALTHCHECK --retries check.
 */
const REPLACED = new Set<number>([
  ValidationCode.FLAG_AT_LEAST_ONE,
  ValidationCode.FLAG_DUPLICATE,
  ValidationCode.FLAG_INVALID_DURATION,
  ValidationCode.FLAG_LESS_THAN_1MS,
  ValidationCode.FLAG_MISSING_DURATION,
  ValidationCode.FLAG_MISSING_VALUE,
  ValidationCode.FLAG_UNKNOWN_UNIT,
  ValidationCode.FLAG_EXPECTED_BOOLEAN_VALUE,
  ValidationCode.INVALID_SYNTAX,
  ValidationCode.UNKNOWN_ADD_FLAG,
  ValidationCode.UNKNOWN_COPY_FLAG,
  ValidationCode.UNKNOWN_FROM_FLAG,
  ValidationCode.UNKNOWN_HEALTHCHECK_FLAG,
]);

/** BuildKit's build checks (linter/ruleset.go) each standard check corresponds to. */
export const BUILDKIT_CHECKS: Readonly<Record<string, StandardCheckCode>> = {
  ConsistentInstructionCasing: "instruction-casing",
  DuplicateStageName: "duplicate-stage-name",
  JSONArgsRecommended: "json-in-single-quotes",
  MaintainerDeprecated: "deprecated-maintainer",
  MultipleInstructionsDisallowed: "multiple-instructions",
  NoEmptyContinuation: "empty-continuation-line",
  UndefinedArgInFrom: "blank-base-name",
  InvalidDefaultArgInFrom: "blank-base-name",
  WorkdirRelativePath: "relative-workdir",
};

/** Where the standard checks are explained: one README table (a row per code). */
export function standardCheckHref(_code: StandardCheckCode): string {
  return "https://github.com/from-lens/from-lens#standard-checks";
}

export function isStandardCheck(value: unknown): value is StandardCheckCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(STANDARD_CHECK_DEFAULTS, value);
}

/** The numeric dockerfile-utils code a standard diagnostic was made from, if any. */
export function validationCodeOf(diagnostic: Diagnostic): number | undefined {
  const data: unknown = diagnostic.data;
  if (isRecord(data) && typeof data.validationCode === "number") return data.validationCode;
  return typeof diagnostic.code === "number" ? diagnostic.code : undefined;
}

const SEVERITY: Record<Exclude<RuleSeverity, "off">, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const IGNORE_COMMENT = /^[ \t]*#[ \t]*(from-lens-ignore-file|from-lens-ignore)(?=[\s,]|$)(.*)$/;

/** `# from-lens-ignore <codes>` right above a line, and `# from-lens-ignore-file <codes>`. */
function readIgnores(lines: readonly string[]): { file: Set<string>; above: (line: number) => Set<string> } {
  const file = new Set<string>();
  for (const line of lines) {
    const m = IGNORE_COMMENT.exec(line);
    if (m?.[1] === "from-lens-ignore-file") for (const c of (m[2] ?? "").split(/[\s,]+/)) file.add(c);
  }
  return {
    file,
    above(line) {
      const codes = new Set<string>();
      for (let l = line - 1; l >= 0; l--) {
        const text = lines[l] ?? "";
        if (!text.trimStart().startsWith("#")) break;
        const m = IGNORE_COMMENT.exec(text);
        if (m?.[1] === "from-lens-ignore") for (const c of (m[2] ?? "").split(/[\s,]+/)) codes.add(c);
      }
      // dockerfile-utils' own `# dockerfile-utils: ignore`, on the line right above: every check
      // (it applies it to its findings; the flag checks that replace its own follow it too).
      if (/^[ \t]*#[ \t]*dockerfile-utils: ignore[ \t]*$/u.test(lines[line - 1] ?? "")) codes.add("*");
      return codes;
    },
  };
}

function skipped(skips: CheckSkips, code: StandardCheckCode, line: number): boolean {
  const matches = (names: ReadonlySet<string> | "all" | undefined): boolean =>
    names === "all" || [...(names ?? [])].some((n) => BUILDKIT_CHECKS[n] === code);
  return matches(skips.file) || matches(skips.instructionAt(line));
}

/** The older `fromLens.validate.<rule>` setting of a dockerfile-utils finding, if it has one. */
function legacySetting(number: number | undefined, diagnostic: Diagnostic): ValidateRule | undefined {
  switch (number) {
    case ValidationCode.DEPRECATED_MAINTAINER:
      return "deprecatedMaintainer";
    case ValidationCode.CASING_DIRECTIVE:
      return "directiveCasing";
    case ValidationCode.EMPTY_CONTINUATION_LINE:
      return "emptyContinuationLine";
    case ValidationCode.CASING_INSTRUCTION:
      return "instructionCasing";
    case ValidationCode.JSON_IN_SINGLE_QUOTES:
      return "instructionJSONInSingleQuotes";
    case ValidationCode.WORKDIR_IS_NOT_ABSOLUTE:
      return "instructionWorkdirRelative";
    case ValidationCode.MULTIPLE_INSTRUCTIONS: {
      const message = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
      if (message.includes(" ENTRYPOINT ")) return "instructionEntrypointMultiple";
      if (message.includes(" HEALTHCHECK ")) return "instructionHealthcheckMultiple";
      return "instructionCmdMultiple";
    }
    default:
      return undefined;
  }
}

/** The first line of the instruction that covers `line` (for comments above it). */
function instructionStart(starts: readonly { start: number; end: number }[], line: number): number {
  let found = line;
  for (const s of starts) {
    if (s.start > line) break;
    if (s.end >= line) found = s.start;
  }
  return found;
}

/**
 * The standard checks' diagnostics for `text`: dockerfile-utils' findings (`raw`, run with every
 * check on) corrected, named, at the configured severities, minus the silenced ones.
 */
export function correctStandardDiagnostics(
  text: string,
  raw: readonly Diagnostic[],
  settings: FromLensSettings,
  starts?: readonly { start: number; end: number }[],
): Diagnostic[] {
  const doc = TextDocument.create("file:///Dockerfile", "dockerfile", 0, text);
  const found: { code: StandardCheckCode; diagnostic: Diagnostic; validationCode?: number }[] = [];
  for (const diagnostic of raw) {
    const number = validationCodeOf(diagnostic);
    if (number === undefined || REPLACED.has(number)) continue;
    const code = NAMES[number];
    if (code === undefined) continue;
    // A variable in COPY --from is invalid-stage-reference's (BuildKit never expands it).
    const invalidFrom: number = ValidationCode.FLAG_INVALID_FROM_VALUE;
    if (number === invalidFrom && doc.getText(diagnostic.range).includes("$")) continue;
    found.push({ code, diagnostic, validationCode: number });
  }
  for (const problem of checkBuilderFlags(text)) {
    found.push({
      code: problem.check,
      diagnostic: {
        range: { start: doc.positionAt(problem.start), end: doc.positionAt(problem.end) },
        message: problem.message,
        severity: DiagnosticSeverity.Error,
      },
    });
  }
  const lines = text.split(/\r?\n/);
  const instructionLines =
    starts ??
    parseDockerfile(text)
      .getInstructions()
      .map((i) => ({ start: i.getRange().start.line, end: i.getRange().end.line }));
  const skips = readCheckDirectives(text);
  const ignores = readIgnores(lines);
  const out: Diagnostic[] = [];
  for (const { code, diagnostic, validationCode } of found) {
    const legacy = legacySetting(validationCode, diagnostic);
    const severity =
      legacy !== undefined && settings.validate[legacy] !== VALIDATE_RULES[legacy]
        ? settings.validate[legacy]
        : settings.rules[code];
    if (severity === "off") continue;
    const line = instructionStart(instructionLines, diagnostic.range.start.line);
    const above = ignores.above(line);
    if (ignores.file.has(code) || above.has(code) || above.has("*") || skipped(skips, code, line)) continue;
    const { instructionLine: _, ...rest } = diagnostic as Diagnostic & { instructionLine?: unknown };
    out.push({
      ...rest,
      severity: SEVERITY[severity],
      code,
      codeDescription: { href: standardCheckHref(code) },
      source: STANDARD_SOURCE,
      ...(validationCode !== undefined ? { data: { validationCode } } : {}),
    });
  }
  return out.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}
