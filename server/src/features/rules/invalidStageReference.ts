/**
 * invalid-stage-reference: a FROM, COPY --from or RUN --mount=from= whose source BuildKit rejects
 * (checked against moby/buildkit frontend/dockerfile/dockerfile2llb):
 * - `FROM Build` after `… AS Build`: stage names are stored lower-cased and FROM looks its name
 *   up exactly, so `Build` is taken as an image name, which fails to parse (upper case);
 * - `COPY --from=5` with fewer stages ("invalid stage index 5");
 * - a source stage defined later in the file, or the stage itself (stages build in file order);
 * - a variable in `--from` / `from=` (BuildKit never expands them);
 * - `from=` on a secret mount, and a stage index in `--mount from=` (an image named "0").
 * The reason comes from the reference extractor; a wrongly cased FROM gets a quick fix.
 */
import { RULE_DEFAULTS } from "../../settings";
import type { QuickFix, Rule, RuleFinding } from "./rule";

export const invalidStageReference: Rule = {
  code: "invalid-stage-reference",
  defaultSeverity: RULE_DEFAULTS["invalid-stage-reference"],
  needs: "local",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const ref of ctx.refs) {
      if (ref.unresolvable === undefined) continue;
      const stageSource = ref.kind === "copy-from" || ref.kind === "mount-from";
      if (!stageSource && !(ref.kind === "from" && ref.isStageRef)) continue;
      findings.push({ ref, range: ref.range, message: `${ref.unresolvable}.` });
    }
    return findings;
  },
  fix(ctx, finding): QuickFix[] {
    const ref = finding.ref;
    if (ref.kind !== "from" || !ref.isStageRef || ref.argsUsed.length > 0) return [];
    const written = ctx.doc.getText(ref.range);
    if (written !== ref.raw || written.toLowerCase() === written) return [];
    const lower = written.toLowerCase();
    return [
      {
        title: `Write the stage name as ${lower}`,
        edits: [{ range: ref.range, newText: lower }],
        isPreferred: true,
      },
    ];
  },
};
