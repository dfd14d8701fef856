/**
 * unsigned-image (off by default; an error with `fromLens.trust.requireSignature`): an image with
 * no signature verified by one of `fromLens.trust.publicKeys`. Reported only once the signatures
 * were looked up (the server does that while the rule is on): unsigned, or signed in a way FROM
 * Lens did not verify (with the reason). Nothing is reported while the lookup is pending or failed.
 */
import { familiarName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { parsedRefs, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const unsignedImage: Rule = {
  code: "unsigned-image",
  defaultSeverity: RULE_DEFAULTS["unsigned-image"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      const facts = settledResolution(ctx, ref)?.facts;
      if (facts === undefined) continue;
      const lookup = ctx.signature?.(reference, facts.indexDigest);
      if (lookup?.state !== "checked" || lookup.verdict.status === "verified") continue;
      const v = lookup.verdict;
      const what =
        v.status === "unsigned"
          ? `has no signature (${v.evidence.replace(/^no signature found \((.*)\)$/, "looked at the $1")})`
          : `has a signature FROM Lens did not verify: ${v.reason}`;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${familiarName(reference)} ${what}. Nothing shows who published this image. Use an image signed with ` +
          `cosign by a key in fromLens.trust.publicKeys, or add its publisher's public key there.`,
      });
    }
    return findings;
  },
};
