/**
 * A feature context reads each reference's lookup once: every rule of a diagnostics pass asks
 * for the same references, and each ask used to parse the reference text and build its resolver
 * key again (a quarter of what the server allocated while 1,000 images resolved, the garbage
 * behind its RSS peak; bench/memory.bench.ts).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../../../server/src/engine";
import { provideDiagnostics } from "../../../server/src/features/diagnostics";
import type { Logger } from "../../../server/src/log";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";

const quiet: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describe("ImageWorkspace.context", () => {
  it("asks the resolver once per reference in a diagnostics pass, whatever the number of rules", async () => {
    const storage = mkdtempSync(join(tmpdir(), "from-lens-context-"));
    const settings = { ...DEFAULT_SETTINGS, offline: true, hubApiUrl: "http://127.0.0.1:9" };
    const engine = new Engine(
      settings,
      { storagePath: storage, hubRegistryUrl: "http://127.0.0.1:9" },
      quiet,
      () => undefined,
    );
    try {
      const froms = Array.from(
        { length: 20 },
        (_, i) => `FROM registry.invalid/team/app${i}:1.${i} AS s${i}`,
      );
      const doc = TextDocument.create(
        "file:///w/Dockerfile",
        "dockerfile",
        1,
        `${froms.join("\nRUN true\n")}\n`,
      );
      engine.workspace.update(doc, settings);
      const lookup = engine.resolver.lookup.bind(engine.resolver);
      let asked = 0;
      engine.resolver.lookup = (request) => {
        asked++;
        return lookup(request);
      };
      const ctx = engine.workspace.context(doc, settings);
      provideDiagnostics(ctx);
      provideDiagnostics(ctx);
      assert.equal(asked, 20, "one resolver lookup per reference");
      // A new context (a new request, or after a change) reads the resolver again.
      provideDiagnostics(engine.workspace.context(doc, settings));
      assert.equal(asked, 40);
    } finally {
      await engine.close();
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
