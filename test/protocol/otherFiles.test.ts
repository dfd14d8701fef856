/**
 * The built server over stdio with files that are not Dockerfiles: a Compose file gets FROM Lens'
 * image features (hover, lenses, image diagnostics) and none of the Dockerfile language features
 * (no Dockerfile checks, formatting, folding or colouring), which stay with the YAML tools.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import {
  CodeLensRequest,
  DocumentFormattingRequest,
  FoldingRangeRequest,
  HoverRequest,
  SemanticTokensRequest,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { startServer, type TestServer } from "../support/lsp";

const COMPOSE =
  'services:\n  web:\n    image: python:latest\n    command: ["run", "--from=x"]\n  db:\n    image: postgres:${PG}\n';

let server: TestServer;
before(async () => {
  server = await startServer({ settings: { offline: true } });
});
after(async () => {
  await server.stop();
});

describe("a Compose file in the language server", () => {
  const uri = "file:///work/app/compose.yaml";

  it("gets the image diagnostics only, on the values", async () => {
    const published = server.diagnostics(uri);
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: COMPOSE },
    });
    const { diagnostics } = await published;
    const codes = diagnostics.map((d) => String(d.code)).sort();
    assert.deepEqual(codes, ["latest-tag", "unresolvable-arg"]);
    assert.ok(diagnostics.every((d) => d.source === "FROM Lens"));
    assert.equal(diagnostics.find((d) => d.code === "latest-tag")?.range.start.line, 2);
  });

  it("answers a hover on an image and nothing elsewhere", async () => {
    const hover = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 2, character: 14 },
    });
    assert.match((hover?.contents as MarkupContent).value, /python/);
    const elsewhere = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 3, character: 8 },
    });
    assert.equal(elsewhere, null);
  });

  it("has lenses on its images", async () => {
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.ok(
      (lenses ?? []).some((l) => l.range.start.line === 2),
      JSON.stringify(lenses),
    );
  });

  it("is not formatted, folded or coloured as a Dockerfile", async () => {
    const edits = await server.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits ?? [], []);
    assert.deepEqual(
      (await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? [],
      [],
    );
    const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.deepEqual(tokens?.data ?? [], []);
  });

  it("registers the Dockerfile language features for Dockerfiles only when the client allows", () => {
    // The default test client declares no dynamic registration: they are static, and answered for Dockerfiles only.
    assert.equal(server.initializeResult.capabilities.documentFormattingProvider, true);
  });
});
