/**
 * The registry client: created once with an options object, it resolves references and fetches
 * manifests, configs, blobs, tag lists and Docker Hub metadata. Every method takes `{ signal }`
 * and returns `Result<T, ResolveError>`; nothing throws across this boundary.
 *
 * It decides where each request goes: `docker.io` images try the `registryMirrors` first (like the
 * docker daemon's registry-mirrors; everything from a mirror is verified against its digest, and
 * any mirror failure falls back to Docker Hub), other registries are asked directly (https, or
 * http for loopback and `insecureRegistries`). Resolving is HEAD-first on the registry itself; on
 * a mirror it is a GET whose body is hashed, since a mirror's digest header alone proves nothing.
 * Manifests fetched while resolving are kept in a small digest-keyed memo, so asking for them next
 * costs no second GET (a GET counts as a Docker Hub pull). Request counters and rate-limit state
 * are exposed for the resolver, the status bar and the benchmarks.
 */
import { apiHost, familiar, isDockerHub } from "../reference";
import type { Reference } from "../reference";
import { getBlob, getConfig } from "./blob";
import type { FetchedBlob, FetchedConfig } from "./blob";
import { badResponse, cancelledError, err, internalError, notFoundError, ok } from "./errors";
import type { ResolveError, Result } from "./errors";
import { DEFAULT_HUB_API_URL, HubApi } from "./hub";
import { readLayerFile } from "./layer";
import type { LayerFileSearch, LayerReadLimits } from "./layer";
import type { HubListOptions, HubRepository, HubTag, HubTagPage } from "./hub";
import { getManifest, getTagManifest, headManifest, isDigest, platformNotFound } from "./manifest";
import type { FetchedManifest, ManifestTarget } from "./manifest";
import { formatPlatform, parsePlatform, selectPlatform } from "../oci/platform";
import { INDEX_MEDIA_TYPES } from "../oci/types";
import type { Platform } from "../oci/types";
import type { HostRateLimitState } from "./ratelimit";
import { getCosignSignature, getReferrers, type Referrers } from "./referrers";
import { listTags } from "./tags";
import type { TagList } from "./tags";
import { transportOptions } from "./clientOptions";
import type { CallOptions, RegistryClientOptions, ResolveOptions, Resolved } from "./clientOptions";
import { Coalescer } from "./http/concurrency";
import { HttpTransport } from "./http/transport";
import { RegistrySession } from "./auth/session";
import type { RegistryEndpoint } from "./auth/types";
import type { RequestCounts } from "./http/counters";
import type { RequestKind } from "./http/options";

export type { CallOptions, RegistryClientOptions, ResolveOptions, Resolved } from "./clientOptions";

const MEMO_ENTRIES = 64;

export class RegistryClient {
  private readonly http: HttpTransport;
  private readonly session: RegistrySession;
  private readonly hubApi: HubApi;
  private readonly mirrors: RegistryEndpoint[];
  private readonly hubRegistry: URL;
  private readonly resolves = new Coalescer<Resolved>();
  private readonly layerReads = new Coalescer<LayerFileSearch>();
  /** Verified manifests by digest (content-addressed, so safe to share across repositories' calls). */
  private readonly memo = new Map<string, FetchedManifest>();

  constructor(options: RegistryClientOptions) {
    this.http = new HttpTransport(transportOptions(options));
    this.session = new RegistrySession(this.http, options.hostAuthStore);
    this.hubApi = new HubApi(this.http, options.hubApiUrl ?? DEFAULT_HUB_API_URL);
    let hubRegistry = new URL(`https://${apiHost("docker.io")}`);
    if (options.hubRegistryUrl !== undefined) {
      try {
        hubRegistry = new URL(new URL(options.hubRegistryUrl).origin);
      } catch {
        this.http.log(
          "warn",
          `hubRegistryUrl "${options.hubRegistryUrl}" is not a URL; using ${hubRegistry.origin}`,
        );
      }
    }
    this.hubRegistry = hubRegistry;
    this.mirrors = [];
    for (const m of options.registryMirrors ?? []) {
      const e = this.mirrorEndpoint(m);
      if (e) this.mirrors.push(e);
      else this.http.log("warn", `ignoring registry mirror "${m}": not a URL`);
    }
  }

  private mirrorEndpoint(text: string): RegistryEndpoint | undefined {
    let url: URL;
    try {
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : undefined;
      url = new URL(withScheme ?? `${this.http.schemeFor(text.replace(/\/.*$/, ""))}://${text}`);
    } catch {
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    return { origin: new URL(url.origin), credentialKey: url.host };
  }

  /** The registry's own endpoint for a reference. */
  private primaryEndpoint(ref: Reference): RegistryEndpoint {
    const host = apiHost(ref.registry);
    if (host === apiHost("docker.io")) return { origin: this.hubRegistry, credentialKey: ref.registry };
    return { origin: new URL(`${this.http.schemeFor(host)}://${host}`), credentialKey: ref.registry };
  }

  /** Mirrors first for docker.io, then the registry itself. */
  private endpoints(ref: Reference): { endpoint: RegistryEndpoint; mirror: boolean }[] {
    const primary = { endpoint: this.primaryEndpoint(ref), mirror: false };
    // Mirrors stand in for docker.io only (as the docker daemon's registry-mirrors do), not for a
    // reference that names registry-1.docker.io itself.
    if (!isDockerHub(ref) || this.mirrors.length === 0) return [primary];
    return [...this.mirrors.map((endpoint) => ({ endpoint, mirror: true })), primary];
  }

  private target(ref: Reference, endpoint: RegistryEndpoint): ManifestTarget {
    return { endpoint, repository: ref.repository, subject: familiar(ref) };
  }

  /** The boundary: an exception (a bug) becomes an error value, logged, never thrown to callers. */
  private async guard<T>(ref: Reference, work: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await work();
    } catch (e) {
      this.http.log(
        "error",
        `unexpected error for ${familiar(ref)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      return err(internalError(e, apiHost(ref.registry)));
    }
  }

  /** Runs `op` against each mirror, then the registry; a mirror's failure falls through. */
  private async viaMirrors<T>(
    ref: Reference,
    op: (target: ManifestTarget, mirror: boolean) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    const list = this.endpoints(ref);
    let last: Result<T> | undefined;
    for (const { endpoint, mirror } of list) {
      const r = await op(this.target(ref, endpoint), mirror);
      if (r.ok || r.error.kind === "cancelled" || !mirror) return r;
      this.http.log(
        "info",
        `mirror ${endpoint.origin.host} failed for ${familiar(ref)} (${r.error.kind}); falling back`,
      );
      last = r;
    }
    return last ?? err(cancelledError());
  }

  private remember(m: FetchedManifest): void {
    this.memo.delete(m.digest);
    this.memo.set(m.digest, m);
    while (this.memo.size > MEMO_ENTRIES) {
      const oldest = this.memo.keys().next();
      if (oldest.done) break;
      this.memo.delete(oldest.value);
    }
  }

  /**
   * Resolves a reference to its digest and media type (the index digest for multi-platform
   * images). With a digest in the reference, checks it exists and reads its type. With
   * `platform`, also picks that platform's entry from the index (fetching the index once).
   */
  resolve(ref: Reference, opts: ResolveOptions = {}): Promise<Result<Resolved>> {
    let wanted: Platform | undefined;
    if (opts.platform !== undefined) {
      wanted = typeof opts.platform === "string" ? parsePlatform(opts.platform) : opts.platform;
      if (!wanted) {
        const e = notFoundError("platform", familiar(ref), apiHost(ref.registry));
        e.message = `"${typeof opts.platform === "string" ? opts.platform : formatPlatform(opts.platform)}" is not a platform (expected os/arch[/variant], e.g. linux/arm64).`;
        return Promise.resolve(err(e));
      }
    }
    const reference = ref.digest ?? ref.tag ?? "latest";
    const fetchCold = opts.fetch === true && ref.digest === undefined;
    const key = `${ref.registry}/${ref.repository}@${reference} ${wanted ? `${wanted.os}/${wanted.architecture}/${wanted.variant ?? ""}` : ""}${fetchCold ? " get" : ""}`;
    return this.resolves.run(key, opts.signal, (signal) =>
      this.viaMirrors(ref, async (target, mirror): Promise<Result<Resolved>> => {
        let digest: string;
        let mediaType: string;
        let size: number | undefined;
        let method: "HEAD" | "GET";
        let fetched: FetchedManifest | undefined;
        const host = target.endpoint.origin.host;
        const pullsPaused = (): boolean =>
          this.http.rateLimits.blockedUntil(host, { pulls: true })?.scope === "pulls";
        let g: Result<FetchedManifest> | undefined;
        if (mirror || (fetchCold && !pullsPaused())) {
          g = await getTagManifest(this.session, target, reference, signal);
          // A pull limit spent by this very GET: the HEAD below still tells the digest.
          if (!g.ok && !mirror && g.error.kind === "rate-limited" && pullsPaused()) g = undefined;
        }
        if (g) {
          if (!g.ok) return g;
          this.remember(g.value);
          fetched = g.value;
          ({ digest, mediaType } = g.value);
          size = g.value.size;
          method = "GET";
        } else {
          const h = await headManifest(this.session, target, reference, signal);
          if (!h.ok) return h;
          ({ digest, mediaType, size } = h.value);
          if (h.value.fetched) this.remember(h.value.fetched);
          fetched = h.value.fetched;
          method = h.value.fetched ? "GET" : "HEAD";
        }
        const out: Resolved = {
          digest,
          mediaType,
          kind: INDEX_MEDIA_TYPES.has(mediaType) ? "index" : "image",
          source: { host, mirror, method },
        };
        if (size !== undefined) out.size = size;
        if (fetched) out.manifest = fetched;
        const rl = this.http.rateLimits.get(host)?.last;
        if (rl) out.rateLimit = rl;
        if (wanted && out.kind === "index") {
          const memo = this.memo.get(digest);
          const m = memo ? ok(memo) : await this.fetchManifestFrom(target, digest, signal);
          if (!m.ok) return m;
          if (m.value.kind !== "index") return ok(out);
          const d = selectPlatform(m.value.platforms, wanted);
          if (!d) return err(platformNotFound(target.subject, host, wanted, m.value.platforms));
          out.platform = d;
        }
        return ok(out);
      }),
    );
  }

  private async fetchManifestFrom(
    target: ManifestTarget,
    digest: string,
    signal?: AbortSignal,
  ): Promise<Result<FetchedManifest>> {
    const m = await getManifest(this.session, target, digest, signal);
    if (m.ok) this.remember(m.value);
    return m;
  }

  /** The manifest (index or image) with this digest, verified; from the memo when just fetched. */
  manifest(ref: Reference, digest: string, opts: CallOptions = {}): Promise<Result<FetchedManifest>> {
    return this.guard(ref, async () => {
      if (!isDigest(digest))
        return err(
          badResponse(
            "unsupported-digest",
            `${digest} is not a sha256 or sha512 digest.`,
            apiHost(ref.registry),
          ),
        );
      const memo = this.memo.get(digest);
      if (memo) return ok(memo);
      return this.viaMirrors(ref, (target) => this.fetchManifestFrom(target, digest, opts.signal));
    });
  }

  /** The image configuration blob with this digest, verified and parsed. */
  config(ref: Reference, digest: string, opts: CallOptions = {}): Promise<Result<FetchedConfig>> {
    return this.guard(ref, () =>
      this.viaMirrors(ref, (target) => getConfig(this.session, target, digest, opts.signal)),
    );
  }

  /** Any blob by digest, verified, at most `maxBytes` (default limits.maxBlobBytes). */
  blob(
    ref: Reference,
    digest: string,
    opts: CallOptions & { maxBytes?: number } = {},
  ): Promise<Result<FetchedBlob>> {
    return this.guard(ref, () =>
      this.viaMirrors(ref, (target) => getBlob(this.session, target, digest, opts)),
    );
  }

  /**
   * The first of `paths` (e.g. OS_RELEASE_PATHS) inside a layer blob, read by streaming the blob
   * and stopping as soon as the file is known (symlinks and hard links inside the layer followed),
   * within `maxBytes` compressed / `maxUncompressedBytes` / `maxFileBytes` (see layer.ts). A blob
   * read to its end is verified against `layerDigest`; one stopped early cannot be. Identical
   * concurrent reads share one download.
   */
  readLayerFile(
    ref: Reference,
    layerDigest: string,
    paths: readonly string[],
    opts: CallOptions & LayerReadLimits = {},
  ): Promise<Result<LayerFileSearch>> {
    const { signal, ...limits } = opts;
    const key = `${ref.registry}/${ref.repository}@${layerDigest} ${paths.join(",")} ${JSON.stringify(limits)}`;
    return this.layerReads.run(key, signal, (shared) =>
      this.guard(ref, () =>
        this.viaMirrors(ref, (target) =>
          readLayerFile(this.session, target, layerDigest, paths, { ...limits, signal: shared }),
        ),
      ),
    );
  }

  /** Artifacts referring to `digest` (OCI referrers API, else the `sha256-<hex>` tag); never via a mirror. */
  referrers(ref: Reference, digest: string, opts: CallOptions = {}): Promise<Result<Referrers>> {
    return this.guard(ref, () =>
      getReferrers(this.session, this.target(ref, this.primaryEndpoint(ref)), digest, opts.signal),
    );
  }

  /** Cosign's signature manifest of `digest` (tag `sha256-<hex>.sig`), undefined when none; never via a mirror. */
  cosignSignature(
    ref: Reference,
    digest: string,
    opts: CallOptions = {},
  ): Promise<Result<FetchedManifest | undefined>> {
    return this.guard(ref, () =>
      getCosignSignature(this.session, this.target(ref, this.primaryEndpoint(ref)), digest, opts.signal),
    );
  }

  /** The registry's tag list (`/v2/<name>/tags/list`), bounded pages; never via a mirror. */
  listTags(
    ref: Reference,
    opts: CallOptions & { pageSize?: number; maxPages?: number } = {},
  ): Promise<Result<TagList>> {
    return this.guard(ref, () => listTags(this.session, this.target(ref, this.primaryEndpoint(ref)), opts));
  }

  /**
   * Gets the tokens for many references up front: one token request per registry (and mirror)
   * with every repository's pull scope, instead of one per repository.
   */
  async authorize(refs: readonly Reference[], opts: CallOptions = {}): Promise<Result<void>> {
    const first = refs[0];
    if (!first) return ok(undefined);
    return this.guard(first, () => this.authorizeAll(refs, opts));
  }

  private async authorizeAll(refs: readonly Reference[], opts: CallOptions): Promise<Result<void>> {
    const groups = new Map<string, { endpoint: RegistryEndpoint; repositories: Set<string> }>();
    for (const ref of refs) {
      for (const { endpoint } of this.endpoints(ref)) {
        const key = `${endpoint.origin.origin} ${endpoint.credentialKey}`;
        let g = groups.get(key);
        if (!g) {
          g = { endpoint, repositories: new Set() };
          groups.set(key, g);
        }
        g.repositories.add(ref.repository);
      }
    }
    let firstError: ResolveError | undefined;
    await Promise.all(
      [...groups.values()].map(async (g) => {
        const r = await this.session.authorize(g.endpoint, [...g.repositories], opts.signal);
        if (!r.ok) firstError ??= r.error;
      }),
    );
    return firstError ? err(firstError) : ok(undefined);
  }

  private hubPath(ref: Reference): Result<string> {
    if (!isDockerHub(ref)) {
      return err(
        badResponse(
          "not-docker-hub",
          `${familiar(ref)} is not a Docker Hub image; the Docker Hub API knows nothing about it.`,
          ref.registry,
        ),
      );
    }
    return ok(ref.repository);
  }

  /** Docker Hub tag details: digest, per-platform digest / size / os / arch, last pushed. */
  async hubTag(ref: Reference, opts: CallOptions = {}): Promise<Result<HubTag>> {
    const p = this.hubPath(ref);
    if (!p.ok) return p;
    return this.guard(ref, () => this.hubApi.tag(p.value, ref.tag ?? "latest", opts));
  }

  /** Docker Hub repository information with its trust level. */
  async hubRepository(
    ref: Reference,
    opts: CallOptions & { badge?: boolean } = {},
  ): Promise<Result<HubRepository>> {
    const p = this.hubPath(ref);
    if (!p.ok) return p;
    return this.guard(ref, () => this.hubApi.repository(p.value, opts));
  }

  /**
   * The Docker Hub search badge of a repository as Hub spells it ("verified_publisher",
   * "open_source", "none"), undefined when search does not list it. Independent of the
   * repository record; `library/` repositories need none (the namespace is the programme).
   */
  async hubBadge(ref: Reference, opts: CallOptions = {}): Promise<Result<string | undefined>> {
    const p = this.hubPath(ref);
    if (!p.ok) return p;
    return this.guard(ref, () => this.hubApi.badge(p.value, opts.signal));
  }

  /** Docker Hub's tag list with details, bounded pages. */
  async hubTags(ref: Reference, opts: HubListOptions = {}): Promise<Result<HubTagPage>> {
    const p = this.hubPath(ref);
    if (!p.ok) return p;
    return this.guard(ref, () => this.hubApi.listTags(p.value, opts));
  }

  /** Requests sent so far, per host and kind. */
  requestCounts(): Record<string, RequestCounts> {
    return this.http.counters.snapshot();
  }

  totalRequests(kind?: RequestKind): number {
    return this.http.counters.total(kind);
  }

  resetRequestCounts(): void {
    this.http.counters.reset();
  }

  /** Rate-limit state of every host that sent rate-limit headers or a 429. */
  rateLimits(): HostRateLimitState[] {
    return this.http.rateLimits.snapshot();
  }

  rateLimit(host: string): HostRateLimitState | undefined {
    return this.http.rateLimits.get(host);
  }

  /** `host[:port]` of Docker Hub's registry API (registry-1.docker.io unless `hubRegistryUrl` says). */
  get hubRegistryHost(): string {
    return this.hubRegistry.host;
  }

  /** Lifts a 429 block early (e.g. after the user logged in). */
  clearRateLimit(host?: string): void {
    this.http.rateLimits.clear(host);
  }

  /** Forgets cached credentials and tokens, e.g. after `docker login`. */
  forgetCredentials(): void {
    this.session.forgetCredentials();
  }

  /** Closes connections. The client must not be used afterwards. */
  close(): Promise<void> {
    return this.http.close();
  }
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return new RegistryClient(options);
}
