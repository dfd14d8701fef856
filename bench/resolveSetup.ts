/**
 * The resolve bench's setup: its knobs (BENCH_REPS, BENCH_SKOPEO, …), the loopback infrastructure
 * child process (bench/infra.ts) and the 20-image Dockerfile, and the settings, logger and checks
 * every FROM Lens run shares.
 */
import { execFile, fork, type ChildProcess } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { extractImageRefs, type ImageRef } from "../server/src/dockerfile";
import type { Logger } from "../server/src/log";
import type { Lookup } from "../server/src/resolver/types";
import { DEFAULT_SETTINGS, normalizeSettings, type FromLensSettings } from "../server/src/settings";
import { requestFor } from "../server/src/workspace";
import {
  TRAFFIC_KINDS,
  type AuthMode,
  type BenchImage,
  type HubTraffic,
  type InfraHub,
  type InfraMessage,
  type InfraRegistry,
  type InfraRequest,
  type Traffic,
  type TrafficKind,
} from "./infra";
import { lookupErrorText } from "../server/src/features/lookupError";

export const execFileAsync = promisify(execFile);

export const REPS = positiveInt(process.env.BENCH_REPS, 3);

export const PLATFORM = "linux/amd64";

export const SKOPEO = process.env.BENCH_SKOPEO ?? "skopeo";

/** FROM Lens' default per-host request limit (fromLens.network.maxRequestsPerHost), matched by the peer's ×8 rows. */
export const FROM_LENS_CONCURRENCY = DEFAULT_SETTINGS.network.maxRequestsPerHost;

export const SKOPEO_PARALLEL = FROM_LENS_CONCURRENCY;

/** In-process hovers timed for the p99 goal. */
export const HOVERS = 1000;

/** Docker Hub's registry and web API are pointed here (nothing listens): the bench never leaves loopback. */
export const NOWHERE = "http://127.0.0.1:9";

export const RESOLVE_TIMEOUT_MS = 30_000;

export const DEFAULT_TAG_TTL_MINUTES = 60;

/**
 * The tag TTL of the revalidating engine: short, so the cold run's entries are past it without
 * waiting an hour, yet far longer than a run, so entries written during the run stay fresh for
 * the rest of it (as with the default hour).
 */
export const REVALIDATE_TTL_MS = 2_000;

/** The whole run is bounded: past this, it stops with an error instead of hanging. */
export const DEADLINE_MS = 300_000;

export const DOC_URI = "file:///bench/Dockerfile";

/** The latest modification time of the files under `dir`. */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------------------
// The loopback infrastructure (a child process)

export class Infra {
  private nextId = 1;
  private readonly pending = new Map<number, (m: InfraMessage & { type: "reply" }) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly registries: InfraRegistry[],
    readonly images: BenchImage[],
    readonly hub: InfraHub,
    readonly setupMs: number,
  ) {
    child.on("message", (m: InfraMessage) => {
      if (m.type !== "reply") return;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
  }

  /** Forks bench/infra.ts (with this process's tsx loader flags) and waits until it is ready. */
  static start(): Promise<Infra> {
    const child = fork(join(__dirname, "infra.ts"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error("the loopback registries did not start within 60 s"));
      }, 60_000);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`bench/infra.ts exited during set-up (code ${String(code)})`));
      });
      child.on("message", (m: InfraMessage) => {
        if (m.type === "failed") {
          clearTimeout(timer);
          reject(new Error(`loopback set-up failed: ${m.error}`));
        } else if (m.type === "ready") {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          resolve(new Infra(child, m.registries, m.images, m.hub, m.setupMs));
        }
      });
    });
  }

  registry(auth: AuthMode): InfraRegistry {
    const r = this.registries.find((x) => x.auth === auth);
    if (!r) throw new Error(`no ${auth} registry`);
    return r;
  }

  private call(op: InfraRequest["op"]): Promise<InfraMessage & { type: "reply" }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench/infra.ts did not answer "${op}"`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child.send({ id, op } satisfies InfraRequest);
    });
  }

  async reset(): Promise<void> {
    await this.call("reset");
  }

  async counts(auth: AuthMode): Promise<Traffic> {
    const reply = await this.call("counts");
    const t = reply.counts?.[auth];
    if (!t) throw new Error(`no counts for the ${auth} registry`);
    return t;
  }

  /** Calls the Docker Hub web API stand-in saw since the last reset. */
  async hubCounts(which: HubMode): Promise<HubTraffic> {
    const t = (await this.call("counts")).hubCounts?.[which];
    if (!t) throw new Error(`no counts for the ${which} Docker Hub web API`);
    return t;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await this.call("stop").catch(() => this.child.kill());
    await exited;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// The Dockerfile: 12 build stages (FROM) and 8 COPY --from= images, 20 distinct images

/**
 * The Dockerfile naming `host`'s images; `host` undefined: the same images by their Docker Hub
 * names (`python:3.12-slim`, `airbyte/source-gmail:latest`), for the Hub-like run.
 */
export function dockerfileText(host: string | undefined, images: readonly BenchImage[]): string {
  const used = new Set<string>();
  const R = (record: string): string => {
    const image = images.find((i) => i.record === record);
    if (!image) throw new Error(`no benchmark image for ${record}`);
    used.add(record);
    if (host === undefined) return `${image.hubRepository.replace(/^library\//, "")}:${image.tag}`;
    return `${host}/${image.repository}:${image.tag}`;
  };
  const text = `# A 20-image multi-stage build: 12 FROM stages and 8 COPY --from= images.
FROM ${R("golang:1.25-bookworm")} AS go-build
WORKDIR /src
RUN go build -o /out/server ./cmd/server

FROM ${R("golang:1-alpine3.24")} AS go-tools
RUN go install example.com/tool@latest

FROM ${R("rust:slim")} AS rust-build
RUN cargo build --release

FROM ${R("python:3.12-slim")} AS py-deps
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM ${R("eclipse-temurin:21-jre-alpine")} AS jre

FROM ${R("php:cli")} AS php-assets
RUN php build-assets.php

FROM ${R("alpine:3.22")} AS certs
RUN apk add --no-cache ca-certificates

FROM ${R("ubuntu:jammy")} AS legacy
RUN apt-get update && apt-get install -y --no-install-recommends libssl3

FROM ${R("nginx:alpine")} AS web
COPY --from=${R("nginx:latest")} /etc/nginx/mime.types /etc/nginx/mime.types
COPY --from=php-assets /assets /usr/share/nginx/html

FROM ${R("httpd:2.4")} AS docs
COPY --from=${R("busybox:glibc")} /bin/busybox /bin/busybox

FROM ${R("traefik:latest")} AS edge

FROM ${R("ubuntu:noble")} AS final
COPY --from=go-build /out/server /usr/local/bin/server
COPY --from=${R("postgres:17")} /usr/lib/postgresql /usr/lib/postgresql
COPY --from=${R("redis:alpine")} /usr/local/bin/redis-cli /usr/local/bin/
COPY --from=${R("memcached:latest")} /usr/local/bin/memcached /usr/local/bin/
COPY --from=${R("haproxy:alpine")} /usr/local/sbin/haproxy /usr/local/sbin/
COPY --from=${R("mariadb:latest")} /usr/bin/mariadb /usr/bin/
COPY --from=${R("python:3.13-alpine")} /usr/local/bin/python3 /opt/python/
COPY --from=jre /opt/java /opt/java
CMD ["server"]
`;
  const unused = images.filter((i) => !used.has(i.record)).map((i) => i.record);
  if (unused.length > 0) throw new Error(`the Dockerfile does not use ${unused.join(", ")}`);
  return text;
}

/** The remote references of the Dockerfile (what the server resolves), with their positions. */
export function remoteRefs(text: string, settings: FromLensSettings): ImageRef[] {
  return extractImageRefs(text).filter((r) => requestFor(r, settings) !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Shared by the runs

export interface Run {
  ms: number;
  /** FROM Lens only: until every reference's digest was published (before its facts). */
  digestMs?: number;
  /** Seen by the counting proxy (and the token server). */
  proxy: Traffic;
  /** FROM Lens only: the RegistryClient's own counters, in the same kinds. */
  client?: Traffic;
  /** The Hub-like run: the calls the Docker Hub web API saw, and those the client counted. */
  hub?: { seen: HubTraffic; client: number };
}

/** The Hub-like run's two Docker Hub web APIs: at the registry's latency, and HUB_SLOW_MS slower. */
export type HubMode = "atLatency" | "slow";

export interface Env {
  infra: Infra;
  auth: AuthMode;
  text: string;
  refs: ImageRef[];
  /** Index digest by reference text. */
  digests: Map<string, string>;
  /** Where an empty docker config lives (no credentials: anonymous pulls, like skopeo here). */
  dockerConfig: string;
  authFile: string;
  problems: string[];
  /**
   * The Hub-like run: the registry is Docker Hub's (`hubRegistryUrl`, the token registry behind
   * its proxy) and `hubApiUrl` one of the Docker Hub web API stand-ins.
   */
  hub?: { registryUrl: string; mode: HubMode };
}

export function benchSettings(tagTtlMinutes: number, hubApiUrl = NOWHERE): FromLensSettings {
  return normalizeSettings({
    defaultPlatform: PLATFORM,
    hubApiUrl,
    cache: { tagTtl: tagTtlMinutes },
    hover: { waitMs: RESOLVE_TIMEOUT_MS },
  });
}

export function logger(problems: string[]): Logger {
  const keep = (level: string) => (message: string) => void problems.push(`${level}: ${message}`);
  return { error: keep("error"), warn: keep("warn"), info: () => undefined, debug: () => undefined };
}

export function clientTraffic(requests: Record<string, number>): Traffic {
  const kinds = Object.fromEntries(TRAFFIC_KINDS.map((k) => [k, 0])) as Record<TrafficKind, number>;
  let total = 0;
  for (const [kind, n] of Object.entries(requests)) {
    if (kind === "hub-api") continue; // Docker Hub's web API is not the registry: counted apart
    const k: TrafficKind = (TRAFFIC_KINDS as readonly string[]).includes(kind)
      ? (kind as TrafficKind)
      : "other";
    kinds[k] += n;
    total += n;
  }
  return { kinds, total, unauthorized: 0 };
}

/** Checks that every reference resolved to facts about the image that was pushed; throws if not. */
export function checkLookups(env: Env, what: string, lookups: readonly [string, Lookup][]): void {
  const bad: string[] = [];
  for (const [reference, l] of lookups) {
    if (l.state !== "resolved") {
      bad.push(
        `${reference}: ${l.state}${l.state === "error" ? ` (${l.error.kind}: ${lookupErrorText(l.error)})` : ""}`,
      );
    } else if (l.resolution.tagDigest !== env.digests.get(reference)) {
      bad.push(
        `${reference}: resolved to ${String(l.resolution.tagDigest)}, pushed ${String(env.digests.get(reference))}`,
      );
    } else if (!l.resolution.facts.describedPlatform) {
      bad.push(`${reference}: no platform config was read`);
    }
  }
  if (lookups.length !== env.digests.size)
    bad.push(`${lookups.length} references resolved, expected ${env.digests.size}`);
  if (bad.length > 0) throw new Error(`FROM Lens ${what} did not resolve everything:\n  ${bad.join("\n  ")}`);
}
