/**
 * Completion inside an image reference: the repository's tags after `name:` (most specific
 * first, with "same image as …" for the tags that point where the written tag does, and each
 * tag's platforms and push date where the registry says), and the tag's current digest after `@`. Answers only from what the resolver already knows (never waits
 * on the network); undefined outside a tag or digest, so the server falls back to the standard
 * Dockerfile completion.
 */
import { CompletionItemKind, type CompletionItem, type Position, type Range } from "vscode-languageserver";
import type { ImageRef } from "../dockerfile";
import { sortMostSpecificFirst } from "../facts/aliases";
import { splitReferenceText, type Span } from "../reference";
import { tag as TAG_PATTERN } from "../reference/grammar";
import type { FoundTag, Lookup, Resolution, TagSummary } from "../resolver/types";
import type { FeatureContext } from "./context";
import { setOwn } from "../json";
import { formatPlatform } from "../oci/platform";
import { codeSpan, escapeMarkdown, formatAgo, shortDigest } from "./prose";

/** A tag name as the distribution grammar allows it: what a registry lists is offered only then. */
const VALID_TAG = new RegExp(`^${TAG_PATTERN}$`);
import { knownResolution } from "./pin";
import { rangeContains } from "../ranges";

/** A reference to the same repository with other text (`python`, `python:3.12`), for lookups. */
function sibling(ref: ImageRef, text: string): ImageRef {
  return { ...ref, raw: text, resolved: text, argsUsed: [] };
}

function tagsOf(lookup: Lookup): string[] | undefined {
  const resolution = knownResolution(lookup)?.resolution;
  if (resolution?.tags !== undefined) return resolution.tags;
  if (lookup.state === "error" && lookup.tags !== undefined) return lookup.tags;
  return undefined;
}

function summariesOf(lookup: Lookup): Record<string, TagSummary> | undefined {
  const resolution = knownResolution(lookup)?.resolution;
  if (resolution?.tagSummaries !== undefined) return resolution.tagSummaries;
  if (lookup.state === "error") return lookup.tagSummaries;
  return undefined;
}

/**
 * How many architectures the detail line names before "+N": the suggest widget shares one line
 * between the label and the detail, so it stays short; the documentation lists them all.
 */
const DETAIL_ARCHITECTURES = 2;

/**
 * Platforms for a one-line detail, by OS, amd64 and arm64 first (what most people build on):
 * "linux amd64, arm64 +6", "windows amd64". arm64's only variant, v8, is left out here.
 */
export function platformsDetail(platforms: readonly string[]): string {
  const byOs = new Map<string, string[]>();
  for (const platform of platforms) {
    const [os = "", ...rest] = platform.split("/");
    const arches = byOs.get(os) ?? [];
    const arch = rest.join("/");
    arches.push(arch === "arm64/v8" ? "arm64" : arch);
    byOs.set(os, arches);
  }
  const rank = (arch: string): number => (arch === "amd64" ? 0 : arch.startsWith("arm64") ? 1 : 2);
  return [...byOs.entries()]
    .map(([os, arches]) => {
      const sorted = arches
        .map((arch, i) => ({ arch, i }))
        .sort((a, b) => rank(a.arch) - rank(b.arch) || a.i - b.i)
        .map((x) => x.arch);
      const shown = sorted.slice(0, DETAIL_ARCHITECTURES).join(", ");
      const more = sorted.length - DETAIL_ARCHITECTURES;
      return `${os} ${shown}${more > 0 ? ` +${more}` : ""}`;
    })
    .join("; ");
}

function summaryDocumentation(name: string, tag: string, summary: TagSummary, now: Date): string {
  const when =
    summary.pushedAt === undefined
      ? undefined
      : `pushed ${formatAgo(summary.pushedAt, now)} (${summary.pushedAt.slice(0, 10)})`;
  const digest = summary.digest === undefined ? undefined : codeSpan(shortDigest(summary.digest));
  const line = [when === undefined ? undefined : escapeMarkdown(when), digest]
    .filter((x) => x !== undefined)
    .join(" · ");
  // Registry-supplied (tag names, Hub's platforms and dates): escaped, on one line, capped.
  const lines = [`**${escapeMarkdown(`${name}:${tag}`)}**`];
  if (line !== "") lines.push(line.charAt(0).toUpperCase() + line.slice(1));
  if (summary.platforms.length > 0)
    lines.push(`**Platforms** ${escapeMarkdown(summary.platforms.join(", "))}`);
  return lines.join("  \n");
}

interface Cursor {
  ref: ImageRef;
  text: string;
  /** Document offset of the reference's first character. */
  base: number;
  offset: number;
}

/** The literally written (no ARG) image reference the position is in. */
function cursorIn(ctx: FeatureContext, position: Position): Cursor | undefined {
  const ref = ctx.refs.find((r) => !r.isStageRef && !r.isScratch && rangeContains(r.range, position));
  if (ref === undefined) return undefined;
  const text = ctx.doc.getText(ref.range);
  if (text !== ref.raw || text.includes("$") || /\s/.test(text)) return undefined;
  const base = ctx.doc.offsetAt(ref.range.start);
  return { ref, text, base, offset: ctx.doc.offsetAt(position) - base };
}

function spanRange(ctx: FeatureContext, base: number, span: Span): Range {
  return { start: ctx.doc.positionAt(base + span.start), end: ctx.doc.positionAt(base + span.end) };
}

function within(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

function tagItems(
  ctx: FeatureContext,
  cursor: Cursor,
  tagSpan: Span,
  name: string,
  moreTags: readonly FoundTag[],
): CompletionItem[] {
  const written = cursor.text.slice(tagSpan.start, tagSpan.end);
  const own = ctx.lookup(cursor.ref);
  const repository = ctx.lookup(sibling(cursor.ref, name));
  // A registry's tag list is its word: a "tag" that is not one (line breaks, spaces, 1 MB) is
  // never offered, since choosing it would write it into the Dockerfile.
  const tags = [...(tagsOf(own) ?? tagsOf(repository) ?? []), ...moreTags.map((t) => t.name)].filter((t) =>
    VALID_TAG.test(t),
  );
  const summaries: Record<string, TagSummary> = { ...(summariesOf(own) ?? summariesOf(repository)) };
  // setOwn: a tag may be named "__proto__" (the tag grammar allows it).
  for (const found of moreTags) if (found.summary !== undefined) setOwn(summaries, found.name, found.summary);
  const current: Resolution | undefined = knownResolution(own)?.resolution;
  const aliases = new Set(current?.facts.aliases.map((a) => a.tag) ?? []);
  const digest = current?.tagDigest ?? current?.facts.indexDigest;
  const range = spanRange(ctx, cursor.base, tagSpan);
  return sortMostSpecificFirst([...new Set(tags)]).map((tag, i): CompletionItem => {
    const item: CompletionItem = {
      label: tag,
      kind: CompletionItemKind.Value,
      filterText: tag,
      sortText: i.toString().padStart(6, "0"),
      textEdit: { range, newText: tag },
    };
    // The detail shares one line with the label in the suggest widget: keep it short (sameness,
    // then platforms); the documentation beside it has the digest, every platform and the push date.
    const details: string[] = [];
    const same = current !== undefined && digest !== undefined && (tag === written || aliases.has(tag));
    if (same) details.push(tag === written ? "as written" : `same image as ${written}`);
    const listed = Object.hasOwn(summaries, tag) ? summaries[tag] : undefined;
    // Other registries list names only; the written tag's platforms are known from its resolution.
    const platforms =
      listed?.platforms ??
      (tag === written && current !== undefined ? current.facts.platforms.map((p) => formatPlatform(p)) : []);
    if (platforms.length > 0) details.push(platformsDetail(platforms));
    const knownDigest = listed?.digest ?? (same ? digest : undefined);
    const summary: TagSummary = {
      platforms,
      ...(knownDigest !== undefined ? { digest: knownDigest } : {}),
      ...(listed?.pushedAt !== undefined ? { pushedAt: listed.pushedAt } : {}),
    };
    if (summary.platforms.length > 0 || summary.digest !== undefined) {
      item.documentation = { kind: "markdown", value: summaryDocumentation(name, tag, summary, ctx.now) };
    }
    if (details.length > 0) item.detail = details.join(" · ");
    return item;
  });
}

function digestItems(
  ctx: FeatureContext,
  cursor: Cursor,
  digestSpan: Span,
  nameAndTag: string,
): CompletionItem[] {
  const resolution = knownResolution(ctx.lookup(sibling(cursor.ref, nameAndTag)))?.resolution;
  const digest = resolution?.tagDigest ?? resolution?.facts.indexDigest;
  if (digest === undefined) return [];
  return [
    {
      label: digest,
      kind: CompletionItemKind.Value,
      detail: `the current digest of ${nameAndTag}`,
      filterText: digest,
      textEdit: { range: spanRange(ctx, cursor.base, digestSpan), newText: digest },
    },
  ];
}

/** The tag being typed: the repository's name as written, and the part of the tag before the cursor. */
export interface TagQuery {
  name: string;
  prefix: string;
}

/** What the user is typing when the position is in the tag of an image reference, else undefined. */
export function tagQueryAt(ctx: FeatureContext, position: Position): TagQuery | undefined {
  const cursor = cursorIn(ctx, position);
  if (cursor === undefined) return undefined;
  const spans = splitReferenceText(cursor.text);
  if (spans.tag === undefined || !within(spans.tag, cursor.offset)) return undefined;
  return {
    name: cursor.text.slice(spans.name.start, spans.name.end),
    prefix: cursor.text.slice(spans.tag.start, cursor.offset),
  };
}

/**
 * Tag (or digest) completions at `position`, or undefined when the position is not in the tag or
 * digest of an image reference written without ARGs. `moreTags` are tags found by a search for
 * what is being typed (beyond the first page the resolver lists).
 */
export function provideTagCompletions(
  ctx: FeatureContext,
  position: Position,
  moreTags: readonly FoundTag[] = [],
): CompletionItem[] | undefined {
  const cursor = cursorIn(ctx, position);
  if (cursor === undefined) return undefined;
  const spans = splitReferenceText(cursor.text);
  const name = cursor.text.slice(spans.name.start, spans.name.end);
  const { tag, digest } = spans;
  if (tag !== undefined && within(tag, cursor.offset)) return tagItems(ctx, cursor, tag, name, moreTags);
  if (digest !== undefined && within(digest, cursor.offset)) {
    return digestItems(ctx, cursor, digest, cursor.text.slice(0, tag?.end ?? spans.name.end));
  }
  return undefined;
}
