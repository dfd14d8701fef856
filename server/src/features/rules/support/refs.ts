/**
 * What the rules ask about image references: which ones name a remote image, their parsed form,
 * where their parts sit in the document, and what the resolver knows about them. Shared so that
 * every rule reads references the same way.
 */
import type { Position, Range } from "vscode-languageserver";
import type { ImageRef, ImageRefKind } from "../../../dockerfile";
import { parseReference, splitReferenceText, type Reference, type Span } from "../../../reference";
import type { Resolution } from "../../../resolver/types";
import { mostSpecificTag } from "../../../facts/aliases";
import { parsePlatform, platformMatches } from "../../../oci/platform";
import type { FeatureContext } from "../../context";
import { knownResolution } from "../../pin";

/** References to images (not build stages, not `scratch`), optionally of some kinds only. */
export function imageRefs(ctx: FeatureContext, kinds?: readonly ImageRefKind[]): readonly ImageRef[] {
  return memo(ctx.refs, "image", kinds, () =>
    ctx.refs.filter(
      (ref) => !ref.isStageRef && !ref.isScratch && (kinds === undefined || kinds.includes(ref.kind)),
    ),
  );
}

export interface ParsedRef {
  ref: ImageRef;
  reference: Reference;
}

/** The image references whose text (after ARGs) is a valid reference, with its parsed form. */
export function parsedRefs(ctx: FeatureContext, kinds?: readonly ImageRefKind[]): readonly ParsedRef[] {
  return memo(ctx.refs, "parsed", kinds, () => {
    const out: ParsedRef[] = [];
    for (const ref of imageRefs(ctx, kinds)) {
      const reference = parseRef(ref);
      if (reference !== undefined) out.push(Object.freeze({ ref, reference }));
    }
    return out;
  });
}

/**
 * imageRefs and parsedRefs, worked out once per document version (its `refs` array) and kinds:
 * some fifteen rules ask for them on every edit. Frozen, as they are shared.
 */
const lists = new WeakMap<readonly ImageRef[], Map<string, readonly unknown[]>>();
function memo<T>(
  refs: readonly ImageRef[],
  what: string,
  kinds: readonly ImageRefKind[] | undefined,
  make: () => T[],
): readonly T[] {
  let byKey = lists.get(refs);
  if (byKey === undefined) {
    byKey = new Map();
    lists.set(refs, byKey);
  }
  const key = kinds === undefined ? what : `${what}:${kinds.join(",")}`;
  const known = byKey.get(key) as readonly T[] | undefined;
  if (known !== undefined) return known;
  const made = Object.freeze(make());
  byKey.set(key, made);
  return made;
}

/**
 * The parsed form of a reference's text (after ARGs), or undefined if it is not a valid one.
 * Every rule, and the resolver's request, asks this of every reference on every edit, and most
 * texts recur (the same image in many stages, and in every version of a document being typed
 * into): each distinct text is parsed once, into a frozen value shared by all who ask.
 */
export function parseRef(ref: ImageRef): Reference | undefined {
  const text = ref.resolved;
  if (text === undefined) return undefined;
  const known = parsedTexts.get(text);
  if (known !== undefined) return known ?? undefined;
  const result = parseReference(text);
  const reference = result.ok ? Object.freeze(result.value) : null;
  if (parsedTexts.size >= PARSED_TEXTS_KEPT) parsedTexts.clear();
  parsedTexts.set(text, reference);
  return reference ?? undefined;
}

/** How many distinct reference texts parseRef keeps (then it starts over: a bound, not an LRU). */
export const PARSED_TEXTS_KEPT = 4096;
const parsedTexts = new Map<string, Readonly<Reference> | null>();

/** How messages name a reference: as the build reads it (ARGs substituted). */
export function refLabel(ref: ImageRef): string {
  return ref.resolved ?? ref.raw;
}

/** Document ranges of a reference's parts. Spans exclude the `:` before the tag and the `@`. */
export interface RefParts {
  /** Registry and repository. */
  name: Range;
  repository: Range;
  tag?: Range;
  digest?: Range;
  /** Where a tag would be inserted (after the name, before any `@`). */
  tagInsert: Position;
}

/**
 * Where each part of `ref` sits in the document, when the reference is written literally there
 * (no ARG, quote or line continuation in it); undefined otherwise. Rules then squiggle the whole
 * reference and offer no text edits that would need exact positions.
 */
export function literalParts(ctx: FeatureContext, ref: ImageRef): RefParts | undefined {
  const text = ref.resolved;
  if (text === undefined || ref.argsUsed.length > 0 || ctx.doc.getText(ref.range) !== text) return undefined;
  const base = ctx.doc.offsetAt(ref.range.start);
  const toRange = (span: Span): Range => ({
    start: ctx.doc.positionAt(base + span.start),
    end: ctx.doc.positionAt(base + span.end),
  });
  const spans = splitReferenceText(text);
  const parts: RefParts = {
    name: toRange(spans.name),
    repository: toRange(spans.repository),
    tagInsert: ctx.doc.positionAt(base + spans.name.end),
  };
  if (spans.tag !== undefined) parts.tag = toRange(spans.tag);
  if (spans.digest !== undefined) parts.digest = toRange(spans.digest);
  return parts;
}

/** The range of `offset`/`length` within a literal reference, else the whole reference. */
export function narrowRange(ctx: FeatureContext, ref: ImageRef, offset?: number, length?: number): Range {
  if (offset === undefined || length === undefined || length <= 0) return ref.range;
  if (ref.resolved === undefined || ctx.doc.getText(ref.range) !== ref.resolved) return ref.range;
  if (offset + length > ref.resolved.length) return ref.range;
  const base = ctx.doc.offsetAt(ref.range.start);
  return { start: ctx.doc.positionAt(base + offset), end: ctx.doc.positionAt(base + offset + length) };
}

/**
 * What the resolver knows about `ref` that rules may act on: the current resolution, or the
 * cached one while it is refreshed or the registry fails (never a tag that no longer exists).
 */
export function settledResolution(ctx: FeatureContext, ref: ImageRef): Resolution | undefined {
  return knownResolution(ctx.lookup(ref))?.resolution;
}

/** The most specific other tag for the same image ("3.12.13-slim-trixie"), never `latest`. */
export function mostSpecificAlias(resolution: Resolution): string | undefined {
  return mostSpecificTag(resolution.facts.aliases.map((a) => a.tag).filter((t) => t !== "latest"));
}

/** Two platforms in text form name the same one, as the registry matches them (oci/platform.ts). */
export function samePlatform(a: string, b: string): boolean {
  const x = parsePlatform(a);
  const y = parsePlatform(b);
  return x !== undefined && y !== undefined ? platformMatches(x, y) : a.toLowerCase() === b.toLowerCase();
}
