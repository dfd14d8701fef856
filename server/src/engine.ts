/**
 * Builds the engine the server runs on — registry client, disk cache, resolver, workspace —
 * from the settings and the client's initialization options, and rebuilds the registry client
 * when a setting it depends on changes. Connection-free: the wiring passes in callbacks.
 */
import * as os from "node:os";
import { join } from "node:path";
import type { Logger } from "./log";
import type { InitializationOptions } from "./protocol";
import type { Reference } from "./reference";
import { createRegistryClient, type RegistryClient } from "./registry";
import { err, ok, type ResolveError } from "./registry/errors";
import type { HostAuth, HostAuthStore, RegistryClientOptions } from "./registry";
import { AttestationStore } from "./resolver/attestations";
import { DiskCache } from "./resolver/cache";
import { SignatureStore } from "./resolver/signatures";
import { Resolver } from "./resolver/resolver";
import type { ResolverStatus } from "./resolver/types";
import type { FromLensSettings } from "./settings";
import { OffThreadReader } from "./offThreadReader";
import { ImageWorkspace } from "./workspace";

const HUB_API_HOST_TTL_MS = 24 * 60 * 60_000;

/** Where the cache lives without a storage path from the client: the user cache dir. */
export function defaultStoragePath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "darwin" ? join(os.homedir(), "Library", "Caches") : join(os.homedir(), ".cache"));
  return join(base, "from-lens");
}

/**
 * Where docker.io's registry API is reached. Normally https://registry-1.docker.io; an air-gapped
 * site (and the offline demo and UI tests) can point it at a registry of its own with
 * FROM_LENS_DOCKER_HUB_URL — unlike a mirror, nothing then falls back to the real Docker Hub.
 */
export function dockerHubRegistryUrl(
  init: InitializationOptions,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return init.hubRegistryUrl || env.FROM_LENS_DOCKER_HUB_URL || undefined;
}

/** How long a host's remembered auth scheme is used before it is learnt again (a hint anyway). */
const HOST_AUTH_TTL_MS = 7 * 24 * 60 * 60_000;

/** Each registry host's auth scheme, in the disk cache: after a restart no request is a probe. */
export function hostAuthStore(cache: DiskCache, now: () => number = Date.now): HostAuthStore {
  return {
    get: (origin) => {
      const entry = cache.getEntry<HostAuth>("host-auth", origin);
      return entry && now() - entry.fetchedAt < HOST_AUTH_TTL_MS ? entry.value : undefined;
    },
    set: (origin, auth) => void cache.putEntry("host-auth", origin, auth, now()),
  };
}

export function registryOptions(
  settings: FromLensSettings,
  init: InitializationOptions,
  log: Logger,
  store?: HostAuthStore,
): RegistryClientOptions {
  const hubRegistryUrl = dockerHubRegistryUrl(init);
  return {
    ...(store ? { hostAuthStore: store } : {}),
    allowCredentialHelpers: init.workspaceTrusted !== false,
    insecureRegistries: settings.insecureRegistries,
    registryMirrors: settings.registryMirrors,
    hubApiUrl: settings.hubApiUrl,
    ...(hubRegistryUrl ? { hubRegistryUrl } : {}),
    ...(init.httpProxy ? { proxy: init.httpProxy } : {}),
    ...(init.httpNoProxy && init.httpNoProxy.length > 0 ? { noProxy: init.httpNoProxy } : {}),
    ...(settings.caFile ? { caFile: settings.caFile } : {}),
    limits: { perHostConcurrency: settings.network.maxRequestsPerHost },
    http2: settings.network.http2,
    log: (level, message) => log[level](message),
  };
}

/** The registry client depends on these settings only; others never rebuild it. */
function registryKey(settings: FromLensSettings): string {
  return JSON.stringify([
    settings.insecureRegistries,
    settings.registryMirrors,
    settings.hubApiUrl,
    settings.caFile,
    settings.network.maxRequestsPerHost,
    settings.network.http2,
  ]);
}

/** The settings the facts are derived with: a change re-derives them (from the cache). */
function factsKey(settings: FromLensSettings): string {
  return JSON.stringify([settings.trustedRegistries, settings.facts.inspectLayers]);
}

export class Engine {
  readonly cache: DiskCache;
  readonly resolver: Resolver;
  readonly workspace: ImageWorkspace;
  /** Reads large documents' image references on a worker thread. */
  readonly offThread: OffThreadReader;
  readonly attestations: AttestationStore;
  readonly signatures: SignatureStore;
  private client: RegistryClient;
  private clientKey: string;
  private factsKey: string;

  constructor(
    private settings: FromLensSettings,
    private readonly init: InitializationOptions,
    private readonly log: Logger,
    onDidChange: (keys: string[]) => void,
    /** How many references resolve at once (the CLI's --concurrency); the resolver's default otherwise. */
    concurrency?: number,
  ) {
    this.cache = new DiskCache({
      dir: join(init.storagePath || defaultStoragePath(), "cache"),
      maxBytes: settings.cache.maxSizeMB * 1024 * 1024,
      onProblem: (m) => log.warn(m),
    });
    this.client = createRegistryClient(registryOptions(settings, init, log, hostAuthStore(this.cache)));
    this.clientKey = registryKey(settings);
    this.factsKey = factsKey(settings);
    this.resolver = new Resolver({
      // The client may be rebuilt; the resolver always reaches the current one. Offline, no call
      // reaches it at all: also none of a lookup that began before offline was switched on.
      source: {
        resolve: (...a) => this.offline(a[0]) ?? this.client.resolve(...a),
        manifest: (...a) => this.offline(a[0]) ?? this.client.manifest(...a),
        config: (...a) => this.offline(a[0]) ?? this.client.config(...a),
        listTags: (...a) => this.offline(a[0]) ?? this.client.listTags(...a),
        hubTag: (...a) => this.offline(a[0]) ?? this.client.hubTag(...a),
        hubRepository: (...a) => this.offline(a[0]) ?? this.client.hubRepository(...a),
        hubBadge: (...a) => this.offline(a[0]) ?? this.client.hubBadge(...a),
        hubTags: (...a) => this.offline(a[0]) ?? this.client.hubTags(...a),
        readLayerFile: (...a) => this.offline(a[0]) ?? this.client.readLayerFile(...a),
      },
      cache: this.cache,
      ...(concurrency !== undefined ? { concurrency } : {}),
      settings: () => ({
        tagTtlMs: this.settings.cache.tagTtl * 60_000,
        hubTtlMs: Math.max(this.settings.cache.tagTtl * 60_000, HUB_API_HOST_TTL_MS),
        offline: this.settings.offline,
        trustedRegistries: this.settings.trustedRegistries,
        inspectLayers: this.settings.facts.inspectLayers,
      }),
      stats: () => this.stats(),
      prepare: (references) =>
        this.settings.offline ? Promise.resolve(ok(undefined)) : this.client.authorize(references),
      onDidChange,
      log: (m) => log.debug(m),
    });
    this.attestations = new AttestationStore({
      source: {
        manifest: (...a) => this.offline(a[0]) ?? this.client.manifest(...a),
        blob: (...a) => this.offline(a[0]) ?? this.client.blob(...a),
      },
      cache: this.cache,
      log: (m) => log.debug(m),
    });
    this.signatures = new SignatureStore({
      source: {
        referrers: (...a) => this.offline(a[0]) ?? this.client.referrers(...a),
        cosignSignature: (...a) => this.offline(a[0]) ?? this.client.cosignSignature(...a),
        manifest: (...a) => this.offline(a[0]) ?? this.client.manifest(...a),
        blob: (...a) => this.offline(a[0]) ?? this.client.blob(...a),
      },
      // A verdict changes the card and `unsigned-image`: refresh every document's diagnostics.
      onDidChange: () => onDidChange(this.workspace.allKeys()),
      log: (m) => log.debug(m),
    });
    this.offThread = new OffThreadReader({ script: join(__dirname, "refWorker.js") });
    this.workspace = new ImageWorkspace(this.resolver, {
      attestations: this.attestations,
      signatures: this.signatures,
      offThread: this.offThread,
      log: (m) => log.warn(m),
    });
  }

  /**
   * New settings: rebuild the registry client only when its own settings changed; when that or
   * what the facts are derived with changed, the resolver works its results out again (from the
   * cache) as the documents ask, so the change shows at once rather than at the next refresh.
   */
  configure(settings: FromLensSettings): void {
    const goingOffline = settings.offline && !this.settings.offline;
    this.settings = settings;
    if (goingOffline) this.resolver.abortRunning();
    const key = registryKey(settings);
    const facts = factsKey(settings);
    const clientChanged = key !== this.clientKey;
    if (clientChanged) {
      const old = this.client;
      this.client = createRegistryClient(
        registryOptions(settings, this.init, this.log, hostAuthStore(this.cache)),
      );
      this.clientKey = key;
      void old.close();
    }
    if (clientChanged || facts !== this.factsKey) {
      this.factsKey = facts;
      this.resolver.rederive(clientChanged);
    }
  }

  /** The answer of every registry call while the offline setting is on; undefined when online. */
  private offline(reference: Reference): Promise<{ ok: false; error: ResolveError }> | undefined {
    if (!this.settings.offline) return undefined;
    return Promise.resolve(
      err({
        kind: "offline",
        host: reference.registry,
        message: `FROM Lens is offline ("fromLens.offline"): it did not contact ${reference.registry}.`,
      }),
    );
  }

  /**
   * The user asked to refresh: rate-limit blocks are lifted (one request per refresh tells
   * whether the limit is still spent, never a loop) and credentials are read again, so a
   * `docker login` since takes effect at once.
   */
  refresh(): void {
    this.client.clearRateLimit();
    this.client.forgetCredentials();
  }

  status(): ResolverStatus {
    return this.resolver.status();
  }

  private stats(): Pick<ResolverStatus, "hubRateLimit" | "requests"> {
    const requests: Record<string, number> = {};
    for (const counts of Object.values(this.client.requestCounts())) {
      for (const [kind, n] of Object.entries(counts)) requests[kind] = (requests[kind] ?? 0) + n;
    }
    const hub = this.client.rateLimit(this.client.hubRegistryHost);
    const last = hub?.last;
    if (last?.limit === undefined || last.remaining === undefined) return { requests };
    return {
      requests,
      hubRateLimit: {
        limit: last.limit,
        remaining: last.remaining,
        ...(last.windowSeconds !== undefined ? { windowSeconds: last.windowSeconds } : {}),
        ...((hub?.blockedUntil ?? hub?.pullsBlockedUntil) !== undefined
          ? { resetAt: hub?.blockedUntil ?? hub?.pullsBlockedUntil }
          : last.resetAt !== undefined
            ? { resetAt: last.resetAt }
            : {}),
      },
    };
  }

  close(): Promise<void> {
    this.offThread.dispose();
    return this.client.close();
  }
}
