/**
 * Gives memory back once the server has gone quiet after work. V8 keeps the garbage of a burst
 * (an edit storm, a big file, a thousand images resolving) and its grown young generation until
 * its own memory reducer runs, which here came anywhere from 10 to over 100 s into an idle spell:
 * a server holding ~11 MB of live heap sat at 120–150 MB of RSS meanwhile (bench/memory.bench.ts,
 * bench/responsiveness.bench.ts). So: every `checkMs` the event loop's utilization since the
 * last check is read; after `quietChecks` quiet checks in a row that follow busy ones, while the
 * heap holds at least `minSlackBytes` more than it uses, one full collection per check is asked
 * for with `vm.measureMemory({ execution: "eager" })` (Node's public way to start a full GC), at
 * most `maxCollections` per quiet spell; never while busy. Why more than one: the first frees the
 * burst's objects but V8 keeps their pages, because the allocation rate it knows of is still the
 * burst's; the next, a check later, sees the quiet rate, shrinks the young generation and
 * compacts the old (bench/memory.bench.ts: heap 90 → 90 → 34 MB, RSS 167 → 167 → 113 MB).
 * Connection-free: the wiring starts it and gives it a log.
 */
import { measureMemory } from "node:vm";
import { getHeapStatistics } from "node:v8";
import { performance, type EventLoopUtilization } from "node:perf_hooks";

export interface IdleMemoryOptions {
  /** How often the event loop's utilization is read. */
  checkMs: number;
  /** Quiet checks in a row before memory is given back. */
  quietChecks: number;
  /** Utilization (0–1) at or below which a check counts as quiet. */
  maxQuietUtilization: number;
  /** Heap size minus heap used, at least this, for a collection to be worth it. */
  minSlackBytes: number;
  /** At most this many collections (one per check) in one quiet spell. */
  maxCollections: number;
  /** The event loop's utilization since the previous call. */
  utilization: () => number;
  heap: () => { total: number; used: number };
  /** One full collection. */
  release: () => Promise<void>;
  log?: (message: string) => void;
}

/** Utilization since the previous call, from perf_hooks' eventLoopUtilization. */
export function utilizationMeter(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

export function heapNow(): { total: number; used: number } {
  const h = getHeapStatistics();
  return { total: h.total_heap_size, used: h.used_heap_size };
}

/**
 * A full collection through `vm.measureMemory` in eager mode. Node 20 marks the API experimental
 * and says so once on stderr: that one warning is kept out of the editor's output channel.
 */
export async function fullCollection(): Promise<void> {
  const own = Object.getOwnPropertyDescriptor(process, "emitWarning");
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    if (String(warning).includes("vm.measureMemory")) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  let measuring: Promise<unknown>;
  try {
    measuring = measureMemory({ mode: "summary", execution: "eager" });
  } finally {
    if (own !== undefined) Object.defineProperty(process, "emitWarning", own);
    else Reflect.deleteProperty(process, "emitWarning");
  }
  await measuring;
}

export const DEFAULT_IDLE_MEMORY: Omit<IdleMemoryOptions, "utilization" | "heap" | "release" | "log"> = {
  checkMs: 4000,
  quietChecks: 2,
  maxQuietUtilization: 0.02,
  minSlackBytes: 16 * 1024 * 1024,
  maxCollections: 3,
};

export class IdleMemory {
  private timer: NodeJS.Timeout | undefined;
  private quiet = 0;
  /** Busy since the last quiet spell (or the start): this quiet spell may give memory back. */
  private worked = false;
  /** Collections in the current quiet spell. */
  private collections = 0;
  private releasing = false;

  constructor(private readonly options: IdleMemoryOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.options.checkMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check (the timer's; tests call it directly). */
  check(): void {
    if (this.options.utilization() > this.options.maxQuietUtilization) {
      this.quiet = 0;
      this.worked = true;
      this.collections = 0;
      return;
    }
    this.quiet++;
    if (!this.worked || this.releasing || this.quiet < this.options.quietChecks) return;
    const before = this.options.heap();
    if (before.total - before.used < this.options.minSlackBytes) {
      this.worked = false; // nothing (left) worth giving back in this spell
      return;
    }
    const collection = ++this.collections;
    if (collection >= this.options.maxCollections) this.worked = false;
    this.releasing = true;
    const started = performance.now();
    this.options
      .release()
      .then(() => {
        const after = this.options.heap();
        const mb = (n: number): string => (n / (1024 * 1024)).toFixed(0);
        this.options.log?.(
          `memory: quiet, collection ${String(collection)}: heap ${mb(before.total)} → ${mb(after.total)} MB (${mb(after.used)} MB in use), ` +
            `collected in ${(performance.now() - started).toFixed(0)} ms`,
        );
      })
      .catch((error: unknown) => this.options.log?.(`memory: could not collect: ${String(error)}`))
      .finally(() => {
        this.releasing = false;
        // The collection's own work is not the next spell's "busy".
        this.options.utilization();
      });
  }
}
