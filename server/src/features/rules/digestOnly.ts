/**
 * digest-only (hint): `name@sha256:…` with no tag. The digest decides what is pulled, but
 * nobody can read which version it is, and update tools have no tag to follow. Fix: add the tag
 * that points to that digest, when the registry's tag list names one.
 */
import { RULE_DEFAULTS } from "../../settings";
import { setTagEdit } from "./support/edits";
import { mostSpecificAlias, parsedRefs, refLabel, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const digestOnly: Rule = {
  code: "digest-only",
  defaultSeverity: RULE_DEFAULTS["digest-only"],
  needs: "local",
  fixAllTitle: "Add the tag next to every digest that has one",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.digest === undefined || reference.tag !== undefined) continue;
      const resolution = settledResolution(ctx, ref);
      const alias = resolution === undefined ? undefined : mostSpecificAlias(resolution);
      const today = alias === undefined ? "" : ` This digest is the tag ${alias}.`;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} is pinned by digest alone: readers cannot tell which version it is, and update tools ` +
          `(Renovate, Dependabot) have no tag to follow. Write the tag before the digest (name:tag@sha256:…); ` +
          `the digest still decides what is pulled.${today}`,
      });
    }
    return findings;
  },
  fix(ctx, finding) {
    const resolution = settledResolution(ctx, finding.ref);
    const alias = resolution === undefined ? undefined : mostSpecificAlias(resolution);
    if (alias === undefined) return [];
    const edit = setTagEdit(ctx, finding.ref, alias);
    return edit === undefined
      ? []
      : [{ title: `Add tag ${alias} (it points to this digest)`, edits: [edit], isPreferred: true }];
  },
};
