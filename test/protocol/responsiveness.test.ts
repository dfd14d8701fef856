/**
 * The built server (dist/server.js) over stdio, treated as a clumsy client would treat it:
 * malformed document notifications must never kill it, and a storm of edits must never keep it
 * from answering. Offline throughout: nothing here may reach a registry.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  LogMessageNotification,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { startServer, type TestServer } from "../support/lsp";

const exits = new WeakMap<TestServer, Promise<never>>();
/** `promise`, or a failure naming the server's last words should the server exit first. */
function whileAlive<T>(server: TestServer, promise: Promise<T>): Promise<T> {
  let exit = exits.get(server);
  if (!exit) {
    exit = new Promise<never>((_, reject) =>
      server.process.on("exit", (code) =>
        reject(new Error(`the server exited (${String(code)}): ${server.stderr().slice(0, 1500)}`)),
      ),
    );
    exit.catch(() => undefined);
    exits.set(server, exit);
  }
  return Promise.race([promise, exit]);
}

/** A hover on `FROM` of a small document, answered by the standard service (no registry). */
async function hoverFrom(server: TestServer, uri: string): Promise<string> {
  const hover = await whileAlive(
    server,
    server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 1 },
    }),
  );
  return (hover?.contents as MarkupContent | undefined)?.value ?? "";
}

describe("malformed document notifications", () => {
  let server: TestServer;
  let exitCode: number | null | undefined;
  const logLines: string[] = [];
  before(async () => {
    server = await startServer({ settings: { offline: true } });
    whileAlive(server, Promise.resolve()).catch(() => undefined);
    server.process.on("exit", (code) => (exitCode = code));
    server.connection.onNotification(LogMessageNotification.type, (p) => void logLines.push(p.message));
  });
  after(async () => {
    if (exitCode === undefined && server.process.exitCode === null) await server.stop();
  });

  const badOpens: [string, unknown][] = [
    ["text null", { uri: "file:///bad/1/Dockerfile", languageId: "dockerfile", version: 1, text: null }],
    ["text a number", { uri: "file:///bad/2/Dockerfile", languageId: "dockerfile", version: 1, text: 42 }],
    [
      "text an object",
      { uri: "file:///bad/3/Dockerfile", languageId: "dockerfile", version: 1, text: { a: 1 } },
    ],
    ["text missing", { uri: "file:///bad/4/Dockerfile", languageId: "dockerfile", version: 1 }],
    [
      "version a string",
      { uri: "file:///bad/5/Dockerfile", languageId: "dockerfile", version: "1", text: "" },
    ],
    ["uri a number", { uri: 7, languageId: "dockerfile", version: 1, text: "FROM alpine\n" }],
  ];

  it("ignores each malformed didOpen with a log line, and keeps answering", async () => {
    for (const [, textDocument] of badOpens) {
      await server.connection.sendNotification(DidOpenTextDocumentNotification.method, { textDocument });
    }
    await server.connection.sendNotification(DidOpenTextDocumentNotification.method, null);
    const uri = "file:///good/Dockerfile";
    await server.open(uri, "FROM alpine:3.20\n");
    await whileAlive(server, server.diagnostics(uri));
    assert.match(await hoverFrom(server, uri), /baseImage/);
    assert.equal(exitCode, undefined, `the server exited: ${server.stderr()}`);
    const ignored = logLines.filter((l) => l.startsWith("ignored textDocument/didOpen"));
    assert.equal(ignored.length, badOpens.length + 1, logLines.join("\n"));
    assert.ok(
      ignored.includes("ignored textDocument/didOpen: textDocument.text must be a string (got null)"),
    );
    assert.ok(
      ignored.includes(
        "ignored textDocument/didOpen: textDocument.text must be a string (got the number 42)",
      ),
    );
  });

  it("ignores malformed didChange (text null, a number, an object; a bad range) and keeps the document", async () => {
    const uri = "file:///good/change/Dockerfile";
    await server.open(uri, "FROM alpine:3.20\n");
    await whileAlive(server, server.diagnostics(uri));
    const changes: unknown[] = [
      [{ text: null }],
      [{ text: 12 }],
      [{ text: { x: 1 } }],
      [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: "x" }],
      [{ range: "everything", text: "x" }],
      "not an array",
    ];
    let version = 2;
    for (const contentChanges of changes) {
      await server.connection.sendNotification(DidChangeTextDocumentNotification.method, {
        textDocument: { uri, version: version++ },
        contentChanges,
      });
    }
    await server.connection.sendNotification(DidChangeTextDocumentNotification.method, {
      textDocument: { uri, version: null },
      contentChanges: [{ text: "FROM x\n" }],
    });
    assert.match(await hoverFrom(server, uri), /baseImage/, "the document is still there, unchanged");
    assert.equal(exitCode, undefined, `the server exited: ${server.stderr()}`);
  });
});

/** `n` stages, each FROM a different image, with a RUN line: a big but ordinary Dockerfile. */
function manyStages(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`FROM registry.invalid/team/app${i}:1.${i} AS stage${i}`, `RUN echo building ${i}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("a burst of 500 edits", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ settings: { offline: true } });
  });
  after(async () => {
    await server.stop();
  });

  for (const stages of [200, 2000]) {
    it(
      `on ${stages} FROMs: an unrelated hover is not held up, the last version's diagnostics come without working through the others`,
      { timeout: 120_000 },
      async () => {
        const uri = `file:///burst/${stages}/Dockerfile`;
        const other = `file:///burst/${stages}/other/Dockerfile`;
        await server.open(other, "FROM alpine:3.20\n");
        await server.diagnostics(other);
        const text = manyStages(stages);
        await server.open(uri, text);
        await server.diagnostics(uri);
        // Typing at the end of the last line, one character per edit, 500 edits in about 2 s.
        const lastLine = stages * 2 - 1;
        const column = `RUN echo building ${stages - 1}`.length;
        const edits = 500;
        for (let i = 0; i < edits; i++) {
          await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 + i },
            contentChanges: [
              {
                range: {
                  start: { line: lastLine, character: column + i },
                  end: { line: lastLine, character: column + i },
                },
                text: i % 2 === 0 ? "x" : "y",
              },
            ],
          });
          if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const lastVersion = 2 + edits - 1;
        const sent = Date.now();
        const last = server.diagnostics(uri, (p) => p.version === lastVersion);
        assert.match(await hoverFrom(server, other), /baseImage/);
        const hoverMs = Date.now() - sent;
        await last;
        const diagnosticsMs = Date.now() - sent;
        console.log(`${stages} FROMs: unrelated hover ${hoverMs} ms, last diagnostics ${diagnosticsMs} ms`);
        // The goals (hover < 200 ms, diagnostics < 1 s) are measured by bench/responsiveness.bench.ts;
        // here, bounds five times as wide, which a busy CI machine meets and a server that works
        // through every version (9 s to 187 s before) does not.
        assert.ok(hoverMs < 1000, `the unrelated hover took ${hoverMs} ms`);
        assert.ok(diagnosticsMs < 5000, `the last version's diagnostics took ${diagnosticsMs} ms`);
      },
    );
  }
});
