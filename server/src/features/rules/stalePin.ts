/**
 * stale-pin: the digest written next to a tag is no longer what the tag points to. The pinned
 * image misses everything published since, security fixes included. Fix: update the pin (a
 * deliberate platform pin stays on its platform, as Renovate does). Also: the tag written next
 * to the digest is gone from the registry (the digest still pulls); fix: the tag that now names
 * the digest, when one does.
 */
import { shortDigest } from "../prose";
import { pinStatus } from "../pin";
import { RULE_DEFAULTS } from "../../settings";
import { changeSummary, whatChanged } from "../whatChanged";
import { pinFix } from "./support/pinFix";
import { setTagEdit } from "./support/edits";
import { registryName } from "./support/notFound";
import {
  literalParts,
  mostSpecificAlias,
  parseRef,
  parsedRefs,
  refLabel,
  settledResolution,
} from "./support/refs";
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
      if (status.kind === "tag-missing") {
        const alias = mostSpecificAlias(resolution);
        findings.push({
          ref,
          range: literalParts(ctx, ref)?.tag ?? ref.range,
          message:
            `The tag ${reference.tag} of ${refLabel(ref)} no longer exists on ${registryName(reference)}. The build ` +
            `still works (the digest decides what is pulled), but the pin can no longer be checked or updated.` +
            (alias === undefined
              ? " Write a tag that the image still publishes."
              : ` This digest is the tag ${alias} now: write that.`),
        });
        continue;
      }
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
  fix(ctx, finding) {
    const resolution = settledResolution(ctx, finding.ref);
    const reference = parseRef(finding.ref);
    if (resolution === undefined || reference === undefined) return [];
    if (pinStatus(reference, resolution).kind !== "tag-missing") {
      const changes =
        resolution.movedTo === undefined ? [] : whatChanged(resolution.facts, resolution.movedTo);
      const fixes = pinFix(ctx, finding.ref, "update");
      return changes.length === 0
        ? fixes
        : fixes.map((f) => ({ ...f, title: `${f.title} (${changeSummary(changes, 3)})` }));
    }
    const alias = mostSpecificAlias(resolution);
    const edit = alias === undefined ? undefined : setTagEdit(ctx, finding.ref, alias);
    return alias === undefined || edit === undefined
      ? []
      : [
          {
            title: `Change the tag to ${alias} (it points to this digest)`,
            edits: [edit],
            isPreferred: true,
          },
        ];
  },
};
