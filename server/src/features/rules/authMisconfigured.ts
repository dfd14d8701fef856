/**
 * auth-misconfigured: the token realm a registry names answered 404. The registry's auth server
 * is misconfigured; that says nothing about whether the image exists, so it is a warning about
 * the registry (naming the realm host), never an unknown-repository / unknown-tag error.
 */
import { RULE_DEFAULTS } from "../../settings";
import { cachedNote, failedLookups } from "./support/registryErrors";
import type { Rule } from "./rule";
import { lookupErrorText } from "../lookupError";

export const authMisconfigured: Rule = {
  code: "auth-misconfigured",
  defaultSeverity: RULE_DEFAULTS["auth-misconfigured"],
  needs: "registry",
  check(ctx) {
    return failedLookups(ctx, ["auth-misconfigured"]).map((failed) => ({
      ref: failed.ref,
      range: failed.ref.range,
      message: `FROM Lens could not look this image up: ${lookupErrorText(failed.error)}${cachedNote(failed, ctx.now)}`,
    }));
  },
};
