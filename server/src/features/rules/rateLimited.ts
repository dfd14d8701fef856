/**
 * rate-limited: the registry answered 429. FROM Lens stops asking it until the window passes
 * (never retrying in a loop) and says so once per reference.
 */
import { RULE_DEFAULTS } from "../../settings";
import { cachedNote, failedLookups } from "./support/registryErrors";
import type { Rule } from "./rule";
import { lookupErrorText } from "../lookupError";

export const rateLimited: Rule = {
  code: "rate-limited",
  defaultSeverity: RULE_DEFAULTS["rate-limited"],
  needs: "registry",
  check(ctx) {
    return failedLookups(ctx, ["rate-limited"]).map((failed) => ({
      ref: failed.ref,
      range: failed.ref.range,
      message: `${lookupErrorText(failed.error)}${cachedNote(failed, ctx.now)}`,
    }));
  },
};
