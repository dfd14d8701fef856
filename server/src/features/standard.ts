/**
 * The standard Dockerfile editing features — completion, hover docs, signature help, validation,
 * formatting, symbols, folding, highlights, links, rename, definition and the service's quick
 * fixes — all from `dockerfile-language-service`, adapted to our settings and to
 * what the client can do. Pure: text in, LSP objects out. Nothing here is re-implemented (semantic
 * tokens are FROM Lens' own, in semanticTokens.ts: the service's do not scale).
 *
 * One deliberate change: the service completes image tags in `FROM` by calling Docker Hub itself
 * (a direct https request that ignores proxies, credentials, rate limits and offline mode), so
 * completion inside an image reference is not delegated; FROM Lens answers it from its own
 * registry client.
 */
import {
  DockerfileLanguageServiceFactory,
  type DockerfileLanguageService,
  type FormatterSettings,
} from "dockerfile-language-service";
import { parseDockerfile, shareParsesWithLibraries } from "../dockerfile";
import { ValidationSeverity, type ValidatorSettings } from "dockerfile-utils";
import {
  CodeActionKind,
  TextDocumentEdit,
  VersionedTextDocumentIdentifier,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionContext,
  type CompletionItem,
  type Diagnostic,
  type FormattingOptions,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { rangeContains } from "../ranges";
import { VALIDATE_RULES, type FromLensSettings, type ValidateRule } from "../settings";
import { ignoreAboveLineEdit, ignoreInFileEdit } from "./rules/support/suppression";
import {
  correctStandardDiagnostics,
  isStandardCheck,
  STANDARD_SOURCE,
  validationCodeOf,
} from "./standardChecks";
import { TextDocument } from "vscode-languageserver-textdocument";

export function createStandardService(capabilities: ClientCapabilities): DockerfileLanguageService {
  // The service parses each version once more for itself; let it reuse FROM Lens' parse.
  shareParsesWithLibraries();
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  const text = capabilities.textDocument;
  const rangeLimit = text?.foldingRange?.rangeLimit;
  service.setCapabilities({
    completion: {
      completionItem: {
        deprecatedSupport: text?.completion?.completionItem?.deprecatedSupport === true,
        documentationFormat: text?.completion?.completionItem?.documentationFormat ?? [],
        snippetSupport: text?.completion?.completionItem?.snippetSupport === true,
      },
    },
    hover: { contentFormat: text?.hover?.contentFormat ?? [] },
    foldingRange: {
      lineFoldingOnly: text?.foldingRange?.lineFoldingOnly === true,
      rangeLimit: typeof rangeLimit === "number" ? rangeLimit : Number.MAX_VALUE,
    },
  });
  return service;
}

/**
 * dockerfile-utils runs with every check on; standardChecks.ts then applies FROM Lens' settings,
 * names and corrections (its own severities would only cover nine of its checks).
 */
export function validatorSettings(): ValidatorSettings {
  const out: ValidatorSettings = {};
  for (const rule of Object.keys(VALIDATE_RULES) as ValidateRule[]) out[rule] = ValidationSeverity.WARNING;
  return out;
}

/** The standard checks, corrected to BuildKit's behaviour, named, at the severities the user chose. */
export function validateStandard(
  service: DockerfileLanguageService,
  text: string,
  settings: FromLensSettings,
): Diagnostic[] {
  return correctStandardDiagnostics(text, service.validate(text, validatorSettings()), settings);
}

export function formatterSettings(options: FormattingOptions, settings: FromLensSettings): FormatterSettings {
  return { ...options, ignoreMultilineInstructions: settings.format.ignoreMultilineInstructions };
}

/** True where the service would complete an image tag by calling Docker Hub on its own. */
export function isInImageTag(text: string, position: Position): boolean {
  const dockerfile = parseDockerfile(text);
  return dockerfile.getFROMs().some((from) => rangeContains(from.getImageTagRange(), position));
}

export async function completeStandard(
  service: DockerfileLanguageService,
  text: string,
  position: Position,
): Promise<CompletionItem[]> {
  if (isInImageTag(text, position)) return [];
  return await service.computeCompletionItems(text, position);
}

/** A workspace edit for `edits`, guarded by the document version when the client supports it. */
export function workspaceEdit(
  uri: string,
  version: number,
  edits: TextEdit[],
  documentChanges: boolean,
): WorkspaceEdit {
  return documentChanges
    ? {
        documentChanges: [
          TextDocumentEdit.create(VersionedTextDocumentIdentifier.create(uri, version), edits),
        ],
      }
    : { changes: { [uri]: edits } };
}

/** Diagnostics of the service's own validator carry this source. */
export const STANDARD_DIAGNOSTIC_SOURCE = STANDARD_SOURCE;

/** "Ignore <check> here" / "… in this file": FROM Lens' suppression comments, for a standard check. */
function ignoreActions(
  doc: { uri: string; version: number; text: string },
  diagnostic: Diagnostic,
  documentChanges: boolean,
): CodeAction[] {
  const code = diagnostic.code;
  if (!isStandardCheck(code)) return [];
  const ctx = { doc: TextDocument.create(doc.uri, "dockerfile", doc.version, doc.text) };
  const line = diagnostic.range.start.line;
  const instruction = parseDockerfile(doc.text)
    .getInstructions()
    .find((i) => i.getRange().start.line <= line && i.getRange().end.line >= line);
  const out: CodeAction[] = [];
  const above =
    instruction === undefined ? undefined : ignoreAboveLineEdit(ctx, instruction.getRange().start.line, code);
  if (above !== undefined) {
    out.push({
      title: `Ignore ${code} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: workspaceEdit(doc.uri, doc.version, [above], documentChanges),
    });
  }
  const file = ignoreInFileEdit(ctx, code);
  if (file !== undefined) {
    out.push({
      title: `Ignore ${code} in this file`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: workspaceEdit(doc.uri, doc.version, [file], documentChanges),
    });
  }
  return out;
}

/** The service's quick fixes for its own diagnostics in `context`, as code actions carrying their edits. */
export function standardCodeActions(
  service: DockerfileLanguageService,
  doc: { uri: string; version: number; text: string },
  range: Range,
  context: CodeActionContext,
  documentChanges: boolean,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of context.diagnostics) {
    if (diagnostic.source !== STANDARD_DIAGNOSTIC_SOURCE) continue;
    // The service knows its checks by dockerfile-utils' numbers (kept in `data`), and rewrites
    // `code` on the objects it is given: hand it a copy with the number.
    const ignores = ignoreActions(doc, diagnostic, documentChanges);
    const code = validationCodeOf(diagnostic);
    if (code === undefined) {
      actions.push(...ignores);
      continue;
    }
    const message = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
    const commands = service.computeCodeActions({ uri: doc.uri }, range, {
      diagnostics: [{ ...diagnostic, code, message }],
    });
    for (const command of commands) {
      const args = (command.arguments ?? []) as unknown[];
      const edits = service.computeCommandEdits(doc.text, command.command, args);
      if (edits.length === 0) continue;
      actions.push({
        title: command.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: commands.length === 1,
        edit: workspaceEdit(doc.uri, doc.version, edits, documentChanges),
      });
    }
    actions.push(...ignores);
  }
  return actions;
}
