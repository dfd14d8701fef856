/** The `# syntax=` parser directive: the frontend image a Dockerfile asks BuildKit to run. */
import { toRange, type Source } from "./source";
import type { ImageRef } from "./types";

/** BuildKit's DetectSyntax: `# syntax=…` among the leading directive lines (after a shebang). */
export function syntaxDirective(src: Source): ImageRef | undefined {
  const text = src.text;
  let offset = text.startsWith("\uFEFF") ? 1 : 0;
  const lineAt = (start: number): { line: string; next: number } => {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end).replace(/\r$/, "");
    return { line, next: nl === -1 ? text.length + 1 : nl + 1 };
  };
  if (text.startsWith("#!", offset)) offset = lineAt(offset).next;
  const seen = new Set<string>();
  while (offset <= text.length) {
    const { line, next } = lineAt(offset);
    if (!line.startsWith("#")) return undefined;
    // BuildKit: cut the "#", trim leading space, then match `key = value` (Go's \s is ASCII).
    const match =
      /^#[\s\u0085\u00a0]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/du.exec(line);
    if (match === null) return undefined;
    const key = (match[1] ?? "").toLowerCase();
    if (key !== "syntax" && key !== "escape" && key !== "check") return undefined;
    if (seen.has(key)) return undefined; // BuildKit: "only one syntax parser directive can be used"
    seen.add(key);
    if (key === "syntax") {
      const value = match[2] ?? "";
      const raw = value.split(" ")[0] ?? "";
      if (raw === "") return undefined; // `# syntax= `: nothing to look up
      const valueStart = offset + (match.indices?.[2]?.[0] ?? 0);
      return {
        range: toRange(src, valueStart, valueStart + raw.length),
        raw,
        resolved: raw,
        argsUsed: [],
        kind: "syntax",
        stageIndex: -1,
        isStageRef: false,
        isScratch: false,
      };
    }
    offset = next;
  }
  return undefined;
}
