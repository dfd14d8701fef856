/**
 * The loopback infrastructure of the resolve benchmark, run in a child process of its own so the
 * counting proxy's and the token server's work never shares an event loop with the FROM Lens code
 * being timed (skopeo runs in processes of its own too; both see the same infrastructure).
 *
 * For each auth mode it starts the CNCF registry on 127.0.0.1 (token auth like Docker Hub — a
 * loopback token server that grants anonymous pulls — and no auth), pushes the 20 benchmark
 * images (multi-platform OCI indexes with a BuildKit attestation entry, built from
 * ../shared/realdata records), and puts a counting proxy (test/support/faultServer with
 * `upstream`) in front of it. For the Hub-like run, the token registry also holds the images
 * under Docker Hub names, and two Docker Hub web API stand-ins (test/support/hubApi.ts: Docker
 * Hub's recorded answers) answer at the same latency and HUB_SLOW_MS slower. The parent talks to
 * it over the IPC channel: reset the counters, read them, stop.
 */
import { buildSample, SAMPLE_IMAGES, type SampleImage } from "../test/support/sampleImages";
import { pushImage, type BuiltImage } from "../test/support/images";
import { startFaultServer, type FaultServer, type RecordedRequest } from "../test/support/faultServer";
import { startRegistry, type Registry } from "../test/support/registry";
import { startHubApi, type HubApiServer } from "../test/support/hubApi";

export type AuthMode = "token" | "none";
export const AUTH_MODES: readonly AuthMode[] = ["token", "none"];

/** What the proxy (and, for tokens, the token server) saw, by kind of registry request. */
export type TrafficKind =
  "ping" | "head-manifest" | "get-manifest" | "get-blob" | "get-tags" | "token" | "other";
export const TRAFFIC_KINDS: readonly TrafficKind[] = [
  "ping",
  "head-manifest",
  "get-manifest",
  "get-blob",
  "get-tags",
  "token",
  "other",
];

export interface Traffic {
  kinds: Record<TrafficKind, number>;
  total: number;
  /** Answers with status 401 (auth challenges), included in the kinds above. */
  unauthorized: number;
}

export interface BenchImage {
  /** Repository in the loopback registry, e.g. "bench/python" (not `library/`: see below). */
  repository: string;
  /** The tag the Dockerfile uses. */
  tag: string;
  /** Every tag pushed for it (the first is `tag`). */
  tags: string[];
  /** The ../shared/realdata record its configs are built from. */
  record: string;
  /** Index digest, filled in by the infrastructure after the push. */
  digest: string;
  /**
   * Its Docker Hub name in the Hub-like run ("library/python", or a recorded non-library
   * repository: see HUB_NAMES), pushed to the token registry under that name too.
   */
  hubRepository: string;
}

/** Extra time the slow Docker Hub web API stand-in adds to every call (on top of the latency). */
export const HUB_SLOW_MS = 1000;

/**
 * Two images of the Hub-like run take the names of non-library repositories whose Hub answers
 * were recorded (../shared/hub-recordings: search pages with their badges), so the run asks Hub
 * search for a trust badge as well as tag details and tag lists; the others are `library/`.
 */
const HUB_NAMES: Record<string, string> = {
  "memcached:latest": "airbyte/source-gmail",
  "haproxy:alpine": "athenz/athenz",
};

export function hubRepositoryOf(sample: SampleImage): string {
  return HUB_NAMES[sample.record] ?? `library/${sample.repository.replace(/^bench\//, "")}`;
}

/** What a Docker Hub web API stand-in saw, by kind of call. */
export type HubCallKind = "tag" | "tags" | "search" | "repository" | "other";
export const HUB_CALL_KINDS: readonly HubCallKind[] = ["tag", "tags", "search", "repository", "other"];
export interface HubTraffic {
  kinds: Record<HubCallKind, number>;
  total: number;
}

/** The two Docker Hub web API stand-ins: at the registry's latency, and HUB_SLOW_MS slower. */
export interface InfraHub {
  atLatencyUrl: string;
  slowUrl: string;
}

export interface InfraRegistry {
  auth: AuthMode;
  /** host:port of the counting proxy: the registry part of every benchmark reference. */
  proxyHost: string;
  registryUrl: string;
  pushMs: number;
}

export type InfraRequest =
  { id: number; op: "reset" } | { id: number; op: "counts" } | { id: number; op: "stop" };

export type InfraMessage =
  | { type: "ready"; registries: InfraRegistry[]; images: BenchImage[]; hub: InfraHub; setupMs: number }
  | { type: "failed"; error: string }
  | {
      type: "reply";
      id: number;
      counts?: Record<AuthMode, Traffic>;
      hubCounts?: { atLatency: HubTraffic; slow: HubTraffic };
    };

/**
 * Ten more real records beside the ten SAMPLE_IMAGES, so the Dockerfile names 20 distinct images
 * (20 different index digests: no shortcut through content-addressed caching).
 */
const EXTRA_RECORDS = [
  "busybox:glibc",
  "httpd:2.4",
  "traefik:latest",
  "rust:slim",
  "php:cli",
  "nginx:latest",
  "mariadb:latest",
  "memcached:latest",
  "haproxy:alpine",
  "golang:1-alpine3.24",
];

/**
 * The 20 images. Repositories live under `bench/`, not `library/`: a `<registry>/library/<official
 * name>` path makes the server also resolve the Docker Hub original (diverges-from-official), which
 * would leave loopback.
 */
export function benchSamples(): SampleImage[] {
  const platforms = SAMPLE_IMAGES[0]?.platforms ?? [{ os: "linux", architecture: "amd64" }];
  const samples = SAMPLE_IMAGES.map((s) => ({
    ...s,
    repository: s.repository.replace(/^library\//, "bench/"),
  }));
  for (const record of EXTRA_RECORDS) {
    const [name = record, tag = "latest"] = record.split(":");
    samples.push({ repository: `bench/${name}`, record, tags: [tag], platforms });
  }
  return samples;
}

/** BENCH_LATENCY_MS (default 30): added by the proxy to every registry request. */
export function latencyMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_LATENCY_MS ?? "30");
  return Number.isFinite(n) && n >= 0 ? n : 30;
}

function zeroTraffic(): Traffic {
  const kinds = Object.fromEntries(TRAFFIC_KINDS.map((k) => [k, 0])) as Record<TrafficKind, number>;
  return { kinds, total: 0, unauthorized: 0 };
}

function kindOf(r: RecordedRequest): TrafficKind {
  if (/^\/v2\/?$/.test(r.path)) return "ping";
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(r.path)) {
    if (r.method === "HEAD") return "head-manifest";
    if (r.method === "GET") return "get-manifest";
  }
  if (r.method === "GET" && /^\/v2\/.+\/blobs\/[^/]+$/.test(r.path)) return "get-blob";
  if (r.method === "GET" && /^\/v2\/.+\/tags\/list$/.test(r.path)) return "get-tags";
  return "other";
}

function hubKindOf(r: RecordedRequest): HubCallKind {
  if (r.path.startsWith("/api/search/")) return "search";
  if (/\/tags\/[^/]+$/.test(r.path)) return "tag";
  if (/\/tags\/?$/.test(r.path)) return "tags";
  if (/^\/v2\/(?:namespaces\/)?[^/]+\/(?:repositories\/)?[^/]+\/?$/.test(r.path)) return "repository";
  return "other";
}

function hubTraffic(hub: HubApiServer): HubTraffic {
  const kinds = Object.fromEntries(HUB_CALL_KINDS.map((k) => [k, 0])) as Record<HubCallKind, number>;
  for (const r of hub.requests) kinds[hubKindOf(r)]++;
  return { kinds, total: hub.requests.length };
}

interface Live {
  auth: AuthMode;
  registry: Registry;
  proxy: FaultServer;
  /** Token-server requests already counted before the last reset. */
  tokenOffset: number;
}

function traffic(live: Live): Traffic {
  const t = zeroTraffic();
  for (const r of live.proxy.requests) {
    t.kinds[kindOf(r)]++;
    t.total++;
    if (r.status === 401) t.unauthorized++;
  }
  const tokens = (live.registry.tokenServer?.requests.length ?? 0) - live.tokenOffset;
  t.kinds.token += tokens;
  t.total += tokens;
  return t;
}

function reset(live: Live): void {
  live.proxy.resetRequests();
  live.tokenOffset = live.registry.tokenServer?.requests.length ?? 0;
}

/** Pushes every image (all its tags), a few repositories at a time; returns the index digests. */
async function pushAll(
  registry: Registry,
  built: { sample: SampleImage; image: BuiltImage }[],
): Promise<void> {
  const auth = registry.auth === "none" ? undefined : registry.users[0];
  // Images of one repository go up one after the other (they may share blobs).
  const byRepository = new Map<string, { sample: SampleImage; image: BuiltImage }[]>();
  for (const b of built)
    byRepository.set(b.sample.repository, [...(byRepository.get(b.sample.repository) ?? []), b]);
  const chains = [...byRepository.values()];
  const worker = async (): Promise<void> => {
    for (let chain = chains.shift(); chain; chain = chains.shift()) {
      for (const { sample, image } of chain) {
        for (const tag of sample.tags) await pushImage(registry, sample.repository, tag, image, auth);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function serve(): Promise<void> {
  const started = performance.now();
  const built = benchSamples().map((sample) => ({ sample, image: buildSample(sample) }));
  const lives: Live[] = [];
  const registries: InfraRegistry[] = [];
  const hubs: HubApiServer[] = [];
  try {
    await Promise.all(
      AUTH_MODES.map(async (auth) => {
        const registry = await startRegistry({ auth });
        const pushStarted = performance.now();
        await pushAll(registry, built);
        // The Hub-like run treats the token registry as Docker Hub: its images under their Hub
        // names too (the tag the Dockerfile uses; the same bytes, so the same digests).
        if (auth === "token")
          await pushAll(
            registry,
            built.map(({ sample, image }) => ({
              sample: { ...sample, repository: hubRepositoryOf(sample), tags: sample.tags.slice(0, 1) },
              image,
            })),
          );
        const pushMs = performance.now() - pushStarted;
        // Every registry request waits this long at the proxy, like a registry across a network.
        const latency = latencyMs();
        const proxy = await startFaultServer({
          upstream: registry.url,
          rules: latency > 0 ? [{ path: /./, beforeAuth: true, fault: { kind: "delay", ms: latency } }] : [],
        });
        const live: Live = { auth, registry, proxy, tokenOffset: 0 };
        reset(live);
        lives.push(live);
        registries.push({ auth, proxyHost: proxy.host, registryUrl: registry.url, pushMs });
      }),
    );
    // Docker Hub's web API, answering from Docker Hub's recorded answers (and the realdata-valued
    // library/ fixtures where nothing was recorded; test/support/hubApi.ts), each call delayed
    // like a registry request, and once more HUB_SLOW_MS slower.
    const latency = latencyMs();
    for (const ms of [latency, latency + HUB_SLOW_MS]) {
      hubs.push(await startHubApi({ rules: ms > 0 ? [{ path: /./, fault: { kind: "delay", ms } }] : [] }));
    }
  } catch (error) {
    await Promise.all(hubs.map((h) => h.stop()));
    await Promise.all(lives.map((l) => Promise.all([l.proxy.stop(), l.registry.stop()])));
    send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
  const images: BenchImage[] = built.map(({ sample, image }) => ({
    repository: sample.repository,
    tag: sample.tags[0] ?? "latest",
    tags: sample.tags,
    record: sample.record,
    digest: image.digest,
    hubRepository: hubRepositoryOf(sample),
  }));
  const [hubAt, hubSlow] = hubs;
  if (!hubAt || !hubSlow) throw new Error("the Docker Hub web API stand-ins did not start");
  process.on("message", (message: InfraRequest) => {
    void (async () => {
      if (message.op === "reset") {
        for (const l of lives) reset(l);
        for (const h of hubs) h.resetRequests();
        send({ type: "reply", id: message.id });
      } else if (message.op === "counts") {
        const counts = Object.fromEntries(lives.map((l) => [l.auth, traffic(l)])) as Record<
          AuthMode,
          Traffic
        >;
        const hubCounts = { atLatency: hubTraffic(hubAt), slow: hubTraffic(hubSlow) };
        send({ type: "reply", id: message.id, counts, hubCounts });
      } else {
        await Promise.all(hubs.map((h) => h.stop()));
        await Promise.all(lives.map((l) => Promise.all([l.proxy.stop(), l.registry.stop()])));
        send({ type: "reply", id: message.id });
        process.disconnect();
      }
    })();
  });
  send({
    type: "ready",
    registries,
    images,
    hub: { atLatencyUrl: hubAt.url, slowUrl: hubSlow.url },
    setupMs: performance.now() - started,
  });
}

function send(message: InfraMessage): void {
  process.send?.(message);
}

if (require.main === module) {
  // The parent went away (crashed or was interrupted): exit, which stops the registries
  // (test/support kills its children and removes its temp dirs on exit).
  process.on("disconnect", () => process.exit(0));
  void serve();
}
