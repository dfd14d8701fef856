/**
 * untrusted-source (off by default): an image no Docker Hub programme vouches for (Official
 * Image, Verified Publisher, Sponsored OSS) from a registry or namespace that
 * `fromLens.trustedRegistries` does not list.
 */
import { matchTrustedRegistry } from "../../facts/trust";
import { familiarName } from "../../reference";
import type { Reference } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { parsedRefs, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

const VOUCHED = new Set(["official", "verified-publisher", "sponsored-oss"]);

/** The setting entry that would cover the reference: its namespace on Docker Hub, else its registry. */
function suggestedEntry(reference: Reference): string {
  if (reference.registry !== "docker.io") {
    const first = reference.repository.split("/")[0];
    return reference.repository.includes("/") && first !== undefined
      ? `${reference.registry}/${first}`
      : reference.registry;
  }
  return `docker.io/${reference.repository.split("/")[0] ?? reference.repository}`;
}

export const untrustedSource: Rule = {
  code: "untrusted-source",
  defaultSeverity: RULE_DEFAULTS["untrusted-source"],
  needs: "registry",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      const trust = settledResolution(ctx, ref)?.facts.trust;
      if (trust === undefined || VOUCHED.has(trust.level) || trust.trustedBySettings) continue;
      if (
        matchTrustedRegistry(reference.registry, reference.repository, ctx.settings.trustedRegistries) !==
        undefined
      )
        continue;
      const who =
        reference.registry === "docker.io"
          ? trust.level === "community"
            ? `a community image on Docker Hub: no Docker programme (Official Image, Verified Publisher, Sponsored OSS) vouches for its publisher`
            : `on Docker Hub, and FROM Lens could not tell whether a Docker programme vouches for its publisher (${trust.evidence})`
          : `from ${reference.registry}, which no Docker programme covers`;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${familiarName(reference)} is ${who}, and fromLens.trustedRegistries does not list it. Anyone can ` +
          `publish such images; check who maintains it before building on it, then add ${suggestedEntry(reference)} ` +
          `to fromLens.trustedRegistries.`,
      });
    }
    return findings;
  },
};
