/**
 * Helpers for the rule tests: run one rule on a case, read back the text a finding covers, and
 * apply a finding's quick fix to the document text.
 */
import assert from "node:assert/strict";
import type { Range } from "vscode-languageserver";
import type { QuickFix, Rule, RuleFinding } from "../../../../server/src/features/rules/rule";
import type { FeatureCase } from "../fixtures";

export interface Found {
  finding: RuleFinding;
  /** The document text the finding's range covers. */
  text: string;
}

export function covered(c: FeatureCase, range: Range): string {
  return c.text.slice(c.ctx.doc.offsetAt(range.start), c.ctx.doc.offsetAt(range.end));
}

/** The rule's findings, with the text each covers. */
export function run(c: FeatureCase, rule: Rule): Found[] {
  return rule.check(c.ctx).map((finding) => ({ finding, text: covered(c, finding.range) }));
}

/** The rule's only finding; fails when there is not exactly one. */
export function only(c: FeatureCase, rule: Rule): RuleFinding {
  const found = rule.check(c.ctx);
  assert.equal(
    found.length,
    1,
    `expected one ${rule.code} finding, got ${JSON.stringify(found.map((f) => f.message))}`,
  );
  return found[0] as RuleFinding;
}

export function fixesOf(c: FeatureCase, rule: Rule, finding: RuleFinding): QuickFix[] {
  assert.ok(rule.fix !== undefined, `${rule.code} has no fix`);
  return rule.fix(c.ctx, finding);
}

/** The text after applying the finding's fix with this title (or its first fix). */
export function applyFix(c: FeatureCase, rule: Rule, finding: RuleFinding, title?: string): string {
  const fixes = fixesOf(c, rule, finding);
  const fix = title === undefined ? fixes[0] : fixes.find((f) => f.title === title);
  assert.ok(fix !== undefined, `no fix ${title ?? ""} among ${JSON.stringify(fixes.map((f) => f.title))}`);
  return c.apply(fix.edits);
}
