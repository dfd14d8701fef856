/**
 * The language server's wiring, and nothing else: create the connection, compute capabilities
 * once, route each LSP request to a connection-free function. Run with `--stdio` or
 * `--node-ipc` (vscode-languageserver picks the transport from the arguments).
 */
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { clientSupport, serverCapabilities, type ClientSupport } from "./capabilities";
import { DocumentSettings } from "./documentSettings";
import * as standard from "./features/standard";
import { createLogger } from "./log";
import { SETTINGS_SECTION, StatusNotification } from "./protocol";
import { DEFAULT_SETTINGS, type LogLevel } from "./settings";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new DocumentSettings((uri) =>
  support.configuration
    ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
    : Promise.resolve(undefined),
);
let support: ClientSupport = { documentChanges: false, configuration: false, dynamicConfiguration: false };
let logLevel: LogLevel = DEFAULT_SETTINGS.logLevel;
const log = createLogger(connection.console, () => logLevel);
let service = standard.createStandardService({});

connection.onInitialize((params) => {
  support = clientSupport(params.capabilities);
  service = standard.createStandardService(params.capabilities);
  service.setLogger({ log: (m) => log.debug(`dockerfile-language-service: ${m}`) });
  return { capabilities: serverCapabilities(params.capabilities), serverInfo: { name: "FROM Lens" } };
});

connection.onInitialized(() => {
  if (support.dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type);
  void settings.get("").then((s) => (logLevel = s.logLevel));
  log.info("FROM Lens language server ready");
  void connection.sendNotification(StatusNotification, { state: "ready", message: "FROM Lens is ready" });
});

async function validate(doc: TextDocument): Promise<void> {
  const s = await settings.get(doc.uri);
  if (documents.get(doc.uri)?.version !== doc.version) return; // superseded while we waited
  await connection.sendDiagnostics({
    uri: doc.uri,
    version: doc.version,
    diagnostics: standard.validateStandard(service, doc.getText(), s),
  });
}

documents.onDidChangeContent((e) => void validate(e.document));
documents.onDidClose((e) => {
  settings.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  void settings.get("").then((s) => (logLevel = s.logLevel));
  documents.all().forEach((doc) => void validate(doc));
});

/** Runs `fn` on the open document, or answers `empty` for a document we do not have. */
function withDoc<T, E>(uri: string, empty: E, fn: (doc: TextDocument, text: string) => T): T | E {
  const doc = documents.get(uri);
  return doc ? fn(doc, doc.getText()) : empty;
}

connection.onCompletion((p) =>
  withDoc(p.textDocument.uri, [], (_, text) => standard.completeStandard(service, text, p.position)),
);
connection.onCompletionResolve((item) => service.resolveCompletionItem(item));
connection.onHover((p) =>
  withDoc(p.textDocument.uri, null, (_, text) => service.computeHover(text, p.position)),
);
connection.onSignatureHelp((p) =>
  withDoc(p.textDocument.uri, null, (_, text) => service.computeSignatureHelp(text, p.position)),
);
connection.onDefinition((p) =>
  withDoc(p.textDocument.uri, null, (_, text) => service.computeDefinition(p.textDocument, text, p.position)),
);
connection.onDocumentHighlight((p) =>
  withDoc(p.textDocument.uri, [], (_, text) => service.computeHighlightRanges(text, p.position)),
);
connection.onDocumentSymbol((p) =>
  withDoc(p.textDocument.uri, [], (_, text) => service.computeSymbols(p.textDocument, text)),
);
connection.onFoldingRanges((p) =>
  withDoc(p.textDocument.uri, [], (_, text) => service.computeFoldingRanges(text)),
);
connection.onDocumentLinks((p) => withDoc(p.textDocument.uri, [], (_, text) => service.computeLinks(text)));
connection.onDocumentLinkResolve((link) => service.resolveLink(link));
connection.languages.semanticTokens.on((p) =>
  withDoc(p.textDocument.uri, { data: [] }, (_, text) => service.computeSemanticTokens(text)),
);
connection.onPrepareRename((p) =>
  withDoc(p.textDocument.uri, null, (_, text) => service.prepareRename(text, p.position)),
);
connection.onRenameRequest((p) =>
  withDoc(p.textDocument.uri, null, (doc, text) =>
    standard.workspaceEdit(
      doc.uri,
      doc.version,
      service.computeRename(p.textDocument, text, p.position, p.newName),
      support.documentChanges,
    ),
  ),
);
connection.onCodeAction((p) =>
  withDoc(p.textDocument.uri, [], (doc, text) =>
    standard.standardCodeActions(
      service,
      { uri: doc.uri, version: doc.version, text },
      p.range,
      p.context,
      support.documentChanges,
    ),
  ),
);
connection.onDocumentFormatting((p) =>
  withDoc(p.textDocument.uri, [], async (doc, text) =>
    service.format(text, standard.formatterSettings(p.options, await settings.get(doc.uri))),
  ),
);
connection.onDocumentRangeFormatting((p) =>
  withDoc(p.textDocument.uri, [], async (doc, text) =>
    service.formatRange(text, p.range, standard.formatterSettings(p.options, await settings.get(doc.uri))),
  ),
);
connection.onDocumentOnTypeFormatting((p) =>
  withDoc(p.textDocument.uri, [], async (doc, text) =>
    service.formatOnType(
      text,
      p.position,
      p.ch,
      standard.formatterSettings(p.options, await settings.get(doc.uri)),
    ),
  ),
);

documents.listen(connection);
connection.listen();
