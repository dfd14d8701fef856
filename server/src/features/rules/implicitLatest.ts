/**
 * implicit-latest: no tag and no digest, so Docker pulls `:latest`, which moves to every new
 * release. Fix: the most specific tag for the same image today.
 */
import { RULE_DEFAULTS } from "../../settings";
import { parsedRefs, refLabel, settledResolution } from "./support/refs";
import { specificTagFix, todayNote } from "./support/specificTag";
import type { Rule, RuleFinding } from "./rule";

export const implicitLatest: Rule = {
  code: "implicit-latest",
  defaultSeverity: RULE_DEFAULTS["implicit-latest"],
  needs: "local",
  fixAllTitle: "Add the exact tag to every reference without one",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.tag !== undefined || reference.digest !== undefined) continue;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} has no tag, so Docker pulls ${refLabel(ref)}:latest. "latest" moves to every new release, ` +
          `so a rebuild can switch to a new major version of the program or of the base OS without anyone noticing. ` +
          `Write a version tag.${todayNote(settledResolution(ctx, ref))}`,
      });
    }
    return findings;
  },
  fix: (ctx, finding) => specificTagFix(ctx, finding.ref),
};
