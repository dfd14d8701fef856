/**
 * The built server (dist/server.js) spoken to by a minimal LSP client, the way many editors are:
 * no `workspace/configuration` (settings come as initializationOptions or pushed with
 * didChangeConfiguration), no CodeAction literals, plain-text hovers only, no versioned edits.
 * Image lookups go to a loopback listener that counts every request, so "offline" is checked
 * by what reached the network, not by what the server says.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  CodeLensRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  HoverRequest,
  ShowMessageRequest,
  type ClientCapabilities,
  type Command,
  type Diagnostic,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { startServer, type StartOptions, type TestServer } from "../support/lsp";

/** What editors such as Sublime's or an old Neovim declare at the least. */
const MINIMAL: ClientCapabilities = {
  workspace: { applyEdit: true },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    hover: { contentFormat: ["plaintext"] },
    codeAction: {},
    codeLens: {},
  },
};

interface Listener {
  url: string;
  /** Requests received, as "METHOD path". */
  requests: string[];
  /** Resolves at the next request (or at once if one came since the last reset). */
  nextRequest(): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
}

/** A loopback "registry" that answers 404 to everything and counts what reached it. */
async function startListener(): Promise<Listener> {
  const requests: string[] = [];
  let waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? "?"} ${req.url ?? ""}`);
    for (const w of waiting) w();
    waiting = [];
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "NAME_UNKNOWN", message: "repository name not known" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextRequest: () =>
      requests.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve)),
    reset: () => void requests.splice(0),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let listener: Listener;
let uriCount = 0;
const nextUri = (): string => `file:///work/minimal${++uriCount}/Dockerfile`;

before(async () => {
  listener = await startListener();
});
after(async () => {
  await listener.stop();
});

/** A minimal client whose image lookups go to the counting listener. */
function launch(fromLens: Record<string, unknown> = {}, options: StartOptions = {}): Promise<TestServer> {
  return startServer({
    capabilities: MINIMAL,
    ...options,
    initializationOptions: {
      hubRegistryUrl: listener.url,
      settings: { fromLens: { hubApiUrl: listener.url, hover: { waitMs: 10_000 }, ...fromLens } },
      ...options.initializationOptions,
    },
  });
}

async function hover(
  server: TestServer,
  uri: string,
  line: number,
  character: number,
): Promise<MarkupContent> {
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line, character },
  });
  assert.ok(h !== null && typeof h.contents === "object" && "kind" in h.contents, JSON.stringify(h));
  return h.contents;
}

function push(server: TestServer, fromLens: Record<string, unknown>): Promise<void> {
  return server.connection.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { fromLens },
  });
}

describe("settings without workspace/configuration", { timeout: 30_000 }, () => {
  it("looks images up when nothing says offline (the listener sees the requests)", async () => {
    const server = await launch();
    try {
      listener.reset();
      const uri = nextUri();
      await server.open(uri, "FROM alpine:3.22\n");
      await listener.nextRequest();
      assert.ok(listener.requests.length > 0);
    } finally {
      await server.stop();
    }
  });

  it("honours offline from initializationOptions.settings.fromLens: not one request", async () => {
    const server = await launch({ offline: true });
    try {
      listener.reset();
      const uri = nextUri();
      await server.open(uri, "FROM alpine:3.22\n");
      const card = await hover(server, uri, 0, 7);
      assert.match(card.value, /offline/i);
      assert.deepEqual(listener.requests, []);
    } finally {
      await server.stop();
    }
  });

  it("honours offline pushed with didChangeConfiguration { settings: { fromLens } }, also after going online", async () => {
    const server = await launch();
    try {
      listener.reset();
      const first = nextUri();
      await server.open(first, "FROM alpine:3.22\n");
      await hover(server, first, 0, 7); // the lookup went out and settled
      assert.ok(listener.requests.length > 0);
      await push(server, { offline: true });
      listener.reset();
      const second = nextUri();
      await server.open(second, "FROM python:3.13-alpine\n");
      const card = await hover(server, second, 0, 7);
      assert.match(card.value, /offline/i);
      const refreshed: unknown = await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: "fromLens.server.refresh",
        arguments: [{}],
      });
      assert.deepEqual(refreshed, { ok: true });
      await hover(server, first, 0, 7);
      assert.deepEqual(listener.requests, [], "offline: nothing reached the network");
    } finally {
      await server.stop();
    }
  });
});

describe("a minimal client", { timeout: 30_000 }, () => {
  let server: TestServer;
  const uri = nextUri();
  let diagnostics: Diagnostic[] = [];
  const text = "from alpine:3.22\nWORKDIR /app\n";
  before(async () => {
    server = await launch({ offline: true });
    await server.open(uri, text);
    diagnostics = (await server.diagnostics(uri)).diagnostics;
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  it("offers only lenses whose command the server executes", async () => {
    await hover(server, uri, 0, 7); // settled: the offline error lens is there
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.ok(lenses !== null && lenses.length > 0, "an error lens for the offline image");
    const provider = server.initializeResult.capabilities.executeCommandProvider?.commands ?? [];
    for (const lens of lenses) {
      assert.ok(lens.command !== undefined && provider.includes(lens.command.command), JSON.stringify(lens));
      const result: unknown = await server.connection.sendRequest(ExecuteCommandRequest.type, lens.command);
      assert.deepEqual(result, { ok: true }, lens.command.title);
    }
  });

  it("sends an unknown command's warning as a notification, never a request", async () => {
    let requests = 0;
    const disposable = server.connection.onRequest(ShowMessageRequest.type, () => {
      requests++;
      return null;
    });
    try {
      const before = server.messages.length;
      const result: unknown = await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: "fromLens.server.noSuchCommand",
        arguments: [],
      });
      assert.deepEqual(result, {
        ok: false,
        message: "FROM Lens does not know the command fromLens.server.noSuchCommand.",
      });
      const message = server.messages.slice(before).find((m) => /noSuchCommand/.test(m.message));
      assert.ok(message !== undefined, JSON.stringify(server.messages));
      assert.equal(message.type, 2, "a warning");
      assert.equal(requests, 0);
    } finally {
      disposable.dispose();
    }
  });

  it("answers code actions as Commands the server executes, editing with plain changes", async () => {
    const casing = diagnostics.find((d) => d.range.start.line === 0 && d.source === "dockerfile-utils");
    assert.ok(casing !== undefined, JSON.stringify(diagnostics));
    const actions = await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: casing.range,
      context: { diagnostics: [casing] },
    });
    assert.ok(actions !== null && actions.length > 0);
    for (const a of actions) {
      assert.equal(typeof (a as Command).command, "string", JSON.stringify(a));
      assert.equal("edit" in a, false, "no CodeAction literal");
    }
    const fix = actions.find((a) => /uppercase/i.test(a.title)) as Command | undefined;
    assert.ok(fix !== undefined, JSON.stringify(actions.map((a) => a.title)));
    const result: unknown = await server.connection.sendRequest(ExecuteCommandRequest.type, fix);
    assert.deepEqual(result, { ok: true });
    const edit = server.appliedEdits.at(-1);
    assert.equal(edit?.documentChanges, undefined, "the client takes no versioned edits");
    const edits = edit?.changes?.[uri];
    assert.deepEqual(
      edits?.map((e) => e.newText),
      ["FROM"],
    );
  });

  it("answers hovers in plain text: the image card and the instruction docs", async () => {
    const card = await hover(server, uri, 0, 7);
    assert.equal(card.kind, "plaintext");
    assert.match(card.value, /^docker\.io\/library\/alpine:3\.22$/m);
    assert.doesNotMatch(card.value, /\*\*|`/);
    const docs = await hover(server, uri, 1, 2);
    assert.equal(docs.kind, "plaintext");
    assert.match(docs.value, /working directory/i);
  });

  it("does not publish the same diagnostics again", async () => {
    // The same settings again: everything is recomputed, nothing changed, nothing is sent…
    await push(server, { hubApiUrl: listener.url, hover: { waitMs: 10_000 }, offline: true });
    // …then a change that does alter them: the next diagnostics published must be those.
    await push(server, {
      hubApiUrl: listener.url,
      hover: { waitMs: 10_000 },
      offline: true,
      validate: { instructionCasing: "error" },
    });
    const isError = (d: Diagnostic): boolean =>
      d.source === "dockerfile-utils" && d.range.start.line === 0 && d.severity === DiagnosticSeverity.Error;
    await server.diagnostics(uri, (p) => p.diagnostics.some(isError));
    const log = server.publishLog.filter((p) => p.uri === uri).map((p) => JSON.stringify(p));
    assert.ok(log.length >= 2);
    for (let i = 1; i < log.length; i++)
      assert.notEqual(log[i], log[i - 1], `publish ${i} repeats the one before`);
  });
});

describe("the VS Code client's own commands", { timeout: 30_000 }, () => {
  it("are in lenses only for a client that lists them in initializationOptions.clientCommands", async () => {
    const server = await launch(
      { offline: true },
      { initializationOptions: { clientCommands: ["fromLens.showOutput"] } },
    );
    try {
      const uri = nextUri();
      await server.open(uri, "FROM alpine:3.22\n");
      await hover(server, uri, 0, 7);
      const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      assert.ok(
        lenses?.some((l) => l.command?.command === "fromLens.showOutput"),
        JSON.stringify(lenses),
      );
    } finally {
      await server.stop();
    }
  });
});
