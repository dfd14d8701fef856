/**
 * registry-unreachable: the registry could not be reached or answered something unusable
 * (network error, timeout, offline, server error, bad response). In offline mode
 * (`fromLens.offline`) it says the image is simply not in the cache.
 */
import { RULE_DEFAULTS } from "../../settings";
import { refLabel } from "./support/refs";
import { cachedNote, failedLookups } from "./support/registryErrors";
import type { Rule } from "./rule";

export const registryUnreachable: Rule = {
  code: "registry-unreachable",
  defaultSeverity: RULE_DEFAULTS["registry-unreachable"],
  needs: "registry",
  check(ctx) {
    return failedLookups(ctx, ["network", "timeout", "offline", "bad-response"]).map((failed) => ({
      ref: failed.ref,
      range: failed.ref.range,
      message:
        failed.error.kind === "offline" && ctx.settings.offline
          ? `FROM Lens is in offline mode (fromLens.offline) and has nothing cached for ${refLabel(failed.ref)}. ` +
            `Turn offline mode off to look it up.`
          : `FROM Lens could not look this image up: ${failed.error.message}${cachedNote(failed, ctx.now)}`,
    }));
  },
};
