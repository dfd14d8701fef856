/**
 * The extension's commands, from one table of id → handler. A command that needs the language
 * server says so plainly while the server is not running, instead of doing nothing.
 */
import * as vscode from "vscode";
import type { ExtensionContextState } from "./extension";

type Handler = (state: ExtensionContextState) => unknown;

export const COMMANDS: Record<string, Handler> = {
  "fromLens.restartServer": async (state) => {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Restarting the FROM Lens server" },
      () => state.restart(),
    );
    if (state.client()?.isRunning())
      void vscode.window.setStatusBarMessage("FROM Lens server restarted", 3000);
  },
  "fromLens.showOutput": (state) => state.output.show(true),
};

export function registerCommands(state: ExtensionContextState): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, () => handler(state)),
  );
}

/** Runs `fn` with the running client, or tells the user the server is down. */
export function requireServer<T>(
  state: ExtensionContextState,
  fn: (client: NonNullable<ReturnType<ExtensionContextState["client"]>>) => T,
): T | undefined {
  const client = state.client();
  if (!client?.isRunning()) {
    void vscode.window
      .showWarningMessage("The FROM Lens server is not running.", "Restart Server", "Show Output")
      .then((choice) => {
        if (choice === "Restart Server") void vscode.commands.executeCommand("fromLens.restartServer");
        if (choice === "Show Output") state.output.show(true);
      });
    return undefined;
  }
  return fn(client);
}
