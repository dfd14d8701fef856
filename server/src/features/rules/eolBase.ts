/**
 * eol-base: the image's base OS is past its end of life: its packages get no more security
 * fixes. The date and what comes after it (LTS, ESM) come from the distro tables, with evidence.
 */
import { RULE_DEFAULTS } from "../../settings";
import { betterTag } from "./support/betterTag";
import { setTagEdit } from "./support/edits";
import { basesWithStatus, osLabel } from "./support/eol";
import { parseRef, refLabel, settledResolution } from "./support/refs";
import type { Rule } from "./rule";

export const eolBase: Rule = {
  code: "eol-base",
  defaultSeverity: RULE_DEFAULTS["eol-base"],
  needs: "registry",
  check(ctx) {
    return basesWithStatus(ctx, "eol").map(({ ref, os }) => ({
      ref,
      range: ref.range,
      message:
        `${refLabel(ref)} is built on ${osLabel(os)}, which reached its end of life on ${os.eol}: its packages ` +
        `get no more free security fixes. ${os.eolNote} Move to a tag built on a supported release. ` +
        `(Base OS from ${os.evidence}.)`,
    }));
  },
  fix(ctx, finding) {
    const resolution = settledResolution(ctx, finding.ref);
    const reference = parseRef(finding.ref);
    const os = resolution?.facts.os;
    if (resolution === undefined || reference === undefined || os?.status !== "known") return [];
    // A pinned reference moves to another image: the pin would no longer match; leave those alone.
    if (reference.digest !== undefined) return [];
    const better = betterTag(
      reference.tag ?? "latest",
      os,
      resolution.tags ?? [],
      ctx.now,
      resolution.tagSummaries,
    );
    const edit = better === undefined ? undefined : setTagEdit(ctx, finding.ref, better.tag);
    if (better === undefined || edit === undefined) return [];
    const facts = [better.os, better.pushed].filter((s): s is string => s !== undefined).join("; ");
    return [
      {
        title: `Use tag ${better.tag} (${facts}; its OS is named in the tag)`,
        edits: [edit],
        isPreferred: true,
      },
    ];
  },
};
