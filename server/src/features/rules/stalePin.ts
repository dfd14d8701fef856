/**
 * stale-pin: the digest written next to a tag is no longer what the tag points to. The pinned
 * image misses everything published since, security fixes included. Fix: update the pin (a
 * deliberate platform pin stays on its platform, as Renovate does).
 */
import { shortDigest } from "../format";
import { pinStatus } from "../pin";
import { RULE_DEFAULTS } from "../../settings";
import { pinFix } from "./support/pinFix";
import { literalParts, parsedRefs, refLabel, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

function when(movedAt: string | undefined): string {
  if (movedAt === undefined) return "";
  const date = /^\d{4}-\d{2}-\d{2}/.exec(movedAt)?.[0];
  return date === undefined ? "" : ` on ${date}`;
}

export const stalePin: Rule = {
  code: "stale-pin",
  defaultSeverity: RULE_DEFAULTS["stale-pin"],
  needs: "registry",
  fixAllTitle: "Update every stale pin in this file",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.digest === undefined || reference.tag === undefined) continue;
      const resolution = settledResolution(ctx, ref);
      if (resolution === undefined) continue;
      const status = pinStatus(reference, resolution);
      if (status.kind !== "moved") continue;
      const platform = status.platform === undefined ? "" : ` (its ${status.platform} image)`;
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.digest ?? ref.range,
        message:
          `The pinned digest of ${refLabel(ref)} is out of date: the tag ${reference.tag} has moved${when(status.movedAt)} ` +
          `to ${shortDigest(status.to)}${platform}. The pinned image misses every fix published since, security ` +
          `updates included. Update the pin, or keep the old image on purpose and suppress this warning.`,
      });
    }
    return findings;
  },
  fix: (ctx, finding) => pinFix(ctx, finding.ref, "update"),
};
