/**
 * The suite that runs INSIDE a real VS Code extension host: VS Code loads this module (built to
 * dist/test/suite/index.js) as `extensionTestsPath` and awaits `run()`. The same file serves
 * both hosts: code-server (test/vscode/codeServer.test.ts) and @vscode/test-electron
 * (test/vscode/electron.ts).
 *
 * A tiny runner of named async cases, each with its own time limit, records pass/fail per case
 * and writes the results file (see ../results.ts) after every case, so a host that gives up still
 * sees how far the suite got. Waits are for VS Code's events (diagnostics), never for time; the
 * one poll is for extension activation, for which VS Code has no event.
 */
import * as assert from "node:assert/strict";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as vscode from "vscode";
import { RESULTS_ENV, resultsPathIn } from "../results";
import type { CaseResult, SuiteResults } from "../results";

const EXTENSION_ID = "from-lens.from-lens";
const CASE_TIMEOUT_MS = 20_000;

interface TestCase {
  name: string;
  run: () => Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error("the suite needs a workspace folder: open a copy of test/fixtures/workspace");
  return folder.uri;
}

function fixture(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), name);
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixture(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Resolves with the result of `probe` once it is defined, or rejects after `timeoutMs`. */
async function pollFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function ours(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => d.source === "dockerfile-utils");
}

function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({ line: d.range.start.line, message: d.message, source: d.source })),
  );
}

/**
 * Resolves once the diagnostics of `uri` satisfy `accept`, checking now and at every
 * onDidChangeDiagnostics for it; rejects after `timeoutMs`.
 */
function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(
        new Error(
          `${what}: not within ${timeoutMs} ms; diagnostics now: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
        ),
      );
    }, timeoutMs);
    check();
  });
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === "string" ? item.label : item.label.label;
}

function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === "string" ? content : content.value))
    .join("\n");
}

function applyEdits(doc: vscode.TextDocument, edits: readonly vscode.TextEdit[]): string {
  let text = doc.getText();
  const byOffsetDescending = [...edits].sort(
    (a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start),
  );
  for (const edit of byOffsetDescending) {
    text =
      text.slice(0, doc.offsetAt(edit.range.start)) + edit.newText + text.slice(doc.offsetAt(edit.range.end));
  }
  return text;
}

function symbolLine(symbol: vscode.SymbolInformation | vscode.DocumentSymbol): number {
  return "location" in symbol ? symbol.location.range.start.line : symbol.range.start.line;
}

async function completionLabels(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    "vscode.executeCompletionItemProvider",
    uri,
    position,
  );
  // Word-based suggestions come as Text items; the server's instructions are Keywords.
  return list.items.filter((item) => item.kind === vscode.CompletionItemKind.Keyword).map(label);
}

async function hoverAt(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    "vscode.executeHoverProvider",
    uri,
    position,
  );
  return hoverText(hovers);
}

// In fixtures/workspace/Dockerfile: line 2 `FROM python:${PYTHON_VERSION}-slim AS builder`,
// line 7 `FROM … AS runtime`, line 9 `COPY --from=builder /wheels /wheels`.
const FROM_KEYWORD = new vscode.Position(2, 1);
const BUILDER_DECLARATION = new vscode.Position(2, 40);
const BUILDER_USE = new vscode.Position(9, 15);

// ---------------------------------------------------------------------------------------------
// Cases

const cases: TestCase[] = [
  {
    name: "activates when a Dockerfile is opened",
    run: async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host`);
      assert.equal(extension.isActive, false, "the extension was active before any Dockerfile was opened");
      await open("Dockerfile");
      await pollFor(() => (extension.isActive ? true : undefined), "activation after opening a Dockerfile");
    },
  },
  {
    name: "gives Dockerfile, Containerfile, build.dockerfile and Dockerfile.prod the language id dockerfile",
    run: async () => {
      for (const name of ["Dockerfile", "Containerfile", "build.dockerfile", "Dockerfile.prod"]) {
        const doc = await vscode.workspace.openTextDocument(fixture(name));
        assert.equal(doc.languageId, "dockerfile", `language id of ${name}`);
      }
    },
  },
  {
    name: "publishes diagnostics for a broken Dockerfile",
    run: async () => {
      const doc = await open("broken.Dockerfile");
      const diagnostics = ours(
        await waitForDiagnostics(
          doc.uri,
          (all) => ours(all).length >= 2,
          "dockerfile-utils diagnostics for broken.Dockerfile",
        ),
      );
      const unknown = diagnostics.find((d) => d.message.includes("Unknown instruction: RUNN"));
      assert.ok(unknown, `no "Unknown instruction: RUNN" in ${describeDiagnostics(diagnostics)}`);
      assert.equal(unknown.range.start.line, 1);
      assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
      assert.ok(
        diagnostics.some((d) => d.range.start.line === 2 && /tcpx/.test(d.message)),
        `no diagnostic for the bad EXPOSE protocol in ${describeDiagnostics(diagnostics)}`,
      );
    },
  },
  {
    name: "completes instructions on an empty line",
    run: async () => {
      const doc = await vscode.workspace.openTextDocument({
        language: "dockerfile",
        content: "FROM alpine:3.20\n",
      });
      const labels = await completionLabels(doc.uri, new vscode.Position(1, 0));
      for (const instruction of ["RUN", "COPY", "WORKDIR", "HEALTHCHECK", "ONBUILD"]) {
        assert.ok(
          labels.some((l) => l === instruction || l.startsWith(`${instruction} `)),
          `completion lacks ${instruction}: ${JSON.stringify(labels)}`,
        );
      }
    },
  },
  {
    name: "hover on FROM shows its documentation",
    run: async () => {
      const doc = await open("Dockerfile");
      const text = await hoverAt(doc.uri, FROM_KEYWORD);
      assert.match(text, /Set the `baseImage` to use for subsequent instructions/);
      assert.match(text, /docs\.docker\.com\/engine\/reference\/builder\/#from/);
    },
  },
  {
    name: "formatting removes the indentation before instructions",
    run: async () => {
      const doc = await vscode.workspace.openTextDocument(fixture("unformatted.Dockerfile"));
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>(
        "vscode.executeFormatDocumentProvider",
        doc.uri,
        { tabSize: 4, insertSpaces: true },
      );
      assert.ok(edits && edits.length > 0, "no formatting edits");
      assert.equal(applyEdits(doc, edits), "FROM alpine:3.20\nRUN echo one\nWORKDIR /app\n");
    },
  },
  {
    name: "document symbols list every build stage",
    run: async () => {
      const doc = await vscode.workspace.openTextDocument(fixture("Dockerfile"));
      const symbols = await vscode.commands.executeCommand<
        (vscode.SymbolInformation | vscode.DocumentSymbol)[]
      >("vscode.executeDocumentSymbolProvider", doc.uri);
      const stages = symbols.filter((s) => s.name === "FROM").map(symbolLine);
      assert.deepEqual(
        stages,
        [2, 7],
        `FROM symbols: ${JSON.stringify(symbols.map((s) => [s.name, symbolLine(s)]))}`,
      );
    },
  },
  {
    name: "renaming a stage renames its declaration and every COPY --from",
    run: async () => {
      const doc = await vscode.workspace.openTextDocument(fixture("Dockerfile"));
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>(
        "vscode.executeDocumentRenameProvider",
        doc.uri,
        BUILDER_DECLARATION,
        "wheels",
      );
      assert.ok(edit, "no rename edit");
      const edits = edit.get(doc.uri);
      assert.deepEqual(
        edits
          .map((e) => ({ line: e.range.start.line, old: doc.getText(e.range), newText: e.newText }))
          .sort((a, b) => a.line - b.line),
        [
          { line: 2, old: "builder", newText: "wheels" },
          { line: 9, old: "builder", newText: "wheels" },
        ],
      );
    },
  },
  {
    name: "go to definition of COPY --from=builder lands on its stage",
    run: async () => {
      const doc = await vscode.workspace.openTextDocument(fixture("Dockerfile"));
      const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        "vscode.executeDefinitionProvider",
        doc.uri,
        BUILDER_USE,
      );
      const lines = locations.map((l) =>
        "targetRange" in l ? l.targetRange.start.line : l.range.start.line,
      );
      assert.deepEqual(lines, [2]);
    },
  },
  {
    name: "fromLens.restartServer restarts the server and features still answer",
    run: async () => {
      const broken = await open("broken.Dockerfile");
      await waitForDiagnostics(broken.uri, (all) => ours(all).length >= 2, "diagnostics before the restart");
      // The old client clears its diagnostics when it stops; the new server publishes them again.
      let clearedByStop = false;
      const republished = waitForDiagnostics(
        broken.uri,
        (all) => {
          if (ours(all).length === 0) clearedByStop = true;
          return clearedByStop && ours(all).length >= 2;
        },
        "diagnostics cleared by the restart and published again by the new server",
      );
      await vscode.commands.executeCommand("fromLens.restartServer");
      await republished;
      const dockerfile = await vscode.workspace.openTextDocument(fixture("Dockerfile"));
      assert.match(await hoverAt(dockerfile.uri, FROM_KEYWORD), /baseImage/, "hover after the restart");
      const labels = await completionLabels(dockerfile.uri, new vscode.Position(6, 0));
      assert.ok(
        labels.includes("FROM") || labels.some((l) => l.startsWith("FROM ")),
        `completion after the restart: ${JSON.stringify(labels)}`,
      );
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Runner

function resultsPath(): string {
  const fromEnv = process.env[RESULTS_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return resultsPathIn(workspaceFolder().fsPath);
}

async function writeResults(path: string, results: SuiteResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(results, null, 2) + "\n");
  await rename(temp, path); // atomic: the host never reads half a file
}

function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export async function run(): Promise<void> {
  const path = resultsPath();
  const results: SuiteResults = {
    state: "running",
    host: `${vscode.env.appName} ${vscode.version}`,
    extensionVersion: (
      vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { version?: string } | undefined
    )?.version,
    startedAt: new Date().toISOString(),
    cases: [],
  };
  await writeResults(path, results);
  for (const testCase of cases) {
    const started = Date.now();
    let result: CaseResult;
    try {
      await withTimeout(testCase.run(), CASE_TIMEOUT_MS, testCase.name);
      result = { name: testCase.name, ok: true, durationMs: Date.now() - started };
    } catch (error) {
      result = {
        name: testCase.name,
        ok: false,
        durationMs: Date.now() - started,
        error: describeError(error),
      };
    }
    results.cases.push(result);
    console.log(`${result.ok ? "ok" : "FAILED"} - ${testCase.name} (${result.durationMs} ms)`);
    await writeResults(path, results);
  }
  results.state = "done";
  results.finishedAt = new Date().toISOString();
  await writeResults(path, results);
  const failed = results.cases.filter((c) => !c.ok);
  if (failed.length > 0) {
    // test-electron turns a rejection into a non-zero exit code.
    throw new Error(
      `${failed.length} of ${results.cases.length} cases failed: ${failed.map((c) => c.name).join("; ")}`,
    );
  }
}
