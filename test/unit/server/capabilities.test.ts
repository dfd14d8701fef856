import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  dockerfileRegistrations,
  DOCKERFILE_SELECTOR,
  serverCapabilities,
} from "../../../server/src/capabilities";

function registered(
  capabilities: Parameters<typeof serverCapabilities>[0],
): { method: string; options: unknown }[] {
  const out: { method: string; options: unknown }[] = [];
  const bulk = {
    add: (type: { method: string }, options: unknown) => out.push({ method: type.method, options }),
  };
  dockerfileRegistrations(capabilities, bulk);
  return out;
}

describe("capabilities for a client that registers dynamically (VS Code)", () => {
  const dynamic = { dynamicRegistration: true };
  const caps = {
    textDocument: {
      formatting: dynamic,
      rangeFormatting: dynamic,
      onTypeFormatting: dynamic,
      foldingRange: dynamic,
      documentSymbol: dynamic,
      semanticTokens: {
        ...dynamic,
        requests: { full: true },
        tokenTypes: [],
        tokenModifiers: [],
        formats: ["relative" as const],
      },
    },
  };

  it("registers formatting, folding, symbols and colouring for Dockerfiles only, not statically", () => {
    const r = registered(caps);
    assert.deepEqual(r.map((x) => x.method).sort(), [
      "textDocument/documentSymbol",
      "textDocument/foldingRange",
      "textDocument/formatting",
      "textDocument/onTypeFormatting",
      "textDocument/rangeFormatting",
      "textDocument/semanticTokens",
    ]);
    for (const x of r)
      assert.deepEqual((x.options as { documentSelector: unknown }).documentSelector, DOCKERFILE_SELECTOR);
    const s = serverCapabilities(caps);
    assert.equal(s.documentFormattingProvider, undefined);
    assert.equal(s.foldingRangeProvider, undefined);
    assert.equal(s.semanticTokensProvider, undefined);
    assert.equal(s.hoverProvider, true, "image features stay for every file");
    assert.equal(s.definitionProvider, true, "no dynamic definition: static");
  });

  it("keeps them static for a client without dynamic registration", () => {
    assert.deepEqual(registered({}), []);
    assert.equal(serverCapabilities({}).documentFormattingProvider, true);
  });
});
