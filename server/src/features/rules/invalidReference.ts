/**
 * invalid-reference: an image reference (after ARG substitution) that Docker cannot parse. The
 * squiggle narrows to the part at fault when the reference is written literally.
 */
import { parseReference } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { imageRefs, narrowRange } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const invalidReference: Rule = {
  code: "invalid-reference",
  defaultSeverity: RULE_DEFAULTS["invalid-reference"],
  needs: "local",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const ref of imageRefs(ctx)) {
      if (ref.resolved === undefined) continue;
      const parsed = parseReference(ref.resolved);
      if (parsed.ok) continue;
      const { message, offset, length } = parsed.error;
      const via = ref.raw !== ref.resolved ? `${ref.raw} reads as ${ref.resolved}. ` : "";
      findings.push({
        ref,
        range: narrowRange(ctx, ref, offset, length),
        message: `${via}${message} Docker stops the build with "invalid reference format".`,
      });
    }
    return findings;
  },
};
