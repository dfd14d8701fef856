/**
 * latest-tag: an explicit `:latest`. `latest` is only the default tag name, not a version: it
 * moves to every new release. Fix: the most specific tag for the same image today.
 */
import { RULE_DEFAULTS } from "../../settings";
import { literalParts, parsedRefs, refLabel, settledResolution } from "./support/refs";
import { specificTagFix, todayNote } from "./support/specificTag";
import type { Rule, RuleFinding } from "./rule";

export const latestTag: Rule = {
  code: "latest-tag",
  defaultSeverity: RULE_DEFAULTS["latest-tag"],
  needs: "local",
  fixAllTitle: "Replace every latest tag with the exact tag it is today",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.tag !== "latest" || reference.digest !== undefined) continue;
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.tag ?? ref.range,
        message:
          `${refLabel(ref)} uses the tag "latest", which is not a version: it moves to every new release, ` +
          `so a rebuild can switch to a new major version of the program or of the base OS without anyone noticing. ` +
          `Name a version tag (and pin its digest for repeatable builds).${todayNote(settledResolution(ctx, ref))}`,
      });
    }
    return findings;
  },
  fix: (ctx, finding) => specificTagFix(ctx, finding.ref),
};
