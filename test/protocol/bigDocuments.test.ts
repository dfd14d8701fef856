/**
 * Big documents against the built server (dist/server.js over stdio): semantic tokens never keep
 * other requests waiting, and above `fromLens.largeDocumentKB` the expensive standard features
 * step aside (with a log line) while the image features keep working, their references read on a
 * worker thread so that no other request waits for the parse. Offline throughout.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import {
  DocumentFormattingRequest,
  FoldingRangeRequest,
  HoverRequest,
  LogMessageNotification,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
  type MarkupContent,
  type SemanticTokens,
} from "vscode-languageserver-protocol";
import { SEMANTIC_TOKENS_LEGEND } from "../../server/src/features/semanticTokens";
import { startServer, type TestServer } from "../support/lsp";

/** A Dockerfile of about `bytes`: a few stages, long continued RUNs, comments, variables, strings. */
function bigDockerfile(bytes: number): string {
  const head = "# syntax=docker/dockerfile:1\nARG VERSION=1\nFROM alpine:latest AS base\n";
  const unit = [
    "# install a few things",
    'RUN echo "step ${VERSION:-1}" && \\',
    "    apk add --no-cache curl 'git' $EXTRA && \\",
    "    rm -rf /var/cache/apk/*",
    'ENV A=1 B="two"',
    "",
  ].join("\n");
  return head + unit.repeat(Math.ceil(bytes / unit.length)) + 'FROM base AS final\nCMD ["sh"]\n';
}

/** Sends a hover to a small, unrelated document every 25 ms until `until` settles; returns the worst wait. */
async function worstHoverWhile(server: TestServer, uri: string, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let worst = 0;
  while (!done) {
    const sent = performance.now();
    const hover = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 1 },
    });
    worst = Math.max(worst, performance.now() - sent);
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? "", /baseImage/);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return worst;
}

function assertInLegend(tokens: SemanticTokens | null): void {
  assert.ok(tokens, "tokens");
  assert.ok(tokens.data.length > 0, "some tokens");
  for (let i = 3; i < tokens.data.length; i += 5) {
    assert.ok((tokens.data[i] ?? -1) < SEMANTIC_TOKENS_LEGEND.tokenTypes.length, `type ${tokens.data[i]}`);
  }
}

describe("big documents", () => {
  let server: TestServer;
  const logLines: string[] = [];
  const other = "file:///big/other/Dockerfile";
  before(async () => {
    // The limit raised from its default (64 KB) so that the 200 KB document is under it.
    server = await startServer({ settings: { offline: true, largeDocumentKB: 256 } });
    server.connection.onNotification(LogMessageNotification.type, (p) => void logLines.push(p.message));
    await server.open(other, "FROM alpine:3.20\n");
    await server.diagnostics(other);
  });
  after(async () => {
    await server.stop();
  });

  it("advertises full and range semantic tokens with the legend the tokens use", () => {
    const provider = server.initializeResult.capabilities.semanticTokensProvider;
    assert.deepEqual(provider?.legend, SEMANTIC_TOKENS_LEGEND);
    assert.equal(provider?.range, true);
  });

  it(
    "full semantic tokens of a 200 KB document keep no other request waiting",
    { timeout: 120_000 },
    async () => {
      const uri = "file:///big/200k/Dockerfile";
      await server.open(uri, bigDockerfile(200 * 1024));
      await server.diagnostics(uri);
      const tokens = server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
      const worst = await worstHoverWhile(server, other, tokens);
      assertInLegend(await tokens);
      console.log(`200 KB full semantic tokens: worst unrelated hover ${worst.toFixed(0)} ms`);
      assert.ok(worst < 500, `an unrelated hover waited ${worst.toFixed(0)} ms`);
    },
  );

  it(
    "a 4 MB document keeps its image diagnostics and range tokens, skips the expensive standard features with a log line",
    { timeout: 120_000 },
    async () => {
      const uri = "file:///big/4m/Dockerfile";
      const text = bigDockerfile(4 * 1024 * 1024);
      const opened = performance.now();
      await server.open(uri, text);
      const diagnostics = server.diagnostics(uri);
      const worstWhileOpening = await worstHoverWhile(server, other, diagnostics);
      const published = await diagnostics;
      const diagnosticsMs = performance.now() - opened;
      // FROM Lens' own rule still runs: `alpine:latest` is flagged.
      assert.ok(
        published.diagnostics.some((d) => d.code === "latest-tag"),
        JSON.stringify(published.diagnostics.map((d) => d.code)),
      );
      // The standard validator did not run (it would flag nothing here, but takes minutes).
      assert.ok(!published.diagnostics.some((d) => d.source === "dockerfile-utils"));
      assert.ok(
        logLines.some((l) => l.startsWith(`${uri} is 4096 KB, above fromLens.largeDocumentKB (256 KB)`)),
        logLines.join("\n"),
      );

      const full = server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
      const worstWhileTokens = await worstHoverWhile(server, other, full);
      assert.deepEqual((await full)?.data, [], "full tokens skipped above the limit");
      const middle = Math.floor(text.split("\n").length / 2);
      const sent = performance.now();
      const range = await server.connection.sendRequest(SemanticTokensRangeRequest.type, {
        textDocument: { uri },
        range: { start: { line: middle, character: 0 }, end: { line: middle + 60, character: 0 } },
      });
      const rangeMs = performance.now() - sent;
      assertInLegend(range);
      assert.deepEqual(
        await server.connection.sendRequest(DocumentFormattingRequest.type, {
          textDocument: { uri },
          options: { tabSize: 4, insertSpaces: true },
        }),
        [],
      );
      assert.deepEqual(
        await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } }),
        [],
      );
      const hover = await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 2, character: 8 },
      });
      assert.match((hover?.contents as MarkupContent | undefined)?.value ?? "", /alpine/);
      console.log(
        `4 MB: diagnostics ${diagnosticsMs.toFixed(0)} ms, worst unrelated hover while opening ${worstWhileOpening.toFixed(0)} ms, ` +
          `while full tokens ${worstWhileTokens.toFixed(0)} ms; range tokens ${rangeMs.toFixed(0)} ms`,
      );
      assert.ok(rangeMs < 1000, `range tokens took ${rangeMs.toFixed(0)} ms`);
      // The goal is 100 ms (bench/responsiveness.bench.ts); read on the server's own thread, the
      // 4 MB parse kept every other request waiting 1.5 s (seconds more on a busy machine).
      assert.ok(
        worstWhileOpening < 500,
        `an unrelated hover waited ${worstWhileOpening.toFixed(0)} ms while the 4 MB document was read`,
      );
      assert.ok(diagnosticsMs < 30_000, `the image diagnostics took ${diagnosticsMs.toFixed(0)} ms`);
    },
  );
});
