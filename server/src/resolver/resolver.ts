/**
 * The background resolver: references queue up (the visible document's first), identical ones
 * coalesce, work for closed documents or superseded versions is cancelled, a bounded number run
 * at once, and each result lands in memory where `lookup` answers synchronously. When a result
 * lands, `onDidChange` names the keys so the server refreshes what depends on them. The resolver
 * never formats UI and never throws: failures are `Lookup` values.
 */
import type { Reference } from "../reference";
import type { ImageConfig } from "../oci/types";
import type { ParsedManifest } from "../registry/manifest";
import { landedLookup, previousLookup, resolvingLookup } from "./lookups";
import { coldReferences, RegistryPreparation } from "./prepare";
import { resolveImage } from "./resolveImage";
import { retryAt, RetryTimers } from "./retries";
import {
  DEFAULT_CONCURRENCY,
  requestKey,
  type Job,
  type Priority,
  type ResolveRequest,
  type ResolverOptions,
} from "./requests";
import { isUnreachable, type ResolveImageOptions } from "./source";
import { repositoryKey, TagRequests } from "./tagRequests";
import { UnreachableHosts } from "./unreachableHosts";
import { WriteBehind } from "./writeBehind";
import { DigestGate } from "./digestGate";
import type { DigestOnly, FoundTag, Lookup, ResolverStatus } from "./types";

export {
  DEFAULT_CONCURRENCY,
  requestKey,
  type Priority,
  type ResolveRequest,
  type ResolverOptions,
  type ResolverSettings,
} from "./requests";

const MEMO_LIMIT = 512;
/**
 * A job whose settings changed while it ran runs again at most this many times in a row, each
 * after a turn of the event loop: settings that keep changing (or a re-run that fails at once
 * from the backoff) can never spin the resolver.
 */
const MAX_RERUNS = 2;
/** Facts, Docker Hub's web API and tag lists wait at most this long for the registry's other digests. */
const DIGEST_GATE_MAX_WAIT_MS = 2000;
export class Resolver {
  private readonly states = new Map<string, Lookup>();
  private readonly queue: Job[] = [];
  private readonly running = new Map<string, Job>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly memo = new Map<string, ParsedManifest | ImageConfig>();
  private readonly unreachable: UnreachableHosts;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly preparing = new RegistryPreparation();
  /** Bumped by `rederive`: a result settled in an older generation is worked out again. */
  private generation = 0;
  private readonly derivedIn = new Map<string, number>();
  /** Results a rate limit left incomplete are resolved again when it resets (one timer per key). */
  private readonly retries = new RetryTimers();
  private readonly rerunTimers = new Set<NodeJS.Timeout>();
  private readonly tagRequests: TagRequests;
  private readonly digestGate = new DigestGate(DIGEST_GATE_MAX_WAIT_MS);

  constructor(private readonly options: ResolverOptions) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.unreachable = new UnreachableHosts(this.now);
    this.tagRequests = new TagRequests(
      (host) => this.imageOptions(host, false, new AbortController().signal),
      (repo, names) => this.addTagList(repo, names),
    );
  }

  /** Synchronous: what is known now. */
  lookup(request: ResolveRequest): Lookup {
    return this.states.get(requestKey(request)) ?? { state: "unknown" };
  }

  /**
   * Queues resolution of `requests` for `owner` (a document URI): those already resolved within
   * the TTL are not asked again; `force` bypasses the TTL (refresh). Returns the keys queued.
   */
  request(requests: readonly ResolveRequest[], owner: string, priority: Priority, force = false): string[] {
    const queued: string[] = [];
    for (const request of requests) {
      const key = requestKey(request);
      const running = this.running.get(key);
      if (running) {
        running.owners.add(owner);
        // A job that has not read its settings yet (generation unset) will read the current ones.
        if (running.generation !== undefined && running.generation !== this.generation) running.again = true;
        continue;
      }
      const pending = this.queue.find((j) => j.key === key);
      if (pending) {
        pending.owners.add(owner);
        if (priority === "visible") pending.priority = "visible";
        pending.force ||= force;
        continue;
      }
      if (!force && !this.needsWork(key)) continue;
      this.enqueue({ key, request, priority, owners: new Set([owner]), force, reruns: 0 });
      queued.push(key);
    }
    if (queued.length > 0) this.options.onDidChange?.(queued);
    this.prepareBatch(queued);
    this.pump();
    return queued;
  }

  /** Puts a job in the queue, showing its key as resolving (with what was known before). */
  private enqueue(job: Job): void {
    this.queue.push(job);
    this.states.set(job.key, resolvingLookup(this.states.get(job.key)));
  }

  /**
   * Settings changed while `job` ran: queue it once more for all its owners — at once, so its
   * key shows as resolving, but held until a turn of the event loop has passed, and at most
   * MAX_RERUNS times in a row. Never per owner and never started in the same tick (issue 12:
   * that spun at 100% CPU when the re-run failed at once from the backoff).
   */
  private scheduleRerun(job: Job): void {
    if (job.reruns >= MAX_RERUNS) {
      this.options.log?.(
        `${job.key}: settings kept changing while it resolved; it runs again at its next request`,
      );
      return;
    }
    const { key, request, priority, force } = job;
    const rerun: Job = {
      key,
      request,
      priority,
      force,
      owners: new Set(job.owners),
      reruns: job.reruns + 1,
      held: true,
    };
    this.enqueue(rerun);
    this.options.onDidChange?.([key]);
    const timer = setTimeout(() => {
      this.rerunTimers.delete(timer);
      rerun.held = false;
      this.pump();
    }, 0);
    this.rerunTimers.add(timer);
  }

  /**
   * Before a batch that will go to the network, lets the registry client get the tokens for all
   * its repositories at once (one token request per registry instead of one per repository).
   * References answered from the cache within the TTL are left out, so a warm start still makes
   * no request at all.
   */
  private prepareBatch(keys: readonly string[]): void {
    const prepare = this.options.prepare;
    const settings = this.options.settings();
    if (!prepare || settings.offline || keys.length < 2) return;
    const refs = this.queue.filter((j) => keys.includes(j.key)).map((j) => j.request.reference);
    const cold = coldReferences(refs, this.options.cache, settings.tagTtlMs, this.now(), (host) =>
      this.unreachable.backingOff(host),
    );
    if (cold.length < 2) return;
    this.preparing.start(cold, prepare, (registry, error) => this.unreachable.note(registry, error));
  }

  /** The owner no longer needs its references (document closed or changed): drop or abort them. */
  release(owner: string, keep: ReadonlySet<string> = new Set()): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (!job || keep.has(job.key)) continue;
      job.owners.delete(owner);
      if (job.owners.size === 0) {
        this.queue.splice(i, 1);
        this.settle(job.key, this.previousOf(job.key) ?? { state: "unknown" });
      }
    }
    for (const job of this.running.values()) {
      if (keep.has(job.key)) continue;
      job.owners.delete(owner);
      if (job.owners.size === 0) job.controller?.abort();
    }
  }

  /** Resolves when `key` leaves "resolving", or after `ms`. */
  waitFor(request: ResolveRequest, ms: number): Promise<Lookup> {
    const key = requestKey(request);
    if (this.lookup(request).state !== "resolving" || ms <= 0) return Promise.resolve(this.lookup(request));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.lookup(request));
      };
      const timer = setTimeout(() => {
        const list = this.waiters.get(key) ?? [];
        this.waiters.set(
          key,
          list.filter((w) => w !== done),
        );
        resolve(this.lookup(request));
      }, ms);
      const list = this.waiters.get(key) ?? [];
      list.push(done);
      this.waiters.set(key, list);
    });
  }

  /**
   * Settings that shape the facts or reach the registries changed (trusted registries, layer
   * reading, mirrors, CA file, insecure registries…): every result in memory is worked out again
   * at its next request, from the disk cache within the TTL (no request for what is cached), and
   * what is resolving now runs again once it settles. What was shown stays shown meanwhile.
   * `registriesChanged`: hosts left alone after a failure are asked again at once (the new CA or
   * mirror may be the fix).
   */
  rederive(registriesChanged = false): void {
    this.generation++;
    // A job still waiting to read its settings (generation unset) reads the new ones.
    for (const job of this.running.values()) if (job.generation !== undefined) job.again = true;
    if (registriesChanged) this.unreachable.clear();
  }

  /**
   * Offline was switched on: the lookups on the wire stop now (their requests are aborted) and
   * run again, answering from the cache, instead of finishing over the network.
   */
  abortRunning(): void {
    for (const job of this.running.values()) {
      job.again = true;
      job.controller?.abort();
    }
  }

  /**
   * Forgets the settled results of keys `inUse` does not name, oldest first, keeping at most
   * `keep` of them: a long session's lookups (each with its facts) no longer pile up in memory.
   * A forgotten key asked again is answered from the disk cache within the TTL, with no request.
   */
  prune(inUse: ReadonlySet<string>, keep: number): string[] {
    const idle: string[] = [];
    for (const [key, lookup] of this.states) {
      if (inUse.has(key) || lookup.state === "resolving" || this.running.has(key)) continue;
      if (this.queue.some((j) => j.key === key)) continue;
      idle.push(key);
    }
    const forget = idle.slice(0, Math.max(0, idle.length - keep));
    for (const key of forget) {
      this.states.delete(key);
      this.derivedIn.delete(key);
    }
    return forget;
  }

  /** Forgets everything in memory and on disk (the "Clear Cache" command). */
  clear(): void {
    for (const timer of this.rerunTimers) clearTimeout(timer);
    this.rerunTimers.clear();
    for (const job of this.running.values()) job.controller?.abort();
    this.queue.length = 0;
    const keys = [...this.states.keys()];
    this.states.clear();
    this.derivedIn.clear();
    this.memo.clear();
    this.unreachable.clear();
    this.retries.clear();
    this.options.cache.clear();
    if (keys.length > 0) this.options.onDidChange?.(keys);
  }

  status(): ResolverStatus {
    return {
      resolving: this.running.size,
      queued: this.queue.length,
      offline: this.options.settings().offline || this.unreachable.any(),
      requests: {},
      ...this.options.stats?.(),
    };
  }

  /** Marks the repository's tag list as needed: the next resolution of it fetches the list too. */
  wantTags(reference: Reference): void {
    this.tagRequests.want(reference);
  }

  /**
   * Fetches the repository's tag list now (from the cache within its TTL) and adds it to what is
   * known of that repository's references, for completion; waits at most `waitMs`. A list still
   * on its way lands later (onDidChange). Offline, only the cache answers.
   */
  loadTags(reference: Reference, waitMs: number): Promise<void> {
    return this.tagRequests.load(reference, waitMs);
  }

  /** A repository's tag list arrived: added to its resolved references that have none. */
  private addTagList(repo: string, names: string[]): void {
    const changed: string[] = [];
    for (const [key, state] of this.states) {
      if (state.state !== "resolved" || state.resolution.tags !== undefined) continue;
      if (repositoryKey(state.resolution.reference) !== repo) continue;
      this.states.set(key, { ...state, resolution: { ...state.resolution, tags: names } });
      changed.push(key);
    }
    if (changed.length > 0) this.options.onDidChange?.(changed);
  }

  /** A running job's tag digest is known: shown at once (hover, lens), while its facts follow. */
  private publishDigest(job: Job, digest: DigestOnly): void {
    const current = this.states.get(job.key);
    if (current?.state !== "resolving" || this.running.get(job.key) !== job) return;
    this.states.set(job.key, { ...current, digest });
    this.options.onDidChange?.([job.key]);
  }

  private imageOptions(host: string, force: boolean, signal: AbortSignal): ResolveImageOptions {
    const settings = this.options.settings();
    const backoff = this.unreachable.backingOff(host) && !force;
    return {
      source: this.options.source,
      cache: this.options.cache,
      memo: this.memo,
      now: this.now,
      tagTtlMs: settings.tagTtlMs,
      hubTtlMs: settings.hubTtlMs,
      offline: settings.offline || backoff,
      ...(backoff && !settings.offline ? { unreachable: this.unreachable.error(host) } : {}),
      force,
      trustedRegistries: settings.trustedRegistries,
      inspectLayers: settings.inspectLayers ?? false,
      signal,
      log: (m) => this.options.log?.(m),
      wantTags: (ref) => this.tagRequests.isWanted(ref),
    };
  }

  /**
   * Tags of the repository that start with `prefix`, found beyond the first page the resolver
   * lists (tag completion while the user types). Answers within `waitMs` with what it has; a
   * search still running finishes into the cache for the next keystroke. Identical searches share
   * one request; offline, only the cache answers.
   */
  searchTags(reference: Reference, prefix: string, waitMs: number): Promise<FoundTag[]> {
    return this.tagRequests.search(reference, prefix, waitMs);
  }

  private needsWork(key: string): boolean {
    const s = this.states.get(key);
    if (!s || s.state === "unknown") return true;
    if (s.state === "resolving") return false;
    if ((this.derivedIn.get(key) ?? this.generation) !== this.generation) return true;
    if (s.state === "error") {
      // Offline, asking again answers the same from the same cache: an edit re-queues nothing
      // (going online, or any settings change, asks again).
      if (s.error.kind === "offline") return !this.options.settings().offline;
      return isUnreachable(s.error) || s.error.kind === "cancelled";
    }
    if (s.resolution.retryAt !== undefined && this.now() >= s.resolution.retryAt) return true;
    const { tagTtlMs, offline } = this.options.settings();
    if (s.freshness.kind === "offline") return !offline;
    return s.freshness.kind !== "fresh" || this.now() - s.freshness.fetchedAt >= tagTtlMs;
  }

  private previousOf(key: string): Lookup | undefined {
    return previousLookup(this.states.get(key));
  }

  /**
   * A job may start unless its registry already holds all but one of the slots while an image of
   * another registry waits: a registry that does not answer never takes every slot.
   */
  private mayStart(job: Job): boolean {
    const host = job.request.reference.registry;
    let sameHost = 0;
    for (const r of this.running.values()) if (r.request.reference.registry === host) sameHost++;
    if (sameHost < Math.max(1, this.concurrency - 1)) return true;
    return !this.queue.some((j) => !j.held && j.request.reference.registry !== host);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const startable = (j: Job): boolean => !j.held && this.mayStart(j);
      const visible = this.queue.findIndex((j) => startable(j) && j.priority === "visible");
      const index = visible >= 0 ? visible : this.queue.findIndex(startable);
      if (index < 0) break;
      const [job] = this.queue.splice(index, 1);
      if (!job) break;
      this.running.set(job.key, job);
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    const host = job.request.reference.registry;
    this.digestGate.asks(host, job);
    await this.preparing.wait(host);
    const controller = new AbortController();
    job.controller = controller;
    job.generation = this.generation;
    const settings = this.options.settings();
    const backoff = this.unreachable.backingOff(host) && !job.force;
    let result: Lookup;
    const writes = new WriteBehind();
    try {
      const r = await resolveImage(
        {
          ...this.imageOptions(host, job.force, controller.signal),
          onDigest: (d) => this.publishDigest(job, d),
          defer: (write) => writes.add(write),
          tagChecked: () => this.digestGate.done(host, job),
          afterDigests: (r) => this.digestGate.wait(r),
        },
        job.request.reference,
        job.request.platform,
      ).finally(() => {
        this.digestGate.done(host, job);
        writes.flush();
      });
      if (r.ok && r.freshness.kind === "offline" && !settings.offline && !backoff) {
        this.unreachable.mark(host, {
          kind: "network",
          why: "unreachable",
          host,
          detail: r.freshness.reason,
        });
      } else if (!r.ok) {
        this.unreachable.note(host, r.error);
      }
      result = landedLookup(r, r.ok ? undefined : this.previousOf(job.key));
    } catch (error) {
      // resolveImage returns errors as values; this is a bug guard so one bad image never stalls the queue.
      this.options.log?.(`resolving ${job.key} failed unexpectedly: ${String(error)}`);
      result = {
        state: "error",
        error: { kind: "bad-response", reason: "malformed", why: "internal", detail: String(error) },
      };
    }
    this.running.delete(job.key);
    if (controller.signal.aborted && job.owners.size === 0) {
      this.settle(job.key, this.previousOf(job.key) ?? { state: "unknown" });
    } else {
      this.derivedIn.set(job.key, job.generation);
      this.settle(job.key, result);
      this.scheduleRetry(job, result);
      if (job.again && job.owners.size > 0) this.scheduleRerun(job);
    }
    if (this.memo.size > MEMO_LIMIT) {
      for (const k of [...this.memo.keys()].slice(0, this.memo.size - MEMO_LIMIT)) this.memo.delete(k);
    }
    this.pump();
  }

  /**
   * A result a rate limit kept incomplete (details or the trust badge not asked, or manifest
   * downloads refused) is asked again once the limit resets, for the documents still using it:
   * one request at that time, never a loop.
   */
  private scheduleRetry(job: Job, lookup: Lookup): void {
    const at = job.owners.size === 0 ? undefined : retryAt(lookup);
    this.retries.set(job.key, at, this.now(), () => {
      for (const owner of job.owners) this.request([job.request], owner, job.priority);
    });
  }

  private settle(key: string, lookup: Lookup): void {
    // Re-inserted, so the map's order is the order of last use (prune forgets the oldest).
    this.states.delete(key);
    this.states.set(key, lookup);
    const waiters = this.waiters.get(key) ?? [];
    this.waiters.delete(key);
    for (const w of waiters) w();
    this.options.onDidChange?.([key]);
  }
}
