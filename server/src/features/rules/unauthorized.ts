/**
 * unauthorized: the registry wants credentials FROM Lens does not have (401), or refuses the
 * ones it has (403). Docker Hub answers 401 for repositories that do not exist, too.
 */
import { RULE_DEFAULTS } from "../../settings";
import { cachedNote, failedLookups } from "./support/registryErrors";
import type { Rule } from "./rule";
import { lookupErrorText } from "../lookupError";

export const unauthorized: Rule = {
  code: "unauthorized",
  defaultSeverity: RULE_DEFAULTS.unauthorized,
  needs: "registry",
  check(ctx) {
    return failedLookups(ctx, ["unauthorized", "denied"]).map((failed) => ({
      ref: failed.ref,
      range: failed.ref.range,
      message:
        `FROM Lens cannot read this image: ${lookupErrorText(failed.error)} FROM Lens uses the same credentials as ` +
        `the docker CLI.${cachedNote(failed, ctx.now)}`,
    }));
  },
};
