/**
 * The one interface every FROM Lens diagnostic rule implements (DESIGN.md "One rule, one file"):
 * a stable code, its default severity, `check` (the findings in a document) and an optional
 * `fix` (quick fixes for one finding). Rules are pure: they read the FeatureContext and return
 * values; diagnostics.ts turns findings into LSP diagnostics, codeActions.ts turns fixes into
 * code actions guarded by the document version.
 */
import type { DiagnosticRelatedInformation, Range, TextEdit } from "vscode-languageserver";
import type { ImageRef } from "../../dockerfile";
import type { RuleCode, RuleSeverity } from "../../settings";
import type { FeatureContext } from "../context";

/** One problem a rule found, before severity, suppression and LSP packaging. */
export interface RuleFinding {
  /** The reference the finding is about: suppression comments and quick fixes start from it. */
  ref: ImageRef;
  /** Where the squiggle goes: the reference, or the part of it at fault. */
  range: Range;
  /** What is wrong, why it matters, what to do. Plain text. */
  message: string;
  relatedInformation?: DiagnosticRelatedInformation[];
}

/** One quick fix: exact edits to the document the finding was computed on. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply with one keystroke (VS Code's "auto fix"); at most one per finding. */
  isPreferred?: boolean;
}

export interface Rule {
  code: RuleCode;
  /** The severity when `fromLens.rules.<code>` is not set (RULE_DEFAULTS). */
  defaultSeverity: RuleSeverity;
  /**
   * "local": decided from the text alone, shown as soon as the document changes.
   * "registry": decided from what the resolver knows; silent until facts (or an error) land, so
   * nothing flashes while an image is being resolved.
   */
  needs: "local" | "registry";
  check(ctx: FeatureContext): RuleFinding[];
  /** Quick fixes for one finding of this rule; the first preferred one also serves "fix all". */
  fix?(ctx: FeatureContext, finding: RuleFinding): QuickFix[];
  /** Title of the "fix all of this kind in the file" action, where that makes sense. */
  fixAllTitle?: string;
}
