/**
 * A real LSP client for protocol tests: spawns the built server (`dist/server.js --stdio`) and
 * speaks JSON-RPC to it with vscode-languageserver-protocol, answering `workspace/configuration`
 * from settings the test controls. Waits are on events (notifications), never sleeps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type ClientCapabilities,
  type InitializeResult,
  type PublishDiagnosticsParams,
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
};

export interface TestServer {
  connection: ProtocolConnection;
  process: ChildProcess;
  initializeResult: InitializeResult;
  /** The `fromLens` settings section the client answers with; change it, then `settingsChanged()`. */
  settings: Record<string, unknown>;
  stderr(): string;
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

export async function startServer(options: { settings?: Record<string, unknown> } = {}): Promise<TestServer> {
  const child = spawn(process.execPath, [SERVER_JS, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const state = { settings: options.settings ?? {} };
  const published: PublishDiagnosticsParams[] = [];
  const waiters: {
    uri: string;
    accept: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => state.settings));
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && w.accept(p));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(p);
    else published.push(p);
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.listen();

  const initializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: CAPABILITIES,
    initializationOptions: {},
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
