/**
 * What every command shares: the output streams (`Io`), reading the files, building the
 * `Engine` and resolving every reference before a command reads the answers.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "../../../server/src/dockerfile";
import { Engine } from "../../../server/src/engine";
import { officialCounterpart } from "../../../server/src/features/officialCounterpart";
import { createLogger } from "../../../server/src/log";
import type { Lookup } from "../../../server/src/resolver/types";
import type { FromLensSettings } from "../../../server/src/settings";
import { sourceKindOf } from "../../../server/src/sources";
import { requestFor } from "../../../server/src/workspace";
import type { Options } from "../args";
import { describe } from "../config";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A progress line that the next one replaces (only on a terminal); undefined: none. */
  progress?: (s: string) => void;
  /** Writes a file (check --output); the default writes to disk. */
  writeFile?: (path: string, text: string) => void;
}

export interface Loaded {
  path: string;
  doc: TextDocument;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Why an image counts as not checked: no definite answer from its registry. */
export function uncheckedReason(lookup: Lookup): string | undefined {
  switch (lookup.state) {
    case "resolved":
      return undefined;
    case "unknown":
    case "resolving":
      return "no answer in time";
    case "error":
      switch (lookup.error.kind) {
        case "not-found":
          return undefined; // a definite answer: the check reports it
        case "offline":
          return "offline, not in the cache";
        case "unauthorized":
        case "denied":
          return "no access to the registry";
        case "auth-misconfigured":
          return "the registry's sign-in is misconfigured";
        case "rate-limited":
          return "rate-limited";
        case "timeout":
          return "the registry timed out";
        case "network":
          return "the registry could not be reached";
        case "bad-response":
          return "the registry gave an unusable answer";
        case "cancelled":
          return "cancelled";
      }
  }
}

export function remoteRefs(refs: readonly ImageRef[], settings: FromLensSettings): ImageRef[] {
  return refs.filter((r) => requestFor(r, settings) !== undefined);
}

/** The language a file is read as: a named file is a Dockerfile unless its name or content says otherwise. */
function languageOf(file: string, text: string): string {
  const kind = sourceKindOf(file, undefined, text);
  if (kind === undefined || kind === "dockerfile") return "dockerfile";
  return kind === "devcontainer" || kind === "bake" ? "jsonc" : "yaml";
}

/** Reads the files; an unreadable one is reported and makes the run fatal, the others go on. */
export function load(files: readonly string[], cwd: string, io: Io): { loaded: Loaded[]; failed: number } {
  const loaded: Loaded[] = [];
  let failed = 0;
  for (const file of files) {
    const path = resolve(cwd, file);
    try {
      const text = readFileSync(path, "utf8");
      loaded.push({
        path: file,
        doc: TextDocument.create(pathToFileURL(path).toString(), languageOf(file, text), 1, text),
      });
    } catch (error) {
      io.err(`from-lens: cannot read ${file}: ${describe(error)}`);
      failed++;
    }
  }
  return { loaded, failed };
}

/** Queues every reference of every document, then waits for all of them, at most `timeoutMs` in all. */
export async function resolveAll(
  engine: Engine,
  docs: readonly TextDocument[],
  settings: FromLensSettings,
  timeoutMs: number,
  io: Io,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const all: ImageRef[] = [];
  for (const doc of docs) {
    const refs = engine.workspace.update(doc, settings, "visible");
    all.push(...refs, ...refs.map(officialCounterpart).filter((r): r is ImageRef => r !== undefined));
  }
  const remote = remoteRefs(all, settings);
  let done = 0;
  const report = (): void => io.progress?.(`resolving images ${done}/${remote.length}…`);
  if (remote.length > 0) report();
  await Promise.all(
    remote.map(async (ref) => {
      await engine.workspace.waitFor(ref, settings, Math.max(0, deadline - Date.now()));
      // unsigned-image needs the signatures looked up (in the editor the server starts that itself).
      if (settings.trust.requireSignature || settings.rules["unsigned-image"] !== "off")
        await engine.workspace.checkSignature(ref, settings, Math.max(0, deadline - Date.now()));
      done++;
      report();
    }),
  );
  io.progress?.("");
}

export function createEngine(options: Options, settings: FromLensSettings, io: Io): Engine {
  const log = createLogger(
    { error: io.err, warn: io.err, info: io.err, log: io.err },
    () => settings.logLevel,
  );
  return new Engine(
    settings,
    {
      ...(options.cacheDir ? { storagePath: resolve(options.cwd, options.cacheDir) } : {}),
      workspaceTrusted: true,
    },
    log,
    () => undefined,
    options.concurrency,
  );
}
