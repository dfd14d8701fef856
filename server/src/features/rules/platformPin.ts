/**
 * platform-pin: the pinned digest is one platform's image manifest inside a multi-platform tag,
 * not the index. Builds on every other architecture then pull that image anyway and fail with
 * "exec format error". Fix: the index digest. A pin the FROM's own --platform asks for is
 * deliberate and not reported (its updates keep the platform: see stale-pin).
 */
import { shortDigest } from "../prose";
import { RULE_DEFAULTS } from "../../settings";
import type { FeatureContext } from "../context";
import { setDigestEdit } from "./support/edits";
import { literalParts, parsedRefs, refLabel, samePlatform, settledResolution } from "./support/refs";
import type { QuickFix, Rule, RuleFinding } from "./rule";

function platformPinOf(
  ctx: FeatureContext,
  finding: RuleFinding,
): { platform: string; indexDigest: string; missing: boolean } | undefined {
  const pin = settledResolution(ctx, finding.ref)?.pin;
  return pin?.kind === "platform-manifest"
    ? { platform: pin.platform, indexDigest: pin.indexDigest, missing: pin.platformDigestNow === undefined }
    : undefined;
}

export const platformPin: Rule = {
  code: "platform-pin",
  defaultSeverity: RULE_DEFAULTS["platform-pin"],
  needs: "registry",
  fixAllTitle: "Pin the multi-platform index digest everywhere in this file",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      if (reference.digest === undefined) continue;
      const pin = settledResolution(ctx, ref)?.pin;
      if (pin?.kind !== "platform-manifest") continue;
      const wanted = ref.platform?.resolved;
      if (wanted !== undefined && samePlatform(wanted, pin.platform)) continue;
      const tag =
        reference.tag === undefined ? "the multi-platform image" : `the multi-platform tag ${reference.tag}`;
      const gone =
        pin.platformDigestNow === undefined
          ? ` (and the tag no longer has a ${pin.platform} image at all)`
          : "";
      findings.push({
        ref,
        range: literalParts(ctx, ref)?.digest ?? ref.range,
        message:
          `The digest pinned in ${refLabel(ref)} is the ${pin.platform} image inside ${tag}, not its index${gone}. ` +
          `A build on any other platform (arm64 on Apple silicon or Graviton, for example) still pulls this ` +
          `${pin.platform} image and fails with "exec format error". Pin the index digest ` +
          `${shortDigest(pin.indexDigest)} instead, which serves every platform; to build for ${pin.platform} only, ` +
          `say so with --platform=${pin.platform}.`,
      });
    }
    return findings;
  },
  fix(ctx, finding) {
    const pin = platformPinOf(ctx, finding);
    if (pin === undefined) return [];
    const fixes: QuickFix[] = [];
    const edit = setDigestEdit(ctx, finding.ref, pin.indexDigest);
    if (edit !== undefined) {
      fixes.push({
        title: `Pin the index digest ${shortDigest(pin.indexDigest)} (every platform)`,
        edits: [edit],
        isPreferred: true,
      });
    }
    if (finding.ref.kind === "from" && finding.ref.platform === undefined && !pin.missing) {
      const at = finding.ref.range.start;
      fixes.push({
        title: `Keep the ${pin.platform} pin: build this stage with --platform=${pin.platform}`,
        edits: [{ range: { start: at, end: at }, newText: `--platform=${pin.platform} ` }],
      });
    }
    return fixes;
  },
};
