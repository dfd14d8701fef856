/**
 * GitHub Actions workflow commands for `check` (`::warning file=…,line=…::message`), so findings
 * show on the pull request's lines. Escaping follows the runner's rules: `%`, CR and LF in the
 * message; those and `:` and `,` in property values.
 */
import type { Diagnostic } from "vscode-languageserver-types";
import { levelWord, messageText } from "./diagnostic";

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `::command prop=value,…::message`, escaped. */
export function workflowCommand(
  command: "error" | "warning" | "notice",
  properties: Record<string, string | number>,
  message: string,
): string {
  const props = Object.entries(properties).map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${command} ${props.join(",")}::${escapeData(message)}`;
}

/** One annotation line for a diagnostic in `file` (a path relative to the workspace root). */
export function annotation(file: string, d: Diagnostic): string {
  const message = messageText(d);
  return workflowCommand(
    levelWord(d.severity, "notice"),
    {
      file,
      line: d.range.start.line + 1,
      col: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      title: `FROM Lens ${d.code === undefined ? "" : String(d.code)}`.trim(),
    },
    message,
  );
}
