/**
 * registry-unreachable: the registry could not be reached or answered something unusable
 * (network error, timeout, server error, bad response). In offline mode (`fromLens.offline`), the
 * user's own choice, an image missing from the cache is not a problem to report per reference:
 * the status bar says "offline" once, and the lens and hover say what is not cached.
 */
import { RULE_DEFAULTS } from "../../settings";
import { cachedNote, failedLookups } from "./support/registryErrors";
import type { Rule } from "./rule";
import { lookupErrorText } from "../lookupError";

export const registryUnreachable: Rule = {
  code: "registry-unreachable",
  defaultSeverity: RULE_DEFAULTS["registry-unreachable"],
  needs: "registry",
  check(ctx) {
    return failedLookups(ctx, ["network", "timeout", "offline", "bad-response"])
      .filter((failed) => !(failed.error.kind === "offline" && ctx.settings.offline))
      .map((failed) => ({
        ref: failed.ref,
        range: failed.ref.range,
        message: `FROM Lens could not look this image up: ${lookupErrorText(failed.error)}${cachedNote(failed, ctx.now)}`,
      }));
  },
};
