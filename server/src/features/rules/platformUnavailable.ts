/**
 * platform-unavailable: the image has no variant for the platform the build asks for (the
 * FROM's --platform, else the default platform), so `docker build` fails with "no match for
 * platform in manifest". Not checked for `# syntax=`, whose frontend runs on the builder.
 */
import type { PlatformFacts } from "../../facts/types";
import { formatPlatform } from "../../oci/platform";
import { RULE_DEFAULTS } from "../../settings";
import { wantedPlatform } from "../context";
import { joinWords } from "../prose";
import { imageRefs, refLabel, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

function offered(platforms: readonly PlatformFacts[]): string {
  const names = [...new Set(platforms.map(formatPlatform))];
  if (names.length === 0) return "no platforms it names";
  if (names.length <= 6) return joinWords(names);
  return `${names.slice(0, 6).join(", ")} and ${names.length - 6} more`;
}

export const platformUnavailable: Rule = {
  code: "platform-unavailable",
  defaultSeverity: RULE_DEFAULTS["platform-unavailable"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const ref of imageRefs(ctx, ["from", "copy-from", "mount-from"])) {
      if (ref.resolved === undefined) continue;
      const wanted = wantedPlatform(ref, ctx.defaultPlatform);
      const source =
        ref.platform?.resolved !== undefined
          ? "--platform asks for"
          : "builds use by default (fromLens.defaultPlatform)";
      const lookup = ctx.lookup(ref);
      let platforms: string;
      if (lookup.state === "error" && lookup.error.kind === "not-found" && lookup.error.what === "platform") {
        platforms = "other platforms";
      } else {
        const resolution = settledResolution(ctx, ref);
        if (resolution === undefined || resolution.platform.offered) continue;
        platforms = offered(resolution.facts.platforms);
      }
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} has no ${wanted} image, the platform ${source}; it is published for ${platforms}. ` +
          `Building it for ${wanted} fails with "no match for platform in manifest". Choose a tag published for ` +
          `${wanted}, or build for a platform it offers with --platform.`,
      });
    }
    return findings;
  },
};
