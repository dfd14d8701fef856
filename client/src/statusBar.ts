/**
 * The status bar item: the server's state in a word, details in the tooltip; a click shows the
 * output channel. Driven by `fromLens/status` notifications from the server.
 */
import * as vscode from "vscode";
import type { StatusParams } from "../../server/src/protocol";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("fromLens.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "FROM Lens";
    this.item.command = "fromLens.showOutput";
  }

  starting(): void {
    this.show("$(sync~spin) FROM Lens", "Starting the FROM Lens language server…");
  }

  update(status: StatusParams): void {
    this.show(status.state === "ready" ? "$(package) FROM Lens" : "$(sync~spin) FROM Lens", status.message);
  }

  failed(reason: string): void {
    this.show("$(error) FROM Lens", `The FROM Lens server stopped: ${reason}. Click for the log.`);
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
