/**
 * The "most specific tag for the same image" that latest-tag, implicit-latest and floating-tag
 * offer: the alias (another tag with the same index digest) that will move least, such as
 * `3.13.1-slim-bookworm` for `python:latest`.
 */
import type { ImageRef } from "../../../dockerfile";
import type { Resolution } from "../../../resolver/types";
import type { FeatureContext } from "../../context";
import { setTagEdit } from "./edits";
import { mostSpecificAlias, settledResolution } from "./refs";
import type { QuickFix } from "../rule";

/** " Today it is the same image as 3.13.1-slim-bookworm." when an alias is known. */
export function todayNote(resolution: Resolution | undefined): string {
  const alias = resolution === undefined ? undefined : mostSpecificAlias(resolution);
  return alias === undefined ? "" : ` Today it is the same image as the tag ${alias}.`;
}

/** "Use tag 3.13.1-slim-bookworm (the same image today)". */
export function specificTagFix(ctx: FeatureContext, ref: ImageRef): QuickFix[] {
  const resolution = settledResolution(ctx, ref);
  const alias = resolution === undefined ? undefined : mostSpecificAlias(resolution);
  if (alias === undefined) return [];
  const edit = setTagEdit(ctx, ref, alias);
  if (edit === undefined) return [];
  return [{ title: `Use tag ${alias} (the same image today)`, edits: [edit], isPreferred: true }];
}
