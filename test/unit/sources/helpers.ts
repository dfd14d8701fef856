import { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "../../../server/src/dockerfile";
import { extractRefs } from "../../../server/src/sources";

/** The references of a file at `path` with `text`, as [written text at the range, resolved or the reason, where]. */
export function refsOf(
  path: string,
  text: string,
  env: Record<string, string> = {},
): { doc: TextDocument; refs: ImageRef[] } {
  const doc = TextDocument.create(`file:///repo/${path}`, path.endsWith(".json") ? "jsonc" : "yaml", 1, text);
  return { doc, refs: extractRefs(doc, () => env) };
}

export function summary(
  path: string,
  text: string,
  env: Record<string, string> = {},
): [string, string, string][] {
  const { doc, refs } = refsOf(path, text, env);
  return refs.map((r) => [
    doc.getText(r.range),
    r.resolved ?? `unresolvable: ${r.unresolvable ?? ""}`,
    r.where ?? "",
  ]);
}
