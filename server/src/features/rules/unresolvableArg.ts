/**
 * unresolvable-arg: the image name depends on an ARG with no value before the first FROM (no
 * default, or declared inside a stage where FROM cannot see it). FROM Lens cannot look the image
 * up, and a build without --build-arg uses an empty value. Points at the ARG's declaration.
 */
import type { DiagnosticRelatedInformation } from "vscode-languageserver";
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
      const related: DiagnosticRelatedInformation[] = [];
      for (const arg of ref.argsUsed) {
        if (arg.value !== undefined || arg.declaredAt === undefined) continue;
        related.push({
          location: { uri: ctx.doc.uri, range: arg.declaredAt },
          message: `ARG ${arg.name} is declared here without a value FROM can use`,
        });
      }
      const name = ref.argsUsed.find((a) => a.value === undefined)?.name ?? "NAME";
      findings.push({
        ref,
        range: ref.range,
        message:
          `${ref.raw} depends on a value only the build command can give: ${ref.unresolvable}. FROM Lens cannot ` +
          `look the image up, and a build without --build-arg ${name}=… uses an empty value (usually a broken ` +
          `reference). Declare ARG ${name} with a default before the first FROM (ARG ${name}=…).`,
        ...(related.length > 0 ? { relatedInformation: related } : {}),
      });
    }
    return findings;
  },
};
