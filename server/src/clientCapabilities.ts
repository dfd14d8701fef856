/**
 * What FROM Lens adapts to in the client beyond capabilities.ts' basics, so every LSP editor
 * gets answers it can show and commands it can run: the hover's format, whether code actions may
 * be CodeAction literals or must be Commands, and which client-side commands exist. Pure.
 */
import {
  MarkupKind,
  TextDocumentEdit,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { isRecord } from "./json";
import { ServerCommand, type ApplyEditsArgs } from "./protocol";

export interface ClientFeatures {
  /** Markdown when the client lists it in `hover.contentFormat`; otherwise plain text. */
  hoverFormat: MarkupKind;
  /** The client takes CodeAction objects (`codeActionLiteralSupport`); otherwise only Commands. */
  codeActionLiterals: boolean;
  /** Client-side commands the client said it has (`initializationOptions.clientCommands`). */
  clientCommands: ReadonlySet<string>;
}

export function clientFeatures(
  capabilities: ClientCapabilities,
  initializationOptions: unknown,
): ClientFeatures {
  const text = capabilities.textDocument;
  const formats = text?.hover?.contentFormat ?? [];
  const listed = isRecord(initializationOptions) ? initializationOptions.clientCommands : undefined;
  return {
    hoverFormat: formats.includes(MarkupKind.Markdown) ? MarkupKind.Markdown : MarkupKind.PlainText,
    codeActionLiterals: text?.codeAction?.codeActionLiteralSupport !== undefined,
    clientCommands: new Set(
      Array.isArray(listed) ? listed.filter((c): c is string => typeof c === "string") : [],
    ),
  };
}

/** The edits of `edit` for document `uri` (either form), or undefined when it touches anything else. */
function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if (!TextDocumentEdit.is(change) || change.textDocument.uri !== uri) return undefined;
    for (const e of change.edits) {
      // A snippet edit has no plain-text form an applyEdits command could carry.
      if (!("newText" in e)) return undefined;
      edits.push({ range: e.range, newText: e.newText });
    }
  }
  for (const [target, list] of Object.entries(edit.changes ?? {})) {
    if (target !== uri) return undefined;
    edits.push(...list);
  }
  return edits;
}

/**
 * Code actions as the Commands a client without `codeActionLiteralSupport` understands: each
 * edit becomes the server's applyEdits command, guarded by the document version (as the literal
 * would be). An action that edits another document is left out rather than half-applied.
 */
export function codeActionsAsCommands(
  actions: readonly CodeAction[],
  doc: { uri: string; version: number },
): Command[] {
  const commands: Command[] = [];
  for (const action of actions) {
    if (action.edit === undefined) {
      if (action.command !== undefined) commands.push({ ...action.command, title: action.title });
      continue;
    }
    const edits = editsFor(action.edit, doc.uri);
    if (edits === undefined || action.command !== undefined) continue;
    const args: ApplyEditsArgs = { uri: doc.uri, version: doc.version, edits, label: action.title };
    commands.push({ title: action.title, command: ServerCommand.applyEdits, arguments: [args] });
  }
  return commands;
}
