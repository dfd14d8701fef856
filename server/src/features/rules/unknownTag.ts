/**
 * unknown-tag: the repository exists but has no such tag. "Did you mean" comes from the tags the
 * registry listed (edit distance), each offered as a quick fix.
 */
import { closestNames } from "../prose";
import { familiarName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { setTagEdit } from "./support/edits";
import { notFoundRefs, type NotFound } from "./support/notFound";
import { literalParts } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

function suggestions(found: NotFound): string[] {
  const tag = found.reference.tag;
  return tag === undefined ? [] : closestNames(tag, found.tags, 3);
}

export const unknownTag: Rule = {
  code: "unknown-tag",
  defaultSeverity: RULE_DEFAULTS["unknown-tag"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const found of notFoundRefs(ctx, "tag")) {
      const { ref, reference, answeredBy } = found;
      const tag = reference.tag ?? "latest";
      const close = suggestions(found);
      const hint =
        close.length > 0
          ? ` Did you mean ${close.join(" or ")}?`
          : " It may have been removed or renamed; check the tags the image publishes.";
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.tag ?? ref.range,
        message:
          `${familiarName(reference)} has no tag ${tag} on ${answeredBy}, so the build fails when it ` +
          `pulls it.${hint}`,
      });
    }
    return findings;
  },
  fix(ctx, finding) {
    const found = notFoundRefs(ctx, "tag").find((f) => f.ref === finding.ref);
    if (found === undefined) return [];
    return suggestions(found).flatMap((tag, i) => {
      const edit = setTagEdit(ctx, finding.ref, tag);
      return edit === undefined
        ? []
        : [{ title: `Change the tag to ${tag}`, edits: [edit], isPreferred: i === 0 }];
    });
  },
};
