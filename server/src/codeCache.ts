/**
 * Loads the server's bundle (dist/serverMain.js) with a V8 code cache, as Node 22's
 * `module.enableCompileCache()` does for modules (Node 20 and VS Code's Electron have no such
 * switch): V8 compiling the ~0.9 MB bundle and then each function it runs on first call was
 * about half of the ~110 ms the bundle took to load, on every start. The cache holds the
 * compiled code of what the last run had compiled by the time it was written, so a later start
 * (and its first edits) skip that work.
 *
 * - Where: `FROM_LENS_CODE_CACHE` (a directory; `off` turns the cache off), else `code-cache`
 *   in the user cache dir FROM Lens already uses (XDG_CACHE_HOME or ~/.cache, `from-lens`).
 *   A directory another user owns, or that others may write to, is never read: a code cache is
 *   code.
 * - Which: the file is named by the SHA-256 of the bundle's text, the Node and V8 versions and
 *   the architecture. V8 itself checks only the source's length, so the content hash is what
 *   keeps a cache from being used for another build; V8 still rejects a cache made with other
 *   flags, and a rejected or unreadable cache is simply replaced.
 * - When: written once per process, `WRITE_AFTER_MS` after the start (the first document's
 *   work compiled by then) or at exit if sooner; only the current build's file is kept.
 * Any failure means a start without the cache, never a start that fails.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import Module, { createRequire } from "node:module";
import * as os from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** Where the entry leaves this start's outcome for the server's log (a global: two bundles). */
export const CODE_CACHE_OUTCOME = Symbol.for("from-lens.codeCacheOutcome");

/** What the entry left at CODE_CACHE_OUTCOME, if it ran (tests start server.ts without it). */
export function codeCacheOutcome(): CodeCacheOutcome | undefined {
  return (globalThis as Record<symbol, unknown>)[CODE_CACHE_OUTCOME] as CodeCacheOutcome | undefined;
}

/** Written this long after the start (or at exit, if that comes first). */
export const WRITE_AFTER_MS = 5000;

/** What happened to the cache at this start, for the log. */
export type CodeCacheOutcome = "used" | "none yet" | "rejected by V8" | "off" | "unusable directory";

/** The cache directory, or undefined when the cache is off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.FROM_LENS_CODE_CACHE?.trim();
  if (configured === "off") return undefined;
  if (configured) return configured;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "darwin" ? join(os.homedir(), "Library", "Caches") : join(os.homedir(), ".cache"));
  return join(base, "from-lens", "code-cache");
}

/** The cache file's name for this bundle text on this runtime. */
export function codeCacheFileName(
  source: string,
  runtime: { node: string; v8: string; arch: string } = {
    node: process.version,
    v8: process.versions.v8,
    arch: process.arch,
  },
): string {
  const hash = createHash("sha256")
    .update(`${runtime.node}\0${runtime.v8}\0${runtime.arch}\0`)
    .update(source)
    .digest("hex");
  return `server-${hash.slice(0, 32)}.v8cache`;
}

/**
 * True if `dir` may hold code we run: ours (same uid) and not writable by group or others.
 * Windows has no such modes; there the per-user profile directory is what keeps others out.
 */
export function isPrivateDir(dir: string, uid: number | undefined = process.getuid?.()): boolean {
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) return false;
    if (uid === undefined) return true;
    return st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Creates the directory (private) if missing; true if it is then safe to use. */
function ensurePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(dir);
}

/** Writes `data` to `file` atomically (a private temporary file, then a rename). */
function writeAtomically(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Removes the other builds' cache files (and temporary files left by a crash). */
function removeOthers(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== keep && /^server-[0-9a-f]+\.v8cache(\.\d+\.tmp)?$/.test(name)) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // another process's file, or already gone
      }
    }
  }
}

export interface LoadedBundle {
  outcome: CodeCacheOutcome;
  /** Writes the cache now if this start did not use a valid one (idempotent; never throws). */
  write: () => void;
}

/**
 * Runs the CommonJS bundle at `bundlePath` as `require` would (its own `module`, `exports`,
 * `require`, `__filename`, `__dirname`), compiled with the code cache in `dir` when there is a
 * valid one; `announce` hears the outcome before the bundle runs.
 */
export function runBundle(
  bundlePath: string,
  dir: string | undefined,
  parent?: NodeJS.Module,
  announce?: (outcome: CodeCacheOutcome) => void,
): LoadedBundle {
  const source = readFileSync(bundlePath, "utf8");
  const file = dir === undefined ? undefined : join(dir, codeCacheFileName(source));
  let outcome: CodeCacheOutcome = dir === undefined ? "off" : "none yet";
  let cachedData: Buffer | undefined;
  if (dir !== undefined && file !== undefined) {
    if (!ensurePrivateDir(dir)) outcome = "unusable directory";
    else {
      try {
        cachedData = readFileSync(file);
      } catch {
        cachedData = undefined; // none yet
      }
    }
  }
  const script = new Script(Module.wrap(source), {
    filename: bundlePath,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  if (cachedData !== undefined) outcome = script.cachedDataRejected === true ? "rejected by V8" : "used";

  let written = outcome === "used" || outcome === "off" || outcome === "unusable directory";
  const write = (): void => {
    if (written || dir === undefined || file === undefined) return;
    written = true;
    try {
      writeAtomically(file, script.createCachedData());
      removeOthers(dir, codeCacheFileName(source));
    } catch {
      // a read-only or full disk: the next start compiles, as this one did
    }
  };

  announce?.(outcome);
  const mod = new Module(bundlePath, parent);
  mod.filename = bundlePath;
  // Node's own (undocumented in @types/node) way to give a module its node_modules search paths.
  const nodeModulePaths = (Module as unknown as { _nodeModulePaths: (from: string) => string[] })
    ._nodeModulePaths;
  mod.paths = nodeModulePaths(dirname(bundlePath));
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: NodeJS.Module,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(bundlePath), mod, bundlePath, dirname(bundlePath));
  mod.loaded = true;
  return { outcome, write };
}
