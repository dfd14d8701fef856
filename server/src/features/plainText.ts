/**
 * The hover card as plain text, for editors whose `hover.contentFormat` lacks Markdown: the
 * Markdown FROM Lens writes (bold, italics, code spans, links, backslash escapes, hard breaks, a
 * rule) read back into the words it shows. Only that subset is handled — the features write
 * nothing else — and no character of the facts is lost: escaped characters and code spans come
 * out exactly.
 */

/** The ASCII punctuation CommonMark lets a backslash escape. */
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const LINK = /^\[((?:\\.|[^\]\\])*)\]\(([^()\s]*)\)/;
const RULE = "────────────────────";

function inline(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === "\\" && next !== "" && ESCAPABLE.test(next)) {
      out += next;
      i += 2;
    } else if (c === "`") {
      const fence = /^`+/.exec(text.slice(i))?.[0] ?? "`";
      const close = new RegExp(`(?<!\`)${fence}(?!\`)`, "g");
      close.lastIndex = i + fence.length;
      const end = close.exec(text);
      if (end === null) {
        out += fence;
        i += fence.length;
        continue;
      }
      const content = text.slice(i + fence.length, end.index);
      const padded =
        content.length > 1 && content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "";
      out += padded ? content.slice(1, -1) : content;
      i = end.index + fence.length;
    } else if (c === "*") {
      i += /^\*+/.exec(text.slice(i))?.[0].length ?? 1;
    } else if (c === "[" && LINK.test(text.slice(i))) {
      const m = LINK.exec(text.slice(i));
      const label = inline(m?.[1] ?? "");
      const url = m?.[2] ?? "";
      out += url === "" || url === label ? label : `${label} (${url})`;
      i += m?.[0].length ?? 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Plain text for the card's Markdown: the same lines and paragraphs, without the markup. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .split(/\r?\n/)
    .map((line) => (line.trim() === "---" ? RULE : inline(line.replace(/ {2}$/, ""))))
    .join("\n");
}
