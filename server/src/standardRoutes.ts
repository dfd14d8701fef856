/**
 * Wiring of the standard Dockerfile requests that FROM Lens answers with
 * dockerfile-language-service alone (signature help, definition, highlights, symbols, folding,
 * links, rename, formatting) and FROM Lens' own semantic tokens. Kept apart so server.ts stays
 * the short map of FROM Lens' own features. Above `fromLens.largeDocumentKB` the expensive ones
 * answer empty (see largeDocuments.ts).
 */
import type { DockerfileLanguageService } from "dockerfile-language-service";
import type {
  CancellationToken,
  Connection,
  SemanticTokens,
  TextDocuments,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ClientSupport } from "./capabilities";
import { provideSemanticTokensRange, semanticTokenSteps } from "./features/semanticTokens";
import * as standard from "./features/standard";
import { isDockerfileDocument } from "./sources";
import type { LargeDocuments } from "./largeDocuments";
import type { FromLensSettings } from "./settings";

/** How long full semantic tokens run before letting other requests in. */
const TOKENS_SLICE_MS = 15;

/** Runs the token steps, yielding to the event loop every few ms; stops if the request is cancelled. */
async function semanticTokensYielding(text: string, token: CancellationToken): Promise<SemanticTokens> {
  const steps = semanticTokenSteps(text);
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since > TOKENS_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (token.isCancellationRequested) return { data: [] };
      since = performance.now();
    }
  }
}

export function routeStandardFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: DockerfileLanguageService,
  settings: (uri: string) => Promise<FromLensSettings>,
  support: ClientSupport,
  large: LargeDocuments,
): void {
  // Only Dockerfiles get the Dockerfile language features; other files FROM Lens reads (Compose,
  // Kubernetes, workflows, …) get its image features alone, leaving the rest to their own tools.
  /** `fn` on the open Dockerfile, or `empty` for one we do not have or one above the size limit. */
  const text = async <E, T>(
    uri: string,
    empty: E,
    fn: (doc: TextDocument, text: string) => T | Promise<T>,
  ): Promise<T | E> => {
    const doc = documents.get(uri);
    if (!doc || !isDockerfileDocument(doc)) return empty;
    if (large.check(uri, doc.getText().length, await settings(uri))) return empty;
    return fn(doc, doc.getText());
  };
  connection.onCompletionResolve((item) => service.resolveCompletionItem(item));
  connection.onSignatureHelp((p) =>
    text(p.textDocument.uri, null, (_, t) => service.computeSignatureHelp(t, p.position)),
  );
  connection.onDefinition((p) =>
    text(p.textDocument.uri, null, (_, t) => service.computeDefinition(p.textDocument, t, p.position)),
  );
  connection.onDocumentHighlight((p) =>
    text(p.textDocument.uri, [], (_, t) => service.computeHighlightRanges(t, p.position)),
  );
  connection.onDocumentSymbol((p) =>
    text(p.textDocument.uri, [], (_, t) => service.computeSymbols(p.textDocument, t)),
  );
  connection.onFoldingRanges((p) => text(p.textDocument.uri, [], (_, t) => service.computeFoldingRanges(t)));
  connection.onDocumentLinks((p) => text(p.textDocument.uri, [], (_, t) => service.computeLinks(t)));
  connection.onDocumentLinkResolve((link) => service.resolveLink(link));
  connection.languages.semanticTokens.on((p, token) =>
    text(p.textDocument.uri, { data: [] }, (_, t) => semanticTokensYielding(t, token)),
  );
  // Bounded by the range, whatever the document's size: answered for large documents too.
  connection.languages.semanticTokens.onRange((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc ? provideSemanticTokensRange(doc.getText(), p.range) : { data: [] };
  });
  connection.onPrepareRename((p) =>
    text(p.textDocument.uri, null, (_, t) => service.prepareRename(t, p.position)),
  );
  connection.onRenameRequest((p) =>
    text(p.textDocument.uri, null, (doc, t) =>
      standard.workspaceEdit(
        doc.uri,
        doc.version,
        service.computeRename(p.textDocument, t, p.position, p.newName),
        support.documentChanges,
      ),
    ),
  );
  connection.onDocumentFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service.format(t, standard.formatterSettings(p.options, await settings(doc.uri))),
    ),
  );
  connection.onDocumentRangeFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service.formatRange(t, p.range, standard.formatterSettings(p.options, await settings(doc.uri))),
    ),
  );
  connection.onDocumentOnTypeFormatting((p) =>
    text(p.textDocument.uri, [], async (doc, t) =>
      service.formatOnType(
        t,
        p.position,
        p.ch,
        standard.formatterSettings(p.options, await settings(doc.uri)),
      ),
    ),
  );
}
