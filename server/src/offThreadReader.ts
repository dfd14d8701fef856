/**
 * Reads a large document's image references on a worker thread (refWorker.ts), so that no request
 * waits for its parse: dockerfile-ast took ~0.7 s on a 2 MB Dockerfile (seconds on a loaded
 * machine, 15 s on 10 MB), and on the server's own thread every hover and completion of every
 * other document waited as long (issue 12).
 *
 * - One worker, started on the first read and stopped after `idleMs` without work, so the memory
 *   a big parse took is given back when the big documents are closed or done with.
 * - Reads run one at a time, in order. A read still queued when a newer version of the same
 *   document is asked for is superseded: only the latest version is ever parsed.
 * - The worker's heap is bounded (`maxHeapMB`) and each read is given `timeoutMs`: a hostile
 *   document costs a log line and an empty answer, never the server.
 * Connection-free; the workspace decides which documents go here (fromLens.largeDocumentKB).
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { BuildPlatforms, ImageRef } from "./dockerfile";

/** What the worker is sent: the document and the build platforms its references are read for. */
export interface ReadJob {
  readonly id: number;
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
  readonly platforms: BuildPlatforms;
}

/** What the worker answers. */
export type ReadReply = { id: number; refs: ImageRef[] } | { id: number; error: string };

export type OffThreadRead =
  | { ok: true; refs: ImageRef[] }
  /** A newer version of the document was asked for before this one was started. */
  | { ok: false; reason: "superseded" }
  /** The worker failed, ran out of its memory or time: `message` says which, for the log. */
  | { ok: false; reason: "failed"; message: string };

export interface OffThreadReaderOptions {
  /** The worker's script (dist/refWorker.js beside dist/server.js). */
  readonly script: string;
  /** Stop the worker after this long without a read. */
  readonly idleMs?: number;
  /** Give up on one read after this long (the worker is then restarted). */
  readonly timeoutMs?: number;
  /** The worker's V8 old-space limit. */
  readonly maxHeapMB?: number;
}

interface Queued {
  readonly job: ReadJob;
  readonly resolve: (read: OffThreadRead) => void;
}

export class OffThreadReader {
  private worker: Worker | undefined;
  private readonly queue: Queued[] = [];
  private running: (Queued & { timer: NodeJS.Timeout }) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMB: number;
  /** Whether the worker's script exists (it does in dist/; not when the sources run under tsx). */
  readonly available: boolean;

  constructor(private readonly options: OffThreadReaderOptions) {
    this.idleMs = options.idleMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxHeapMB = options.maxHeapMB ?? 1024;
    this.available = existsSync(options.script);
  }

  /** Reads the document's references on the worker. Never rejects. */
  read(job: Omit<ReadJob, "id">): Promise<OffThreadRead> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i];
      if (queued?.job.uri !== job.uri) continue;
      this.queue.splice(i, 1);
      queued.resolve({ ok: false, reason: "superseded" });
    }
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, resolve });
      this.next();
    });
  }

  /** Whether a worker thread is running now (for tests and the benchmark). */
  get hasWorker(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker; queued and running reads end as failed. */
  dispose(): void {
    this.fail("the server is shutting down");
    for (const queued of this.queue.splice(0))
      queued.resolve({ ok: false, reason: "failed", message: "the server is shutting down" });
    this.stopWorker();
  }

  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const queued = this.queue.shift();
    if (!queued) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.ensureWorker();
    const timer = setTimeout(() => {
      this.fail(`reading it took longer than ${String(this.timeoutMs / 1000)} s`);
      this.stopWorker();
      this.next();
    }, this.timeoutMs);
    this.running = { ...queued, timer };
    worker.postMessage(queued.job);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMB },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    // stdout is the LSP channel: nothing the worker might print may reach it.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on("message", (reply: ReadReply) => {
      const running = this.running;
      if (!running || running.job.id !== reply.id) return;
      clearTimeout(running.timer);
      this.running = undefined;
      running.resolve(
        "refs" in reply
          ? { ok: true, refs: reply.refs }
          : { ok: false, reason: "failed", message: reply.error },
      );
      this.afterRead();
    });
    const lost = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(why);
      this.next();
    };
    worker.on("error", (error) => lost(`the worker failed: ${error.message}`));
    worker.on("exit", (code) => lost(`the worker stopped (exit code ${String(code)})`));
    this.worker = worker;
    return worker;
  }

  private afterRead(): void {
    if (this.queue.length > 0) return this.next();
    this.idleTimer = setTimeout(() => this.stopWorker(), this.idleMs);
    this.idleTimer.unref();
  }

  private fail(message: string): void {
    const running = this.running;
    if (!running) return;
    clearTimeout(running.timer);
    this.running = undefined;
    running.resolve({ ok: false, reason: "failed", message });
  }

  private stopWorker(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }
}
