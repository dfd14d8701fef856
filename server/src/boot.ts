/**
 * The language server's entry (dist/server.js): runs the server's bundle, dist/serverMain.js,
 * through the V8 code cache (codeCache.ts) and writes the cache once the start's code is compiled.
 * Everything else — the connection, `--stdio` / `--node-ipc` / `--socket`, the handlers — is the
 * bundle's (server.ts), unchanged.
 */
import { join } from "node:path";
import { CODE_CACHE_OUTCOME, codeCacheDir, runBundle, WRITE_AFTER_MS } from "./codeCache";

const dir = codeCacheDir();
const loaded = runBundle(join(__dirname, "serverMain.js"), dir, module, (outcome) => {
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_OUTCOME] = outcome;
});
setTimeout(loaded.write, WRITE_AFTER_MS).unref();
process.once("exit", loaded.write);
