/**
 * What the server offers, computed once from what the client can do (`initialize`).
 */
import {
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentHighlightRequest,
  DocumentLinkRequest,
  DocumentOnTypeFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  RenameRequest,
  SemanticTokensRegistrationType,
  SignatureHelpRequest,
  TextDocumentSyncKind,
  type BulkRegistration,
  type ClientCapabilities,
  type DocumentSelector,
  type ServerCapabilities,
} from "vscode-languageserver";
import { SEMANTIC_TOKENS_LEGEND } from "./features/semanticTokens";
import { ServerCommand } from "./protocol";

export interface ClientSupport {
  /** The client accepts `documentChanges` (versioned edits) in workspace edits. */
  documentChanges: boolean;
  /** The client answers `workspace/configuration`. */
  configuration: boolean;
  /** The client lets us register for configuration changes dynamically. */
  dynamicConfiguration: boolean;
  /** The client re-asks for code lenses on `workspace/codeLens/refresh`. */
  codeLensRefresh: boolean;
  /** The client shows `window/workDoneProgress`. */
  progress: boolean;
}

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    configuration: capabilities.workspace?.configuration === true,
    dynamicConfiguration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    progress: capabilities.window?.workDoneProgress === true,
  };
}

/** The documents the Dockerfile language features serve: not Compose, Kubernetes or other files. */
export const DOCKERFILE_SELECTOR: DocumentSelector = [{ language: "dockerfile" }];

/**
 * Dockerfile-only features the client lets us register dynamically: registered for Dockerfiles
 * alone (BulkRegistration in `initialized`), so a YAML or JSON file FROM Lens reads for its images
 * never gets a second formatter, folding or colouring from it. A client without dynamic
 * registration gets them statically, and the server answers them for Dockerfiles only.
 */
function dynamicDockerfileFeatures(capabilities: ClientCapabilities): Set<string> {
  const t = capabilities.textDocument;
  const on: [string, boolean | undefined][] = [
    ["signatureHelp", t?.signatureHelp?.dynamicRegistration],
    ["definition", t?.definition?.dynamicRegistration],
    ["documentHighlight", t?.documentHighlight?.dynamicRegistration],
    ["documentSymbol", t?.documentSymbol?.dynamicRegistration],
    ["formatting", t?.formatting?.dynamicRegistration],
    ["rangeFormatting", t?.rangeFormatting?.dynamicRegistration],
    ["onTypeFormatting", t?.onTypeFormatting?.dynamicRegistration],
    ["rename", t?.rename?.dynamicRegistration],
    ["documentLink", t?.documentLink?.dynamicRegistration],
    ["foldingRange", t?.foldingRange?.dynamicRegistration],
    ["semanticTokens", t?.semanticTokens?.dynamicRegistration],
  ];
  return new Set(on.filter(([, yes]) => yes === true).map(([name]) => name));
}

export function dockerfileRegistrations(capabilities: ClientCapabilities, bulk: BulkRegistration): void {
  const dynamic = dynamicDockerfileFeatures(capabilities);
  const documentSelector = DOCKERFILE_SELECTOR;
  const text = capabilities.textDocument;
  if (dynamic.has("signatureHelp"))
    bulk.add(SignatureHelpRequest.type, { documentSelector, triggerCharacters: ["-", "[", ",", " ", "="] });
  if (dynamic.has("definition")) bulk.add(DefinitionRequest.type, { documentSelector });
  if (dynamic.has("documentHighlight")) bulk.add(DocumentHighlightRequest.type, { documentSelector });
  if (dynamic.has("documentSymbol")) bulk.add(DocumentSymbolRequest.type, { documentSelector });
  if (dynamic.has("formatting")) bulk.add(DocumentFormattingRequest.type, { documentSelector });
  if (dynamic.has("rangeFormatting")) bulk.add(DocumentRangeFormattingRequest.type, { documentSelector });
  if (dynamic.has("onTypeFormatting"))
    bulk.add(DocumentOnTypeFormattingRequest.type, { documentSelector, ...ON_TYPE_TRIGGERS });
  if (dynamic.has("rename"))
    bulk.add(RenameRequest.type, {
      documentSelector,
      prepareProvider: text?.rename?.prepareSupport === true,
    });
  if (dynamic.has("documentLink"))
    bulk.add(DocumentLinkRequest.type, { documentSelector, resolveProvider: true });
  if (dynamic.has("foldingRange")) bulk.add(FoldingRangeRequest.type, { documentSelector });
  if (dynamic.has("semanticTokens"))
    bulk.add(SemanticTokensRegistrationType.type, {
      documentSelector,
      legend: SEMANTIC_TOKENS_LEGEND,
      full: { delta: false },
      range: true,
    });
}

const ON_TYPE_TRIGGERS = { firstTriggerCharacter: "\\", moreTriggerCharacter: ["`"] };

/** The capabilities without those left undefined (JSON would drop them anyway). */
function present<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function serverCapabilities(capabilities: ClientCapabilities): ServerCapabilities {
  const text = capabilities.textDocument;
  const dynamic = dynamicDockerfileFeatures(capabilities);
  const unless = <T>(feature: string, value: T): T | undefined => (dynamic.has(feature) ? undefined : value);
  return present<ServerCapabilities>({
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { resolveProvider: true, triggerCharacters: ["=", " ", "$", "-", ":"] },
    hoverProvider: true,
    signatureHelpProvider: unless("signatureHelp", { triggerCharacters: ["-", "[", ",", " ", "="] }),
    definitionProvider: unless("definition", true),
    documentHighlightProvider: unless("documentHighlight", true),
    documentSymbolProvider: unless("documentSymbol", true),
    codeActionProvider: text?.codeAction?.codeActionLiteralSupport ? { codeActionKinds: ["quickfix"] } : true,
    documentFormattingProvider: unless("formatting", true),
    documentRangeFormattingProvider: unless("rangeFormatting", true),
    documentOnTypeFormattingProvider: unless("onTypeFormatting", ON_TYPE_TRIGGERS),
    renameProvider: unless(
      "rename",
      text?.rename?.prepareSupport === true ? { prepareProvider: true } : true,
    ),
    documentLinkProvider: unless("documentLink", { resolveProvider: true }),
    foldingRangeProvider: unless("foldingRange", true),
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: Object.values(ServerCommand) },
    semanticTokensProvider:
      text?.semanticTokens && !dynamic.has("semanticTokens")
        ? { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: false }, range: true }
        : undefined,
  });
}
