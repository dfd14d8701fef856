/**
 * Coalesces document changes: each `didChange` used to re-read the references, re-queue them and
 * re-run every diagnostic, so 500 keystrokes in 2 s kept the server busy for up to minutes and
 * every other request waited. Now a document that is typed into is worked on once the typing
 * pauses (`quietMs`), and at the latest `maxWaitMs` after the first change not yet worked on, so
 * a long burst still shows progress; only its latest version is ever worked on, and a version
 * that was already worked on is skipped. A newly opened document is worked on at once.
 * Connection-free: the wiring passes in the work as a callback.
 */

export interface ChangeSchedulerOptions {
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
  timer: NodeJS.Timeout;
  since: number;
}

export class ChangeScheduler {
  private readonly pending = new Map<string, Pending>();
  private readonly open = new Set<string>();

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
    const previous = this.pending.get(uri);
    const since = previous?.since ?? this.now();
    if (previous) clearTimeout(previous.timer);
    const wait = Math.max(0, Math.min(this.options.quietMs, since + this.options.maxWaitMs - this.now()));
    const timer = setTimeout(() => this.runNow(uri), wait);
    this.pending.set(uri, { timer, since });
  }

  /** Works on the document now if a change is waiting (a request wants the latest state). */
  flush(uri: string): void {
    if (this.pending.has(uri)) this.runNow(uri);
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
  }

  private cancel(uri: string): void {
    const pending = this.pending.get(uri);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(uri);
  }

  private runNow(uri: string): void {
    this.cancel(uri);
    let work: Promise<void>;
    try {
      work = this.options.work(uri);
    } catch (error) {
      this.options.onError(uri, error);
      return;
    }
    work.catch((error: unknown) => this.options.onError(uri, error));
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
