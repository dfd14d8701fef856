/**
 * unresolvable-arg: a FROM image name FROM Lens cannot know from the text: it depends on an ARG
 * with no value before the first FROM (no default, or declared inside a stage where FROM cannot
 * see it), on a malformed substitution, or on `${…}` nested deeper than FROM Lens expands.
 * Points at the ARG's declaration where there is one.
 *
 * Only FROM (and `# syntax`) references: `COPY --from` and `RUN --mount=from=` are never expanded
 * by BuildKit, so an ARG default cannot help there (invalid-stage-reference reports them). The
 * platform ARGs BuildKit defines (TARGETOS, BUILDPLATFORM, …) always have a value and are never
 * the cause.
 */
import type { DiagnosticRelatedInformation } from "vscode-languageserver";
import { PREDEFINED_ARGS } from "../../dockerfile";
import { RULE_DEFAULTS } from "../../settings";
import type { Rule, RuleFinding } from "./rule";

export const unresolvableArg: Rule = {
  code: "unresolvable-arg",
  defaultSeverity: RULE_DEFAULTS["unresolvable-arg"],
  needs: "local",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const ref of ctx.refs) {
      if (ref.unresolvable === undefined || ref.isStageRef) continue;
      if (ref.kind === "image") {
        // Compose, Helm, CI files: their own variables, with the reason the extractor gave.
        findings.push({
          ref,
          range: ref.range,
          message: `${ref.raw} cannot be looked up: ${ref.unresolvable}.`,
        });
        continue;
      }
      if (ref.kind !== "from" && ref.kind !== "syntax") continue;
      const related: DiagnosticRelatedInformation[] = [];
      for (const arg of ref.argsUsed) {
        if (arg.value !== undefined || arg.declaredAt === undefined) continue;
        related.push({
          location: { uri: ctx.doc.uri, range: arg.declaredAt },
          message: `ARG ${arg.name} is declared here without a value FROM can use`,
        });
      }
      // The ARG a --build-arg (or a default) would settle: one the file declares or names, never
      // a platform ARG BuildKit sets itself.
      const missing = ref.argsUsed.find((a) => a.value === undefined && !PREDEFINED_ARGS.has(a.name));
      let message: string;
      if (ref.tooDeep === true) {
        message = `FROM Lens does not check this image: ${ref.unresolvable}.`;
      } else if (missing !== undefined && /^BuildKit /u.test(ref.unresolvable) === false) {
        message =
          `${ref.raw} depends on a value only the build command can give: ${ref.unresolvable}. FROM Lens cannot ` +
          `look the image up, and a build without --build-arg ${missing.name}=… uses an empty value (usually a ` +
          `broken reference). Declare ARG ${missing.name} with a default before the first FROM (ARG ${missing.name}=…).`;
      } else {
        message = `FROM Lens cannot tell which image ${ref.raw} is: ${ref.unresolvable}.`;
      }
      findings.push({
        ref,
        range: ref.range,
        message,
        ...(related.length > 0 ? { relatedInformation: related } : {}),
      });
    }
    return findings;
  },
};
