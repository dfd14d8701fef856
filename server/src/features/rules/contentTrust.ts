/**
 * content-trust: `DOCKER_CONTENT_TRUST=1` in the environment the editor (and so docker builds
 * started from it) runs in. Docker retired Docker Content Trust (Notary v1 signing) for Docker
 * Official Images in August 2025, so with it on, pulls of official images fail verification.
 * Reported once per document, on the first official image.
 */
import { isOfficialImageName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import type { Rule } from "./rule";
import { parsedRefs, refLabel } from "./support/refs";

export const contentTrust: Rule = {
  code: "content-trust",
  defaultSeverity: RULE_DEFAULTS["content-trust"],
  needs: "local",
  check(ctx) {
    if (!ctx.contentTrust) return [];
    const first = parsedRefs(ctx).find(({ reference }) => isOfficialImageName(reference));
    if (!first) return [];
    return [
      {
        ref: first.ref,
        range: first.ref.range,
        message:
          `DOCKER_CONTENT_TRUST=1 is set where VS Code runs. Docker retired Content Trust signatures for Docker ` +
          `Official Images in August 2025, so with it on, pulling ${refLabel(first.ref)} (and every other official ` +
          `image) fails its trust check. Unset DOCKER_CONTENT_TRUST and make builds verifiable by pinning each ` +
          `image to its digest instead.`,
      },
    ];
  },
};
