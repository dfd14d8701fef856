/**
 * The language server's wiring, and nothing else: create the connection, compute capabilities
 * once, route each LSP request to a connection-free function, and refresh the editor when a
 * resolution lands. Run with `--stdio` or `--node-ipc` (vscode-languageserver picks the
 * transport from the arguments).
 */
import {
  BulkRegistration,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  MessageType,
  type ClientCapabilities,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  createConnection,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  clientSupport,
  dockerfileRegistrations,
  serverCapabilities,
  type ClientSupport,
} from "./capabilities";
import { clientFeatures, codeActionsAsCommands, type ClientFeatures } from "./clientCapabilities";
import { executeCommand } from "./commands";
import { DocumentSettings } from "./documentSettings";
import { Engine } from "./engine";
import { provideCodeActions } from "./features/codeActions";
import { provideCodeLenses } from "./features/codeLens";
import { provideDiagnostics } from "./features/diagnostics";
import { provideHover } from "./features/hover";
import * as standard from "./features/standard";
import { createLogger } from "./log";
import { SETTINGS_SECTION, StatusNotification, type InitializationOptions } from "./protocol";
import { rangeContains } from "./ranges";
import { DEFAULT_SETTINGS, type FromLensSettings } from "./settings";
import { isDockerfileDocument } from "./sources";
import { routeStandardFeatures } from "./standardRoutes";
import { BatchProgress } from "./progress";
import { PublishedDiagnostics } from "./publishedDiagnostics";
import { statusParams } from "./status";
import { ChangeScheduler, PerVersion } from "./changeScheduler";
import { checkedDocumentConnection } from "./messageChecks";
import { LargeDocuments } from "./largeDocuments";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let support: ClientSupport = clientSupport({});
let features: ClientFeatures = clientFeatures({}, undefined);
let global: FromLensSettings = DEFAULT_SETTINGS;
const log = createLogger(connection.console, () => global.logLevel);
const settings = new DocumentSettings((uri) =>
  support.configuration
    ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
    : Promise.resolve(undefined),
);
let service = standard.createStandardService({});
let engine: Engine | undefined;
const pending = new Set<string>();
const published = new PublishedDiagnostics();
const progress = new BatchProgress(() => connection.window.createWorkDoneProgress());
let refreshTimer: NodeJS.Timeout | undefined;
const standardDiagnosticsMemo = new PerVersion<ReturnType<typeof standard.validateStandard>>();
const large = new LargeDocuments((m) => log.info(m));
/** True if the document is above fromLens.largeDocumentKB: the standard features skip it. */
const isLarge = (doc: TextDocument, s: FromLensSettings): boolean =>
  large.check(doc.uri, doc.getText().length, s);

/** Every promise the server starts and does not await ends here if it rejects: logged, never fatal. */
function logRejection(what: string): (error: unknown) => void {
  return (error) =>
    log.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
// The last line of defence: bad input must never end the process (Node ≥ 15 exits on these).
process.on("unhandledRejection", logRejection("a background task"));

let clientCapabilities: ClientCapabilities = {};

connection.onInitialize((params) => {
  clientCapabilities = params.capabilities;
  support = clientSupport(params.capabilities);
  features = clientFeatures(params.capabilities, params.initializationOptions);
  settings.initialize(params.initializationOptions);
  service = standard.createStandardService(params.capabilities);
  service.setLogger({ log: (m) => log.debug(`dockerfile-language-service: ${m}`) });
  const init = (params.initializationOptions ?? {}) as InitializationOptions;
  engine = new Engine(DEFAULT_SETTINGS, init, log, (keys) => scheduleRefresh(keys));
  return { capabilities: serverCapabilities(params.capabilities), serverInfo: { name: "FROM Lens" } };
});

connection.onInitialized(async () => {
  if (support.dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type);
  const bulk = BulkRegistration.create();
  dockerfileRegistrations(clientCapabilities, bulk);
  void connection.client.register(bulk);
  await reloadGlobalSettings();
  log.info("FROM Lens language server ready");
});

async function reloadGlobalSettings(): Promise<void> {
  global = await settings.get("");
  engine?.configure(global);
  sendStatus();
}

function sendStatus(): void {
  if (!engine) return;
  const status = engine.status();
  void connection.sendNotification(StatusNotification, statusParams(status));
  if (support.progress) void progress.update(status.resolving + status.queued);
}

/** Coalesces the resolver's change events: one refresh of diagnostics and lenses per burst. */
function scheduleRefresh(keys: string[]): void {
  for (const k of keys) pending.add(k);
  refreshTimer ??= setTimeout(() => {
    refreshTimer = undefined;
    const uris = engine?.workspace.urisUsing([...pending]) ?? [];
    pending.clear();
    for (const uri of uris) {
      const doc = documents.get(uri);
      // A document being typed into publishes once the typing pauses (changes.work).
      if (doc && !changes.isPending(uri))
        publishDiagnostics(doc).catch(logRejection(`diagnostics of ${uri}`));
    }
    if (uris.length > 0 && support.codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type);
    sendStatus();
  }, 50);
}

async function publishDiagnostics(doc: TextDocument): Promise<void> {
  const s = await settings.get(doc.uri);
  if (!engine || documents.get(doc.uri)?.version !== doc.version) return; // superseded while we waited
  const standardDiagnostics =
    isDockerfileDocument(doc) && !isLarge(doc, s)
      ? standardDiagnosticsMemo.get(doc, s, () => standard.validateStandard(service, doc.getText(), s))
      : [];
  // The unsigned-image rule needs each image's signatures looked up: start what is missing.
  if (s.trust.requireSignature || s.rules["unsigned-image"] !== "off")
    engine.workspace.checkSignatures(doc, s);
  const diagnostics = [
    ...standardDiagnostics,
    // Given the standard diagnostics, FROM Lens' rules skip what dockerfile-utils already reports.
    ...provideDiagnostics(engine.workspace.context(doc, s), { standardDiagnostics }),
  ];
  if (!published.changed(doc.uri, doc.version, diagnostics)) return;
  await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

/** Works on the latest version of a document: its references, then its diagnostics. */
async function onContent(uri: string): Promise<void> {
  const doc = documents.get(uri);
  if (!doc) return;
  const s = await settings.get(uri);
  if (documents.get(uri)?.version !== doc.version) return; // superseded while we waited; its own turn follows
  engine?.workspace.update(doc, s, "visible");
  await publishDiagnostics(doc);
}

/** Edits are coalesced per document: work starts when the typing pauses, on the latest version only. */
const changes = new ChangeScheduler({
  quietMs: 150,
  maxWaitMs: 1000,
  work: onContent,
  onError: (uri, error) => logRejection(`working on ${uri}`)(error),
});
documents.onDidChangeContent((e) => changes.changed(e.document.uri));
documents.onDidClose((e) => {
  changes.closed(e.document.uri);
  standardDiagnosticsMemo.forget(e.document.uri);
  large.forget(e.document.uri);
  settings.forget(e.document.uri);
  published.forget(e.document.uri);
  engine?.workspace.close(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** A settings change being applied: requests that arrive meanwhile answer once it is in place. */
let reconfiguring: Promise<void> = Promise.resolve();

connection.onDidChangeConfiguration((change) => {
  reconfiguring = (async () => {
    settings.push(change.settings);
    await reloadGlobalSettings();
    for (const doc of documents.all()) {
      engine?.workspace.update(doc, await settings.get(doc.uri), "background");
      publishDiagnostics(doc).catch(logRejection(`diagnostics of ${doc.uri}`));
    }
  })().catch((error: unknown) => log.error(`applying the new settings failed: ${String(error)}`));
  return reconfiguring;
});

/** Runs `fn` with the open document and its settings, or answers `empty` for a document we do not have. */
async function withDoc<T, E>(
  uri: string,
  empty: E,
  fn: (doc: TextDocument, s: FromLensSettings, e: Engine) => T | Promise<T>,
): Promise<T | E> {
  await reconfiguring;
  const doc = documents.get(uri);
  if (!doc || !engine) return empty;
  return fn(doc, await settings.get(uri), engine);
}

connection.onHover((p) =>
  withDoc(p.textDocument.uri, null, async (doc, s, e) => {
    changes.flush(doc.uri); // hovering what was just typed resolves it now
    const ref = e.workspace.refs(doc).find((r) => rangeContains(r.range, p.position));
    if (ref) await e.workspace.settle(ref, s, s.hover.waitMs);
    if (ref && s.provenance.fetchAttestations === "always")
      await Promise.all([
        e.workspace.fetchAttestation(ref, s, s.hover.waitMs),
        e.workspace.checkSignature(ref, s, s.hover.waitMs),
      ]);
    return (
      provideHover(e.workspace.context(doc, s), p.position, features.hoverFormat) ??
      (isDockerfileDocument(doc) && !isLarge(doc, s) ? service.computeHover(doc.getText(), p.position) : null)
    );
  }),
);
connection.onCodeLens((p) =>
  withDoc(p.textDocument.uri, [], (doc, s, e) =>
    provideCodeLenses(e.workspace.context(doc, s), { clientCommands: features.clientCommands }),
  ),
);
connection.onCompletion((p) =>
  withDoc(p.textDocument.uri, [], async (doc, s, e) => {
    const tags = await e.workspace.completeTags(doc, s, p.position, s.hover.waitMs);
    if (tags) return tags;
    return isDockerfileDocument(doc) && !isLarge(doc, s)
      ? standard.completeStandard(service, doc.getText(), p.position)
      : [];
  }),
);
connection.onCodeAction((p) =>
  withDoc(p.textDocument.uri, [], (doc, s, e) => {
    const actions = [
      ...provideCodeActions(e.workspace.context(doc, s), p.range, p.context.diagnostics, {
        documentChanges: support.documentChanges,
      }),
      ...(isDockerfileDocument(doc)
        ? standard.standardCodeActions(
            service,
            { uri: doc.uri, version: doc.version, text: doc.getText() },
            p.range,
            p.context,
            support.documentChanges,
          )
        : []),
    ];
    // Without codeActionLiteralSupport a client takes only Commands (LSP 3.8+): the server's applyEdits.
    return features.codeActionLiterals ? actions : codeActionsAsCommands(actions, doc);
  }),
);
connection.onExecuteCommand(async (p) => {
  const result = await executeCommand(p.command, p.arguments ?? [], {
    documents,
    engine,
    settings: (uri) => settings.get(uri),
    applyEdit: (edit) => connection.workspace.applyEdit(edit).then((r) => r.applied),
    documentChanges: support.documentChanges,
    refreshAll: () =>
      documents.all().forEach((d) => void onContent(d.uri).catch(logRejection(`refreshing ${d.uri}`))),
  });
  // A notification, not window/showMessageRequest: editors show a request as a blocking prompt.
  if (!result.ok)
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Warning,
      message: result.message,
    });
  return result;
});
routeStandardFeatures(
  connection,
  documents,
  () => service,
  (uri) => settings.get(uri),
  () => support,
  large,
);

connection.onShutdown(async () => {
  changes.dispose();
  await engine?.close();
});
documents.listen(
  checkedDocumentConnection(connection, (method, problem) => log.warn(`ignored ${method}: ${problem}`)),
);
connection.listen();
