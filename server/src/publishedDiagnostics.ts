/**
 * What was last published per document, so the same diagnostics are not sent again: every
 * resolver burst and settings change recomputes them, and most of the time nothing changed.
 * Republishing is not free in an editor (Neovim redraws its signs and virtual text, others
 * flicker), so only a change — or a new document version, which the diagnostics belong to — goes out.
 */
import type { Diagnostic } from "vscode-languageserver";

export class PublishedDiagnostics {
  private readonly last = new Map<string, string>();

  /** True (and remembered) when these diagnostics for this version differ from the last ones sent. */
  changed(uri: string, version: number | undefined, diagnostics: readonly Diagnostic[]): boolean {
    const key = JSON.stringify([version ?? null, diagnostics]);
    if (this.last.get(uri) === key) return false;
    this.last.set(uri, key);
    return true;
  }

  /** The document closed (its diagnostics are cleared): the next ones always go out. */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}
