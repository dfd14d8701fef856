/**
 * How fast FROM Lens turns a 20-image Dockerfile into facts, and how many registry requests it
 * makes, against a peer measured in the same run: skopeo, on the same loopback registry.
 *
 *   npx tsx bench/resolve.bench.ts        (after `npm ci` and `npm run build`; see bench/README.md)
 *
 * Everything runs on 127.0.0.1: the CNCF registry (token auth like Docker Hub, and no auth) with
 * 20 multi-platform images, a counting proxy in front of it and the token server run in a child
 * process (bench/infra.ts). FROM Lens is measured through the engine the server builds (its
 * RegistryClient + DiskCache + Resolver, from settings, via ImageWorkspace.update and
 * Resolver.waitFor): cold (empty cache dir), warm (a new engine on the same cache dir, i.e. a
 * restart within the tag TTL) and revalidating (a new engine whose tag TTL has run out); once
 * more end to end through the built server over stdio (dist/server.js, a hover per reference
 * that waits up to hover.waitMs). skopeo inspects the same 20 references one at a time and four
 * at a time (FROM Lens resolves four at once by default). Each measurement is repeated
 * BENCH_REPS times (default 5) after one unrecorded warm-up round; the table shows medians.
 */
import { execFile, fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HoverRequest, type Hover } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs, type ImageRef } from "../server/src/dockerfile";
import { Engine } from "../server/src/engine";
import type { Logger } from "../server/src/log";
import type { InitializationOptions } from "../server/src/protocol";
import type { Lookup } from "../server/src/resolver/types";
import { provideHover } from "../server/src/features/hover";
import { requestKey } from "../server/src/resolver/resolver";
import { DEFAULT_SETTINGS, normalizeSettings, type FromLensSettings } from "../server/src/settings";
import { requestFor } from "../server/src/workspace";
import { REPO_ROOT, SERVER_JS, startServer, type TestServer } from "../test/support/lsp";
import { measurePeers, RCJSUEN_SERVER, type PeerTimes } from "./peers";
import { makeTempDir, removeTempDir } from "../test/support/tmp";
import {
  latencyMs,
  TRAFFIC_KINDS,
  type AuthMode,
  type BenchImage,
  type InfraMessage,
  type InfraRegistry,
  type InfraRequest,
  type Traffic,
  type TrafficKind,
} from "./infra";

const execFileAsync = promisify(execFile);

const REPS = positiveInt(process.env.BENCH_REPS, 3);
const PLATFORM = "linux/amd64";
const SKOPEO = process.env.BENCH_SKOPEO ?? "skopeo";
/** FROM Lens' default per-host request limit (fromLens.network.maxRequestsPerHost), matched by the peer's ×8 rows. */
const FROM_LENS_CONCURRENCY = DEFAULT_SETTINGS.network.maxRequestsPerHost;
const SKOPEO_PARALLEL = FROM_LENS_CONCURRENCY;
/** In-process hovers timed for the p99 goal. */
const HOVERS = 1000;
/** Docker Hub's registry and web API are pointed here (nothing listens): the bench never leaves loopback. */
const NOWHERE = "http://127.0.0.1:9";
const RESOLVE_TIMEOUT_MS = 30_000;
const DEFAULT_TAG_TTL_MINUTES = 60;
/**
 * The tag TTL of the revalidating engine: short, so the cold run's entries are past it without
 * waiting an hour, yet far longer than a run, so entries written during the run stay fresh for
 * the rest of it (as with the default hour).
 */
const REVALIDATE_TTL_MS = 2_000;
/** The whole run is bounded: past this, it stops with an error instead of hanging. */
const DEADLINE_MS = 300_000;
const DOC_URI = "file:///bench/Dockerfile";

/** The latest modification time of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------------------
// The loopback infrastructure (a child process)

class Infra {
  private nextId = 1;
  private readonly pending = new Map<number, (m: InfraMessage & { type: "reply" }) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly registries: InfraRegistry[],
    readonly images: BenchImage[],
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
          resolve(new Infra(child, m.registries, m.images, m.setupMs));
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

function dockerfileText(host: string, images: readonly BenchImage[]): string {
  const used = new Set<string>();
  const R = (record: string): string => {
    const image = images.find((i) => i.record === record);
    if (!image) throw new Error(`no benchmark image for ${record}`);
    used.add(record);
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
function remoteRefs(text: string, settings: FromLensSettings): ImageRef[] {
  return extractImageRefs(text).filter((r) => requestFor(r, settings) !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Run {
  ms: number;
  /** FROM Lens only: until every reference's digest was published (before its facts). */
  digestMs?: number;
  /** Seen by the counting proxy (and the token server). */
  proxy: Traffic;
  /** FROM Lens only: the RegistryClient's own counters, in the same kinds. */
  client?: Traffic;
}

interface Env {
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
}

function benchSettings(tagTtlMinutes: number): FromLensSettings {
  return normalizeSettings({
    defaultPlatform: PLATFORM,
    hubApiUrl: NOWHERE,
    cache: { tagTtl: tagTtlMinutes },
    hover: { waitMs: RESOLVE_TIMEOUT_MS },
  });
}

function logger(problems: string[]): Logger {
  const keep = (level: string) => (message: string) => void problems.push(`${level}: ${message}`);
  return { error: keep("error"), warn: keep("warn"), info: () => undefined, debug: () => undefined };
}

function clientTraffic(requests: Record<string, number>): Traffic {
  const kinds = Object.fromEntries(TRAFFIC_KINDS.map((k) => [k, 0])) as Record<TrafficKind, number>;
  let total = 0;
  for (const [kind, n] of Object.entries(requests)) {
    const k: TrafficKind = (TRAFFIC_KINDS as readonly string[]).includes(kind)
      ? (kind as TrafficKind)
      : "other";
    kinds[k] += n;
    total += n;
  }
  return { kinds, total, unauthorized: 0 };
}

/** Checks that every reference resolved to facts about the image that was pushed; throws if not. */
function checkLookups(env: Env, what: string, lookups: readonly [string, Lookup][]): void {
  const bad: string[] = [];
  for (const [reference, l] of lookups) {
    if (l.state !== "resolved") {
      bad.push(
        `${reference}: ${l.state}${l.state === "error" ? ` (${l.error.kind}: ${l.error.message})` : ""}`,
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

type Phase = "cold" | "warm" | "revalidate";

/** Hover times (ms) on a warm engine, as the server answers one: the context built, then the card. */
const hoverTimes: number[] = [];

function timeHovers(engine: Engine, doc: TextDocument, settings: FromLensSettings): number[] {
  const refs = engine.workspace.refs(doc).filter((r) => requestFor(r, settings) !== undefined);
  const out: number[] = [];
  for (let i = 0; i < HOVERS; i++) {
    const ref = refs[i % refs.length];
    if (!ref) break;
    const started = performance.now();
    const ctx = engine.workspace.context(doc, settings);
    const hover = provideHover(ctx, { line: ref.range.start.line, character: ref.range.start.character + 1 });
    out.push(performance.now() - started);
    if (hover === null) throw new Error("a hover on a resolved reference answered nothing");
  }
  return out;
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/**
 * One FROM Lens run: a new engine (as a server start builds it) on `storagePath`, the document
 * opened, timed until every reference has left "resolving".
 */
async function fromLensRun(env: Env, phase: Phase, storagePath: string): Promise<Run> {
  const settings = benchSettings(
    phase === "revalidate" ? REVALIDATE_TTL_MS / 60_000 : DEFAULT_TAG_TTL_MINUTES,
  );
  const init: InitializationOptions = { storagePath, hubRegistryUrl: NOWHERE };
  const wanted = new Map<string, ReturnType<typeof requestFor>>();
  for (const ref of env.refs) {
    const request = requestFor(ref, settings);
    if (request) wanted.set(requestKey(request), request);
  }
  const withDigest = new Set<string>();
  let digestAt: number | undefined;
  let engine: Engine | undefined = undefined;
  const onChange = (keys: string[]): void => {
    for (const key of keys) {
      const request = wanted.get(key);
      if (!request || !engine || withDigest.has(key)) continue;
      const l = engine.resolver.lookup(request);
      const digest =
        l.state === "resolving"
          ? l.digest?.tagDigest
          : l.state === "resolved"
            ? l.resolution.tagDigest
            : undefined;
      if (digest !== undefined) withDigest.add(key);
    }
    if (digestAt === undefined && withDigest.size === wanted.size) digestAt = performance.now();
  };
  engine = new Engine(settings, init, logger(env.problems), onChange);
  try {
    await env.infra.reset();
    const doc = TextDocument.create(DOC_URI, "dockerfile", 1, env.text);
    const started = performance.now();
    const refs = engine.workspace.update(doc, settings, "visible");
    const waits = refs.flatMap((ref) => {
      const request = requestFor(ref, settings);
      return request && ref.resolved !== undefined
        ? [
            engine.resolver
              .waitFor(request, RESOLVE_TIMEOUT_MS)
              .then((l): [string, Lookup] => [ref.resolved ?? "", l]),
          ]
        : [];
    });
    const lookups = await Promise.all(waits);
    const ms = performance.now() - started;
    checkLookups(env, phase, lookups);
    const client = clientTraffic(engine.status().requests);
    const proxy = await env.infra.counts(env.auth);
    if (phase === "warm" && hoverTimes.length < HOVERS) hoverTimes.push(...timeHovers(engine, doc, settings));
    engine.workspace.close(DOC_URI);
    return { ms, proxy, client, ...(digestAt !== undefined ? { digestMs: digestAt - started } : {}) };
  } finally {
    await engine.close();
  }
}

interface SkopeoVariant {
  label: string;
  args: string[];
  /** Checks one output against the reference's pushed index digest; returns a problem or undefined. */
  check(stdout: Buffer, digest: string): string | undefined;
}

const SKOPEO_VARIANTS: SkopeoVariant[] = [
  {
    label: "inspect --raw",
    args: ["--raw"],
    check: (out, digest) => {
      const got = `sha256:${createHash("sha256").update(out).digest("hex")}`;
      return got === digest ? undefined : `raw manifest is ${got}, pushed ${digest}`;
    },
  },
  {
    label: "inspect --config --raw",
    args: ["--config", "--raw"],
    check: (out) => {
      const config = JSON.parse(out.toString("utf8")) as { architecture?: unknown; os?: unknown };
      return config.os === "linux" && config.architecture === "amd64"
        ? undefined
        : `config is ${String(config.os)}/${String(config.architecture)}`;
    },
  },
];

async function skopeoRun(env: Env, variant: SkopeoVariant, parallel: number): Promise<Run> {
  const queue = [...env.digests.entries()];
  const problems: string[] = [];
  await env.infra.reset();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [reference, digest] = item;
      const { stdout } = await execFileAsync(
        SKOPEO,
        [
          "--override-os",
          "linux",
          "--override-arch",
          "amd64",
          "inspect",
          ...variant.args,
          "--tls-verify=false",
          "--authfile",
          env.authFile,
          `docker://${reference}`,
        ],
        {
          encoding: "buffer",
          timeout: RESOLVE_TIMEOUT_MS,
          env: { ...process.env, DOCKER_CONFIG: env.dockerConfig, REGISTRY_AUTH_FILE: env.authFile },
        },
      );
      const problem = variant.check(stdout, digest);
      if (problem) problems.push(`${reference}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
  const ms = performance.now() - started;
  if (problems.length > 0) throw new Error(`skopeo ${variant.label}:\n  ${problems.join("\n  ")}`);
  return { ms, proxy: await env.infra.counts(env.auth) };
}

interface Row {
  label: string;
  runs: Run[];
}

/**
 * One round on a fresh cache dir: FROM Lens cold, then warm (a restart), then each skopeo row,
 * then FROM Lens revalidating once the cold run's tag entries are older than REVALIDATE_TTL_MS
 * (the skopeo rows in between usually take longer than that already).
 */
async function round(env: Env, rows: Map<string, Row> | undefined): Promise<void> {
  const add = (label: string, run: Run): void => {
    if (!rows) return;
    const row = rows.get(label) ?? { label, runs: [] };
    row.runs.push(run);
    rows.set(label, row);
  };
  const storage = await makeTempDir("from-lens-bench-cache");
  try {
    add(LABEL.cold, await fromLensRun(env, "cold", storage));
    const coldDone = performance.now();
    add(LABEL.warm, await fromLensRun(env, "warm", storage));
    for (const variant of SKOPEO_VARIANTS) {
      for (const parallel of [1, SKOPEO_PARALLEL]) {
        add(skopeoLabel(variant, parallel), await skopeoRun(env, variant, parallel));
      }
    }
    await sleep(coldDone + REVALIDATE_TTL_MS + 50 - performance.now());
    add(LABEL.revalidate, await fromLensRun(env, "revalidate", storage));
  } finally {
    await removeTempDir(storage);
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

const LABEL = {
  cold: "FROM Lens cold (empty cache dir)",
  warm: "FROM Lens warm (restart within TTL)",
  revalidate: "FROM Lens revalidate (TTL expired)",
} as const;

/** "×4": that many `skopeo inspect` processes at a time, one per reference. */
function skopeoLabel(variant: SkopeoVariant, parallel: number): string {
  return `skopeo ${variant.label} ×${parallel}`;
}

// ---------------------------------------------------------------------------------------------
// End to end: the built server over stdio

interface EndToEnd {
  startMs: number;
  firstHoverMs: number;
  allHoversMs: number;
  traffic: Traffic;
  showingDigest: number;
}

function hoverText(hover: Hover | null): string {
  const c = hover?.contents;
  if (c === undefined) return "";
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === "string" ? x : x.value)).join("\n");
  return c.value;
}

async function endToEndRun(env: Env, storagePath: string): Promise<EndToEnd> {
  const started = performance.now();
  const server: TestServer = await startServer({
    settings: { defaultPlatform: PLATFORM, hubApiUrl: NOWHERE, hover: { waitMs: RESOLVE_TIMEOUT_MS } },
    initializationOptions: { storagePath, hubRegistryUrl: NOWHERE },
    env: { ...process.env, DOCKER_CONFIG: env.dockerConfig, XDG_CACHE_HOME: storagePath },
  });
  const startMs = performance.now() - started;
  try {
    await env.infra.reset();
    const opened = performance.now();
    await server.open(DOC_URI, env.text);
    const answers = await Promise.all(
      env.refs.map(async (ref) => {
        const hover = await server.connection.sendRequest(HoverRequest.type, {
          textDocument: { uri: DOC_URI },
          position: { line: ref.range.start.line, character: ref.range.start.character + 1 },
        });
        return {
          ms: performance.now() - opened,
          text: hoverText(hover),
          digest: env.digests.get(ref.resolved ?? ""),
        };
      }),
    );
    const allHoversMs = performance.now() - opened;
    const traffic = await env.infra.counts(env.auth);
    return {
      startMs,
      firstHoverMs: Math.min(...answers.map((a) => a.ms)),
      allHoversMs,
      traffic,
      showingDigest: answers.filter((a) => a.digest !== undefined && a.text.includes(a.digest)).length,
    };
  } finally {
    const code = await server.stop();
    if (code !== 0)
      env.problems.push(`error: the server exited with ${String(code)}: ${server.stderr().slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function range(values: readonly number[], format: (n: number) => string): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const KIND_COLUMNS: [TrafficKind, string][] = [
  ["ping", "ping"],
  ["head-manifest", "HEAD man"],
  ["get-manifest", "GET man"],
  ["get-blob", "GET blob"],
  ["get-tags", "tags"],
  ["token", "token"],
];

function sameTraffic(a: Traffic, b: Traffic): boolean {
  return TRAFFIC_KINDS.every((k) => a.kinds[k] === b.kinds[k]);
}

function rowCells(row: Row, images: number): string[] {
  const times = row.runs.map((r) => r.ms);
  const totals = row.runs.map((r) => r.proxy.total);
  const withClient = row.runs.filter((r) => r.client);
  const agree = withClient.filter((r) => r.client && sameTraffic(r.client, r.proxy)).length;
  const client =
    withClient.length === 0
      ? "n/a"
      : agree === withClient.length
        ? `yes ${agree}/${withClient.length}`
        : `NO ${withClient.length - agree}/${withClient.length}: ${withClient.map((r) => String(r.client?.total)).join(",")}`;
  const digestTimes = row.runs.flatMap((r) => (r.digestMs === undefined ? [] : [r.digestMs]));
  return [
    row.label,
    digestTimes.length > 0 ? ms(median(digestTimes)) : "—",
    ms(median(times)),
    range(times, ms),
    range(totals, String),
    (median(totals) / images).toFixed(2),
    ...KIND_COLUMNS.map(([k]) =>
      range(
        row.runs.map((r) => r.proxy.kinds[k]),
        String,
      ),
    ),
    range(
      row.runs.map((r) => r.proxy.unauthorized),
      String,
    ),
    client,
  ];
}

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? "—" : "∞";
  return `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×`;
}

/** The table's rows, in a fixed order: FROM Lens cold → warm → revalidate, then the peers. */
function rowOrder(): string[] {
  return [
    LABEL.cold,
    LABEL.warm,
    LABEL.revalidate,
    ...SKOPEO_VARIANTS.flatMap((v) => [1, SKOPEO_PARALLEL].map((p) => skopeoLabel(v, p))),
  ];
}

function printMode(auth: AuthMode, registry: InfraRegistry, rows: Map<string, Row>, images: number): void {
  console.log(
    `\n== ${auth === "token" ? "token auth (Bearer tokens from a loopback token server, like Docker Hub; anonymous pull)" : "no auth"}` +
      ` — registry ${registry.registryUrl}, counting proxy ${registry.proxyHost}`,
  );
  const ordered = rowOrder().flatMap((label) => {
    const row = rows.get(label);
    return row ? [row] : [];
  });
  console.log(
    table(
      [
        "measurement",
        "digests ms",
        "ms median",
        "ms min–max",
        "requests",
        "req/image",
        ...KIND_COLUMNS.map(([, h]) => h),
        "401s",
        "client counters = proxy",
      ],
      ordered.map((r) => rowCells(r, images)),
    ),
  );
  const med = (label: string): { ms: number; req: number } => {
    const row = rows.get(label);
    return {
      ms: median(row?.runs.map((r) => r.ms) ?? [0]),
      req: median(row?.runs.map((r) => r.proxy.total) ?? [0]),
    };
  };
  const [rawPeer, configPeer] = SKOPEO_VARIANTS;
  const pairs: [keyof typeof LABEL, SkopeoVariant | undefined][] = [
    ["cold", configPeer],
    ["warm", configPeer],
    // Revalidating checks the tags only: its peer is the manifest-only inspect.
    ["revalidate", rawPeer],
  ];
  const ratioRows: string[][] = [];
  for (const [phase, peer] of pairs) {
    if (!peer) continue;
    for (const parallel of [1, SKOPEO_PARALLEL]) {
      const a = med(LABEL[phase]);
      const b = med(skopeoLabel(peer, parallel));
      ratioRows.push([
        `FROM Lens ${phase} / skopeo ${peer.label} ${parallel === 1 ? "×1" : `×${parallel}`}`,
        ratio(a.ms, b.ms),
        ratio(a.req, b.req),
        `${(a.req / images).toFixed(2)} vs ${(b.req / images).toFixed(2)}`,
      ]);
    }
  }
  console.log(`\nratios (${auth}; medians; below 1× = FROM Lens faster / fewer requests)`);
  console.log(table(["", "time", "requests", "requests per image"], ratioRows));
}

// ---------------------------------------------------------------------------------------------
// The goals of issue 18

interface Goal {
  measure: string;
  fromLens: string;
  peer: string;
  goal: string;
  /** undefined: not measured by this bench. */
  met?: boolean;
}

function goalRows(
  rows: Map<string, Row>,
  images: number,
  peers: { fromLens: PeerTimes; rcjsuen: PeerTimes } | undefined,
): Goal[] {
  const med = (label: string, pick: (r: Run) => number | undefined = (r) => r.ms): number =>
    median(rows.get(label)?.runs.flatMap((r) => (pick(r) === undefined ? [] : [pick(r) ?? 0])) ?? []);
  const [rawPeer, configPeer] = SKOPEO_VARIANTS;
  const raw1 = rawPeer ? med(skopeoLabel(rawPeer, 1)) : Number.NaN;
  const rawN = rawPeer ? med(skopeoLabel(rawPeer, SKOPEO_PARALLEL)) : Number.NaN;
  const configN = configPeer ? med(skopeoLabel(configPeer, SKOPEO_PARALLEL)) : Number.NaN;
  const digests = med(LABEL.cold, (r) => r.digestMs);
  const cold = med(LABEL.cold);
  const coldRequests = med(LABEL.cold, (r) => r.proxy.total) / images;
  const warm = rows.get(LABEL.warm)?.runs ?? [];
  const p99 = percentile(hoverTimes, 99);
  return [
    {
      measure: `all ${images} digests shown, cold`,
      fromLens: `${ms(digests)} ms`,
      peer: `skopeo --raw ×1 ${ms(raw1)} ms (${(raw1 / digests).toFixed(1)}×), ×${SKOPEO_PARALLEL} ${ms(rawN)} ms`,
      goal: `≥ 10× faster than ×1, faster than ×${SKOPEO_PARALLEL}`,
      met: raw1 / digests >= 10 && digests < rawN,
    },
    {
      measure: `full facts for all ${images}, cold`,
      fromLens: `${ms(cold)} ms`,
      peer: `skopeo --config --raw ×${SKOPEO_PARALLEL} ${ms(configN)} ms`,
      goal: `faster than ×${SKOPEO_PARALLEL}`,
      met: cold < configN,
    },
    {
      measure: "requests per image, cold, full facts",
      fromLens: coldRequests.toFixed(2),
      peer: configPeer ? (med(skopeoLabel(configPeer, 1), (r) => r.proxy.total) / images).toFixed(2) : "",
      goal: "≤ 3",
      met: coldRequests <= 3,
    },
    {
      measure: "Docker Hub-like path (Hub web API at the same latency)",
      fromLens: "—",
      peer: "—",
      goal: "every Hub call off the digest's critical path",
    },
    {
      measure: "warm restart within the TTL",
      fromLens: `${range(
        warm.map((r) => r.proxy.total),
        String,
      )} requests`,
      peer: "—",
      goal: "0 requests",
      met: warm.length > 0 && warm.every((r) => r.proxy.total === 0),
    },
    {
      measure: `hover p99 over ${hoverTimes.length} hovers (in process, warm)`,
      fromLens: `${p99.toFixed(2)} ms`,
      peer: "—",
      goal: "< 5 ms",
      met: hoverTimes.length >= HOVERS ? p99 < 5 : undefined,
    },
    ...lspGoals(peers),
    { measure: "RSS after 1,000 cached images", fromLens: "—", peer: "—", goal: "≤ 120 MB" },
  ];
}

function lspGoals(peers: { fromLens: PeerTimes; rcjsuen: PeerTimes } | undefined): Goal[] {
  if (!peers)
    return [
      {
        measure: "diagnostics after an edit, 200 FROMs, p95",
        fromLens: "—",
        peer: "rcjsuen's server",
        goal: "≤ 1.5×",
      },
      { measure: "spawn → initialize result", fromLens: "—", peer: "rcjsuen's server", goal: "≤ 1.1×" },
    ];
  const d = [
    percentile(peers.fromLens.diagnosticsMs, 95),
    percentile(peers.rcjsuen.diagnosticsMs, 95),
  ] as const;
  const st = [median(peers.fromLens.startMs), median(peers.rcjsuen.startMs)] as const;
  return [
    {
      measure: `diagnostics after an edit, 200 FROMs, p95 of ${peers.fromLens.diagnosticsMs.length}`,
      fromLens: `${ms(d[0])} ms`,
      peer: `rcjsuen's server ${ms(d[1])} ms (${(d[0] / d[1]).toFixed(2)}×)`,
      goal: "≤ 1.5×",
      met: d[0] <= 1.5 * d[1],
    },
    {
      measure: `spawn → initialize result, median of ${peers.fromLens.startMs.length}`,
      fromLens: `${ms(st[0])} ms`,
      peer: `rcjsuen's server ${ms(st[1])} ms (${(st[0] / st[1]).toFixed(2)}×)`,
      goal: "≤ 1.1×",
      met: st[0] <= 1.1 * st[1],
    },
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const deadline = setTimeout(() => {
    console.error(`bench: still running after ${DEADLINE_MS / 1000} s; giving up`);
    process.exit(2);
  }, DEADLINE_MS);
  deadline.unref();

  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run \`npm run build\` first`);
  const stale = newestMtime(join(REPO_ROOT, "server", "src")) > statSync(SERVER_JS).mtimeMs;
  let skopeoVersion: string;
  try {
    skopeoVersion = (await execFileAsync(SKOPEO, ["--version"])).stdout.trim();
  } catch {
    throw new Error(`the peer, skopeo, is not installed (apt-get install skopeo, or set BENCH_SKOPEO)`);
  }

  // No credentials anywhere: both tools pull anonymously, and the machine's docker login stays out.
  const scratch = await makeTempDir("from-lens-bench");
  const dockerConfig = join(scratch, "docker");
  const authFile = join(scratch, "auth.json");
  mkdirSync(dockerConfig);
  writeFileSync(authFile, JSON.stringify({ auths: {} }));
  process.env.DOCKER_CONFIG = dockerConfig;

  const load = os.loadavg();
  let infra: Infra | undefined;
  try {
    infra = await Infra.start();
    const images = infra.images.length;
    console.log(
      `FROM Lens resolve benchmark — ${images} image references (${new Set(infra.images.map((i) => i.repository)).size} repositories, ` +
        `multi-platform OCI indexes), platform ${PLATFORM}, ${REPS} runs per row after 1 warm-up round, medians`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}, node ${process.version}, ${skopeoVersion}, ` +
        `load average ${load.map((l) => l.toFixed(2)).join(" ")} at start (other processes may be running)`,
    );
    if (stale)
      console.log(
        "warning: dist/server.js is older than server/src — the end-to-end rows measure the last build (npm run build)",
      );
    console.log(
      `set-up: registries + ${images} images pushed to each in ${(infra.setupMs / 1000).toFixed(1)} s (not timed below); ` +
        `all traffic goes through a counting proxy in a child process, for both tools`,
    );

    const settings = benchSettings(DEFAULT_TAG_TTL_MINUTES);
    const results: { auth: AuthMode; registry: InfraRegistry; rows: Map<string, Row> }[] = [];
    let e2e: { cold: EndToEnd; warm: EndToEnd } | undefined;
    let refsOfToken: ImageRef[] = [];
    const problems: string[] = [];
    for (const auth of ["token", "none"] as const) {
      const registry = infra.registry(auth);
      const text = dockerfileText(registry.proxyHost, infra.images);
      const refs = remoteRefs(text, settings);
      const digests = new Map<string, string>(
        infra.images.map((i) => [`${registry.proxyHost}/${i.repository}:${i.tag}`, i.digest]),
      );
      if (refs.length !== digests.size || !refs.every((r) => digests.has(r.resolved ?? "")))
        throw new Error(
          `the Dockerfile has ${refs.length} remote references, expected the ${digests.size} images`,
        );
      const env: Env = { infra, auth, text, refs, digests, dockerConfig, authFile, problems };
      await round(env, undefined); // warm-up: JIT, connections, the registry's file cache
      const rows = new Map<string, Row>();
      for (let i = 0; i < REPS; i++) await round(env, rows);
      results.push({ auth, registry, rows });
      if (auth === "token") {
        refsOfToken = refs;
        const storage = await makeTempDir("from-lens-bench-lsp");
        try {
          e2e = { cold: await endToEndRun(env, storage), warm: await endToEndRun(env, storage) };
        } finally {
          await removeTempDir(storage);
        }
      }
    }

    console.log(
      [
        "",
        "rows: FROM Lens = the server's engine (RegistryClient + DiskCache + Resolver) resolving the Dockerfile's",
        `  ${images} references (${FROM_LENS_CONCURRENCY} requests per host, its default); cold = empty cache dir, warm = a new engine on`,
        "  that dir (a restart) within the tag TTL, revalidate = a new engine once the tag TTL is over.",
        `  skopeo ×N = N \`skopeo inspect\` processes at a time, one per reference; --raw fetches the`,
        "  tag's manifest (the index), --config --raw also the platform's manifest and config (what facts need).",
        "columns: requests as the counting proxy (and, for tokens, the token server) saw them; 401s are",
        "  auth challenges, included in the counts; client counters = proxy: FROM Lens' own counters agree by kind.",
      ].join("\n"),
    );
    for (const r of results) printMode(r.auth, r.registry, r.rows, images);
    if (e2e) {
      console.log(
        `\n== end to end, token auth, 1 run: dist/server.js over stdio; didOpen, then a hover on each of the ` +
          `${refsOfToken.length} references at once (each waits up to hover.waitMs for its image)`,
      );
      const e2eRow = (label: string, e: EndToEnd): string[] => [
        label,
        ms(e.startMs),
        ms(e.firstHoverMs),
        ms(e.allHoversMs),
        String(e.traffic.total),
        ...KIND_COLUMNS.map(([k]) => String(e.traffic.kinds[k])),
        `${e.showingDigest}/${refsOfToken.length}`,
      ];
      console.log(
        table(
          [
            "server",
            "start→initialized ms",
            "first hover ms",
            "all hovers ms",
            "requests",
            ...KIND_COLUMNS.map(([, h]) => h),
            "hovers showing the digest",
          ],
          [e2eRow("new server, empty cache", e2e.cold), e2eRow("restarted, same cache", e2e.warm)],
        ),
      );
    }

    const token = results.find((r) => r.auth === "token");
    const checks: [string, boolean][] = [];
    for (const r of results) {
      const warm = r.rows.get(LABEL.warm)?.runs ?? [];
      const reval = r.rows.get(LABEL.revalidate)?.runs ?? [];
      checks.push([
        `${r.auth}: warm restart within the TTL makes 0 requests`,
        warm.every((x) => x.proxy.total === 0),
      ]);
      checks.push([
        `${r.auth}: revalidation after the TTL checks each tag with one HEAD and fetches no manifest or blob again`,
        reval.every(
          (x) =>
            x.proxy.kinds["head-manifest"] === images &&
            x.proxy.kinds["get-manifest"] + x.proxy.kinds["get-blob"] === 0,
        ),
      ]);
      checks.push([
        `${r.auth}: revalidation after the TTL sends only HEADs (besides ping and token): ` +
          `GET tags/list ${range(
            reval.map((x) => x.proxy.kinds["get-tags"]),
            String,
          )} per run`,
        reval.every((x) => x.proxy.kinds["get-tags"] + x.proxy.kinds.other === 0),
      ]);
      const all = [...r.rows.values()].flatMap((row) => row.runs.filter((x) => x.client));
      checks.push([
        `${r.auth}: the client's counters match the proxy's in every FROM Lens run`,
        all.every((x) => x.client !== undefined && sameTraffic(x.client, x.proxy)),
      ]);
    }
    checks.push([
      "no request of another kind (catalog, blob HEAD, …) in any run",
      results.every((r) =>
        [...r.rows.values()].every((row) => row.runs.every((x) => x.proxy.kinds.other === 0)),
      ),
    ]);
    if (e2e) {
      checks.push([
        "end to end: every hover shows its image's index digest, cold and after the restart",
        e2e.cold.showingDigest === images && e2e.warm.showingDigest === images,
      ]);
      checks.push(["end to end: the restarted server makes 0 requests", e2e.warm.traffic.total === 0]);
    }
    console.log("\nchecks");
    for (const [what, ok] of checks) console.log(`  ${ok ? "ok  " : "FAIL"}  ${what}`);
    if (token) {
      console.log(`\nthe ${images}-image Dockerfile, token auth (median of ${REPS} runs):`);
      for (const phase of ["cold", "warm", "revalidate"] as const) {
        const runs = token.rows.get(LABEL[phase])?.runs ?? [];
        const kinds = KIND_COLUMNS.map(([k, h]) => `${median(runs.map((r) => r.proxy.kinds[k]))} ${h}`).join(
          ", ",
        );
        console.log(
          `  ${phase.padEnd(10)} ${ms(median(runs.map((r) => r.ms))).padStart(6)} ms  ` +
            `${String(median(runs.map((r) => r.proxy.total))).padStart(3)} requests (${kinds})`,
        );
      }
    }
    let peers: { fromLens: PeerTimes; rcjsuen: PeerTimes } | undefined;
    if (existsSync(RCJSUEN_SERVER)) {
      const peerDir = await makeTempDir("from-lens-bench-peers");
      try {
        peers = await measurePeers((n) => {
          const dir = join(peerDir, String(n));
          mkdirSync(dir, { recursive: true });
          return Promise.resolve(dir);
        });
      } finally {
        await removeTempDir(peerDir);
      }
    } else {
      console.log(
        `\nrcjsuen's server is not installed (${RCJSUEN_SERVER}): npm ci installs it (a devDependency)`,
      );
    }
    const goals = token ? goalRows(token.rows, images, peers) : [];
    console.log(
      `\ngoals (issue 18), token auth, ${latencyMs()} ms added per registry request, medians of ${REPS} runs`,
    );
    console.log(
      table(
        ["measure", "FROM Lens", "peer (same run)", "goal", "met"],
        goals.map((g) => [
          g.measure,
          g.fromLens,
          g.peer,
          g.goal,
          g.met === undefined ? "not measured" : g.met ? "yes" : "NO",
        ]),
      ),
    );
    const json = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, skopeo: skopeoVersion, load: os.loadavg() },
      latencyMs: latencyMs(),
      reps: REPS,
      images,
      goals,
      rows: Object.fromEntries(
        results.map((r) => [
          r.auth,
          Object.fromEntries(
            [...r.rows.values()].map((row) => [
              row.label,
              {
                msMedian: median(row.runs.map((x) => x.ms)),
                ...(row.runs.some((x) => x.digestMs !== undefined)
                  ? {
                      digestMsMedian: median(
                        row.runs.flatMap((x) => (x.digestMs === undefined ? [] : [x.digestMs])),
                      ),
                    }
                  : {}),
                requestsMedian: median(row.runs.map((x) => x.proxy.total)),
                kinds: Object.fromEntries(
                  TRAFFIC_KINDS.map((k) => [k, median(row.runs.map((x) => x.proxy.kinds[k]))]),
                ),
              },
            ]),
          ),
        ]),
      ),
      hoverP99Ms: percentile(hoverTimes, 99),
      ...(peers ? { lspPeers: peers } : {}),
      endToEnd: e2e,
    };
    console.log(`\nJSON ${JSON.stringify(json)}`);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
    if (problems.length > 0) console.log(`\nlogged by FROM Lens:\n  ${[...new Set(problems)].join("\n  ")}`);
    console.log(
      `\nbench took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await infra?.stop().catch(() => infra?.kill());
    await removeTempDir(scratch);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
