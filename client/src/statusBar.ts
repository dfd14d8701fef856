/**
 * The status bar item: idle or how many images are resolving, Docker Hub pulls left when known,
 * offline; details in the tooltip; a click opens FROM Lens' quick menu. Driven by
 * `fromLens/status` notifications from the server.
 */
import * as vscode from "vscode";
import type { StatusParams } from "../../server/src/protocol";

export function statusText(status: StatusParams): string {
  const parts: string[] = [];
  if ((status.resolving ?? 0) > 0) parts.push(`$(sync~spin) ${status.resolving}`);
  else parts.push("$(package)");
  parts.push("FROM Lens");
  if (status.hubRemaining) parts.push(`· ${status.hubRemaining.remaining}/${status.hubRemaining.limit}`);
  if (status.offline) parts.push("· offline");
  return parts.join(" ");
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("fromLens.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "FROM Lens";
    this.item.command = "fromLens.statusMenu";
  }

  starting(): void {
    this.show("$(sync~spin) FROM Lens", "Starting the FROM Lens language server…");
  }

  update(status: StatusParams): void {
    const requests = Object.entries(status.requests ?? {})
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ");
    const named = status.message.startsWith("FROM Lens") ? status.message : `FROM Lens: ${status.message}`;
    const tooltip = new vscode.MarkdownString(named);
    if (requests) tooltip.appendMarkdown(`\n\nRegistry requests this session: ${requests}`);
    tooltip.appendMarkdown("\n\nClick for refresh, cache and output.");
    this.show(statusText(status), tooltip);
    if (status.hubRemaining?.remaining === 0)
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
  }

  failed(reason: string): void {
    this.show("$(error) FROM Lens", `The FROM Lens server stopped: ${reason}. Click for the log.`);
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  private show(text: string, tooltip: string | vscode.MarkdownString): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
