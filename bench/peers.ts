/**
 * FROM Lens' language server against rcjsuen's dockerfile-language-server-nodejs (the server most
 * Dockerfile editors run), both over stdio, in the same run: the time from spawning the process to
 * the `initialize` result, and the time from an edit (`didChange`) of a 200-FROM Dockerfile to the
 * diagnostics published after it. FROM Lens runs offline on an empty cache here, so what is timed
 * is its own work on the document (no registry answer to wait for, the same for both).
 *
 * FROM Lens' starts are restarts, as most starts are: its V8 code cache (server/src/codeCache.ts)
 * was written by an earlier, unrecorded start. Its first start after an install or update, with
 * no code cache yet, is timed too (`firstStartMs`: spawn → initialize result only).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { CAPABILITIES, REPO_ROOT, SERVER_JS } from "../test/support/lsp";

export const RCJSUEN_SERVER = join(
  REPO_ROOT,
  "node_modules",
  "dockerfile-language-server-nodejs",
  "bin",
  "docker-langserver",
);

export interface PeerTimes {
  /** spawn → initialize result, one per start. */
  startMs: number[];
  /** FROM Lens only: the same with no code cache yet (the first start after an install). */
  firstStartMs?: number[];
  /** didChange → the next publishDiagnostics for the document, one per edit. */
  diagnosticsMs: number[];
}

const URI = "file:///bench/many/Dockerfile";

function document(froms: number, edit: number): string {
  const lines = ["# syntax=docker/dockerfile:1"];
  for (let i = 0; i < froms; i++) {
    lines.push(`FROM alpine:3.${(i + edit) % 22} AS stage${i}`, `RUN echo ${i}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Spawns a language server over stdio with an XDG cache dir of its own, as a client that answers
 * `workspace/configuration` with `fromLens` for FROM Lens' section (other sections: defaults) and
 * every request the servers may send a client with null.
 */
export function spawnLanguageServer(
  script: string,
  cacheDir: string,
  fromLens: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; connection: ProtocolConnection } {
  const child = spawn(process.execPath, [script, "--stdio"], {
    stdio: ["pipe", "pipe", "ignore"],
    env: { ...process.env, XDG_CACHE_HOME: cacheDir, ...env },
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.onRequest("workspace/configuration", (params: { items?: { section?: string }[] }) =>
    (params.items ?? []).map((i) => (i.section === "fromLens" ? fromLens : null)),
  );
  for (const method of [
    "client/registerCapability",
    "window/workDoneProgress/create",
    "workspace/codeLens/refresh",
    "workspace/semanticTokens/refresh",
    "workspace/inlayHint/refresh",
  ])
    connection.onRequest(method, () => null);
  return { child, connection };
}

async function run(
  script: string,
  cacheDir: string,
  froms: number,
  edits: number,
  env: NodeJS.ProcessEnv = {},
): Promise<PeerTimes> {
  const started = performance.now();
  // Offline, so no registry is asked; rcjsuen's server reads its own section (absent: defaults).
  const { child, connection } = spawnLanguageServer(script, cacheDir, { offline: true }, env);
  let onPublish: ((p: PublishDiagnosticsParams) => void) | undefined;
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    if (p.uri === URI) onPublish?.(p);
  });
  connection.listen();
  const nextPublish = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics from ${script} within 30 s`)), 30_000);
      onPublish = () => {
        clearTimeout(timer);
        onPublish = undefined;
        resolve();
      };
    });
  try {
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: CAPABILITIES,
      initializationOptions: { storagePath: cacheDir },
    });
    const startMs = performance.now() - started;
    await connection.sendNotification("initialized", {});
    const opened = nextPublish();
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: URI, languageId: "dockerfile", version: 1, text: document(froms, 0) },
    });
    await opened;
    const diagnosticsMs: number[] = [];
    for (let edit = 1; edit <= edits; edit++) {
      const published = nextPublish();
      const sent = performance.now();
      await connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: URI, version: edit + 1 },
        contentChanges: [{ text: document(froms, edit) }],
      });
      await published;
      diagnosticsMs.push(performance.now() - sent);
    }
    return { startMs: [startMs], diagnosticsMs };
  } finally {
    await stopLanguageServer(connection, child);
  }
}

/** shutdown + exit, then kill the process if it has not exited within 3 s. */
export async function stopLanguageServer(connection: ProtocolConnection, child: ChildProcess): Promise<void> {
  await connection.sendRequest("shutdown").catch(() => undefined);
  await connection.sendNotification("exit").catch(() => undefined);
  connection.dispose();
  if (child.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, 3000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Both servers, alternately, `starts` times each; `edits` edits per start. FROM Lens' code cache
 * lives in `cacheDir(starts)` for the run, written by one unrecorded start first; each round also
 * times one FROM Lens start without it (a fresh cache dir: the first start after an install).
 */
export async function measurePeers(
  cacheDir: (n: number) => Promise<string>,
  starts = 5,
  froms = 200,
  edits = 20,
): Promise<{ fromLens: PeerTimes; rcjsuen: PeerTimes }> {
  const fromLens: PeerTimes = { startMs: [], firstStartMs: [], diagnosticsMs: [] };
  const rcjsuen: PeerTimes = { startMs: [], diagnosticsMs: [] };
  const codeCache = { FROM_LENS_CODE_CACHE: join(await cacheDir(starts), "code-cache") };
  await run(SERVER_JS, await cacheDir(starts + 1), froms, edits, codeCache); // writes the cache at exit
  for (let i = 0; i < starts; i++) {
    const first = await run(SERVER_JS, await cacheDir(starts + 2 + i), froms, 0);
    fromLens.firstStartMs?.push(...first.startMs);
    for (const [script, into, env] of [
      [SERVER_JS, fromLens, codeCache],
      [RCJSUEN_SERVER, rcjsuen, {}],
    ] as const) {
      const r = await run(script, await cacheDir(i), froms, edits, env);
      into.startMs.push(...r.startMs);
      into.diagnosticsMs.push(...r.diagnosticsMs);
    }
  }
  return { fromLens, rcjsuen };
}
