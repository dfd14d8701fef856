/**
 * HTTP/2 against HTTP/1.1 over TLS (issue 18, item 4): the resolve bench's 20-image Dockerfile,
 * cold (every digest, then every image's facts) and revalidating (a HEAD per tag), with
 * `fromLens.network.http2` on and off, alternately, in the same run.
 *
 *   npm run bench:http2        (or: npx tsx bench/http2.bench.ts; about 30 s)
 *
 * The CNCF registry (token auth, like Docker Hub) serves TLS with a certificate from a CA made at
 * start-up (openssl), which FROM Lens trusts through `caFile`; Go's server offers h2 in ALPN. The
 * counting proxy of resolve.bench.ts speaks HTTP, so it cannot stand in front of TLS: here a TCP
 * proxy (bench/tcpDelay.ts) delays everything the client sends by BENCH_LATENCY_MS (default 30):
 * a link with that round-trip time, on which each new connection also pays for its TLS
 * handshake. The registry is reached as Docker Hub's registry (`hubRegistryUrl`; FROM Lens speaks
 * plain http to loopback names), so the references are `docker.io/bench/…`; Docker Hub's web API
 * points at 127.0.0.1:9. Requests and their protocol are counted from the registry's access log,
 * connections by the TCP proxy. The registry, token server and proxy run in a child process (this
 * file with `--infra`). BENCH_REPS (default 5) rounds after one warm-up round; medians.
 */
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../server/src/engine";
import type { Lookup } from "../server/src/resolver/types";
import { requestKey } from "../server/src/resolver/resolver";
import { normalizeSettings, type FromLensSettings } from "../server/src/settings";
import { requestFor } from "../server/src/workspace";
import { pushImage } from "../test/support/images";
import { startRegistry, type Registry } from "../test/support/registry";
import { buildSample } from "../test/support/sampleImages";
import { makeTempDir, removeTempDir } from "../test/support/tmp";
import { benchSamples, hubRepositoryOf, latencyMs, type BenchImage } from "./infra";
import { giveUpAfter, median, ms, range, table } from "./report";
import {
  DOC_URI,
  NOWHERE,
  PLATFORM,
  RESOLVE_TIMEOUT_MS,
  dockerfileText,
  logger,
  positiveInt,
  remoteRefs,
} from "./resolveSetup";
import { startDelayProxy, type DelayProxy } from "./tcpDelay";
import { watchDigests } from "./runners";

const REPS = positiveInt(process.env.BENCH_REPS, 5);
const DEADLINE_MS = 120_000;

interface Counts {
  requests: number;
  /** Requests by protocol, as the registry's access log says ("HTTP/2.0": n). */
  protocols: Record<string, number>;
  /** TCP (TLS) connections the proxy accepted. */
  connections: number;
  tokens: number;
}

type ToInfra = { id: number; op: "reset" | "counts" | "stop" };
type FromInfra =
  | { type: "ready"; url: string; caFile: string; images: BenchImage[]; setupMs: number }
  | { type: "failed"; error: string }
  | { type: "reply"; id: number; counts?: Counts };

// ---------------------------------------------------------------------------------------------
// The child process: registry (TLS, token auth), token server, TCP delay proxy

async function serveInfra(): Promise<void> {
  const send = (m: FromInfra): void => void process.send?.(m);
  let registry: Registry | undefined;
  let proxy: DelayProxy | undefined;
  try {
    const started = performance.now();
    registry = await startRegistry({ auth: "token", tls: true, accessLog: true });
    const reg = registry;
    const samples = benchSamples();
    const images: BenchImage[] = [];
    // One repository after the other within a chain; four chains at a time.
    const chains = [...new Set(samples.map((s) => s.repository))].map((r) =>
      samples.filter((s) => s.repository === r),
    );
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let chain = chains.shift(); chain; chain = chains.shift()) {
          for (const sample of chain) {
            const image = buildSample(sample);
            for (const tag of sample.tags) await pushImage(reg, sample.repository, tag, image, reg.users[0]);
            const tag = sample.tags[0] ?? "latest";
            images.push({
              repository: sample.repository,
              tag,
              tags: sample.tags,
              record: sample.record,
              digest: image.digest,
              hubRepository: hubRepositoryOf(sample),
            });
          }
        }
      }),
    );
    proxy = await startDelayProxy(Number(new URL(reg.url).port), latencyMs());
    const caFile = reg.tls?.caFile;
    if (!caFile) throw new Error("the registry has no CA file");
    let tokenOffset = 0;
    const reset = (): void => {
      reg.clearAccessLog();
      proxy?.reset();
      tokenOffset = reg.tokenServer?.requests.length ?? 0;
    };
    reset();
    process.on("message", (m: ToInfra) => {
      void (async () => {
        if (m.op === "reset") {
          reset();
          send({ type: "reply", id: m.id });
        } else if (m.op === "counts") {
          // The access log is written as each answer goes out: let the last lines arrive.
          await new Promise((resolve) => setTimeout(resolve, 50));
          const protocols: Record<string, number> = {};
          for (const e of reg.accessLog) protocols[e.protocol] = (protocols[e.protocol] ?? 0) + 1;
          send({
            type: "reply",
            id: m.id,
            counts: {
              requests: reg.accessLog.length,
              protocols,
              connections: proxy?.connections() ?? 0,
              tokens: (reg.tokenServer?.requests.length ?? 0) - tokenOffset,
            },
          });
        } else {
          await proxy?.stop();
          await reg.stop();
          send({ type: "reply", id: m.id });
          process.disconnect();
        }
      })();
    });
    send({
      type: "ready",
      url: `https://${proxy.host}`,
      caFile,
      images,
      setupMs: performance.now() - started,
    });
  } catch (error) {
    await proxy?.stop();
    await registry?.stop();
    send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
}

class Infra {
  private nextId = 1;
  private readonly pending = new Map<number, (m: FromInfra) => void>();
  private constructor(
    private readonly child: ReturnType<typeof fork>,
    readonly ready: FromInfra & { type: "ready" },
  ) {
    child.on("message", (m: FromInfra) => {
      if (m.type !== "reply") return;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
  }

  static start(): Promise<Infra> {
    const child = fork(__filename, ["--infra"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error("the TLS registry did not start within 60 s"));
      }, 60_000);
      child.once("exit", (code) =>
        reject(new Error(`the infrastructure exited during set-up (${String(code)})`)),
      );
      child.on("message", (m: FromInfra) => {
        if (m.type === "failed") {
          clearTimeout(timer);
          reject(new Error(`set-up failed: ${m.error}`));
        } else if (m.type === "ready") {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          resolve(new Infra(child, m));
        }
      });
    });
  }

  call(op: ToInfra["op"]): Promise<Counts | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the infrastructure did not answer "${op}"`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m.type === "reply" ? m.counts : undefined);
      });
      this.child.send({ id, op } satisfies ToInfra);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await this.call("stop").catch(() => this.child.kill());
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// The runs

type Mode = "h1" | "h2";
type Phase = "cold" | "revalidate";

interface Run {
  mode: Mode;
  phase: Phase;
  /** Until every digest was published. */
  digestMs: number;
  /** Until every reference had its facts (cold) or was checked (revalidate). */
  ms: number;
  counts: Counts;
}

function settingsFor(mode: Mode, phase: Phase, caFile: string): FromLensSettings {
  return normalizeSettings({
    defaultPlatform: PLATFORM,
    hubApiUrl: NOWHERE,
    caFile,
    // Revalidating: every tag's entry is past its TTL at once (a HEAD each).
    cache: { tagTtl: phase === "revalidate" ? 0 : 60 },
    hover: { waitMs: RESOLVE_TIMEOUT_MS },
    network: { http2: mode === "h2" },
  });
}

async function run(
  infra: Infra,
  mode: Mode,
  phase: Phase,
  storagePath: string,
  problems: string[],
): Promise<Run> {
  const { url, caFile, images } = infra.ready;
  const settings = settingsFor(mode, phase, caFile);
  const text = dockerfileText("docker.io", images);
  const refs = remoteRefs(text, settings);
  const digests = new Map(images.map((i) => [`docker.io/${i.repository}:${i.tag}`, i.digest]));
  const wanted = new Map<string, NonNullable<ReturnType<typeof requestFor>>>();
  for (const ref of refs) {
    const request = requestFor(ref, settings);
    if (request) wanted.set(requestKey(request), request);
  }
  if (wanted.size !== images.length)
    throw new Error(`${wanted.size} references to resolve, expected ${images.length}`);
  let engine: Engine | undefined = undefined;
  const digestWatch = watchDigests(wanted, () => engine);
  engine = new Engine(settings, { storagePath, hubRegistryUrl: url }, logger(problems), digestWatch.onChange);
  try {
    await infra.call("reset");
    const doc = TextDocument.create(DOC_URI, "dockerfile", 1, text);
    const started = performance.now();
    engine.workspace.update(doc, settings, "visible");
    const lookups = await Promise.all(
      refs.map(async (ref): Promise<[string, Lookup]> => {
        const request = requestFor(ref, settings);
        if (!request) throw new Error(`${ref.raw} is not resolved remotely`);
        return [ref.resolved ?? "", await engine.resolver.waitFor(request, RESOLVE_TIMEOUT_MS)];
      }),
    );
    const doneMs = performance.now() - started;
    const bad = lookups.flatMap(([reference, l]) =>
      l.state !== "resolved"
        ? [`${reference}: ${l.state}${l.state === "error" ? ` (${l.error.kind})` : ""}`]
        : l.resolution.tagDigest !== digests.get(reference)
          ? [`${reference}: resolved to ${String(l.resolution.tagDigest)}`]
          : l.resolution.facts.describedPlatform
            ? []
            : [`${reference}: no platform config was read`],
    );
    if (bad.length > 0)
      throw new Error(`${mode} ${phase} did not resolve everything:\n  ${bad.join("\n  ")}`);
    engine.workspace.close(DOC_URI);
    await engine.close();
    const counts = await infra.call("counts");
    if (!counts) throw new Error("no counts");
    const expected = mode === "h2" ? "HTTP/2.0" : "HTTP/1.1";
    const others = Object.keys(counts.protocols).filter((p) => p !== expected);
    if (others.length > 0)
      throw new Error(`${mode} ${phase}: requests came over ${others.join(", ")}, not only ${expected}`);
    return { mode, phase, digestMs: (digestWatch.at() ?? performance.now()) - started, ms: doneMs, counts };
  } finally {
    await engine.close();
  }
}

async function round(infra: Infra, order: Mode[], problems: string[]): Promise<Run[]> {
  const runs: Run[] = [];
  for (const mode of order) {
    const storage = await makeTempDir("from-lens-bench-h2");
    try {
      runs.push(await run(infra, mode, "cold", storage, problems));
      runs.push(await run(infra, mode, "revalidate", storage, problems));
    } finally {
      await removeTempDir(storage);
    }
  }
  return runs;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  giveUpAfter(DEADLINE_MS);
  const scratch = await makeTempDir("from-lens-bench-h2-docker");
  // No credentials: anonymous pulls; the machine's docker login stays out.
  process.env.DOCKER_CONFIG = scratch;
  const load = os.loadavg();
  const infra = await Infra.start();
  const problems: string[] = [];
  try {
    const images = infra.ready.images.length;
    console.log(
      `FROM Lens HTTP/2 benchmark — ${images} image references over TLS (token auth), ${latencyMs()} ms round trip ` +
        `added by a TCP proxy, platform ${PLATFORM}, ${REPS} rounds after 1 warm-up, medians`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}, node ${process.version}, load average ` +
        `${load.map((l) => l.toFixed(2)).join(" ")} at start; set-up ${(infra.ready.setupMs / 1000).toFixed(1)} s (not timed)`,
    );
    await round(infra, ["h1", "h2"], problems); // warm-up
    const runs: Run[] = [];
    for (let i = 0; i < REPS; i++)
      runs.push(...(await round(infra, i % 2 === 0 ? ["h2", "h1"] : ["h1", "h2"], problems)));

    const pick = (mode: Mode, phase: Phase): Run[] =>
      runs.filter((r) => r.mode === mode && r.phase === phase);
    const cell = (xs: Run[], f: (r: Run) => number, format = ms): string =>
      `${format(median(xs.map(f)))} (${range(xs.map(f), format)})`;
    const label: Record<Mode, string> = { h1: "HTTP/1.1 (network.http2 off)", h2: "HTTP/2 (default)" };
    console.log(
      "\n" +
        table(
          [
            "protocol",
            "cold: all digests ms",
            "cold: all facts ms",
            "cold requests",
            "cold TLS connections",
            "revalidate ms",
            "revalidate TLS connections",
          ],
          (["h1", "h2"] as const).map((mode) => {
            const cold = pick(mode, "cold");
            const reval = pick(mode, "revalidate");
            const int = (n: number): string => n.toFixed(0);
            return [
              label[mode],
              cell(cold, (r) => r.digestMs),
              cell(cold, (r) => r.ms),
              cell(cold, (r) => r.counts.requests + r.counts.tokens, int),
              cell(cold, (r) => r.counts.connections, int),
              cell(reval, (r) => r.ms),
              cell(reval, (r) => r.counts.connections, int),
            ];
          }),
        ),
    );
    const m = (mode: Mode, phase: Phase, f: (r: Run) => number): number => median(pick(mode, phase).map(f));
    const ratios = {
      coldDigests: m("h1", "cold", (r) => r.digestMs) / m("h2", "cold", (r) => r.digestMs),
      coldFacts: m("h1", "cold", (r) => r.ms) / m("h2", "cold", (r) => r.ms),
      revalidate: m("h1", "revalidate", (r) => r.ms) / m("h2", "revalidate", (r) => r.ms),
    };
    console.log(
      `\nHTTP/1.1 time ÷ HTTP/2 time (above 1: HTTP/2 faster): cold digests ${ratios.coldDigests.toFixed(2)}, ` +
        `cold facts ${ratios.coldFacts.toFixed(2)}, revalidate ${ratios.revalidate.toFixed(2)}` +
        `\nrequests: the registry's access log (every one over the protocol of its row) plus token requests (plain http, not delayed)`,
    );
    const json = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, load: os.loadavg() },
      latencyMs: latencyMs(),
      reps: REPS,
      images,
      rows: Object.fromEntries(
        (["h1", "h2"] as const).map((mode) => [
          mode,
          {
            coldDigestMsMedian: m(mode, "cold", (r) => r.digestMs),
            coldFactsMsMedian: m(mode, "cold", (r) => r.ms),
            coldRequestsMedian: m(mode, "cold", (r) => r.counts.requests + r.counts.tokens),
            coldConnectionsMedian: m(mode, "cold", (r) => r.counts.connections),
            revalidateMsMedian: m(mode, "revalidate", (r) => r.ms),
            revalidateConnectionsMedian: m(mode, "revalidate", (r) => r.counts.connections),
          },
        ]),
      ),
      ratios,
    };
    console.log(`\nJSON ${JSON.stringify(json)}`);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
    if (problems.length > 0) console.log(`\nlogged by FROM Lens:\n  ${[...new Set(problems)].join("\n  ")}`);
    console.log(`\nbench took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`);
  } finally {
    await infra.stop().catch(() => undefined);
    await removeTempDir(scratch);
  }
}

if (process.argv.includes("--infra")) {
  process.on("disconnect", () => process.exit(0));
  void serveInfra();
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
