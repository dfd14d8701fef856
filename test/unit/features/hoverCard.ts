/** The hover card's Markdown at the case's cursor, for the hover tests. */
import assert from "node:assert/strict";
import type { Hover } from "vscode-languageserver";
import { provideHover } from "../../../server/src/features/hover";
import type { FeatureCase } from "./fixtures";

export function markdownOf(hover: Hover): string {
  const contents = hover.contents;
  assert.ok(
    typeof contents === "object" && "kind" in contents && contents.kind === "markdown",
    "markdown hover",
  );
  return contents.value;
}

export function card(c: FeatureCase): string {
  const hover = provideHover(c.ctx, c.cursor);
  assert.ok(hover !== null, "expected a hover");
  return markdownOf(hover);
}
