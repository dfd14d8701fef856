/**
 * The language server's wiring, and nothing else: create the connection, build one `Session` on
 * `initialize` (client capabilities, settings, the engine, the schedulers), then register every
 * handler with it (yaml-language-server's `registerHandlers`, rust-analyzer's `CtxInit`): a
 * handler exists only once the state it needs does. Each routes an LSP request to a
 * connection-free function. Run with `--stdio` or `--node-ipc` (vscode-languageserver picks the
 * transport from the arguments).
 */
import {
  BulkRegistration,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  ErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  createConnection,
  type Connection,
  type InitializeParams,
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
import { createLogger, type Logger } from "./log";
import { SETTINGS_SECTION, StatusNotification, type InitializationOptions } from "./protocol";
import { rangeContains } from "./ranges";
import { DEFAULT_SETTINGS, type FromLensSettings, type LogLevel } from "./settings";
import { isDockerfileDocument } from "./sources";
import { routeStandardFeatures } from "./standardRoutes";
import { BatchProgress } from "./progress";
import { PublishedDiagnostics } from "./publishedDiagnostics";
import { statusParams } from "./status";
import { ChangeScheduler, PerVersion } from "./changeScheduler";
import { checkedDocumentConnection } from "./messageChecks";
import { forgetParses } from "./dockerfile/parse";
import { LargeDocuments } from "./largeDocuments";
import { codeCacheOutcome } from "./codeCache";
import { DEFAULT_IDLE_MEMORY, fullCollection, heapNow, IdleMemory, utilizationMeter } from "./idleMemory";

/** Everything that lives from `initialize` to `exit`, built once from the client's parameters. */
class Session {
  readonly support: ClientSupport;
  readonly features: ClientFeatures;
  readonly settings: DocumentSettings;
  readonly service: ReturnType<typeof standard.createStandardService>;
  readonly engine: Engine;
  readonly large: LargeDocuments;
  readonly changes: ChangeScheduler;
  /** Gives the garbage of a burst of work back once the server has gone quiet. */
  private readonly idleMemory: IdleMemory;
  /** The settings without a document scope (`settings.get("")`): the log level, the engine's. */
  private windowSettings: FromLensSettings = DEFAULT_SETTINGS;
  private readonly published = new PublishedDiagnostics();
  private readonly progress: BatchProgress;
  private readonly standardDiagnosticsMemo = new PerVersion<ReturnType<typeof standard.validateStandard>>();
  /** Resolver change keys waiting for the next refresh, and the timer that coalesces them. */
  private readonly pending = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  /** A settings change being applied: requests that arrive meanwhile answer once it is in place. */
  private reconfiguring: Promise<void> = Promise.resolve();

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    readonly params: InitializeParams,
    readonly log: Logger,
  ) {
    this.support = clientSupport(params.capabilities);
    this.features = clientFeatures(params.capabilities, params.initializationOptions);
    this.settings = new DocumentSettings((uri) =>
      this.support.configuration
        ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        : Promise.resolve(undefined),
    );
    this.settings.initialize(params.initializationOptions);
    this.service = standard.createStandardService(params.capabilities);
    this.service.setLogger({ log: (m) => this.log.debug(`dockerfile-language-service: ${m}`) });
    this.progress = new BatchProgress(() => connection.window.createWorkDoneProgress());
    this.large = new LargeDocuments((m) => this.log.info(m));
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    this.engine = new Engine(DEFAULT_SETTINGS, init, this.log, (keys) => this.scheduleRefresh(keys));
    /** An edit of an idle document is worked on at once; a burst when the typing pauses, latest version only. */
    this.changes = new ChangeScheduler({
      leadMs: "after-read-messages",
      quietMs: 150,
      maxWaitMs: 1000,
      work: (uri) => this.onContent(uri),
      onError: (uri, error) => this.logRejection(`working on ${uri}`)(error),
    });
    this.idleMemory = new IdleMemory({
      ...DEFAULT_IDLE_MEMORY,
      utilization: utilizationMeter(),
      heap: heapNow,
      release: fullCollection,
      log: (m) => this.log.debug(m),
    });
    this.idleMemory.start();
  }

  /** The log level of the settings in force (the module's logger reads it on every line). */
  get logLevel(): LogLevel {
    return this.windowSettings.logLevel;
  }

  logRejection(what: string): (error: unknown) => void {
    return logRejection(this.log, what);
  }

  /** True if the document is above fromLens.largeDocumentKB: the standard features skip it. */
  isLarge(doc: TextDocument, s: FromLensSettings): boolean {
    return this.large.check(doc.uri, doc.getText().length, s);
  }

  async reloadWindowSettings(): Promise<void> {
    this.windowSettings = await this.settings.get("");
    this.engine.configure(this.windowSettings);
    this.sendStatus();
  }

  sendStatus(): void {
    const status = this.engine.status();
    void this.connection.sendNotification(StatusNotification, statusParams(status));
    if (this.support.progress) void this.progress.update(status.resolving + status.queued);
  }

  /** Coalesces the resolver's change events: one refresh of diagnostics and lenses per burst. */
  private scheduleRefresh(keys: string[]): void {
    for (const k of keys) this.pending.add(k);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const uris = this.engine.workspace.urisUsing([...this.pending]);
      this.pending.clear();
      for (const uri of uris) {
        const doc = this.documents.get(uri);
        // A document being typed into publishes once the typing pauses (changes.work).
        if (doc && !this.changes.isPending(uri))
          this.publishDiagnostics(doc).catch(this.logRejection(`diagnostics of ${uri}`));
      }
      if (uris.length > 0 && this.support.codeLensRefresh)
        void this.connection.sendRequest(CodeLensRefreshRequest.type);
      this.sendStatus();
    }, 50);
  }

  async publishDiagnostics(doc: TextDocument): Promise<void> {
    const version = doc.version;
    const s = await this.settings.get(doc.uri);
    await this.engine.workspace.ready(doc, s);
    // superseded while we waited
    if (this.documents.get(doc.uri) !== doc || doc.version !== version) return;
    const standardDiagnostics =
      isDockerfileDocument(doc) && !this.isLarge(doc, s)
        ? this.standardDiagnosticsMemo.get(doc, s, () =>
            standard.validateStandard(this.service, doc.getText(), s),
          )
        : [];
    // The unsigned-image rule needs each image's signatures looked up: start what is missing.
    if (s.trust.requireSignature || s.rules["unsigned-image"] !== "off")
      this.engine.workspace.checkSignatures(doc, s);
    const diagnostics = [
      ...standardDiagnostics,
      // Given the standard diagnostics, FROM Lens' rules skip what dockerfile-utils already reports.
      ...provideDiagnostics(this.engine.workspace.context(doc, s), { standardDiagnostics }),
    ];
    if (!this.published.changed(doc.uri, doc.version, diagnostics)) return;
    await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  }

  /** Works on the latest version of a document: its references, then its diagnostics. */
  async onContent(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const s = await this.settings.get(uri);
    await this.engine.workspace.ready(doc, s);
    // superseded while we waited; its own turn follows
    if (this.documents.get(uri) !== doc || doc.version !== version) return;
    this.engine.workspace.update(doc, s, "visible");
    await this.publishDiagnostics(doc);
  }

  /** Forgets a closed document everywhere and clears its diagnostics. */
  closed(uri: string): void {
    this.changes.closed(uri);
    this.standardDiagnosticsMemo.forget(uri);
    this.large.forget(uri);
    this.settings.forget(uri);
    this.published.forget(uri);
    this.engine.workspace.close(uri);
    // The kept parses are of no use once their document is closed (V8 then gives the memory back).
    forgetParses();
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Applies a settings change; requests that arrive meanwhile wait for it (`withDoc`). */
  reconfigure(pushed: unknown): Promise<void> {
    this.reconfiguring = (async () => {
      this.settings.push(pushed);
      await this.reloadWindowSettings();
      for (const doc of this.documents.all()) {
        const s = await this.settings.get(doc.uri);
        await this.engine.workspace.ready(doc, s);
        this.engine.workspace.update(doc, s, "background");
        this.publishDiagnostics(doc).catch(this.logRejection(`diagnostics of ${doc.uri}`));
      }
    })().catch((error: unknown) => this.log.error(`applying the new settings failed: ${String(error)}`));
    return this.reconfiguring;
  }

  /** Runs `fn` with the open document and its settings, or answers `empty` for a document we do not have. */
  async withDoc<T, E>(
    uri: string,
    empty: E,
    fn: (doc: TextDocument, s: FromLensSettings) => T | Promise<T>,
  ): Promise<T | E> {
    await this.reconfiguring;
    const doc = this.documents.get(uri);
    if (!doc) return empty;
    const s = await this.settings.get(uri);
    // A large document is read on the worker: this request waits for it, no other does.
    await this.engine.workspace.ready(doc, s);
    return fn(doc, s);
  }

  async shutdown(): Promise<void> {
    this.changes.dispose();
    this.idleMemory.stop();
    await this.engine.close();
  }
}

/** Registers every handler of an initialized session: from here on, each has all it needs. */
function registerHandlers(session: Session): void {
  const { connection, documents, engine, service, support, features } = session;
  const { workspace } = engine;

  connection.onInitialized(async () => {
    if (support.dynamicConfiguration)
      void connection.client.register(DidChangeConfigurationNotification.type);
    const bulk = BulkRegistration.create();
    dockerfileRegistrations(session.params.capabilities, bulk);
    void connection.client.register(bulk);
    await session.reloadWindowSettings();
    const cache = codeCacheOutcome();
    session.log.info(
      `FROM Lens language server ready${cache === undefined ? "" : ` (code cache: ${cache})`}`,
    );
  });

  documents.onDidChangeContent((e) => session.changes.changed(e.document.uri));
  documents.onDidClose((e) => session.closed(e.document.uri));
  connection.onDidChangeConfiguration((change) => session.reconfigure(change.settings));

  connection.onHover((p) =>
    session.withDoc(p.textDocument.uri, null, async (doc, s) => {
      session.changes.flush(doc.uri); // hovering what was just typed resolves it now
      const ref = workspace.refs(doc).find((r) => rangeContains(r.range, p.position));
      if (ref) await workspace.waitFor(ref, s, s.hover.waitMs);
      if (ref && s.provenance.fetchAttestations === "always")
        await Promise.all([
          workspace.fetchAttestation(ref, s, s.hover.waitMs),
          workspace.checkSignature(ref, s, s.hover.waitMs),
        ]);
      return (
        provideHover(workspace.context(doc, s), p.position, features.hoverFormat) ??
        (isDockerfileDocument(doc) && !session.isLarge(doc, s)
          ? service.computeHover(doc.getText(), p.position)
          : null)
      );
    }),
  );
  connection.onCodeLens((p) =>
    session.withDoc(p.textDocument.uri, [], (doc, s) =>
      provideCodeLenses(workspace.context(doc, s), { clientCommands: features.clientCommands }),
    ),
  );
  connection.onCompletion((p) =>
    session.withDoc(p.textDocument.uri, [], async (doc, s) => {
      const tags = await workspace.completeTags(doc, s, p.position, s.hover.waitMs);
      if (tags) return tags;
      return isDockerfileDocument(doc) && !session.isLarge(doc, s)
        ? standard.completeStandard(service, doc.getText(), p.position)
        : [];
    }),
  );
  connection.onCodeAction((p) =>
    session.withDoc(p.textDocument.uri, [], (doc, s) => {
      const actions = [
        ...provideCodeActions(workspace.context(doc, s), p.range, p.context.diagnostics, {
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
      settings: (uri) => session.settings.get(uri),
      applyEdit: (edit) => connection.workspace.applyEdit(edit).then((r) => r.applied),
      documentChanges: support.documentChanges,
      refreshAll: () =>
        documents
          .all()
          .forEach((d) => void session.onContent(d.uri).catch(session.logRejection(`refreshing ${d.uri}`))),
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
    service,
    (uri) => session.settings.get(uri),
    support,
    session.large,
  );

  connection.onShutdown(() => session.shutdown());
}

/** Every promise the server starts and does not await ends here if it rejects: logged, never fatal. */
function logRejection(log: Logger, what: string): (error: unknown) => void {
  return (error) =>
    log.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
/** The one piece of module state: the session, from `initialize` on. */
let session: Session | undefined;
const log = createLogger(connection.console, () => session?.logLevel ?? DEFAULT_SETTINGS.logLevel);
// The last line of defence: bad input must never end the process (Node ≥ 15 exits on these).
process.on("unhandledRejection", logRejection(log, "a background task"));

connection.onInitialize((params) => {
  if (session)
    throw new ResponseError(ErrorCodes.InvalidRequest, "FROM Lens: the server is already initialized.");
  session = new Session(connection, documents, params, log);
  registerHandlers(session);
  return { capabilities: serverCapabilities(params.capabilities), serverInfo: { name: "FROM Lens" } };
});
// Before `initialize` no handler but this one exists: requests get the error LSP names for it.
// Once initialized, a request nobody handles is an unknown method.
connection.onRequest((method) => {
  throw session
    ? new ResponseError(ErrorCodes.MethodNotFound, `FROM Lens does not handle ${method}.`)
    : new ResponseError(ErrorCodes.ServerNotInitialized, `FROM Lens is not initialized yet (${method}).`);
});
documents.listen(
  checkedDocumentConnection(connection, (method, problem) => log.warn(`ignored ${method}: ${problem}`)),
);
connection.listen();
