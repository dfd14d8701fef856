/**
 * Digests first, across hosts: platform manifests, configs, Docker Hub's web API and tag lists
 * are asked only once no digest of the same registry is still being asked, so those calls and
 * their answers never take the network, the event loop or the registry's connections from a
 * digest still on its way (the client's urgent queue alone let them fill the slots the last
 * digests left free). A registry whose tag step hangs holds the facts of its other images back
 * at most `maxWaitMs`.
 */
export class DigestGate {
  /** Per registry: the jobs whose tag step (digest) has not finished. */
  private readonly asking = new Map<string, Set<object>>();
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(private readonly maxWaitMs: number) {}

  /** `job` is about to ask for its tag's digest on `registry`. */
  asks(registry: string, job: object): void {
    const set = this.asking.get(registry) ?? new Set<object>();
    set.add(job);
    this.asking.set(registry, set);
  }

  /** `job`'s tag step has finished (digest known, from the cache, or failed); idempotent. */
  done(registry: string, job: object): void {
    const set = this.asking.get(registry);
    if (!set?.delete(job) || set.size > 0) return;
    this.asking.delete(registry);
    const waiters = this.waiters.get(registry) ?? [];
    this.waiters.delete(registry);
    for (const w of waiters) w();
  }

  /** Settles once no digest of `registry` is being asked, or after `maxWaitMs`. */
  wait(registry: string): Promise<void> {
    if (!this.asking.has(registry)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.maxWaitMs);
      timer.unref();
      const list = this.waiters.get(registry) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(registry, list);
    });
  }
}
