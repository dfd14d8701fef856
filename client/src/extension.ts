/**
 * The VS Code side of FROM Lens: starts the language server (dist/server.js) over IPC, and adds
 * only UI — the "FROM Lens" output channel, commands, the status bar item. Everything that reads
 * or edits Dockerfiles happens in the server, so other LSP editors get the same features.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  ClientCommand,
  SETTINGS_SECTION,
  StatusNotification,
  type InitializationOptions,
} from "../../server/src/protocol";
import { registerCommands } from "./commands";
import { imageAt, startingHoverMarkdown } from "./startingHover";
import { StatusBar } from "./statusBar";
import { DOCUMENT_SELECTOR } from "./selector";

/** What the commands and the status bar need from the running extension. */
export interface ExtensionContextState {
  readonly output: vscode.LogOutputChannel;
  client(): LanguageClient | undefined;
  restart(): Promise<void>;
}

let active: { client: LanguageClient | undefined; dispose(): Promise<void> } | undefined;

function initializationOptions(context: vscode.ExtensionContext): InitializationOptions {
  const http = vscode.workspace.getConfiguration("http");
  const proxy = http.get<string>("proxy");
  const noProxy = http.get<string[]>("noProxy") ?? [];
  return {
    storagePath: context.globalStorageUri.fsPath,
    workspaceTrusted: vscode.workspace.isTrusted,
    // commands.ts registers these: the server may put them in lenses.
    clientCommands: Object.values(ClientCommand),
    ...(proxy ? { httpProxy: proxy } : {}),
    ...(noProxy.length > 0 ? { httpNoProxy: noProxy } : {}),
  };
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: SETTINGS_SECTION },
    initializationOptions: initializationOptions(context),
    outputChannel: output,
    traceOutputChannel: output,
  };
  return new LanguageClient("fromLens", "FROM Lens", serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("FROM Lens", { log: true });
  const statusBar = new StatusBar();
  context.subscriptions.push(output, statusBar);

  let client: LanguageClient | undefined;
  const start = async (): Promise<void> => {
    statusBar.starting();
    client = createClient(context, output);
    client.onNotification(StatusNotification, (status) => statusBar.update(status));
    try {
      await client.start();
    } catch (error) {
      statusBar.failed(error instanceof Error ? error.message : String(error));
      output.error(`The language server did not start: ${String(error)}`);
      client = undefined;
    }
  };
  const stop = async (): Promise<void> => {
    const running = client;
    client = undefined;
    if (running) await running.stop().catch(() => undefined);
  };
  const state: ExtensionContextState = {
    output,
    client: () => client,
    restart: async () => {
      await stop();
      await start();
    },
  };
  context.subscriptions.push(...registerCommands(state));
  // Until the server runs, its hover provider is not registered and a hover over an image would
  // be empty for the seconds the start takes: say it is resolving. Once it runs, this stays quiet.
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(
      { language: "dockerfile" },
      {
        provideHover(document, position) {
          if (client?.isRunning() === true) return undefined;
          const image = imageAt(document.lineAt(position.line).text, position.character);
          if (image === undefined) return undefined;
          return new vscode.Hover(
            new vscode.MarkdownString(startingHoverMarkdown(image.text)),
            new vscode.Range(position.line, image.start, position.line, image.end),
          );
        },
      },
    ),
  );
  // The server reads trust and VS Code's proxy settings once, at start: restart it when they change.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void state.restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("http.proxy") || e.affectsConfiguration("http.noProxy"))
        void state.restart();
    }),
  );
  active = { client: undefined, dispose: stop };
  await start();
  active.client = client;
}

export async function deactivate(): Promise<void> {
  await active?.dispose();
  active = undefined;
}
