/**
 * Coalesces document changes: each `didChange` used to re-read the references, re-queue them and
 * re-run every diagnostic, so 500 keystrokes in 2 s kept the server busy for up to minutes and
 * every other request waited. A change that finds the document idle (no work on it running, no
 * change waiting) is worked on at once (`leadMs`: once the messages already read are handled),
 * the leading edge: a single edit gets its diagnostics as fast as the work allows, not a
 * debounce later. Changes that come while the document is being worked on, or while another
 * change waits, are a burst: they coalesce and are worked on once the typing pauses
 * (`quietMs`), and at the latest `maxWaitMs` after the first change not yet worked on, so a long
 * burst still shows progress; only the latest version is worked on. The work's own duration
 * throttles the leading edge: the longer a document takes, the more of a burst coalesces. A
 * newly opened document is worked on at once.
 * Connection-free: the wiring passes in the work as a callback.
 */

export interface ChangeSchedulerOptions {
  /**
   * Work on a change of an idle document this soon, if no other change comes meanwhile: a delay
   * in ms, or `"after-read-messages"`: once the messages already read have been handled, with no
   * timer's delay (a timer costs a millisecond or more on every edit). vscode-jsonrpc handles one
   * queued message per turn of the event loop (a setImmediate each), so two turns later the next
   * change read with this one has come, and makes a burst.
   */
  leadMs: number | "after-read-messages";
  /** Work on a document once no change came for this long. */
  quietMs: number;
  /** …and at the latest this long after the first change that is waiting. */
  maxWaitMs: number;
  /** The work itself: for the document's latest version (the callee reads it). */
  work: (uri: string) => Promise<void>;
  /** A rejection of `work`: logged by the caller, never thrown. */
  onError: (uri: string, error: unknown) => void;
}

interface Pending {
  cancel: () => void;
  since: number;
}

/** Runs `fn` after `ms`, or after two turns of the event loop; returns how to cancel it. */
function defer(fn: () => void, ms: number | "after-read-messages"): () => void {
  if (ms !== "after-read-messages") {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  let immediate = setImmediate(() => {
    immediate = setImmediate(fn);
  });
  return () => clearImmediate(immediate);
}

export class ChangeScheduler {
  private readonly pending = new Map<string, Pending>();
  private readonly open = new Set<string>();
  /** How many runs of the work are in flight per document (a flush may overlap a run). */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly options: ChangeSchedulerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The document's content changed (or it was opened: its first change). */
  changed(uri: string): void {
    if (!this.open.has(uri)) {
      this.open.add(uri);
      this.runNow(uri);
      return;
    }
    if (!this.pending.has(uri) && !this.running.has(uri)) {
      // The leading edge: the document was idle. Worked on after `leadMs`, unless another change
      // comes first: edits that queued up behind a long run arrive back to back, and must make
      // one burst, not a run each.
      const cancel = defer(() => this.runNow(uri), this.options.leadMs);
      this.pending.set(uri, { cancel, since: this.now() });
      return;
    }
    const previous = this.pending.get(uri);
    const since = previous?.since ?? this.now();
    previous?.cancel();
    const wait = Math.max(0, Math.min(this.options.quietMs, since + this.options.maxWaitMs - this.now()));
    const cancel = defer(() => this.runNow(uri), wait);
    this.pending.set(uri, { cancel, since });
  }

  /** Works on the document now if a change is waiting (a request wants the latest state). */
  flush(uri: string): void {
    if (this.pending.has(uri)) this.runNow(uri);
  }

  /** Whether the work on the document is running (started and not yet settled). */
  isRunning(uri: string): boolean {
    return this.running.has(uri);
  }

  /** Whether a change of the document is waiting to be worked on. */
  isPending(uri: string): boolean {
    return this.pending.has(uri);
  }

  /** The document was closed: what was waiting for it is dropped. */
  closed(uri: string): void {
    this.cancel(uri);
    this.open.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
    this.open.clear();
    this.running.clear();
  }

  private cancel(uri: string): void {
    this.pending.get(uri)?.cancel();
    this.pending.delete(uri);
  }

  private runNow(uri: string): void {
    this.cancel(uri);
    this.running.set(uri, (this.running.get(uri) ?? 0) + 1);
    let work: Promise<void>;
    try {
      work = this.options.work(uri);
    } catch (error) {
      this.settled(uri);
      this.options.onError(uri, error);
      return;
    }
    work.then(
      () => this.settled(uri),
      (error: unknown) => {
        this.settled(uri);
        this.options.onError(uri, error);
      },
    );
  }

  private settled(uri: string): void {
    const left = (this.running.get(uri) ?? 1) - 1;
    if (left > 0) this.running.set(uri, left);
    else this.running.delete(uri);
  }
}

/**
 * One value per document version and settings object, computed once: the standard diagnostics
 * are recomputed only when the text or the settings change, not each time a resolution lands.
 */
export class PerVersion<T> {
  private readonly entries = new Map<string, { version: number; key: object; value: T }>();

  get(doc: { uri: string; version: number }, key: object, compute: () => T): T {
    const entry = this.entries.get(doc.uri);
    if (entry && entry.version === doc.version && entry.key === key) return entry.value;
    const value = compute();
    this.entries.set(doc.uri, { version: doc.version, key, value });
    return value;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
