/**
 * A job's disk-cache writes, held back while answers are waiting to be read: run on the next
 * turn of the event loop's check phase (after the I/O already received has been handled), or at
 * `flush`, whichever comes first. The writes are synchronous (cache.ts); in a burst of 8 answers
 * they would otherwise delay reading the next answer, and with it the next digest and the
 * request its connection sends next.
 */
export class WriteBehind {
  private readonly pending: (() => void)[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  add(write: () => void): void {
    this.pending.push(write);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Runs what is pending now (a write that throws is a bug in it: the others still run). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    for (let w = this.pending.shift(); w; w = this.pending.shift()) {
      try {
        w();
      } catch {
        // DiskCache never throws; nothing else is deferred.
      }
    }
  }
}
