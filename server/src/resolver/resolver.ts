/**
 * The background resolver: references queue up (the visible document's first), identical ones
 * coalesce, work for closed documents or superseded versions is cancelled, a bounded number run
 * at once, and each result lands in memory where `lookup` answers synchronously. When a result
 * lands, `onDidChange` names the keys so the server refreshes what depends on them. The resolver
 * never formats UI and never throws: failures are `Lookup` values.
 */
import { formatReference, type Reference } from "../reference";
import type { ImageConfig } from "../oci/types";
import type { ParsedManifest } from "../registry/manifest";
import type { DiskCache } from "./cache";
import { resolveImage } from "./resolveImage";
import { isUnreachable, type ImageSource, type ResolveImageOptions } from "./source";
import { searchTags, tagsFor } from "./tagLists";
import type { ResolveError } from "../registry/errors";
import type { DigestOnly, FoundTag, Lookup, ResolverStatus } from "./types";

export type Priority = "visible" | "background";

export interface ResolveRequest {
  reference: Reference;
  /** "linux/amd64": the platform the facts should describe. */
  platform: string;
}

export interface ResolverSettings {
  tagTtlMs: number;
  hubTtlMs: number;
  offline: boolean;
  trustedRegistries: readonly string[];
  /** fromLens.facts.inspectLayers: read /etc/os-release out of the base layer as a last resort. */
  inspectLayers?: boolean;
}

export interface ResolverOptions {
  source: ImageSource;
  cache: DiskCache;
  settings: () => ResolverSettings;
  now?: () => number;
  /**
   * How many references resolve at once (default DEFAULT_CONCURRENCY). The registry client bounds
   * the requests per host and sends a tag's digest request before the manifests and configs
   * waiting for the same host, so with more references in flight than connections the digests
   * of all of them come first (breadth first) and the facts follow.
   */
  concurrency?: number;
  /** Called with the keys whose lookup changed. */
  onDidChange?: (keys: string[]) => void;
  /**
   * Gets ready for a batch of references of one registry that need the network (the client's
   * `authorize`); a failure that says the registry cannot be reached marks it unreachable.
   */
  prepare?: (references: Reference[]) => Promise<void | { ok: true } | { ok: false; error: ResolveError }>;
  /** Hub's rate-limit state, request counts: read for the status. */
  stats?: () => Pick<ResolverStatus, "hubRateLimit" | "requests">;
  log?: (message: string) => void;
}

interface Job {
  key: string;
  request: ResolveRequest;
  priority: Priority;
  owners: Set<string>;
  force: boolean;
  controller?: AbortController;
  /** The settings generation the job read its settings in (set when it starts). */
  generation?: number;
  /** Settings changed while it ran: queue it again once it settles. */
  again?: boolean;
  /** How many times this work was queued again because settings changed while it ran. */
  reruns: number;
  /** A re-run waiting for its turn of the event loop: not started before. */
  held?: boolean;
}

const MEMO_LIMIT = 512;
/**
 * A job whose settings changed while it ran runs again at most this many times in a row, each
 * after a turn of the event loop: settings that keep changing (or a re-run that fails at once
 * from the backoff) can never spin the resolver.
 */
const MAX_RERUNS = 2;
/** References resolved at once by default: a Dockerfile's worth, wider than any per-host limit. */
export const DEFAULT_CONCURRENCY = 32;
/** After the network fails, a host is left alone (cache answers) for this long. */
const UNREACHABLE_BACKOFF_MS = 60_000;

function repositoryKey(r: Reference): string {
  return `${r.registry}/${r.repository}`;
}

export function requestKey(r: ResolveRequest): string {
  return `${formatReference(r.reference)} ${r.platform}`;
}

export class Resolver {
  private readonly states = new Map<string, Lookup>();
  private readonly queue: Job[] = [];
  private readonly running = new Map<string, Job>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly memo = new Map<string, ParsedManifest | ImageConfig>();
  private readonly unreachableUntil = new Map<string, number>();
  /** The failure behind each `unreachableUntil` entry, told to the user while it lasts. */
  private readonly unreachableError = new Map<string, ResolveError>();
  private readonly now: () => number;
  private readonly concurrency: number;
  /**
   * Token prefetch per registry; a job starts once its own registry's settles (it never rejects).
   * Per registry, so one that does not answer holds up only its own images (issue 12).
   */
  private readonly preparing = new Map<string, Promise<void>>();
  private readonly searches = new Map<string, Promise<FoundTag[]>>();
  /** Bumped by `rederive`: a result settled in an older generation is worked out again. */
  private generation = 0;
  private readonly derivedIn = new Map<string, number>();
  /** Results a rate limit left incomplete are resolved again when it resets (one timer per key). */
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly rerunTimers = new Set<NodeJS.Timeout>();
  /**
   * Repositories (`registry/repository`) whose tag list a feature needs (completion, the
   * slim-final-stage suggestion). Other registries' lists are fetched for these only: the facts
   * never need them. Docker Hub's list always is (its digests tell "Also tagged").
   */
  private readonly tagsWanted = new Set<string>();
  private readonly tagLoads = new Map<string, Promise<void>>();

  constructor(private readonly options: ResolverOptions) {
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
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
    const previous = this.states.get(job.key);
    const prev =
      previous &&
      (previous.state === "resolved" ? previous : previous.state === "error" ? previous.previous : undefined);
    this.states.set(job.key, {
      state: "resolving",
      ...(prev ? { previous: { resolution: prev.resolution, freshness: prev.freshness } } : {}),
    });
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
    const now = this.now();
    const cold = this.queue
      .filter((j) => keys.includes(j.key))
      .map((j) => j.request.reference)
      .filter((ref) => (this.unreachableUntil.get(ref.registry) ?? 0) <= now)
      .filter((ref) => {
        const tagKey = formatReference({
          registry: ref.registry,
          repository: ref.repository,
          tag: ref.tag ?? "latest",
        });
        const entry = this.options.cache.getEntry("tags", tagKey);
        return !entry || now - entry.fetchedAt >= settings.tagTtlMs;
      });
    if (cold.length < 2) return;
    const byRegistry = new Map<string, Reference[]>();
    for (const ref of cold) byRegistry.set(ref.registry, [...(byRegistry.get(ref.registry) ?? []), ref]);
    for (const [registry, refs] of byRegistry) {
      const previous = this.preparing.get(registry) ?? Promise.resolve();
      const next = previous
        .then(() => prepare(refs))
        .then(
          (r) => {
            if (r && !r.ok) this.noteUnreachable(registry, r.error);
          },
          () => undefined,
        );
      this.preparing.set(registry, next);
      void next.then(() => {
        if (this.preparing.get(registry) === next) this.preparing.delete(registry);
      });
    }
  }

  /** A failure that says `host` cannot be reached: leave it alone (the cache answers) for a while. */
  private noteUnreachable(host: string, error: ResolveError): void {
    if (!isUnreachable(error) || error.kind === "rate-limited" || error.kind === "offline") return;
    this.unreachableUntil.set(host, this.now() + UNREACHABLE_BACKOFF_MS);
    this.unreachableError.set(host, error);
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
    if (registriesChanged) {
      this.unreachableUntil.clear();
      this.unreachableError.clear();
    }
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
    this.unreachableUntil.clear();
    this.unreachableError.clear();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.options.cache.clear();
    if (keys.length > 0) this.options.onDidChange?.(keys);
  }

  status(): ResolverStatus {
    const now = this.now();
    const unreachable = [...this.unreachableUntil.values()].some((until) => until > now);
    return {
      resolving: this.running.size,
      queued: this.queue.length,
      offline: this.options.settings().offline || unreachable,
      requests: {},
      ...this.options.stats?.(),
    };
  }

  /** Marks the repository's tag list as needed: the next resolution of it fetches the list too. */
  wantTags(reference: Reference): void {
    this.tagsWanted.add(repositoryKey(reference));
  }

  /**
   * Fetches the repository's tag list now (from the cache within its TTL) and adds it to what is
   * known of that repository's references, for completion; waits at most `waitMs`. A list still
   * on its way lands later (onDidChange). Offline, only the cache answers.
   */
  loadTags(reference: Reference, waitMs: number): Promise<void> {
    const repo = repositoryKey(reference);
    this.tagsWanted.add(repo);
    let load = this.tagLoads.get(repo);
    if (!load) {
      const options = this.imageOptions(reference.registry, false, new AbortController().signal);
      load = tagsFor(options, reference)
        .then((list) => {
          if (!list) return;
          const changed: string[] = [];
          for (const [key, state] of this.states) {
            if (state.state !== "resolved" || state.resolution.tags !== undefined) continue;
            if (repositoryKey(state.resolution.reference) !== repo) continue;
            this.states.set(key, { ...state, resolution: { ...state.resolution, tags: list.names } });
            changed.push(key);
          }
          if (changed.length > 0) this.options.onDidChange?.(changed);
        })
        .catch(() => undefined)
        .finally(() => this.tagLoads.delete(repo));
      this.tagLoads.set(repo, load);
    }
    const running = load;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      void running.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
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
    const backoff = (this.unreachableUntil.get(host) ?? 0) > this.now() && !force;
    return {
      source: this.options.source,
      cache: this.options.cache,
      memo: this.memo,
      now: this.now,
      tagTtlMs: settings.tagTtlMs,
      hubTtlMs: settings.hubTtlMs,
      offline: settings.offline || backoff,
      ...(backoff && !settings.offline ? { unreachable: this.unreachableError.get(host) } : {}),
      force,
      trustedRegistries: settings.trustedRegistries,
      inspectLayers: settings.inspectLayers ?? false,
      signal,
      log: (m) => this.options.log?.(m),
      wantTags: (ref) => this.tagsWanted.has(repositoryKey(ref)),
    };
  }

  /**
   * Tags of the repository that start with `prefix`, found beyond the first page the resolver
   * lists (tag completion while the user types). Answers within `waitMs` with what it has; a
   * search still running finishes into the cache for the next keystroke. Identical searches share
   * one request; offline, only the cache answers.
   */
  searchTags(reference: Reference, prefix: string, waitMs: number): Promise<FoundTag[]> {
    const key = `${reference.registry}/${reference.repository}:${prefix}`;
    let search = this.searches.get(key);
    if (!search) {
      const options = this.imageOptions(reference.registry, false, new AbortController().signal);
      search = searchTags(options, reference, prefix)
        .catch(() => [])
        .finally(() => this.searches.delete(key));
      this.searches.set(key, search);
    }
    const running = search;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve([]), waitMs);
      void running.then((tags) => {
        clearTimeout(timer);
        resolve(tags);
      });
    });
  }

  private needsWork(key: string): boolean {
    const s = this.states.get(key);
    if (!s || s.state === "unknown") return true;
    if (s.state === "resolving") return false;
    if ((this.derivedIn.get(key) ?? this.generation) !== this.generation) return true;
    if (s.state === "error") return isUnreachable(s.error) || s.error.kind === "cancelled";
    if (s.resolution.retryAt !== undefined && this.now() >= s.resolution.retryAt) return true;
    const ttl = this.options.settings().tagTtlMs;
    return s.freshness.kind !== "fresh" || this.now() - s.freshness.fetchedAt >= ttl;
  }

  private previousOf(key: string): Lookup | undefined {
    const s = this.states.get(key);
    if (s?.state === "resolving" && s.previous) return { state: "resolved", ...s.previous };
    return undefined;
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
    await this.preparing.get(job.request.reference.registry);
    const controller = new AbortController();
    job.controller = controller;
    job.generation = this.generation;
    const settings = this.options.settings();
    const host = job.request.reference.registry;
    const backoff = (this.unreachableUntil.get(host) ?? 0) > this.now() && !job.force;
    let result: Lookup;
    try {
      const r = await resolveImage(
        {
          ...this.imageOptions(host, job.force, controller.signal),
          onDigest: (d) => this.publishDigest(job, d),
        },
        job.request.reference,
        job.request.platform,
      );
      if (r.ok) {
        result = { state: "resolved", resolution: r.resolution, freshness: r.freshness };
        if (r.freshness.kind === "offline" && !settings.offline && !backoff) {
          this.unreachableUntil.set(host, this.now() + UNREACHABLE_BACKOFF_MS);
          this.unreachableError.set(host, {
            kind: "network",
            message: `${host} could not be reached: ${r.freshness.reason}`,
          });
        }
      } else {
        this.noteUnreachable(host, r.error);
        const prev = this.previousOf(job.key);
        result = {
          state: "error",
          error: r.error,
          ...(r.tags ? { tags: r.tags } : {}),
          ...(r.tagSummaries ? { tagSummaries: r.tagSummaries } : {}),
          ...(r.digestOnly ? { digestOnly: r.digestOnly } : {}),
          ...(prev?.state === "resolved"
            ? { previous: { resolution: prev.resolution, freshness: prev.freshness } }
            : {}),
        };
      }
    } catch (error) {
      // resolveImage returns errors as values; this is a bug guard so one bad image never stalls the queue.
      this.options.log?.(`resolving ${job.key} failed unexpectedly: ${String(error)}`);
      result = {
        state: "error",
        error: {
          kind: "bad-response",
          reason: "malformed",
          message: `FROM Lens could not resolve this image: ${String(error)}`,
        },
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
    const previous = this.retries.get(job.key);
    if (previous) clearTimeout(previous);
    this.retries.delete(job.key);
    const at =
      lookup.state === "resolved"
        ? lookup.resolution.retryAt
        : lookup.state === "error" && lookup.error.kind === "rate-limited"
          ? lookup.error.resetAt?.getTime()
          : undefined;
    if (at === undefined || job.owners.size === 0) return;
    const timer = setTimeout(
      () => {
        this.retries.delete(job.key);
        for (const owner of job.owners) this.request([job.request], owner, job.priority);
      },
      Math.min(Math.max(0, at - this.now()) + 1000, 2 ** 31 - 1),
    );
    timer.unref();
    this.retries.set(job.key, timer);
  }

  private settle(key: string, lookup: Lookup): void {
    this.states.set(key, lookup);
    const waiters = this.waiters.get(key) ?? [];
    this.waiters.delete(key);
    for (const w of waiters) w();
    this.options.onDidChange?.([key]);
  }
}
