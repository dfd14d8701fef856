/**
 * What a hover over an image shows while the language server is still starting (the first
 * seconds after VS Code activates the extension): "Resolving…" instead of an empty hover. Pure:
 * line text in, the image under the cursor out; the server's card replaces it once it runs.
 */

/** An image reference after FROM (with its flags), `COPY --from=` or `RUN --mount=…from=`. */
const IMAGE_AT = [
  /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)/i,
  /^(\s*COPY\s+(?:--\S+\s+)*?--from=)([^\s,]+)/i,
  /^(\s*RUN\s+(?:--\S+\s+)*?--mount=\S*?\bfrom=)([^\s,]+)/i,
];

/** The image reference written at `character` of `line`, with where it starts and ends. */
export function imageAt(
  line: string,
  character: number,
): { text: string; start: number; end: number } | undefined {
  for (const pattern of IMAGE_AT) {
    const match = pattern.exec(line);
    if (match === null) continue;
    const start = (match[1] ?? "").length;
    const text = match[2] ?? "";
    const end = start + text.length;
    if (character >= start && character <= end && text !== "") return { text, start, end };
  }
  return undefined;
}

/** The hover's Markdown while the server starts, for the image at the cursor. */
export function startingHoverMarkdown(image: string): string {
  const shown = image.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, "\\$&");
  return `**${shown}**\n\nResolving… (FROM Lens is starting)`;
}
