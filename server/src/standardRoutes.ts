/**
 * Wiring of the standard Dockerfile requests that FROM Lens answers with
 * dockerfile-language-service alone (signature help, definition, highlights, symbols, folding,
 * links, semantic tokens, rename, formatting). Kept apart so server.ts stays the short map of
 * FROM Lens' own features.
 */
import type { DockerfileLanguageService } from "dockerfile-language-service";
import type { Connection, TextDocuments } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ClientSupport } from "./capabilities";
import * as standard from "./features/standard";
import { isDockerfileDocument } from "./sources";
import type { FromLensSettings } from "./settings";

export function routeStandardFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: () => DockerfileLanguageService,
  settings: (uri: string) => Promise<FromLensSettings>,
  support: () => ClientSupport,
): void {
  // Only Dockerfiles get the Dockerfile language features; other files FROM Lens reads (Compose,
  // Kubernetes, workflows, …) get its image features alone, leaving the rest to their own tools.
  const text = <E, T>(uri: string, empty: E, fn: (doc: TextDocument, text: string) => T): T | E => {
    const doc = documents.get(uri);
    return doc && isDockerfileDocument(doc) ? fn(doc, doc.getText()) : empty;
  };
  connection.onCompletionResolve((item) => service().resolveCompletionItem(item));
  connection.onSignatureHelp((p) =>
    text(p.textDocument.uri, null, (_, t) => service().computeSignatureHelp(t, p.position)),
  );
  connection.onDefinition((p) =>
    text(p.textDocument.uri, null, (_, t) => service().computeDefinition(p.textDocument, t, p.position)),
  );
  connection.onDocumentHighlight((p) =>
    text(p.textDocument.uri, [], (_, t) => service().computeHighlightRanges(t, p.position)),
  );
  connection.onDocumentSymbol((p) =>
    text(p.textDocument.uri, [], (_, t) => service().computeSymbols(p.textDocument, t)),
  );
  connection.onFoldingRanges((p) =>
    text(p.textDocument.uri, [], (_, t) => service().computeFoldingRanges(t)),
  );
  connection.onDocumentLinks((p) => text(p.textDocument.uri, [], (_, t) => service().computeLinks(t)));
  connection.onDocumentLinkResolve((link) => service().resolveLink(link));
  connection.languages.semanticTokens.on((p) =>
    text(p.textDocument.uri, { data: [] }, (_, t) => service().computeSemanticTokens(t)),
  );
  connection.onPrepareRename((p) =>
    text(p.textDocument.uri, null, (_, t) => service().prepareRename(t, p.position)),
  );
  connection.onRenameRequest((p) =>
    text(p.textDocument.uri, null, (doc, t) =>
      standard.workspaceEdit(
        doc.uri,
        doc.version,
        service().computeRename(p.textDocument, t, p.position, p.newName),
        support().documentChanges,
      ),
    ),
  );
  connection.onDocumentFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service().format(t, standard.formatterSettings(p.options, await settings(doc.uri))),
    ),
  );
  connection.onDocumentRangeFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service().formatRange(t, p.range, standard.formatterSettings(p.options, await settings(doc.uri))),
    ),
  );
  connection.onDocumentOnTypeFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service().formatOnType(
        t,
        p.position,
        p.ch,
        standard.formatterSettings(p.options, await settings(doc.uri)),
      ),
    ),
  );
}
