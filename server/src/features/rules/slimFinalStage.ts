/**
 * slim-final-stage (hint): the last stage of a multi-stage build (what ships) uses a full image
 * although the repository publishes a `-slim` variant of the same tag. The full variants carry
 * compilers and headers the earlier stages needed; the shipped image rarely does. Known only from
 * the registry's tag list, so the suggestion always exists.
 */
import { tagTokens } from "../../facts/tagTokens";
import { familiarName } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import type { FeatureContext } from "../context";
import { setTagEdit } from "./support/edits";
import { literalParts, parsedRefs, settledResolution, type ParsedRef } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

/** Tag words that already mean a small image. */
const SMALL_VARIANTS = [
  "slim",
  "alpine",
  "musl",
  "distroless",
  "minimal",
  "micro",
  "busybox",
  "static",
  "nanoserver",
];

/** Where official images put "slim": 3.12 → 3.12-slim, 3.12-bookworm → 3.12-slim-bookworm or 3.12-bookworm-slim. */
export function slimCandidates(tag: string): string[] {
  if (tag === "latest") return ["slim"];
  const words = tag.split("-");
  const out = [`${tag}-slim`];
  for (let i = words.length - 1; i >= 1; i--)
    out.push([...words.slice(0, i), "slim", ...words.slice(i)].join("-"));
  return out;
}

function slimTagFor(ctx: FeatureContext, { ref, reference }: ParsedRef): string | undefined {
  const tag = reference.tag ?? "latest";
  if (reference.digest !== undefined) return undefined;
  const words = tagTokens(tag);
  if (words.some((w) => SMALL_VARIANTS.some((v) => w.startsWith(v)) || w.startsWith("windowsservercore")))
    return undefined;
  const tags = settledResolution(ctx, ref)?.tags;
  if (tags === undefined) return undefined;
  const known = new Set(tags);
  return slimCandidates(tag).find((t) => known.has(t));
}

function finalStage(ctx: FeatureContext): ParsedRef | undefined {
  const froms = ctx.refs.filter((r) => r.kind === "from");
  const last = froms[froms.length - 1];
  if (froms.length < 2 || last === undefined) return undefined;
  return parsedRefs(ctx, ["from"]).find((p) => p.ref === last);
}

export const slimFinalStage: Rule = {
  code: "slim-final-stage",
  defaultSeverity: RULE_DEFAULTS["slim-final-stage"],
  needs: "registry",
  check(ctx) {
    const final = finalStage(ctx);
    if (final === undefined) return [];
    const slim = slimTagFor(ctx, final);
    if (slim === undefined) return [];
    const name = familiarName(final.reference);
    const finding: RuleFinding = {
      ref: final.ref,
      range: literalParts(ctx, final.ref)?.tag ?? final.ref.range,
      message:
        `The final stage, the image this build ships, uses the full ${name}:${final.reference.tag ?? "latest"}, ` +
        `with compilers, headers and tools the earlier stages already used. ${name}:${slim} is published too: ` +
        `a smaller image with fewer packages to patch, usually enough to run what the earlier stages built.`,
    };
    return [finding];
  },
  fix(ctx, finding) {
    const final = finalStage(ctx);
    if (final === undefined || final.ref !== finding.ref) return [];
    const slim = slimTagFor(ctx, final);
    const edit = slim === undefined ? undefined : setTagEdit(ctx, finding.ref, slim);
    return slim === undefined || edit === undefined
      ? []
      : [{ title: `Use tag ${slim}`, edits: [edit], isPreferred: true }];
  },
};
