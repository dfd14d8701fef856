/**
 * diverges-from-official (info): an image in another registry whose path mirrors a Docker
 * Official Image — `<registry>/…/library/<official name>`: a Harbor project or pull-through
 * cache (`harbor.corp/library/python`), `mirror.gcr.io/library/python`,
 * `public.ecr.aws/docker/library/python` — compared with Docker Hub's own image for the same
 * tag. The same digest means the mirror serves the official build; a different one means a
 * re-upload that lost the official build chain (provenance, signatures), or a mirror that is
 * stale or was tampered with.
 *
 * The comparison needs Docker Hub's answer for the counterpart: the rule asks `ctx.lookup` for
 * `officialCounterpart(ref)`, and stays silent until both sides are resolved. The workspace and
 * the CLI resolve that counterpart too (features/officialCounterpart.ts).
 */
import type { Resolution } from "../../resolver/types";
import { RULE_DEFAULTS } from "../../settings";
import type { FeatureContext } from "../context";
import { shortDigest } from "../prose";
import { mirroredOfficialName, officialCounterpart } from "../officialCounterpart";
import { parsedRefs, refLabel, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

function tagDigest(resolution: Resolution): string {
  return resolution.tagDigest ?? resolution.facts.indexDigest;
}

export const divergesFromOfficial: Rule = {
  code: "diverges-from-official",
  defaultSeverity: RULE_DEFAULTS["diverges-from-official"],
  needs: "registry",
  check(ctx: FeatureContext) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      const counterpart = officialCounterpart(ref);
      if (counterpart === undefined) continue;
      const mirror = settledResolution(ctx, ref);
      const hub = settledResolution(ctx, counterpart);
      if (mirror === undefined || hub === undefined) continue;
      const official = `${mirroredOfficialName(reference) ?? ""}:${reference.tag ?? "latest"}`;
      const here = tagDigest(mirror);
      const there = tagDigest(hub);
      findings.push({
        ref,
        range: ref.range,
        message:
          here === there
            ? `${refLabel(ref)} mirrors the Docker Official Image ${official} and serves the same image as ` +
              `Docker Hub (${shortDigest(here)}), so it keeps the official build's provenance.`
            : `${refLabel(ref)} mirrors the Docker Official Image ${official}, but serves a different image: ` +
              `${shortDigest(here)} here, ${shortDigest(there)} on Docker Hub. The mirror may not have synced ` +
              `yet, or the image was re-uploaded (losing the official build chain: provenance and signatures) ` +
              `or tampered with. Check with whoever runs ${reference.registry} before relying on it.`,
      });
    }
    return findings;
  },
};
