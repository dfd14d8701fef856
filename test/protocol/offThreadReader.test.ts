/**
 * The worker thread that reads large documents (dist/refWorker.js, built by `npm run build`):
 * it must read exactly what the server's own thread reads, only the latest version of a document,
 * and a worker that crashes, hangs or runs out of memory costs one failed read, never the server.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { OffThreadReader, type OffThreadRead } from "../../server/src/offThreadReader";
import { extractRefs } from "../../server/src/sources";
import { REPO_ROOT } from "../support/lsp";

const WORKER = join(REPO_ROOT, "dist", "refWorker.js");
const platforms = { target: "linux/arm64", build: "linux/amd64" };
const scratch = mkdtempSync(join(tmpdir(), "from-lens-worker-"));

/** A worker script of our own making, for the failure cases. */
function script(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `const { parentPort } = require("node:worker_threads");\n${body}\n`);
  return path;
}

function job(uri: string, text: string, version = 1) {
  return { uri, languageId: "dockerfile", version, text, platforms };
}

function dockerfilesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /(^|\/)(Dockerfile|Containerfile)[^/]*$|\.dockerfile$/i.test(f))
    .map((f) => join(dir, f));
}

const readers: OffThreadReader[] = [];
function reader(options: ConstructorParameters<typeof OffThreadReader>[0]): OffThreadReader {
  const r = new OffThreadReader(options);
  readers.push(r);
  return r;
}
after(() => readers.forEach((r) => r.dispose()));

describe("reading references on the worker thread", () => {
  it("is available from the build", () => {
    assert.ok(reader({ script: WORKER }).available, `${WORKER} is missing: run npm run build`);
    assert.equal(reader({ script: join(scratch, "absent.js") }).available, false);
  });

  it("reads exactly what the server's thread reads, for every fixture and demo Dockerfile", async () => {
    const r = reader({ script: WORKER });
    const files = [
      ...dockerfilesIn(join(REPO_ROOT, "test", "fixtures")),
      ...dockerfilesIn(join(REPO_ROOT, "demo")),
    ];
    assert.ok(files.length >= 15, `only ${files.length} Dockerfiles found`);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const uri = `file://${file}`;
      const read = await r.read(job(uri, text));
      const here = extractRefs(TextDocument.create(uri, "dockerfile", 1, text), () => ({}), { platforms });
      assert.deepEqual(read, { ok: true, refs: here }, file);
    }
  });

  it("reads only the latest version: a queued read of an older version is superseded", async () => {
    const r = reader({ script: WORKER });
    const big = "FROM alpine:3.20\n" + 'RUN echo "step"\n'.repeat(50_000);
    const first = r.read(job("file:///a/Dockerfile", big, 1));
    const older = r.read(job("file:///b/Dockerfile", "FROM busybox:1\n", 1));
    const newer = r.read(job("file:///b/Dockerfile", "FROM busybox:2\n", 2));
    assert.equal((await first).ok, true);
    assert.deepEqual(await older, { ok: false, reason: "superseded" });
    const latest = await newer;
    assert.ok(latest.ok);
    assert.deepEqual(
      latest.refs.map((ref) => ref.resolved),
      ["busybox:2"],
    );
  });

  it("a worker that dies fails its read with the reason, and the next read gets a new worker", async () => {
    const path = script(
      "dies.js",
      `parentPort.on("message", (job) => { if (job.text === "die") process.exit(3); parentPort.postMessage({ id: job.id, refs: [] }); });`,
    );
    const r = reader({ script: path });
    const died = await r.read(job("file:///x/Dockerfile", "die"));
    assert.deepEqual(died, { ok: false, reason: "failed", message: "the worker stopped (exit code 3)" });
    assert.deepEqual(await r.read(job("file:///x/Dockerfile", "FROM x\n", 2)), { ok: true, refs: [] });
  });

  it("a worker that never answers fails its read after the timeout and is replaced", async () => {
    const path = script(
      "hangs.js",
      `parentPort.on("message", (job) => { if (job.text !== "hang") parentPort.postMessage({ id: job.id, refs: [] }); });`,
    );
    const r = reader({ script: path, timeoutMs: 300 });
    const started = performance.now();
    const hung: OffThreadRead = await r.read(job("file:///h/Dockerfile", "hang"));
    assert.deepEqual(hung, { ok: false, reason: "failed", message: "reading it took longer than 0.3 s" });
    assert.ok(performance.now() - started < 5_000);
    assert.deepEqual(await r.read(job("file:///h/Dockerfile", "FROM x\n", 2)), { ok: true, refs: [] });
  });

  it("a worker that runs out of its memory fails its read, the server's thread lives on", async () => {
    const path = script(
      "greedy.js",
      `parentPort.on("message", () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length)); });`,
    );
    const r = reader({ script: path, maxHeapMB: 32, timeoutMs: 30_000 });
    const read = await r.read(job("file:///g/Dockerfile", "FROM x\n"));
    assert.equal(read.ok, false);
    assert.ok(!read.ok && read.reason === "failed" && /worker/.test(read.message), JSON.stringify(read));
  });

  it("stops its worker when idle, so the memory of a big parse is given back", async () => {
    const r = reader({ script: WORKER, idleMs: 100 });
    assert.equal((await r.read(job("file:///i/Dockerfile", "FROM alpine:3.20\n"))).ok, true);
    assert.equal(r.hasWorker, true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(r.hasWorker, false);
  });
});
