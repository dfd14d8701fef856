/**
 * eol-base: the image's base OS is past its end of life: its packages get no more security
 * fixes. The date and what comes after it (LTS, ESM) come from the distro tables, with evidence.
 */
import { RULE_DEFAULTS } from "../../settings";
import { basesWithStatus, osLabel } from "./support/eol";
import { refLabel } from "./support/refs";
import type { Rule } from "./rule";

export const eolBase: Rule = {
  code: "eol-base",
  defaultSeverity: RULE_DEFAULTS["eol-base"],
  needs: "registry",
  check(ctx) {
    return basesWithStatus(ctx, "eol").map(({ ref, os }) => ({
      ref,
      range: ref.range,
      message:
        `${refLabel(ref)} is built on ${osLabel(os)}, which reached its end of life on ${os.eol}: its packages ` +
        `get no more free security fixes. ${os.eolNote} Move to a tag built on a supported release. ` +
        `(Base OS from ${os.evidence}.)`,
    }));
  },
};
