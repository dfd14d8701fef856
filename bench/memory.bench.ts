/**
 * Memory benchmark (issue 18's goal "RSS after 1,000 cached images ≤ 120 MB"): the built server
 * (dist/server.js over stdio, an empty storage dir) resolves 1,000 distinct images of a loopback
 * CNCF registry, opened as 50 Dockerfiles of 20 FROMs. Once the resolver is idle and a hover on
 * every reference shows its pushed digest, the server's RSS (/proc/<pid>/status VmRSS) is sampled
 * right away (the peak of the burst), then every 2 s with the documents still open until V8 has
 * given the burst's garbage back (settled: the goal's number, a server holding 1,000 cached
 * images), then once the documents are closed. The idle RSS of a fresh FROM Lens server and of
 * rcjsuen's dockerfile-language-server-nodejs, measured the same way in the same run, are the
 * baseline and the peer. Nothing leaves the machine (Docker Hub and its web API point at
 * 127.0.0.1:9). Run: `npm run build && npm run bench:memory` (or `npm run bench`, which runs it
 * after the other two). BENCH_MEMORY_JSON=<file> also writes the JSON line there;
 * BENCH_MEMORY_NODE_OPTIONS is passed to the measured server only (profiling).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DidCloseTextDocumentNotification, HoverRequest } from "vscode-languageserver-protocol";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol/node";
import { buildImage, presetFromRealdata, RegistryWriter, type BuiltImage } from "../test/support/images";
import { CAPABILITIES, SERVER_JS, startServer, type TestServer } from "../test/support/lsp";
import { startRegistry, type Registry } from "../test/support/registry";
import { benchSamples } from "./infra";
import { RCJSUEN_SERVER, spawnLanguageServer, stopLanguageServer } from "./peers";
import { table } from "./report";
import { hoverText } from "./runners";

/** The goal of issue 18, in MB (MiB: VmRSS kB / 1024). */
export const RSS_GOAL_MB = 120;

const IMAGES = 1000;
const REPOSITORIES = 100;
const DOCUMENTS = 50;
const NOWHERE = "http://127.0.0.1:9";
const PUSH_PARALLEL = 24;
/** The longest `fromLens.hover.waitMs` allowed. */
const RESOLVE_TIMEOUT_MS = 30_000;
/**
 * With the documents open and the server idle, RSS is sampled every 2 s until it has fallen below
 * SETTLED_BELOW × the sample taken right after the burst and then not fallen by more than
 * STEADY_FALL for STEADY_MS, for at most SETTLE_MAX_MS: the garbage of the burst (and V8's grown
 * young generation) goes back in steps, as the server's quiet-spell collections run
 * (server/src/idleMemory.ts, 8–16 s in) or V8's own memory reducer does (here 10–100 s in). The
 * settled RSS, the last sample, is what a server holding 1,000 cached images costs; the first
 * sample is the transient peak.
 */
const SETTLE_MAX_MS = 100_000;
const SETTLED_BELOW = 0.85;
const STEADY_MS = 16_000;
const STEADY_FALL = 0.02;
/** After closing the documents: sampled once, this long after. */
const CLOSED_AFTER_MS = 5_000;

interface MemImage {
  repository: string;
  tag: string;
  image: BuiltImage;
}

function rssKB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

function mb(kb: number): string {
  return (kb / 1024).toFixed(0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * 1,000 distinct two-platform OCI indexes (linux/amd64, linux/arm64/v8): 100 repositories of 10
 * tags, each repository built from one of the 20 ../shared/realdata records the resolve bench
 * uses (its real Env, labels and build history), with a label of its own per image, so every
 * config, platform manifest and index digest differs (no shortcut through content addressing).
 */
function buildImages(): MemImage[] {
  const records = benchSamples().map((s) => s.record);
  const presets = records.map((r) => presetFromRealdata(r));
  const out: MemImage[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const r = Math.floor(i / (IMAGES / REPOSITORIES)) % records.length;
    const preset = presets[r];
    const record = records[r];
    if (!preset || !record) throw new Error("no realdata record");
    const repo = Math.floor(i / (IMAGES / REPOSITORIES));
    const image = buildImage({
      format: "oci",
      platforms: [
        {
          os: "linux",
          architecture: "amd64",
          env: preset.env,
          labels: { ...preset.labels, "org.example.bench.image": String(i) },
          history: preset.history,
          ...(preset.cmd ? { cmd: preset.cmd } : {}),
          ...(preset.entrypoint ? { entrypoint: preset.entrypoint } : {}),
        },
        // The server reads linux/amd64 only: this platform is the same in every image of a
        // repository (pushed once), it only makes the index a real two-platform one.
        { os: "linux", architecture: "arm64", variant: "v8", env: preset.env, labels: preset.labels },
      ],
    });
    out.push({
      repository: `mem/${record.split(":")[0] ?? "image"}-${String(repo)}`,
      tag: `v${String(i % (IMAGES / REPOSITORIES))}`,
      image,
    });
  }
  return out;
}

/**
 * Pushes every image straight to the registry, PUSH_PARALLEL at a time: each blob once per
 * repository (`POST …/blobs/uploads/`, then `PUT <location>?digest=`), then the platform manifests by
 * digest, then the index under its tag.
 */
async function pushAll(registry: Registry, images: MemImage[]): Promise<void> {
  const pushed = new Map<string, Promise<void>>();
  const once = (key: string, push: () => Promise<void>): Promise<void> => {
    let p = pushed.get(key);
    if (!p) {
      p = push();
      pushed.set(key, p);
    }
    return p;
  };
  const pushBlob = (writer: RegistryWriter, digest: string, bytes: Buffer): Promise<void> =>
    once(`${writer.repository}@${digest}`, async () => {
      const start = await writer.request("POST", `/v2/${writer.repository}/blobs/uploads/`);
      await start.arrayBuffer();
      const location = start.headers.get("location");
      if (start.status !== 202 || location === null)
        throw new Error(`POST blob upload to ${writer.repository}: ${String(start.status)}`);
      const url = new URL(location, registry.url);
      url.searchParams.set("digest", digest);
      const res = await writer.request("PUT", url.toString(), {
        headers: { "content-type": "application/octet-stream" },
        body: bytes,
      });
      const text = await res.text();
      if (res.status !== 201)
        throw new Error(`PUT blob ${digest} to ${writer.repository}: ${String(res.status)} ${text}`);
    });
  const queue = [...images];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const writer = new RegistryWriter(registry, next.repository);
      await Promise.all([...next.image.blobs].map(([digest, bytes]) => pushBlob(writer, digest, bytes)));
      await Promise.all(
        next.image.manifests.map((m) =>
          once(`${writer.repository}@${m.digest}`, async () => {
            await writer.pushManifest(m.digest, m.bytes, m.mediaType);
          }),
        ),
      );
      await writer.pushManifest(next.tag, next.image.bytes, next.image.mediaType);
    }
  };
  await Promise.all(Array.from({ length: PUSH_PARALLEL }, worker));
}

interface Doc {
  uri: string;
  text: string;
  refs: { line: number; image: MemImage }[];
}

/** DOCUMENTS Dockerfiles of IMAGES / DOCUMENTS build stages each, every image named once. */
function documents(host: string, images: MemImage[]): Doc[] {
  const per = IMAGES / DOCUMENTS;
  const docs: Doc[] = [];
  for (let d = 0; d < DOCUMENTS; d++) {
    const lines: string[] = [];
    const refs: Doc["refs"] = [];
    for (let k = 0; k < per; k++) {
      const image = images[d * per + k];
      if (!image) throw new Error("missing image");
      refs.push({ line: lines.length, image });
      lines.push(
        `FROM ${host}/${image.repository}:${image.tag} AS stage${String(k)}`,
        `RUN echo ${String(k)}`,
      );
    }
    docs.push({ uri: `file:///bench/memory/${String(d)}/Dockerfile`, text: `${lines.join("\n")}\n`, refs });
  }
  return docs;
}

/**
 * The idle RSS of a language server, measured the same way for both: spawned with an empty cache,
 * `initialize` / `initialized`, a one-line Dockerfile opened until its diagnostics arrive (so the
 * server has loaded its features), then 2 s of quiet.
 */
async function idleRss(script: string): Promise<number> {
  const cache = mkdtempSync(join(tmpdir(), "from-lens-bench-mem-"));
  const { child, connection } = spawnLanguageServer(script, cache, { offline: true, hubApiUrl: NOWHERE });
  const uri = "file:///bench/idle/Dockerfile";
  const diagnosed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics from ${script} within 30 s`)), 30_000);
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      if (p.uri !== uri) return;
      clearTimeout(timer);
      resolve();
    });
  });
  connection.listen();
  try {
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: CAPABILITIES,
      initializationOptions: { storagePath: cache, hubRegistryUrl: NOWHERE },
    });
    await connection.sendNotification("initialized", {});
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "dockerfile", version: 1, text: "FROM alpine:3.22\nRUN echo hi\n" },
    });
    await diagnosed;
    await sleep(2_000);
    return rssKB(child.pid);
  } finally {
    await stopLanguageServer(connection, child);
    rmSync(cache, { recursive: true, force: true });
  }
}

/** Until the server's status says it resolves nothing, once it has said it resolves something. */
async function resolverIdle(server: TestServer, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const statuses = server.statuses as { resolving?: number }[];
    const busy = statuses.some((s) => (s.resolving ?? 0) > 0);
    if (busy && statuses[statuses.length - 1]?.resolving === 0) return;
    if (performance.now() > deadline) throw new Error("the resolver was still busy");
    await sleep(100);
  }
}

interface Result {
  images: number;
  documents: number;
  setupMs: number;
  resolveMs: number;
  fromLensIdleKB: number;
  rcjsuenIdleKB: number;
  openKB: number;
  openSettledKB: number;
  /** Seconds of quiet until RSS last fell (it then held for STEADY_MS, if settled). */
  settledAfterS: number;
  /** False: RSS did not fall and hold within SETTLE_MAX_MS (the settled sample is then the last one). */
  settled: boolean;
  closedKB: number;
  closedAfterS: number;
  showingDigest: number;
  goalMB: number;
  met: boolean;
}

async function main(): Promise<void> {
  const setupStarted = performance.now();
  const images = buildImages();
  const digests = new Set(images.map((i) => i.image.digest));
  if (digests.size !== IMAGES) throw new Error(`only ${String(digests.size)} distinct index digests`);
  const registry = await startRegistry({ auth: "none" });
  const problems: string[] = [];
  try {
    await pushAll(registry, images);
    const setupMs = performance.now() - setupStarted;

    // Idle baselines first, while nothing else runs.
    const fromLensIdleKB = await idleRss(SERVER_JS);
    const rcjsuenIdleKB = await idleRss(RCJSUEN_SERVER);

    const storage = mkdtempSync(join(tmpdir(), "from-lens-bench-mem-storage-"));
    const server = await startServer({
      settings: {
        defaultPlatform: "linux/amd64",
        hubApiUrl: NOWHERE,
        hover: { waitMs: RESOLVE_TIMEOUT_MS },
      },
      initializationOptions: { storagePath: storage, hubRegistryUrl: NOWHERE },
      env: {
        ...process.env,
        XDG_CACHE_HOME: storage,
        DOCKER_CONFIG: storage,
        // For profiling the measured server only, e.g. "--heapsnapshot-signal=SIGUSR2".
        ...(process.env.BENCH_MEMORY_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_MEMORY_NODE_OPTIONS }
          : {}),
      },
    });
    const pid = server.process.pid;
    let result: Result;
    try {
      const docs = documents(registry.host, images);
      const opened = performance.now();
      for (const doc of docs) await server.open(doc.uri, doc.text);
      // As an editor does: the documents open, the server resolves what they name on its own.
      await resolverIdle(server, RESOLVE_TIMEOUT_MS);
      // Then a hover on every reference (a document at a time) must show its pushed digest.
      const answers: boolean[] = [];
      for (const doc of docs) {
        answers.push(
          ...(await Promise.all(
            doc.refs.map(async (ref) => {
              const hover = await server.connection.sendRequest(HoverRequest.type, {
                textDocument: { uri: doc.uri },
                position: { line: ref.line, character: 6 },
              });
              return hoverText(hover).includes(ref.image.image.digest);
            }),
          )),
        );
      }
      await resolverIdle(server, RESOLVE_TIMEOUT_MS);
      const resolveMs = performance.now() - opened;
      const showingDigest = answers.filter(Boolean).length;
      if (showingDigest !== IMAGES)
        problems.push(`only ${String(showingDigest)} of ${String(IMAGES)} hovers showed the pushed digest`);
      const openKB = rssKB(pid);
      const quietSince = performance.now();
      let openSettledKB = openKB;
      let lowestKB = openKB;
      let lastFallAt = quietSince;
      let settled = false;
      while (!settled && performance.now() - quietSince < SETTLE_MAX_MS) {
        await sleep(2_000);
        openSettledKB = rssKB(pid);
        if (openSettledKB < (1 - STEADY_FALL) * lowestKB) lastFallAt = performance.now();
        lowestKB = Math.min(lowestKB, openSettledKB);
        settled = lowestKB < SETTLED_BELOW * openKB && performance.now() - lastFallAt >= STEADY_MS;
      }
      const settledAfterS = (lastFallAt - quietSince) / 1000;

      for (const doc of docs)
        await server.connection.sendNotification(DidCloseTextDocumentNotification.type, {
          textDocument: { uri: doc.uri },
        });
      await sleep(CLOSED_AFTER_MS);
      const closedKB = rssKB(pid);
      const met = openSettledKB / 1024 <= RSS_GOAL_MB;
      result = {
        images: IMAGES,
        documents: DOCUMENTS,
        setupMs,
        resolveMs,
        fromLensIdleKB,
        rcjsuenIdleKB,
        openKB,
        openSettledKB,
        settledAfterS,
        settled,
        closedKB,
        closedAfterS: CLOSED_AFTER_MS / 1000,
        showingDigest,
        goalMB: RSS_GOAL_MB,
        met,
      };
    } finally {
      const code = await server.stop();
      if (code !== 0)
        problems.push(`the server exited with ${String(code)}: ${server.stderr().slice(-2000)}`);
      rmSync(storage, { recursive: true, force: true });
    }

    console.log(
      `\n== memory: ${String(IMAGES)} distinct images (${String(REPOSITORIES)} repositories, two platforms each) ` +
        `in ${String(DOCUMENTS)} Dockerfiles; set-up ${(result.setupMs / 1000).toFixed(1)} s, ` +
        `all resolved in ${(result.resolveMs / 1000).toFixed(1)} s, ${String(result.showingDigest)}/${String(IMAGES)} hovers show the digest`,
    );
    console.log(
      table(
        ["server RSS", "MB"],
        [
          ["FROM Lens, fresh, idle", mb(result.fromLensIdleKB)],
          ["rcjsuen's server, fresh, idle (peer)", mb(result.rcjsuenIdleKB)],
          [`FROM Lens, ${String(IMAGES)} images resolved, documents open: right after`, mb(result.openKB)],
          [
            result.settled
              ? `  the same, settled (${result.settledAfterS.toFixed(0)} s idle)`
              : `  the same, ${String(SETTLE_MAX_MS / 1000)} s idle (did not settle)`,
            mb(result.openSettledKB),
          ],
          [`FROM Lens, documents closed, ${String(result.closedAfterS)} s later`, mb(result.closedKB)],
        ],
      ),
    );
    console.log("\ngoal (issue 18)");
    console.log(
      table(
        ["measure", "FROM Lens", "peer", "goal", "met"],
        [
          [
            `RSS after ${IMAGES.toLocaleString("en")} cached images (documents open, settled)`,
            `${mb(result.openSettledKB)} MB settled (${mb(result.openKB)} MB right after)`,
            `rcjsuen's server idle ${mb(result.rcjsuenIdleKB)} MB`,
            `≤ ${String(RSS_GOAL_MB)} MB`,
            result.met ? "yes" : "NO",
          ],
        ],
      ),
    );
    if (problems.length > 0) {
      console.log(`\nproblems:\n  ${problems.join("\n  ")}`);
    }
    const json = JSON.stringify({ memory: result, problems });
    console.log(`JSON ${json}`);
    if (process.env.BENCH_MEMORY_JSON) writeFileSync(process.env.BENCH_MEMORY_JSON, json);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await registry.stop();
  }
}

const watchdog = setTimeout(() => {
  console.error("memory bench: gave up after 240 s");
  process.exit(2);
}, 240_000);
main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
