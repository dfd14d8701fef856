/** eol-soon (hint): the image's base OS reaches its end of life within 90 days. */
import { EOL_SOON_DAYS } from "../../facts/eol";
import { RULE_DEFAULTS } from "../../settings";
import { basesWithStatus, osLabel } from "./support/eol";
import { refLabel } from "./support/refs";
import type { Rule } from "./rule";

export const eolSoon: Rule = {
  code: "eol-soon",
  defaultSeverity: RULE_DEFAULTS["eol-soon"],
  needs: "registry",
  check(ctx) {
    return basesWithStatus(ctx, "eol-soon").map(({ ref, os, days }) => ({
      ref,
      range: ref.range,
      message:
        `${refLabel(ref)} is built on ${osLabel(os)}, which reaches its end of life on ${os.eol} ` +
        `(in ${days === 1 ? "1 day" : `${days} days`}, within ${EOL_SOON_DAYS}); after that its packages get no ` +
        `more free security fixes. ${os.eolNote} Plan the move to a tag built on a newer release. ` +
        `(Base OS from ${os.evidence}.)`,
    }));
  },
};
