/**
 * unknown-digest: the repository has no image with the pinned digest (deleted, or it belongs to
 * another repository). Fix: drop the digest and keep the tag, so the reference resolves again
 * and can be pinned afresh.
 */
import { shortDigest } from "../prose";
import { familiarName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { removeDigestEdit } from "./support/edits";
import { notFoundRefs } from "./support/notFound";
import { literalParts, parseRef } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const unknownDigest: Rule = {
  code: "unknown-digest",
  defaultSeverity: RULE_DEFAULTS["unknown-digest"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference, answeredBy } of notFoundRefs(ctx, "digest")) {
      const digest = reference.digest === undefined ? "the pinned digest" : shortDigest(reference.digest);
      const repin =
        reference.tag === undefined
          ? "Copy the digest again from where it came from."
          : `Remove the digest and pin ${reference.tag} again.`;
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.digest ?? ref.range,
        message:
          `${familiarName(reference)} has no image ${digest} on ${answeredBy}: it was deleted, or the ` +
          `digest belongs to another repository. The build fails when it pulls it. ${repin}`,
      });
    }
    return findings;
  },
  fix(ctx, finding) {
    const tag = parseRef(finding.ref)?.tag;
    const edit = removeDigestEdit(ctx, finding.ref);
    return edit === undefined || tag === undefined
      ? []
      : [{ title: `Remove the digest (use the tag ${tag})`, edits: [edit], isPreferred: true }];
  },
};
