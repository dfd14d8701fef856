/**
 * lookalike-image: a Docker Hub name that imitates a popular Docker Official Image, which is how
 * typosquatted images get into builds.
 *
 * - Typos: a single name one edit away from a popular official image (`pyhton`, `ngnix`) that
 *   is not itself an official image. Decided from the text alone. Names shorter than five letters
 *   only count for swapped letters (`noed`), so that `base` (a common local image name) is not
 *   taken for `bash`.
 * - Namespace confusions: `<namespace>/<official name>` where the namespace spells the project or
 *   "library" (`nodejs/node`, `python/python`, `libary/python`). Such repositories may be
 *   legitimate Verified Publishers, so these wait for the registry's trust data and are reported
 *   only for community (or unknown) publishers the user has not listed as trusted.
 */
import { matchTrustedRegistry } from "../../facts/trust";
import type { Reference } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import type { FeatureContext } from "../context";
import type { ImageRef } from "../../dockerfile";
import { isOfficialImage, POPULAR_OFFICIAL_IMAGES } from "./data/popularImages";
import { isOneEditApart } from "../editDistance";
import { setImageNameEdit, setNameEdit } from "./support/edits";
import { literalParts, parsedRefs, settledResolution } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

export interface Lookalike {
  /** The official image imitated, e.g. "python". */
  imitates: string;
  kind: "typo" | "namespace";
}

/** Namespaces that pose as Docker's own: the official images live in `library`. */
const OFFICIAL_LOOKING_NAMESPACES: ReadonlySet<string> = new Set([
  "official",
  "officials",
  "official-images",
  "officialimages",
  "docker-library",
  "dockerlibrary",
  "docker-official",
  "dockerofficial",
  "dockerhub",
  "docker-hub",
]);

/** Words projects add to their name to make an account name: nodejs, mongodb, postgresql, nginxofficial. */
const PROJECT_SUFFIXES = [
  "js",
  "lang",
  "db",
  "ql",
  "official",
  "org",
  "io",
  "hq",
  "project",
  "team",
  "docker",
];

function isTypoOf(name: string, popular: string): boolean {
  if (!isOneEditApart(name, popular)) return false;
  if (popular.length >= 5) return true;
  // Short names: only a swap of two letters (same letters, same length).
  return name.length === popular.length && [...name].sort().join("") === [...popular].sort().join("");
}

function namespaceSpells(namespace: string, popular: string): boolean {
  const ns = namespace.replace(/[-_.]/g, "");
  const name = popular.replace(/[-_.]/g, "");
  if (ns === name || isOneEditApart(namespace, "library") || OFFICIAL_LOOKING_NAMESPACES.has(namespace))
    return true;
  if (name.length >= 5 && isOneEditApart(ns, name)) return true;
  return PROJECT_SUFFIXES.some((suffix) => ns === name + suffix);
}

/** The official image a Docker Hub reference imitates, if it does. */
export function lookalikeOf(reference: Reference): Lookalike | undefined {
  if (reference.registry !== "docker.io") return undefined;
  // Every edit asks again for every reference; a name's answer never changes.
  const known = lookalikes.get(reference.repository);
  if (known !== undefined || lookalikes.has(reference.repository)) return known;
  const found = findLookalikeOf(reference.repository);
  if (lookalikes.size >= LOOKALIKES_KEPT) lookalikes.clear();
  lookalikes.set(reference.repository, found);
  return found;
}

const LOOKALIKES_KEPT = 4096;
const lookalikes = new Map<string, Lookalike | undefined>();

function findLookalikeOf(repository: string): Lookalike | undefined {
  const parts = repository.split("/");
  if (parts.length !== 2) return undefined;
  const [namespace = "", name = ""] = parts;
  if (namespace === "library") {
    if (isOfficialImage(name)) return undefined;
    const imitates = POPULAR_OFFICIAL_IMAGES.find((p) => isTypoOf(name, p));
    return imitates === undefined ? undefined : { imitates, kind: "typo" };
  }
  const imitates = POPULAR_OFFICIAL_IMAGES.find(
    (p) => (name === p || isTypoOf(name, p)) && namespaceSpells(namespace, p),
  );
  return imitates === undefined ? undefined : { imitates, kind: "namespace" };
}

interface Found {
  ref: ImageRef;
  reference: Reference;
  lookalike: Lookalike;
}

function findLookalikes(ctx: FeatureContext): Found[] {
  const out: Found[] = [];
  for (const { ref, reference } of parsedRefs(ctx)) {
    const lookalike = lookalikeOf(reference);
    if (lookalike === undefined) continue;
    const trust = settledResolution(ctx, ref)?.facts.trust;
    if (trust?.level === "official") continue; // an official image newer than our list
    if (lookalike.kind === "namespace") {
      // Wait for the registry: a Verified Publisher or Sponsored OSS project may own the name.
      if (trust === undefined || trust.level === "verified-publisher" || trust.level === "sponsored-oss")
        continue;
      if (trust.trustedBySettings) continue;
      if (
        matchTrustedRegistry(reference.registry, reference.repository, ctx.settings.trustedRegistries) !==
        undefined
      )
        continue;
    }
    out.push({ ref, reference, lookalike });
  }
  return out;
}

function message(found: Found): string {
  const { imitates, kind } = found.lookalike;
  const written = found.reference.repository.replace(/^library\//, "");
  if (kind === "typo") {
    return (
      `${written} is one typo away from the Docker Official Image ${imitates}, and no official image has this ` +
      `name. If it is a typo, the pull fails; if a registry mirror or a local image answers to the name, the ` +
      `build uses an image nobody vetted. Names that imitate popular images are a known way to slip malware ` +
      `into builds. Did you mean ${imitates}?`
    );
  }
  const namespace = written.split("/")[0] ?? written;
  return (
    `${written} looks like the Docker Official Image ${imitates}, but it is not: official images have no ` +
    `namespace (${imitates}, or docker.io/library/${imitates}), while this one is published by the Docker Hub ` +
    `account "${namespace}", which Docker does not vouch for. Names that imitate official images are a known way ` +
    `to slip malware into builds. Use ${imitates} unless you know and trust this publisher.`
  );
}

export const lookalikeImage: Rule = {
  code: "lookalike-image",
  defaultSeverity: RULE_DEFAULTS["lookalike-image"],
  needs: "local",
  check(ctx) {
    return findLookalikes(ctx).map((found): RuleFinding => ({
      ref: found.ref,
      range: literalParts(ctx, found.ref)?.name ?? found.ref.range,
      message: message(found),
    }));
  },
  fix(ctx, finding) {
    const found = findLookalikes(ctx).find((f) => f.ref === finding.ref);
    if (found === undefined) return [];
    const name = found.lookalike.imitates;
    // A typo keeps the registry and path as written; a namespace confusion becomes the official name.
    const edit =
      found.lookalike.kind === "typo"
        ? setImageNameEdit(ctx, finding.ref, name)
        : setNameEdit(ctx, finding.ref, name);
    return edit === undefined
      ? []
      : [{ title: `Use the Docker Official Image ${name}`, edits: [edit], isPreferred: true }];
  },
};
