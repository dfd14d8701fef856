/**
 * A real LSP client for protocol tests: spawns the built server (`dist/server.js --stdio`) and
 * speaks JSON-RPC to it with vscode-languageserver-protocol, answering `workspace/configuration`
 * from settings the test controls. Waits are on events (notifications), never sleeps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
  type ClientCapabilities,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";

export const REPO_ROOT = join(__dirname, "..", "..");
export const SERVER_JS = join(REPO_ROOT, "dist", "server.js");

/** Client capabilities close to VS Code's for the features the server offers. */
export const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    codeLens: { refreshSupport: true },
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
    applyEdit: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    completion: {
      completionItem: {
        snippetSupport: true,
        documentationFormat: ["markdown", "plaintext"],
        deprecatedSupport: true,
      },
    },
    hover: { contentFormat: ["markdown", "plaintext"] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } } },
    rename: { prepareSupport: true },
    foldingRange: { lineFoldingOnly: true },
    semanticTokens: {
      requests: { full: true },
      tokenTypes: [],
      tokenModifiers: [],
      formats: ["relative"],
    },
    publishDiagnostics: { versionSupport: true },
  },
  window: { workDoneProgress: true },
};

export interface TestServer {
  connection: ProtocolConnection;
  process: ChildProcess;
  initializeResult: InitializeResult;
  /** The `fromLens` settings section the client answers with; change it, then `settingsChanged()`. */
  settings: Record<string, unknown>;
  stderr(): string;
  /** Every `textDocument/publishDiagnostics`, in order (also those `diagnostics()` handed out). */
  publishLog: PublishDiagnosticsParams[];
  /** Edits the server asked the client to apply (`workspace/applyEdit`). */
  appliedEdits: WorkspaceEdit[];
  /** `window/showMessage` notifications. */
  messages: { type: number; message: string }[];
  /** `fromLens/status` notifications. */
  statuses: unknown[];
  progress: unknown[];
  codeLensRefreshes(): number;
  open(uri: string, text: string, version?: number): Promise<void>;
  /** The next diagnostics published for `uri` that satisfy `accept` (default: any). */
  diagnostics(
    uri: string,
    accept?: (p: PublishDiagnosticsParams) => boolean,
  ): Promise<PublishDiagnosticsParams>;
  settingsChanged(): Promise<void>;
  /** shutdown + exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  settings?: Record<string, unknown>;
  /** `initializationOptions` (storagePath, hubRegistryUrl…). Default: a storage path of its own. */
  initializationOptions?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Answer `workspace/applyEdit` with applied: true (default) and record it. */
  applyEdits?: boolean;
  /** The client's capabilities (default: CAPABILITIES, close to VS Code's). */
  capabilities?: ClientCapabilities;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const child = spawn(process.execPath, [SERVER_JS, "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: options.env ?? {
      ...process.env,
      XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "from-lens-lsp-cache-")),
    },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const state = { settings: options.settings ?? {} };
  const published: PublishDiagnosticsParams[] = [];
  const publishLog: PublishDiagnosticsParams[] = [];
  const appliedEdits: WorkspaceEdit[] = [];
  const messages: { type: number; message: string }[] = [];
  const statuses: unknown[] = [];
  const progress: unknown[] = [];
  let codeLensRefreshes = 0;
  const waiters: {
    uri: string;
    accept: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => state.settings));
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    publishLog.push(p);
    const i = waiters.findIndex((w) => w.uri === p.uri && w.accept(p));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(p);
    else published.push(p);
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("workspace/codeLens/refresh", () => {
    codeLensRefreshes++;
    return null;
  });
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onNotification("$/progress", (p: unknown) => void progress.push(p));
  connection.onNotification(ShowMessageNotification.type, (p) => void messages.push(p));
  connection.onNotification("fromLens/status", (p: unknown) => void statuses.push(p));
  connection.onRequest("workspace/applyEdit", (p: { edit: WorkspaceEdit; label?: string }) => {
    appliedEdits.push(p.edit);
    return { applied: options.applyEdits !== false };
  });
  connection.listen();

  const initializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: options.capabilities ?? CAPABILITIES,
    initializationOptions: options.initializationOptions ?? {},
  });
  await connection.sendNotification(InitializedNotification.type, {});

  return {
    connection,
    process: child,
    initializeResult,
    get settings() {
      return state.settings;
    },
    set settings(value) {
      state.settings = value;
    },
    stderr: () => stderr,
    publishLog,
    appliedEdits,
    messages,
    statuses,
    progress,
    codeLensRefreshes: () => codeLensRefreshes,
    open: (uri, text, version = 1) =>
      connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "dockerfile", version, text },
      }),
    diagnostics: (uri, accept = () => true) => {
      const i = published.findIndex((p) => p.uri === uri && accept(p));
      if (i >= 0) return Promise.resolve(published.splice(i, 1)[0] as PublishDiagnosticsParams);
      return new Promise((resolve) => waiters.push({ uri, accept, resolve }));
    },
    settingsChanged: () =>
      connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null }),
    stop: async () => {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}
