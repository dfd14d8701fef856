/**
 * How fast FROM Lens turns a 20-image Dockerfile into facts, and how many registry requests it
 * makes, against a peer measured in the same run: skopeo, on the same loopback registry.
 *
 *   npx tsx bench/resolve.bench.ts        (after `npm ci` and a build; see bench/README.md)
 *
 * Everything runs on 127.0.0.1: the CNCF registry (token auth like Docker Hub, and no auth) with
 * 20 multi-platform images, a counting proxy in front of it and the token server run in a child
 * process (bench/infra.ts). FROM Lens is measured through the engine the server builds (its
 * RegistryClient + DiskCache + Resolver, from settings, via ImageWorkspace.update and
 * Resolver.waitFor): cold (empty cache dir), warm (a new engine on the same cache dir, i.e. a
 * restart within the tag TTL) and revalidating (a new engine whose tag TTL has run out); once
 * more end to end through the built server over stdio (dist/server.js, a hover per reference
 * that waits up to hover.waitMs). skopeo inspects the same 20 references one at a time and as
 * many at a time as FROM Lens sends to one host by default (network.maxRequestsPerHost, 8). Each
 * measurement is repeated BENCH_REPS times (default 3) after one unrecorded warm-up round; the
 * table shows medians. `npm run bench` builds the production bundles first (what the .vsix ships).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import type { ImageRef } from "../server/src/dockerfile";
import { REPO_ROOT, SERVER_JS } from "../test/support/lsp";
import { measurePeers, RCJSUEN_SERVER, type PeerTimes } from "./peers";
import { makeTempDir, removeTempDir } from "../test/support/tmp";
import { latencyMs, TRAFFIC_KINDS, type AuthMode, type InfraRegistry } from "./infra";
import {
  DEADLINE_MS,
  DEFAULT_TAG_TTL_MINUTES,
  type Env,
  FROM_LENS_CONCURRENCY,
  type HubMode,
  Infra,
  PLATFORM,
  REPS,
  REVALIDATE_TTL_MS,
  type Run,
  SKOPEO,
  SKOPEO_PARALLEL,
  benchSettings,
  dockerfileText,
  execFileAsync,
  newestMtime,
  remoteRefs,
} from "./resolveSetup";
import {
  type EndToEnd,
  SKOPEO_VARIANTS,
  endToEndRun,
  fromLensRun,
  hoverTimes,
  percentile,
  skopeoRun,
} from "./runners";
import {
  KIND_COLUMNS,
  LABEL,
  type Row,
  giveUpAfter,
  goalRows,
  hubVerdict,
  median,
  ms,
  printHub,
  printMode,
  range,
  sameTraffic,
  skopeoLabel,
  sleep,
  table,
} from "./report";

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

/** One cold FROM Lens run of the Docker Hub-like path (a fresh cache dir), its Hub web API `mode`. */
async function hubRun(env: Env, mode: HubMode, rows: Map<HubMode, Row> | undefined): Promise<void> {
  const storage = await makeTempDir("from-lens-bench-hub");
  try {
    const run = await fromLensRun(
      { ...env, ...(env.hub ? { hub: { ...env.hub, mode } } : {}) },
      "cold",
      storage,
    );
    if (!rows) return;
    const row = rows.get(mode) ?? { label: mode, runs: [] };
    row.runs.push(run);
    rows.set(mode, row);
  } finally {
    await removeTempDir(storage);
  }
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  giveUpAfter(DEADLINE_MS);

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

    // The Docker Hub-like path: the same images by their Docker Hub names, the token registry
    // (behind its proxy) as Docker Hub's registry, and Docker Hub's web API at the registry's
    // latency, then much slower: the digests must not wait for any Hub call.
    const hubText = dockerfileText(undefined, infra.images);
    const hubRefs = remoteRefs(hubText, settings);
    const hubDigests = new Map<string, string>(
      infra.images.map((i) => [`${i.hubRepository.replace(/^library\//, "")}:${i.tag}`, i.digest]),
    );
    if (hubRefs.length !== hubDigests.size || !hubRefs.every((r) => hubDigests.has(r.resolved ?? "")))
      throw new Error(
        `the Hub-like Dockerfile has ${hubRefs.length} remote references, expected ${hubDigests.size}`,
      );
    const hubEnv: Env = {
      infra,
      auth: "token",
      text: hubText,
      refs: hubRefs,
      digests: hubDigests,
      dockerConfig,
      authFile,
      problems,
      hub: { registryUrl: `http://${infra.registry("token").proxyHost}`, mode: "atLatency" },
    };
    await hubRun(hubEnv, "atLatency", undefined); // warm-up
    const hubRows = new Map<HubMode, Row>();
    for (let i = 0; i < REPS; i++)
      for (const mode of ["atLatency", "slow"] as const) await hubRun(hubEnv, mode, hubRows);

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
    printHub(hubRows, images);
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
    const hubRuns = [...hubRows.values()].flatMap((row) => row.runs);
    checks.push([
      "Docker Hub-like: the client's counters match the registry proxy's and the Hub web API's in every run",
      hubRuns.every((x) => x.client && sameTraffic(x.client, x.proxy) && x.hub?.client === x.hub?.seen.total),
    ]);
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
    const hub = hubVerdict(hubRows);
    const goals = token ? goalRows(token.rows, images, peers, hub) : [];
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
      hubLike: {
        ...(hub ? { verdict: hub } : {}),
        rows: Object.fromEntries(
          [...hubRows.entries()].map(([mode, row]) => [
            mode,
            {
              digestMsMedian: median(row.runs.flatMap((x) => (x.digestMs === undefined ? [] : [x.digestMs]))),
              msMedian: median(row.runs.map((x) => x.ms)),
              requestsMedian: median(row.runs.map((x) => x.proxy.total)),
              hubCallsMedian: median(row.runs.map((x) => x.hub?.seen.total ?? 0)),
            },
          ]),
        ),
      },
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
