/**
 * Incoming document notifications, checked before they reach the document manager. The LSP
 * types say `text` is a string and `version` an integer, but nothing on the wire enforces it: a
 * buggy or hostile client once killed the server with `didOpen` whose text was `null` (an
 * unhandled rejection deep inside the Dockerfile parser). A message that does not have the shape
 * the protocol gives it is dropped with one log line naming what was wrong; the server carries on.
 * Connection-free apart from the adapter at the end, which takes the connection as a parameter.
 */
import type {
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  DidSaveTextDocumentParams,
  Disposable,
  NotificationHandler,
  RequestHandler,
  TextDocumentContentChangeEvent,
  TextEdit,
  WillSaveTextDocumentParams,
} from "vscode-languageserver";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";

/** What `TextDocuments.listen` reads from a connection (the library does not export the type). */
export type TextDocumentConnection = Parameters<TextDocuments<TextDocument>["listen"]>[0];

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a wrong value is named in a log line: its type, never its (possibly huge) content. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return `the number ${String(value)}`;
  return typeof value === "string" ? "a string" : typeof value;
}

const isVersion = (v: unknown): v is number => Number.isSafeInteger(v);
const isUInteger = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function checkPosition(value: unknown, what: string): string | undefined {
  if (!isRecord(value)) return `${what} must be a position (got ${describe(value)})`;
  if (!isUInteger(value.line)) return `${what}.line must be a whole number ≥ 0 (got ${describe(value.line)})`;
  if (!isUInteger(value.character))
    return `${what}.character must be a whole number ≥ 0 (got ${describe(value.character)})`;
  return undefined;
}

/** `textDocument.uri` of any document notification. */
function checkUri(params: unknown): Checked<string> {
  if (!isRecord(params) || !isRecord(params.textDocument))
    return {
      ok: false,
      problem: `textDocument must be an object (got ${describe(isRecord(params) ? params.textDocument : params)})`,
    };
  const uri = params.textDocument.uri;
  if (typeof uri !== "string" || uri === "")
    return { ok: false, problem: `textDocument.uri must be a non-empty string (got ${describe(uri)})` };
  return { ok: true, value: uri };
}

export function checkDidOpen(params: unknown): Checked<DidOpenTextDocumentParams> {
  const uri = checkUri(params);
  if (!uri.ok) return uri;
  const td = (params as { textDocument: Record<string, unknown> }).textDocument;
  if (typeof td.text !== "string")
    return { ok: false, problem: `textDocument.text must be a string (got ${describe(td.text)})` };
  if (!isVersion(td.version))
    return { ok: false, problem: `textDocument.version must be an integer (got ${describe(td.version)})` };
  if (typeof td.languageId !== "string")
    return {
      ok: false,
      problem: `textDocument.languageId must be a string (got ${describe(td.languageId)})`,
    };
  return {
    ok: true,
    value: {
      textDocument: { uri: uri.value, languageId: td.languageId, version: td.version, text: td.text },
    },
  };
}

function checkChange(change: unknown, i: number): Checked<TextDocumentContentChangeEvent> {
  const what = `contentChanges[${i}]`;
  if (!isRecord(change)) return { ok: false, problem: `${what} must be an object (got ${describe(change)})` };
  if (typeof change.text !== "string")
    return { ok: false, problem: `${what}.text must be a string (got ${describe(change.text)})` };
  if (change.range === undefined) return { ok: true, value: { text: change.text } };
  if (!isRecord(change.range))
    return { ok: false, problem: `${what}.range must be a range (got ${describe(change.range)})` };
  const problem =
    checkPosition(change.range.start, `${what}.range.start`) ??
    checkPosition(change.range.end, `${what}.range.end`);
  if (problem) return { ok: false, problem };
  const start = change.range.start as { line: number; character: number };
  const end = change.range.end as { line: number; character: number };
  return {
    ok: true,
    value: {
      range: {
        start: { line: start.line, character: start.character },
        end: { line: end.line, character: end.character },
      },
      text: change.text,
    },
  };
}

export function checkDidChange(params: unknown): Checked<DidChangeTextDocumentParams> {
  const uri = checkUri(params);
  if (!uri.ok) return uri;
  const p = params as { textDocument: Record<string, unknown>; contentChanges?: unknown };
  if (!isVersion(p.textDocument.version))
    return {
      ok: false,
      problem: `textDocument.version must be an integer (got ${describe(p.textDocument.version)})`,
    };
  if (!Array.isArray(p.contentChanges))
    return { ok: false, problem: `contentChanges must be an array (got ${describe(p.contentChanges)})` };
  const changes: TextDocumentContentChangeEvent[] = [];
  for (const [i, change] of p.contentChanges.entries()) {
    const checked = checkChange(change, i);
    if (!checked.ok) return checked;
    changes.push(checked.value);
  }
  return {
    ok: true,
    value: { textDocument: { uri: uri.value, version: p.textDocument.version }, contentChanges: changes },
  };
}

/** didClose, didSave, willSave: only the document's URI is read (and a reason for willSave). */
function checkIdentified<T>(params: unknown): Checked<T> {
  const uri = checkUri(params);
  return uri.ok ? { ok: true, value: params as T } : uri;
}

/**
 * The connection as `TextDocuments.listen` sees it, with every document notification checked
 * first: a malformed one is logged through `reject` (method and problem) and never handled.
 */
export function checkedDocumentConnection(
  connection: TextDocumentConnection,
  reject: (method: string, problem: string) => void,
): TextDocumentConnection {
  const guard =
    <T>(method: string, check: (p: unknown) => Checked<T>, handler: NotificationHandler<T>) =>
    (params: unknown): void => {
      const checked = check(params);
      // The handlers TextDocuments registers are synchronous; `void` only satisfies the type.
      if (checked.ok) void handler(checked.value);
      else reject(method, checked.problem);
    };
  return {
    onDidOpenTextDocument: (h: NotificationHandler<DidOpenTextDocumentParams>): Disposable =>
      connection.onDidOpenTextDocument(guard("textDocument/didOpen", checkDidOpen, h)),
    onDidChangeTextDocument: (h: NotificationHandler<DidChangeTextDocumentParams>): Disposable =>
      connection.onDidChangeTextDocument(guard("textDocument/didChange", checkDidChange, h)),
    onDidCloseTextDocument: (h: NotificationHandler<DidCloseTextDocumentParams>): Disposable =>
      connection.onDidCloseTextDocument(guard("textDocument/didClose", checkIdentified, h)),
    onWillSaveTextDocument: (h: NotificationHandler<WillSaveTextDocumentParams>): Disposable =>
      connection.onWillSaveTextDocument(guard("textDocument/willSave", checkIdentified, h)),
    onDidSaveTextDocument: (h: NotificationHandler<DidSaveTextDocumentParams>): Disposable =>
      connection.onDidSaveTextDocument(guard("textDocument/didSave", checkIdentified, h)),
    onWillSaveTextDocumentWaitUntil: (
      h: RequestHandler<WillSaveTextDocumentParams, TextEdit[] | undefined | null, void>,
    ): Disposable =>
      connection.onWillSaveTextDocumentWaitUntil((params, token) => {
        const checked = checkIdentified<WillSaveTextDocumentParams>(params);
        if (checked.ok) return h(checked.value, token);
        reject("textDocument/willSaveWaitUntil", checked.problem);
        return [];
      }),
  };
}
