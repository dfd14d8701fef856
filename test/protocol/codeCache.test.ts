/**
 * The server's entry (dist/server.js) loads the bundle through a V8 code cache: the first start
 * writes it (here at exit), the next start uses it, and the log says which.
 */
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startServer } from "../support/lsp";
import { makeTempDir, removeTempDir } from "../support/tmp";

async function startAndStop(env: NodeJS.ProcessEnv): Promise<string[]> {
  const server = await startServer({ env: { ...process.env, ...env } });
  const logs: string[] = [];
  server.connection.onNotification(
    "window/logMessage",
    (p: { message: string }) => void logs.push(p.message),
  );
  // The ready line follows the configuration round trip of `initialized`.
  for (let i = 0; i < 200 && !logs.some((l) => l.includes("language server ready")); i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(await server.stop(), 0);
  return logs;
}

describe("the V8 code cache of the server's bundle", () => {
  it("is written by the first start and used by the next", async () => {
    const home = await makeTempDir("from-lens-code-cache");
    try {
      const env = { XDG_CACHE_HOME: join(home, "xdg"), FROM_LENS_CODE_CACHE: join(home, "cc") };
      const first = await startAndStop(env);
      assert.ok(
        first.some((l) => l.includes("(code cache: none yet)")),
        first.join("\n"),
      );
      const files = readdirSync(env.FROM_LENS_CODE_CACHE);
      assert.equal(files.length, 1, files.join(", "));
      const file = join(env.FROM_LENS_CODE_CACHE, files[0] ?? "");
      assert.ok(statSync(file).size > 100_000, "a cache of the whole bundle");
      if (process.platform !== "win32") assert.equal(statSync(file).mode & 0o077, 0, "private");
      const written = statSync(file).mtimeMs;

      const second = await startAndStop(env);
      assert.ok(
        second.some((l) => l.includes("(code cache: used)")),
        second.join("\n"),
      );
      assert.equal(statSync(file).mtimeMs, written, "a start that used the cache does not rewrite it");

      const off = await startAndStop({ ...env, FROM_LENS_CODE_CACHE: "off" });
      assert.ok(
        off.some((l) => l.includes("(code cache: off)")),
        off.join("\n"),
      );
    } finally {
      await removeTempDir(home);
    }
  });
});
