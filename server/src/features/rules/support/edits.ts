/**
 * Text edits that rewrite one part of a literally written reference (its name, tag or digest),
 * checked to leave a valid reference behind. Pinning to a digest is pin.ts's job (`pinEdits`);
 * these are for the other fixes: a more specific tag, a corrected name, the index digest.
 */
import type { TextEdit } from "vscode-languageserver";
import type { ImageRef } from "../../../dockerfile";
import { parseReference } from "../../../reference";
import type { FeatureContext } from "../../context";
import { literalParts, type RefParts } from "./refs";

/** The reference text after replacing `[start, end)` of its document text with `insert`. */
function rewritten(ctx: FeatureContext, ref: ImageRef, edit: TextEdit): string {
  const base = ctx.doc.offsetAt(ref.range.start);
  const text = ctx.doc.getText(ref.range);
  const start = ctx.doc.offsetAt(edit.range.start) - base;
  const end = ctx.doc.offsetAt(edit.range.end) - base;
  return text.slice(0, start) + edit.newText + text.slice(end);
}

function checked(ctx: FeatureContext, ref: ImageRef, edit: TextEdit): TextEdit | undefined {
  return parseReference(rewritten(ctx, ref, edit)).ok ? edit : undefined;
}

function withParts(
  ctx: FeatureContext,
  ref: ImageRef,
  build: (parts: RefParts) => TextEdit | undefined,
): TextEdit | undefined {
  const parts = literalParts(ctx, ref);
  if (parts === undefined) return undefined;
  const edit = build(parts);
  return edit === undefined ? undefined : checked(ctx, ref, edit);
}

/** Sets the tag (replacing the one written, or adding one before any digest). */
export function setTagEdit(ctx: FeatureContext, ref: ImageRef, tag: string): TextEdit | undefined {
  return withParts(ctx, ref, (parts) =>
    parts.tag !== undefined
      ? { range: parts.tag, newText: tag }
      : { range: { start: parts.tagInsert, end: parts.tagInsert }, newText: `:${tag}` },
  );
}

/** Replaces the registry and repository as written ("pyhton" → "python"), keeping tag and digest. */
export function setNameEdit(ctx: FeatureContext, ref: ImageRef, name: string): TextEdit | undefined {
  return withParts(ctx, ref, (parts) => ({ range: parts.name, newText: name }));
}

/** Replaces the last component of the repository ("docker.io/library/alpin" → "docker.io/library/alpine"). */
export function setImageNameEdit(ctx: FeatureContext, ref: ImageRef, name: string): TextEdit | undefined {
  return withParts(ctx, ref, (parts) => {
    const written = ctx.doc.getText(parts.repository);
    const start = ctx.doc.offsetAt(parts.repository.start) + written.lastIndexOf("/") + 1;
    return { range: { start: ctx.doc.positionAt(start), end: parts.repository.end }, newText: name };
  });
}

/** Replaces the digest written in the reference. */
export function setDigestEdit(ctx: FeatureContext, ref: ImageRef, digest: string): TextEdit | undefined {
  return withParts(ctx, ref, (parts) =>
    parts.digest === undefined ? undefined : { range: parts.digest, newText: digest },
  );
}

/** Removes `@digest`, leaving the tag. */
export function removeDigestEdit(ctx: FeatureContext, ref: ImageRef): TextEdit | undefined {
  return withParts(ctx, ref, (parts) =>
    parts.digest === undefined || parts.tag === undefined
      ? undefined
      : { range: { start: parts.tag.end, end: parts.digest.end }, newText: "" },
  );
}
