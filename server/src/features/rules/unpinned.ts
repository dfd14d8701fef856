/**
 * unpinned (off by default): a reference without a digest. A tag can point to another image
 * tomorrow; a digest cannot. Fix: pin (tag kept, index digest added). Silent when pinning is
 * turned off (`fromLens.pin.enabled`).
 */
import { RULE_DEFAULTS } from "../../settings";
import { pinFix } from "./support/pinFix";
import { parsedRefs, refLabel } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const unpinned: Rule = {
  code: "unpinned",
  defaultSeverity: RULE_DEFAULTS.unpinned,
  needs: "local",
  fixAllTitle: "Pin every image in this file to its digest",
  check(ctx) {
    if (!ctx.settings.pin.enabled) return [];
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.digest !== undefined) continue;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} is not pinned to a digest: the tag can point to a different image at the next build, ` +
          `so builds are not repeatable and a replaced image would be used without review. ` +
          `Pin it (name:tag@sha256:…); tools such as Renovate or Dependabot keep pins up to date.`,
      });
    }
    return findings;
  },
  fix: (ctx, finding) => pinFix(ctx, finding.ref, "pin"),
};
