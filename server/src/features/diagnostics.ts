/**
 * FROM Lens' diagnostics for one document: every active rule's findings, minus what suppression
 * comments switch off and what the standard Dockerfile validation (dockerfile-utils) already
 * reports, as LSP diagnostics with a stable code and a link to the README section explaining it.
 *
 * Local rules (invalid references, latest tags, ARGs…) appear as soon as the text changes;
 * registry rules only once the resolver has facts or an error for a reference, so nothing flashes
 * while an image is being resolved (see Rule.needs).
 */
import { validate, ValidationCode } from "dockerfile-utils";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import type { FromLensSettings, RuleCode, RuleSeverity } from "../settings";
import type { FeatureContext } from "./context";
import { oneLine } from "./prose";
import { RULES } from "./rules";
import type { Rule, RuleFinding } from "./rules/rule";
import { readSuppressions } from "./rules/support/suppression";
import { validationCodeOf } from "./standardChecks";
import { compareRanges, rangesOverlap } from "./rules/support/text";

/** The `source` of every FROM Lens diagnostic. */
export const DIAGNOSTIC_SOURCE = "FROM Lens";

/** Where each code is explained (a README section per code). */
export function codeDescriptionHref(code: RuleCode): string {
  return `https://github.com/from-lens/from-lens#${code}`;
}

const SEVERITY: Record<Exclude<RuleSeverity, "off">, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface ActiveRule {
  rule: Rule;
  severity: DiagnosticSeverity;
}

/** The rules the settings switch on, each with its severity: the one place the list is built. */
export function activeRules(settings: FromLensSettings): ActiveRule[] {
  const out: ActiveRule[] = [];
  for (const rule of RULES) {
    // fromLens.trust.requireSignature (a machine setting) makes unsigned images errors, whatever the workspace says.
    const setting =
      rule.code === "unsigned-image" && settings.trust.requireSignature
        ? "error"
        : (settings.rules[rule.code] ?? rule.defaultSeverity);
    if (setting === "off") continue;
    out.push({ rule, severity: SEVERITY[setting] });
  }
  return out;
}

/**
 * dockerfile-utils' own checks of FROM arguments, which FROM Lens must not repeat:
 * "invalid reference format" (empty or malformed tag or digest) and "base name (…) should not be
 * blank" (the image is one undeclared variable). Its other FROM checks (flags, AS, stage names,
 * missing FROM) are about text FROM Lens does not report on.
 */
const STANDARD_OVERLAPS: ReadonlyMap<number, RuleCode> = new Map([
  [ValidationCode.INVALID_REFERENCE_FORMAT, "invalid-reference"],
  [ValidationCode.BASE_NAME_EMPTY, "unresolvable-arg"],
]);

function standardOverlaps(
  ctx: FeatureContext,
  standard: readonly Diagnostic[] | undefined,
): { code: RuleCode; diagnostic: Diagnostic }[] {
  const diagnostics = standard ?? validate(ctx.doc.getText());
  const out: { code: RuleCode; diagnostic: Diagnostic }[] = [];
  for (const diagnostic of diagnostics) {
    const number = validationCodeOf(diagnostic);
    const code = number === undefined ? undefined : STANDARD_OVERLAPS.get(number);
    if (code !== undefined) out.push({ code, diagnostic });
  }
  return out;
}

export interface Finding {
  rule: Rule;
  finding: RuleFinding;
  diagnostic: Diagnostic;
}

export interface DiagnosticsOptions {
  /**
   * The standard validation's diagnostics for the same text, when the caller has them already
   * (otherwise dockerfile-utils is run here to know what it reports).
   */
  standardDiagnostics?: readonly Diagnostic[];
}

function toDiagnostic(rule: Rule, severity: DiagnosticSeverity, finding: RuleFinding): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity,
    code: rule.code,
    codeDescription: { href: codeDescriptionHref(rule.code) },
    source: DIAGNOSTIC_SOURCE,
    // Messages quote registry answers and the document: one line, capped, whatever they hold.
    message: oneLine(finding.message),
  };
  if (finding.relatedInformation !== undefined) diagnostic.relatedInformation = finding.relatedInformation;
  return diagnostic;
}

/** Every active, unsuppressed finding with its diagnostic, in document order. */
export function collectFindings(ctx: FeatureContext, options: DiagnosticsOptions = {}): Finding[] {
  const suppressions = readSuppressions(ctx);
  const overlaps = standardOverlaps(ctx, options.standardDiagnostics);
  const out: Finding[] = [];
  for (const { rule, severity } of activeRules(ctx.settings)) {
    if (suppressions.file.has(rule.code)) continue;
    for (const finding of rule.check(ctx)) {
      if (suppressions.isSuppressed(rule.code, finding.ref)) continue;
      const reported = overlaps.some(
        (o) => o.code === rule.code && rangesOverlap(o.diagnostic.range, finding.ref.range),
      );
      if (reported) continue;
      out.push({ rule, finding, diagnostic: toDiagnostic(rule, severity, finding) });
    }
  }
  return out.sort((a, b) => compareRanges(a.finding.range, b.finding.range));
}

/** FROM Lens' diagnostics for the document in `ctx`. */
export function provideDiagnostics(ctx: FeatureContext, options: DiagnosticsOptions = {}): Diagnostic[] {
  return collectFindings(ctx, options).map((f) => f.diagnostic);
}
