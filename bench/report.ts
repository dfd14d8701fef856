/**
 * The resolve bench's report: the per-mode tables, the issue 18 goals and the formatting helpers
 * (medians, ranges, ratios) that `npm run bench` prints.
 */
import type { PeerTimes } from "./peers";
import {
  HUB_CALL_KINDS,
  HUB_SLOW_MS,
  TRAFFIC_KINDS,
  latencyMs,
  type AuthMode,
  type InfraRegistry,
  type Traffic,
  type TrafficKind,
} from "./infra";
import { HOVERS, type HubMode, type Run, SKOPEO_PARALLEL } from "./resolveSetup";
import { SKOPEO_VARIANTS, type SkopeoVariant, hoverTimes, percentile } from "./runners";

export interface Row {
  label: string;
  runs: Run[];
}

/** Ends the bench with status 2 if it is still running after `ms` (whatever hangs). */
export function giveUpAfter(ms: number): void {
  setTimeout(() => {
    console.error(`bench: still running after ${ms / 1000} s; giving up`);
    process.exit(2);
  }, ms).unref();
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

export const LABEL = {
  cold: "FROM Lens cold (empty cache dir)",
  warm: "FROM Lens warm (restart within TTL)",
  revalidate: "FROM Lens revalidate (TTL expired)",
} as const;

/** "×4": that many `skopeo inspect` processes at a time, one per reference. */
export function skopeoLabel(variant: SkopeoVariant, parallel: number): string {
  return `skopeo ${variant.label} ×${parallel}`;
}

// ---------------------------------------------------------------------------------------------
// Output

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function range(values: readonly number[], format: (n: number) => string): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const KIND_COLUMNS: [TrafficKind, string][] = [
  ["ping", "ping"],
  ["head-manifest", "HEAD man"],
  ["get-manifest", "GET man"],
  ["get-blob", "GET blob"],
  ["get-tags", "tags"],
  ["token", "token"],
];

export function sameTraffic(a: Traffic, b: Traffic): boolean {
  return TRAFFIC_KINDS.every((k) => a.kinds[k] === b.kinds[k]);
}

export function rowCells(row: Row, images: number): string[] {
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

export function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? "—" : "∞";
  return `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×`;
}

/** The table's rows, in a fixed order: FROM Lens cold → warm → revalidate, then the peers. */
export function rowOrder(): string[] {
  return [
    LABEL.cold,
    LABEL.warm,
    LABEL.revalidate,
    ...SKOPEO_VARIANTS.flatMap((v) => [1, SKOPEO_PARALLEL].map((p) => skopeoLabel(v, p))),
  ];
}

export function printMode(
  auth: AuthMode,
  registry: InfraRegistry,
  rows: Map<string, Row>,
  images: number,
): void {
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
// The Docker Hub-like run

export const HUB_LABEL: Record<HubMode, string> = {
  atLatency: "Hub web API at the registry's latency",
  slow: `Hub web API ${HUB_SLOW_MS} ms slower per call`,
};

/** What the Hub-like rows say of the goal: whether any Hub call is on the digest's path. */
export interface HubVerdict {
  atLatencyDigestMs: number;
  slowDigestMs: number;
  /** Every slow-Hub run showed all digests before any Hub answer could have arrived. */
  beforeAnyHubAnswer: boolean;
  /** The medians differ by at most HUB_SAME_DIGEST (the digest time does not change). */
  same: boolean;
  met: boolean;
}

/** How far apart the two medians may be and still be "the same digest time": 15%, at least 15 ms. */
export function sameDigestTime(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(15, 0.15 * Math.min(a, b));
}

export function hubVerdict(rows: Map<HubMode, Row>): HubVerdict | undefined {
  const at = rows.get("atLatency")?.runs ?? [];
  const slow = rows.get("slow")?.runs ?? [];
  const digests = (runs: Run[]): number[] =>
    runs.flatMap((r) => (r.digestMs === undefined ? [] : [r.digestMs]));
  if (digests(at).length === 0 || digests(slow).length !== slow.length || slow.length === 0) return undefined;
  const atLatencyDigestMs = median(digests(at));
  const slowDigestMs = median(digests(slow));
  const beforeAnyHubAnswer = digests(slow).every((d) => d < latencyMs() + HUB_SLOW_MS);
  const same = sameDigestTime(atLatencyDigestMs, slowDigestMs);
  return { atLatencyDigestMs, slowDigestMs, beforeAnyHubAnswer, same, met: beforeAnyHubAnswer && same };
}

export function printHub(rows: Map<HubMode, Row>, images: number): void {
  console.log(
    `\n== Docker Hub-like path, cold, token auth: the registry is Docker Hub's (hubRegistryUrl → the token ` +
      `registry's proxy, ${latencyMs()} ms per request), hubApiUrl → a Docker Hub web API answering from Docker ` +
      `Hub's recorded answers, ${latencyMs()} ms per call, or ${latencyMs() + HUB_SLOW_MS} ms`,
  );
  const cells = (mode: HubMode): string[] => {
    const runs = rows.get(mode)?.runs ?? [];
    const digests = runs.flatMap((r) => (r.digestMs === undefined ? [] : [r.digestMs]));
    const calls = (pick: (r: Run) => number): string => range(runs.map(pick), String);
    const agree = runs.filter((r) => r.hub && r.hub.client === r.hub.seen.total).length;
    return [
      HUB_LABEL[mode],
      digests.length > 0 ? ms(median(digests)) : "—",
      digests.length > 0 ? range(digests, ms) : "—",
      ms(median(runs.map((r) => r.ms))),
      (median(runs.map((r) => r.proxy.total)) / images).toFixed(2),
      calls((r) => r.hub?.seen.total ?? 0),
      ...HUB_CALL_KINDS.map((k) => calls((r) => r.hub?.seen.kinds[k] ?? 0)),
      `${agree === runs.length ? "yes" : "NO"} ${agree}/${runs.length}`,
    ];
  };
  console.log(
    table(
      [
        "measurement",
        "digests ms",
        "digests min–max",
        "full facts ms",
        "registry req/image",
        "Hub calls",
        ...HUB_CALL_KINDS.map((k) => `Hub ${k}`),
        "client Hub calls = seen",
      ],
      (["atLatency", "slow"] as const).map(cells),
    ),
  );
  const v = hubVerdict(rows);
  if (v)
    console.log(
      `digests with the slow Hub web API ${ms(v.slowDigestMs)} ms vs ${ms(v.atLatencyDigestMs)} ms at latency ` +
        `(${ratio(v.slowDigestMs, v.atLatencyDigestMs)}; the same: ${v.same ? "yes" : "NO"}); every slow run showed ` +
        `all ${images} digests before ${latencyMs() + HUB_SLOW_MS} ms, when the first Hub answer could arrive: ` +
        `${v.beforeAnyHubAnswer ? "yes" : "NO"}`,
    );
}

// ---------------------------------------------------------------------------------------------
// The goals of issue 18

export interface Goal {
  measure: string;
  fromLens: string;
  peer: string;
  goal: string;
  /** undefined: not measured by this bench. */
  met?: boolean | undefined;
}

export function goalRows(
  rows: Map<string, Row>,
  images: number,
  peers: { fromLens: PeerTimes; rcjsuen: PeerTimes } | undefined,
  hub?: HubVerdict,
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
  // Per image: the manifests and blobs fetched for it. Per Dockerfile, whatever its size: the
  // registry's auth challenge (a 401), the token, and the final stage's tag list (slim-final-stage).
  const coldPerImage =
    med(
      LABEL.cold,
      (r) =>
        r.proxy.kinds["head-manifest"] +
        r.proxy.kinds["get-manifest"] +
        r.proxy.kinds["get-blob"] -
        r.proxy.unauthorized,
    ) / images;
  const coldFixed = med(
    LABEL.cold,
    (r) => r.proxy.unauthorized + r.proxy.kinds.token + r.proxy.kinds["get-tags"] + r.proxy.kinds.ping,
  );
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
      fromLens:
        `${coldPerImage.toFixed(2)} per image + ${coldFixed} per Dockerfile ` +
        `(challenge, token, final stage's tags) = ${coldRequests.toFixed(2)} for ${images}`,
      peer: configPeer
        ? `skopeo ${(med(skopeoLabel(configPeer, 1), (r) => r.proxy.total) / images).toFixed(2)} (ping, token, 3 per image)`
        : "",
      goal: "≤ 3",
      met: coldPerImage <= 3,
    },
    {
      measure: "Docker Hub-like path (Hub web API at the same latency)",
      fromLens: hub
        ? `digests ${ms(hub.atLatencyDigestMs)} ms; Hub +${HUB_SLOW_MS} ms per call: ${ms(hub.slowDigestMs)} ms`
        : "—",
      peer: "—",
      goal: "every Hub call off the digest's critical path",
      met: hub?.met,
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
    // Measured by bench/memory.bench.ts (`npm run bench:memory`, last in `npm run bench`), which prints its goal row.
    {
      measure: "RSS after 1,000 cached images",
      fromLens: "see memory.bench.ts",
      peer: "—",
      goal: "≤ 120 MB",
    },
  ];
}

export function lspGoals(peers: { fromLens: PeerTimes; rcjsuen: PeerTimes } | undefined): Goal[] {
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
  const first = peers.fromLens.firstStartMs ?? [];
  const firstNote =
    first.length > 0
      ? ` (first start after an install, no code cache yet: ${ms(median(first))} ms, ${(median(first) / st[1]).toFixed(2)}×)`
      : "";
  return [
    {
      measure: `diagnostics after an edit, 200 FROMs, p95 of ${peers.fromLens.diagnosticsMs.length}`,
      fromLens: `${ms(d[0])} ms`,
      peer: `rcjsuen's server ${ms(d[1])} ms (${(d[0] / d[1]).toFixed(2)}×)`,
      goal: "≤ 1.5×",
      met: d[0] <= 1.5 * d[1],
    },
    {
      measure: `spawn → initialize result, restart, median of ${peers.fromLens.startMs.length}`,
      fromLens: `${ms(st[0])} ms${firstNote}`,
      peer: `rcjsuen's server ${ms(st[1])} ms (${(st[0] / st[1]).toFixed(2)}×)`,
      goal: "≤ 1.1×",
      met: st[0] <= 1.1 * st[1],
    },
  ];
}
