/** Small helpers over LSP diagnostics shared by the CLI's output formats. */
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";

/** The message as plain text (LSP 3.18 also allows Markdown content). */
export function messageText(d: Diagnostic): string {
  return typeof d.message === "string" ? d.message : d.message.value;
}

/** "error", "warning", or the format's word for information and hints (SARIF "note", GitHub "notice"). */
export function levelWord<T extends string>(
  severity: DiagnosticSeverity | undefined,
  lower: T,
): "error" | "warning" | T {
  const s = severity ?? DiagnosticSeverity.Error;
  return s === DiagnosticSeverity.Error ? "error" : s === DiagnosticSeverity.Warning ? "warning" : lower;
}
