/**
 * musl-variant (info, off by default): the base image uses musl libc (Alpine and friends), and
 * what that changes for the software built on it.
 */
import { RULE_DEFAULTS } from "../../settings";
import { osLabel } from "./support/eol";
import { imageRefs, refLabel, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export const muslVariant: Rule = {
  code: "musl-variant",
  defaultSeverity: RULE_DEFAULTS["musl-variant"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const ref of imageRefs(ctx, ["from"])) {
      const facts = settledResolution(ctx, ref)?.facts;
      if (facts?.libc.value !== "musl") continue;
      const base = facts.os.status === "known" ? ` (${osLabel(facts.os)})` : "";
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} uses musl libc${base}, not glibc (${facts.libc.evidence}). Programs and language ` +
          `packages built for glibc (manylinux wheels, many prebuilt binaries) do not run on it, so they are ` +
          `compiled from source (slower builds, build tools needed); DNS resolution, locales and thread stack ` +
          `sizes also behave differently. If that bites, use a Debian-based variant such as -slim.`,
      });
    }
    return findings;
  },
};
