/**
 * The extension's commands, from one table of id → handler. Commands that change text ask the
 * server (edits are the server's); the client adds only confirmation, preview and progress. A
 * command that needs the server says so plainly while the server is not running.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ServerCommand,
  type CommandResult,
  type PinAllArgs,
  type ShowProvenanceArgs,
} from "../../server/src/protocol";
import type { ExtensionContextState } from "./extension";
import { DOCUMENT_SELECTOR, IMAGE_FILES_GLOB } from "./selector";

type Handler = (state: ExtensionContextState, ...args: unknown[]) => unknown;

const EXCLUDE_GLOB = "**/{node_modules,.git,dist,out,vendor}/**";

async function runServerCommand(
  client: LanguageClient,
  command: string,
  args: object,
): Promise<CommandResult> {
  return await client.sendRequest<CommandResult>("workspace/executeCommand", {
    command,
    arguments: [args],
  });
}

function activeDockerfile(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc !== undefined && vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0) return doc;
  void vscode.window.showInformationMessage(
    "Open a Dockerfile (or a Compose, Kubernetes, workflow or dev container file) first: this command works on the active file.",
  );
  return undefined;
}

function report(result: CommandResult, what: string): void {
  if (!result.ok) {
    void vscode.window.showWarningMessage(result.message);
    return;
  }
  const r = result.result;
  if (!r) return;
  const skipped = r.skipped.map((s) => `line ${s.line + 1}: ${s.reason}`);
  if (r.applied === 0 && skipped.length === 0)
    void vscode.window.showInformationMessage(`Nothing to ${what}: every image is already done.`);
  else if (skipped.length === 0)
    void vscode.window.setStatusBarMessage(
      `FROM Lens: ${what} ${r.applied} image${r.applied === 1 ? "" : "s"}`,
      4000,
    );
  else
    void vscode.window.showWarningMessage(
      `FROM Lens: ${what} ${r.applied}; skipped ${skipped.length} — ${skipped.join("; ")}`,
    );
}

async function pinFile(state: ExtensionContextState, mode: PinAllArgs["mode"]): Promise<void> {
  const doc = activeDockerfile();
  if (!doc) return;
  await requireServer(state, async (client) => {
    const result = await runServerCommand(client, ServerCommand.pinAll, {
      uri: doc.uri.toString(),
      mode,
    } satisfies PinAllArgs);
    report(result, mode === "pin" ? "pinned" : "updated");
  });
}

/** Pins every Dockerfile of the workspace: computes the edits, shows them in the refactor preview. */
async function pinWorkspace(state: ExtensionContextState, mode: PinAllArgs["mode"]): Promise<void> {
  await requireServer(state, async (client) => {
    const files = await vscode.workspace.findFiles(IMAGE_FILES_GLOB, EXCLUDE_GLOB, 500);
    if (files.length === 0) {
      void vscode.window.showInformationMessage(
        "No Dockerfiles or other files with images in this workspace.",
      );
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const skipped: string[] = [];
    let count = 0;
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `FROM Lens: ${mode === "pin" ? "pinning" : "updating pins in"} ${files.length} files`,
        cancellable: true,
      },
      async (progress, token) => {
        for (const uri of files) {
          if (token.isCancellationRequested) return;
          progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / files.length });
          const doc = await vscode.workspace.openTextDocument(uri);
          if (vscode.languages.match(DOCUMENT_SELECTOR, doc) === 0) continue;
          const result = await runServerCommand(client, ServerCommand.pinAll, {
            uri: uri.toString(),
            mode,
            dryRun: true,
          } satisfies PinAllArgs);
          if (!result.ok) {
            skipped.push(`${vscode.workspace.asRelativePath(uri)}: ${result.message}`);
            continue;
          }
          const r = result.result;
          for (const s of r?.skipped ?? [])
            skipped.push(`${vscode.workspace.asRelativePath(uri)}:${s.line + 1}: ${s.reason}`);
          for (const e of r?.edits ?? []) {
            const range = new vscode.Range(
              e.range.start.line,
              e.range.start.character,
              e.range.end.line,
              e.range.end.character,
            );
            edit.replace(uri, range, e.newText);
            count++;
          }
        }
      },
    );
    if (count === 0) {
      void vscode.window.showInformationMessage(
        skipped.length > 0 ? `Nothing pinned. ${skipped.join("; ")}` : "Every image is already pinned.",
      );
      return;
    }
    const fileCount = edit.size;
    const choice = await vscode.window.showInformationMessage(
      `Pin ${count} image${count === 1 ? "" : "s"} in ${fileCount} file${fileCount === 1 ? "" : "s"} to ${count === 1 ? "its digest" : "their digests"}?`,
      { modal: true, detail: "Each tag is kept and its index digest added; the edit can be undone." },
      "Pin",
      "Preview…",
    );
    if (choice === "Pin") await vscode.workspace.applyEdit(edit);
    // Preview: VS Code's Refactor Preview, where the user ticks the edits to apply.
    else if (choice === "Preview…")
      await vscode.workspace.applyEdit(withConfirmation(edit), { isRefactoring: true });
    else return;
    if (skipped.length > 0) state.output.warn(`Not pinned:\n  ${skipped.join("\n  ")}`);
  });
}

/** The same edits, each marked as needing confirmation (shown in the Refactor Preview). */
function withConfirmation(edit: vscode.WorkspaceEdit): vscode.WorkspaceEdit {
  const out = new vscode.WorkspaceEdit();
  for (const [uri, edits] of edit.entries()) {
    for (const e of edits)
      out.replace(uri, e.range, e.newText, { label: "Pin to digest", needsConfirmation: true });
  }
  return out;
}

/**
 * Fetches the BuildKit attestation of the image under the cursor (or named by a card link's
 * `{ uri, position }`) and shows its card, provenance included, as a Markdown preview.
 */
async function showProvenance(state: ExtensionContextState, target?: unknown): Promise<void> {
  let args: ShowProvenanceArgs | undefined;
  if (
    typeof target === "object" &&
    target !== null &&
    typeof (target as { uri?: unknown }).uri === "string"
  ) {
    args = target as ShowProvenanceArgs;
  } else {
    const doc = activeDockerfile();
    const cursor = vscode.window.activeTextEditor?.selection.active;
    if (!doc) return;
    args = {
      uri: doc.uri.toString(),
      ...(cursor ? { position: { line: cursor.line, character: cursor.character } } : {}),
    };
  }
  const request = args;
  await requireServer(state, async (client) => {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "FROM Lens: fetching provenance" },
      () => runServerCommand(client, ServerCommand.showProvenance, request),
    );
    if (!r.ok) {
      void vscode.window.showWarningMessage(r.message);
      return;
    }
    const p = r.provenance;
    if (!p) return;
    const doc = await vscode.workspace.openTextDocument({
      language: "markdown",
      content: `<!-- FROM Lens: provenance of ${p.reference} -->\n\n${p.markdown}\n`,
    });
    await vscode.commands.executeCommand("markdown.showPreview", doc.uri);
  });
}

export const COMMANDS: Record<string, Handler> = {
  "fromLens.showProvenance": (state, target) => showProvenance(state, target),
  "fromLens.restartServer": async (state) => {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Restarting the FROM Lens server" },
      () => state.restart(),
    );
    if (state.client()?.isRunning())
      void vscode.window.setStatusBarMessage("FROM Lens server restarted", 3000);
  },
  "fromLens.showOutput": (state) => state.output.show(true),
  "fromLens.pinAllInFile": (state) => pinFile(state, "pin"),
  "fromLens.updateAllPins": (state) => pinFile(state, "update"),
  "fromLens.pinAllInWorkspace": (state) => pinWorkspace(state, "pin"),
  "fromLens.refresh": (state) =>
    requireServer(state, async (client) => {
      const r = await runServerCommand(client, ServerCommand.refresh, {});
      report(r, "refresh");
    }),
  "fromLens.clearCache": (state) =>
    requireServer(state, async (client) => {
      const choice = await vscode.window.showWarningMessage(
        "Clear FROM Lens' cache of image manifests and facts? Images are fetched again as you open Dockerfiles.",
        { modal: true },
        "Clear Cache",
      );
      if (choice !== "Clear Cache") return;
      const r = await runServerCommand(client, ServerCommand.clearCache, {});
      if (r.ok) void vscode.window.setStatusBarMessage("FROM Lens cache cleared", 3000);
      else report(r, "clear");
    }),
  "fromLens.openSettings": () => vscode.commands.executeCommand("workbench.action.openSettings", "fromLens"),
  "fromLens.statusMenu": async () => {
    const items: (vscode.QuickPickItem & { command: string })[] = [
      {
        label: "$(refresh) Refresh",
        description: "Resolve every open Dockerfile's images again",
        command: "fromLens.refresh",
      },
      { label: "$(pin) Pin All Images in File", command: "fromLens.pinAllInFile" },
      { label: "$(trash) Clear Cache", command: "fromLens.clearCache" },
      { label: "$(output) Show Output", command: "fromLens.showOutput" },
      { label: "$(gear) Settings", command: "fromLens.openSettings" },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: "FROM Lens" });
    if (pick) await vscode.commands.executeCommand(pick.command);
  },
};

export function registerCommands(state: ExtensionContextState): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handler(state, ...args)),
  );
}

/** Runs `fn` with the running client, or tells the user the server is down. */
export async function requireServer(
  state: ExtensionContextState,
  fn: (client: LanguageClient) => Promise<void>,
): Promise<void> {
  const client = state.client();
  if (!client?.isRunning()) {
    const choice = await vscode.window.showWarningMessage(
      "The FROM Lens server is not running.",
      "Restart Server",
      "Show Output",
    );
    if (choice === "Restart Server") await vscode.commands.executeCommand("fromLens.restartServer");
    if (choice === "Show Output") state.output.show(true);
    return;
  }
  try {
    await fn(client);
  } catch (error) {
    state.output.error(`Command failed: ${String(error)}`);
    void vscode.window.showErrorMessage(
      `FROM Lens: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
