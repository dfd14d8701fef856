/**
 * floating-tag (hint): a tag such as `python:3.12-slim` that moves to each new patch release and
 * rebuild. Says which exact tag it is today (the most specific alias of the same image) and
 * offers to write that instead. Only when the exact tag really narrows the written one: every
 * word of the written tag is in it (3.12 → 3.12.13, alpine → alpine3.21), so `jammy` is not
 * "floating" just because `22.04` is the same image.
 */
import { isVersionToken, tagTokens } from "../../facts/tagTokens";
import { RULE_DEFAULTS } from "../../settings";
import { literalParts, mostSpecificAlias, parsedRefs, refLabel, settledResolution } from "./support/refs";
import { specificTagFix } from "./support/specificTag";
import type { Rule, RuleFinding } from "./rule";

/** True when `exact` is a narrower spelling of `tag`: same words, versions extended. */
export function narrows(tag: string, exact: string): boolean {
  if (tag === exact) return false;
  const wanted = tagTokens(tag);
  const have = tagTokens(exact);
  const versionParts = (tokens: string[]): number =>
    tokens.filter(isVersionToken).reduce((n, t) => n + t.split(".").length, 0);
  if (versionParts(have) <= versionParts(wanted)) return false;
  let from = 0;
  for (const word of wanted) {
    const i = have.findIndex(
      (h, k) =>
        k >= from && (h === word || (isVersionToken(word) ? h.startsWith(`${word}.`) : h.startsWith(word))),
    );
    if (i === -1) return false;
    from = i + 1;
  }
  return true;
}

export const floatingTag: Rule = {
  code: "floating-tag",
  defaultSeverity: RULE_DEFAULTS["floating-tag"],
  needs: "registry",
  fixAllTitle: "Replace every floating tag with the exact tag it is today",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      const tag = reference.tag;
      if (tag === undefined || tag === "latest" || reference.digest !== undefined) continue;
      const resolution = settledResolution(ctx, ref);
      const exact = resolution === undefined ? undefined : mostSpecificAlias(resolution);
      if (exact === undefined || !narrows(tag, exact)) continue;
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.tag ?? ref.range,
        message:
          `${refLabel(ref)} is a floating tag: it moves to each new release it covers, so the next build may ` +
          `get a different version. Today it is the same image as the tag ${exact}. Write ${exact} to stay on ` +
          `this version (it still receives rebuilds of that exact version), and pin the digest for fully ` +
          `repeatable builds.`,
      });
    }
    return findings;
  },
  fix: (ctx, finding) => specificTagFix(ctx, finding.ref),
};
