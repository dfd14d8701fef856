/**
 * The built server (dist/server.js) over stdio, spoken to as an editor would: every standard
 * Dockerfile feature answers through FROM Lens' own server.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DiagnosticSeverity,
  DocumentFormattingRequest,
  DocumentHighlightRequest,
  DocumentLinkRequest,
  DocumentOnTypeFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  RenameRequest,
  SemanticTokensRequest,
  SignatureHelpRequest,
  type Diagnostic,
  type MarkupContent,
  type Position,
  type SymbolInformation,
  type TextDocumentEdit,
} from "vscode-languageserver-protocol";
import { startServer, type TestServer } from "../support/lsp";

const DOCKERFILE = [
  "# syntax=docker/dockerfile:1",
  "ARG NODE_VERSION=22",
  "FROM node:${NODE_VERSION}-alpine AS build",
  "WORKDIR /src",
  "COPY package.json ./",
  "RUN npm ci && \\",
  "    npm run build",
  "from gcr.io/distroless/nodejs22-debian12",
  "COPY --from=build /src/dist /app",
  'CMD ["/app/main.js"]',
  "",
].join("\n");

/** The position of the first `needle` in `text`, plus `delta` characters. */
function at(text: string, needle: string, delta = 0): Position {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the document`);
  const before = text.slice(0, offset + delta).split("\n");
  return { line: before.length - 1, character: (before.at(-1) ?? "").length };
}

let server: TestServer;
let uriCounter = 0;
const nextUri = (): string => `file:///work/ws${++uriCounter}/Dockerfile`;

for (const eol of ["\n", "\r\n"]) {
  const text = DOCKERFILE.replaceAll("\n", eol);
  const label = eol === "\n" ? "LF" : "CRLF";

  describe(`standard Dockerfile features over stdio (${label})`, () => {
    const uri = nextUri();
    let firstDiagnostics: Diagnostic[] = [];
    before(async () => {
      // Offline: these tests are about the standard features; nothing may reach a real registry.
      server = await startServer({ settings: { offline: true } });
      await server.open(uri, text);
      firstDiagnostics = (await server.diagnostics(uri)).diagnostics;
    });
    after(async () => {
      assert.equal(await server.stop(), 0, "the server exits cleanly after shutdown + exit");
    });

    it("announces every standard feature in its capabilities", () => {
      const caps = server.initializeResult.capabilities;
      for (const key of [
        "completionProvider",
        "hoverProvider",
        "signatureHelpProvider",
        "definitionProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "codeActionProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
        "documentOnTypeFormattingProvider",
        "renameProvider",
        "documentLinkProvider",
        "foldingRangeProvider",
        "semanticTokensProvider",
      ] as const) {
        assert.ok(caps[key], `${key} is offered`);
      }
      assert.equal(server.initializeResult.serverInfo?.name, "FROM Lens");
    });

    it("validates on open: a lower-case instruction is a warning", () => {
      const casing = firstDiagnostics.find((d) => d.range.start.line === 7);
      assert.ok(casing, JSON.stringify(firstDiagnostics));
      assert.equal(casing.severity, DiagnosticSeverity.Warning);
      assert.equal(casing.source, "dockerfile-utils");
    });

    it("offers a quick fix that upper-cases the instruction", async () => {
      const casing = firstDiagnostics.find((d) => d.range.start.line === 7);
      assert.ok(casing);
      const actions = await server.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: casing.range,
        context: { diagnostics: [casing] },
      });
      const fix = actions?.find((a) => "title" in a && a.title === "Convert instruction to uppercase");
      assert.ok(fix && "edit" in fix && fix.edit?.documentChanges, JSON.stringify(actions));
      const change = fix.edit.documentChanges[0] as TextDocumentEdit;
      assert.equal(change.textDocument.version, 1, "the edit is guarded by the document version");
      assert.deepEqual(
        change.edits.map((e) => ("newText" in e ? e.newText : undefined)),
        ["FROM"],
      );
    });

    it("completes instructions on an empty line", async () => {
      const items = await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: at(text, "WORKDIR"),
      });
      const labels = (Array.isArray(items) ? items : (items?.items ?? [])).map((i) => i.label);
      const instructions = new Set(labels.map((l) => l.split(" ")[0]));
      for (const instruction of ["FROM", "RUN", "COPY", "ARG", "HEALTHCHECK"])
        assert.ok(instructions.has(instruction), instruction);
    });

    it("completes FROM flags such as --platform", async () => {
      const items = await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: at(text, "FROM node", 5),
      });
      const labels = (Array.isArray(items) ? items : (items?.items ?? [])).map((i) => i.label);
      assert.ok(
        labels.some((l) => l.startsWith("--platform")),
        JSON.stringify(labels),
      );
    });

    it("does not reach Docker Hub on its own to complete an image tag", async () => {
      const started = Date.now();
      const items = await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: at(text, "-alpine AS", 2),
      });
      const list = Array.isArray(items) ? items : (items?.items ?? []);
      assert.deepEqual(list, []);
      assert.ok(Date.now() - started < 2000, "answers at once, without a network round trip");
    });

    it("shows documentation when hovering an instruction", async () => {
      const hover = await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: at(text, "WORKDIR", 2),
      });
      const contents = hover?.contents as MarkupContent;
      assert.equal(contents.kind, "markdown");
      assert.match(contents.value, /working directory/i);
    });

    it("gives signature help for an instruction's arguments", async () => {
      const help = await server.connection.sendRequest(SignatureHelpRequest.type, {
        textDocument: { uri },
        position: at(text, "COPY package.json", 5),
      });
      assert.ok(help && help.signatures.length > 0);
      assert.match(help.signatures[0]?.label ?? "", /COPY/);
    });

    it("lists the build stages as document symbols", async () => {
      const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, {
        textDocument: { uri },
      })) as SymbolInformation[];
      const names = symbols.map((s) => s.name);
      assert.ok(names.includes("FROM"), JSON.stringify(names));
      assert.ok(names.includes("WORKDIR"));
    });

    it("folds the multi-line RUN", async () => {
      const ranges = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
      assert.ok(
        ranges?.some((r) => r.startLine === 5 && r.endLine === 6),
        JSON.stringify(ranges),
      );
    });

    it("highlights a stage name and its uses", async () => {
      const highlights = await server.connection.sendRequest(DocumentHighlightRequest.type, {
        textDocument: { uri },
        position: at(text, "AS build", 4),
      });
      const lines = (highlights ?? []).map((h) => h.range.start.line).sort();
      assert.deepEqual(lines, [2, 8]);
    });

    it("goes to the definition of a stage from COPY --from", async () => {
      const location = await server.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri },
        position: at(text, "--from=build", 8),
      });
      assert.ok(location && !Array.isArray(location) && "range" in location);
      assert.equal(location.range.start.line, 2);
    });

    it("renames a stage everywhere, after preparing the rename", async () => {
      const position = at(text, "--from=build", 8);
      const prepared = await server.connection.sendRequest(PrepareRenameRequest.type, {
        textDocument: { uri },
        position,
      });
      assert.ok(prepared, "the stage name can be renamed");
      const edit = await server.connection.sendRequest(RenameRequest.type, {
        textDocument: { uri },
        position,
        newName: "builder",
      });
      const change = edit?.documentChanges?.[0] as TextDocumentEdit;
      assert.deepEqual(
        change.edits
          .map((e): [number, string] => [e.range.start.line, "newText" in e ? e.newText : ""])
          .sort(),
        [
          [2, "builder"],
          [8, "builder"],
        ],
      );
    });

    it("links image names to their registry pages", async () => {
      const links = await server.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } });
      assert.ok((links ?? []).length >= 1, JSON.stringify(links));
    });

    it("returns semantic tokens", async () => {
      const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, {
        textDocument: { uri },
      });
      assert.ok(tokens && tokens.data.length > 0 && tokens.data.length % 5 === 0);
    });

    it("formats the document, a range, and on type", async () => {
      const messy = ["FROM alpine:3.22", "   RUN echo hi \\", "echo there", ""].join(eol);
      const messyUri = nextUri();
      await server.open(messyUri, messy);
      await server.diagnostics(messyUri);
      const options = { tabSize: 4, insertSpaces: true };
      const whole = await server.connection.sendRequest(DocumentFormattingRequest.type, {
        textDocument: { uri: messyUri },
        options,
      });
      assert.ok(whole && whole.length > 0, "the indented RUN is fixed");
      const range = await server.connection.sendRequest(DocumentRangeFormattingRequest.type, {
        textDocument: { uri: messyUri },
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } },
        options,
      });
      assert.ok(range && range.some((e) => e.range.start.line === 1));
      const onType = await server.connection.sendRequest(DocumentOnTypeFormattingRequest.type, {
        textDocument: { uri: messyUri },
        position: { line: 1, character: 16 },
        ch: "\\",
        options,
      });
      assert.ok(Array.isArray(onType));
    });

    it("reports errors in a broken Dockerfile", async () => {
      const brokenUri = nextUri();
      await server.open(
        brokenUri,
        ["FROM", "EXPOSE abc", "HEALTHCHECK --interval=oops CMD true", ""].join(eol),
      );
      const { diagnostics } = await server.diagnostics(brokenUri);
      const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
      assert.ok(errors.length >= 2, JSON.stringify(diagnostics));
      assert.ok(errors.some((d) => d.range.start.line === 0));
    });
  });
}

describe("FROM Lens' own rules next to the standard validation", () => {
  it("never reports the same problem with a FROM twice", async () => {
    const s = await startServer({ settings: { offline: true } });
    try {
      const uri = nextUri();
      await s.open(uri, "FROM python:\nFROM pyhton:3.12\n");
      const { diagnostics } = await s.diagnostics(uri);
      const onFirst = diagnostics.filter((d) => d.range.start.line === 0);
      assert.equal(onFirst.length, 1, JSON.stringify(onFirst));
      const onSecond = diagnostics.filter((d) => d.range.start.line === 1);
      assert.deepEqual(
        onSecond.map((d) => d.code),
        ["lookalike-image"],
      );
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });
});

describe("settings", () => {
  it(
    "applies fromLens.validate.* severities, and re-validates when they change",
    { timeout: 30_000 },
    async () => {
      const s = await startServer({ settings: { offline: true, validate: { instructionCasing: "error" } } });
      try {
        const uri = nextUri();
        await s.open(uri, "from alpine:3.22\n");
        const first = await s.diagnostics(uri);
        assert.equal(first.diagnostics[0]?.severity, DiagnosticSeverity.Error);
        s.settings = { offline: true, validate: { instructionCasing: "ignore" } };
        await s.settingsChanged();
        // A publish of the first round can still be queued (the resolver settling): skip to the one
        // made with the new settings; the test's timeout fails it if none comes.
        const second = await s.diagnostics(
          uri,
          (p) => !p.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error),
        );
        assert.deepEqual(second.diagnostics, []);
      } finally {
        assert.equal(await s.stop(), 0);
      }
    },
  );

  it("speaks current BuildKit: valid flags pass, codes are names, fromLens.rules.<check> applies", async () => {
    const s = await startServer({ settings: { offline: true, rules: { "instruction-casing": "hint" } } });
    try {
      const uri = nextUri();
      const text = [
        "# check=skip=MaintainerDeprecated",
        "from alpine:3.22",
        "MAINTAINER me",
        "ADD --unpack https://example.com/a.tar.gz /a/",
        "HEALTHCHECK --interval=0s --retries=0 CMD true",
        "COPY --chmod=644 -- a /a",
        "ADD --unpak ./a.tar /a/",
        "",
      ].join("\n");
      await s.open(uri, text);
      const { diagnostics } = await s.diagnostics(uri);
      assert.deepEqual(
        diagnostics.map((d) => [d.range.start.line, d.code, d.severity]),
        [
          [1, "instruction-casing", DiagnosticSeverity.Hint],
          [6, "unknown-flag", DiagnosticSeverity.Error],
        ],
      );
      s.settings = {
        offline: true,
        rules: { "unknown-flag": "off" },
        validate: { instructionCasing: "ignore" },
      };
      await s.settingsChanged();
      assert.deepEqual((await s.diagnostics(uri)).diagnostics, []);
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });

  it("falls back to defaults when the settings are malformed", async () => {
    const s = await startServer({
      settings: { offline: true, validate: { instructionCasing: 42 }, logLevel: ["x"] },
    });
    try {
      const uri = nextUri();
      await s.open(uri, "from alpine:3.22\n");
      const { diagnostics } = await s.diagnostics(uri);
      assert.equal(diagnostics[0]?.severity, DiagnosticSeverity.Warning);
    } finally {
      assert.equal(await s.stop(), 0);
    }
  });
});
