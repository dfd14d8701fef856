/** Small concurrency tools: a per-host semaphore, a coalescer of identical work, a sleep. */
import { cancelledError, err, internalError } from "../errors";
import type { Result } from "../errors";

/**
 * A counting semaphore whose waiters can give up (AbortSignal). Urgent waiters (a tag's digest,
 * a token) are served before the others, so the digests of all visible tags go out before the
 * manifests and configs behind them (breadth first); among equals, first come first served.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async acquire(signal: AbortSignal, urgent = false): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.active < this.max) {
      this.active++;
      return true;
    }
    const queue = urgent ? this.urgent : this.waiters;
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        signal.removeEventListener("abort", onAbort);
        this.active++;
        resolve(true);
      };
      const onAbort = (): void => {
        const i = queue.indexOf(wake);
        if (i >= 0) queue.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(wake);
    });
  }

  release(): void {
    this.active--;
    const next = this.urgent.shift() ?? this.waiters.shift();
    if (next) next();
  }
}

/**
 * Coalesces identical in-flight operations: the first caller starts the work, later callers with
 * the same key share its result. A caller whose signal aborts gets `cancelled` at once; the shared
 * work is aborted only when every caller has given up.
 */
export class Coalescer<T> {
  private readonly inflight = new Map<
    string,
    { promise: Promise<Result<T>>; waiters: number; controller: AbortController }
  >();

  get size(): number {
    return this.inflight.size;
  }

  run(
    key: string,
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    if (signal?.aborted) return Promise.resolve(err(cancelledError()));
    let entry = this.inflight.get(key);
    if (!entry) {
      const controller = new AbortController();
      // A throwing `work` must not reject every waiter: it becomes an error value.
      let started: Promise<Result<T>>;
      try {
        started = work(controller.signal);
      } catch (e) {
        started = Promise.resolve(err(internalError(e)));
      }
      const promise = started
        .catch((e: unknown): Result<T> => err(internalError(e)))
        .finally(() => {
          if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
        });
      entry = { promise, waiters: 0, controller };
      this.inflight.set(key, entry);
    }
    const e = entry;
    e.waiters++;
    if (!signal) return e.promise;
    return new Promise<Result<T>>((resolve) => {
      const onAbort = (): void => {
        e.waiters--;
        if (e.waiters === 0) {
          e.controller.abort();
          if (this.inflight.get(key) === e) this.inflight.delete(key);
        }
        resolve(err(cancelledError()));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void e.promise.then((r) => {
        signal.removeEventListener("abort", onAbort);
        resolve(r);
      });
    });
  }
}

/** Waits `ms`; false when `signal` aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
