/**
 * What the server offers, computed once from what the client can do (`initialize`).
 */
import {
  TextDocumentSyncKind,
  type ClientCapabilities,
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

export function serverCapabilities(capabilities: ClientCapabilities): ServerCapabilities {
  const text = capabilities.textDocument;
  return {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { resolveProvider: true, triggerCharacters: ["=", " ", "$", "-", ":"] },
    hoverProvider: true,
    signatureHelpProvider: { triggerCharacters: ["-", "[", ",", " ", "="] },
    definitionProvider: true,
    documentHighlightProvider: true,
    documentSymbolProvider: true,
    codeActionProvider: text?.codeAction?.codeActionLiteralSupport ? { codeActionKinds: ["quickfix"] } : true,
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    documentOnTypeFormattingProvider: { firstTriggerCharacter: "\\", moreTriggerCharacter: ["`"] },
    renameProvider: text?.rename?.prepareSupport === true ? { prepareProvider: true } : true,
    documentLinkProvider: { resolveProvider: true },
    foldingRangeProvider: true,
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: Object.values(ServerCommand) },
    semanticTokensProvider: text?.semanticTokens
      ? { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: false }, range: true }
      : undefined,
  };
}
