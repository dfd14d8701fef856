/**
 * Completion inside an image reference: the repository's tags after `name:` (most specific
 * first, with "same image as …" for the tags that point where the written tag does), and the
 * tag's current digest after `@`. Answers only from what the resolver already knows (never waits
 * on the network); undefined outside a tag or digest, so the server falls back to the standard
 * Dockerfile completion.
 */
import { CompletionItemKind, type CompletionItem, type Position, type Range } from "vscode-languageserver";
import type { ImageRef } from "../dockerfile";
import { sortMostSpecificFirst } from "../facts/aliases";
import { splitReferenceText, type Span } from "../reference";
import type { Lookup, Resolution } from "../resolver/types";
import type { FeatureContext } from "./context";
import { shortDigest } from "./format";
import { knownResolution } from "./pin";
import { rangeContains } from "./rules/support/text";

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
  moreTags: readonly string[],
): CompletionItem[] {
  const written = cursor.text.slice(tagSpan.start, tagSpan.end);
  const own = ctx.lookup(cursor.ref);
  const tags = [...(tagsOf(own) ?? tagsOf(ctx.lookup(sibling(cursor.ref, name))) ?? []), ...moreTags];
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
    if (current !== undefined && digest !== undefined) {
      if (tag === written) item.detail = `current: ${shortDigest(digest)}`;
      else if (aliases.has(tag)) item.detail = `same image as ${written} (${shortDigest(digest)})`;
    }
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
  moreTags: readonly string[] = [],
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
