/**
 * Quick fixes for FROM Lens' own diagnostics: each rule's fixes, "fix all of this kind in the
 * file" where a rule offers one, and the two suppression comments ("Ignore <code> on this line",
 * "Ignore <code> in this file"). Every edit is a WorkspaceEdit guarded by the document version
 * the fixes were computed on, so a stale fix is refused by the editor instead of corrupting text.
 */
import {
  CodeActionKind,
  TextDocumentEdit,
  VersionedTextDocumentIdentifier,
  type CodeAction,
  type Diagnostic,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { RuleCode } from "../settings";
import type { FeatureContext } from "./context";
import { collectFindings, DIAGNOSTIC_SOURCE, type Finding } from "./diagnostics";
import type { QuickFix } from "./rules/rule";
import { ignoreInFileEdit, ignoreOnLineEdit, isRuleCode } from "./rules/support/suppression";
import { compareRanges, rangesOverlap, sameRange } from "./rules/support/text";

export interface CodeActionOptions {
  /**
   * Whether the client takes versioned `documentChanges` (default true). Without them the edit
   * is sent as plain `changes`, which the editor applies whatever the version.
   */
  documentChanges?: boolean;
}

function workspaceEdit(ctx: FeatureContext, edits: TextEdit[], documentChanges: boolean): WorkspaceEdit {
  return documentChanges
    ? {
        documentChanges: [
          TextDocumentEdit.create(
            VersionedTextDocumentIdentifier.create(ctx.doc.uri, ctx.doc.version),
            edits,
          ),
        ],
      }
    : { changes: { [ctx.doc.uri]: edits } };
}

/** The edits of several fixes as one change: duplicates dropped, overlapping ones left out. */
function mergeEdits(lists: readonly TextEdit[][]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const edits of lists) {
    const fresh = edits.filter(
      (e) => !out.some((o) => sameRange(o.range, e.range) && o.newText === e.newText),
    );
    if (fresh.some((e) => out.some((o) => rangesOverlap(o.range, e.range)))) continue;
    out.push(...fresh);
  }
  return out.sort((a, b) => compareRanges(a.range, b.range));
}

function ourCode(diagnostic: Diagnostic): RuleCode | undefined {
  return diagnostic.source === DIAGNOSTIC_SOURCE && isRuleCode(diagnostic.code) ? diagnostic.code : undefined;
}

/** The findings (recomputed on the current text) behind the diagnostics the client sent. */
function matchFindings(
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
): [Diagnostic, Finding][] {
  const out: [Diagnostic, Finding][] = [];
  for (const diagnostic of diagnostics) {
    const code = ourCode(diagnostic);
    if (code === undefined) continue;
    const finding = findings.find(
      (f) => f.rule.code === code && sameRange(f.finding.range, diagnostic.range),
    );
    if (finding !== undefined) out.push([diagnostic, finding]);
  }
  return out;
}

/**
 * Code actions for `diagnostics` (the client's context.diagnostics for `range`): quick fixes of
 * FROM Lens' diagnostics first, then fix-all actions, then the ignore comments.
 */
export function provideCodeActions(
  ctx: FeatureContext,
  _range: Range,
  diagnostics: readonly Diagnostic[],
  options: CodeActionOptions = {},
): CodeAction[] {
  const documentChanges = options.documentChanges ?? true;
  // The client only sends diagnostics that were published, so the standard validation (which
  // decides what is never published) need not run again here.
  const everyFinding = collectFindings(ctx, { standardDiagnostics: [] });
  const matched = matchFindings(everyFinding, diagnostics);
  if (matched.length === 0) return [];
  const fixes: CodeAction[] = [];
  const fixAll: CodeAction[] = [];
  const ignores: CodeAction[] = [];
  const fixesOf = (f: Finding): QuickFix[] => f.rule.fix?.(ctx, f.finding) ?? [];

  for (const [diagnostic, found] of matched) {
    for (const fix of fixesOf(found)) {
      fixes.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        ...(fix.isPreferred === true ? { isPreferred: true } : {}),
        edit: workspaceEdit(ctx, fix.edits, documentChanges),
      });
    }
  }

  const codes = [...new Set(matched.map(([, f]) => f.rule.code))];
  for (const code of codes) {
    const sameCode = everyFinding.filter((f) => f.rule.code === code);
    const title = sameCode[0]?.rule.fixAllTitle;
    if (title === undefined) continue;
    const firstFixes = sameCode
      .map((f) => fixesOf(f).find((x) => x.isPreferred === true)?.edits)
      .filter((e): e is TextEdit[] => e !== undefined);
    if (firstFixes.length < 2) continue;
    fixAll.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: sameCode.map((f) => f.diagnostic),
      edit: workspaceEdit(ctx, mergeEdits(firstFixes), documentChanges),
    });
  }

  const seen = new Set<string>();
  for (const [diagnostic, found] of matched) {
    const code = found.rule.code;
    const line = ignoreOnLineEdit(ctx, found.finding.ref, code);
    const lineKey = `line:${code}:${line?.range.start.line ?? -1}:${line?.range.start.character ?? -1}`;
    if (line !== undefined && !seen.has(lineKey)) {
      seen.add(lineKey);
      ignores.push({
        title: `Ignore ${code} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: workspaceEdit(ctx, [line], documentChanges),
      });
    }
    const fileKey = `file:${code}`;
    const file = ignoreInFileEdit(ctx, code);
    if (file !== undefined && !seen.has(fileKey)) {
      seen.add(fileKey);
      ignores.push({
        title: `Ignore ${code} in this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: workspaceEdit(ctx, [file], documentChanges),
      });
    }
  }
  return [...fixes, ...fixAll, ...ignores];
}
