/**
 * unknown-repository: the registry says the repository does not exist. Suggests the closest
 * Docker Official Image for Docker Hub names ("pyhton" → "python").
 */
import { closestNames } from "../prose";
import { familiarName, isOfficialImageName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import type { FeatureContext } from "../context";
import { OFFICIAL_IMAGES, POPULAR_OFFICIAL_IMAGES } from "./data/popularImages";
import { isOneEditApart } from "../editDistance";
import { setImageNameEdit } from "./support/edits";
import { notFoundRefs } from "./support/notFound";
import { literalParts, parseRef } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";
import type { ImageRef } from "../../dockerfile";

/** Official images whose name is close to the one written: one edit away if any is, popular ones first. */
function suggestions(ref: ImageRef): string[] {
  const reference = parseRef(ref);
  if (reference === undefined || !isOfficialImageName(reference)) return [];
  const name = familiarName(reference);
  const candidates = [...new Set([...POPULAR_OFFICIAL_IMAGES, ...OFFICIAL_IMAGES])];
  const oneEdit = candidates.filter((n) => isOneEditApart(name, n));
  return (oneEdit.length > 0 ? oneEdit : closestNames(name, candidates, 3)).slice(0, 3);
}

function didYouMean(names: readonly string[]): string {
  return names.length === 0 ? "" : ` Did you mean ${names.join(" or ")}?`;
}

export const unknownRepository: Rule = {
  code: "unknown-repository",
  defaultSeverity: RULE_DEFAULTS["unknown-repository"],
  needs: "registry",
  check(ctx: FeatureContext) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference, answeredBy } of notFoundRefs(ctx, "repository")) {
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.name ?? ref.range,
        message:
          `${familiarName(reference)} does not exist on ${answeredBy}, so the build fails when it ` +
          `pulls it. Check the image name and registry for typos.${didYouMean(suggestions(ref))}`,
      });
    }
    return findings;
  },
  fix(ctx, finding) {
    return suggestions(finding.ref).flatMap((name, i) => {
      const edit = setImageNameEdit(ctx, finding.ref, name);
      return edit === undefined
        ? []
        : [{ title: `Change the image to ${name}`, edits: [edit], isPreferred: i === 0 }];
    });
  },
};
