/**
 * The resolve bench's runners: FROM Lens through the engine (cold, warm, revalidating), skopeo
 * (one at a time and in parallel), and FROM Lens end to end through the built server over stdio.
 * Each returns its time and the registry traffic the counting proxy saw. (The LSP peer server,
 * rcjsuen's, is measured in bench/peers.ts.)
 */
import { createHash } from "node:crypto";
import { HoverRequest, type Hover } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../server/src/engine";
import type { InitializationOptions } from "../server/src/protocol";
import type { Lookup } from "../server/src/resolver/types";
import { provideHover } from "../server/src/features/hover";
import { requestKey, type ResolveRequest } from "../server/src/resolver/resolver";
import type { FromLensSettings } from "../server/src/settings";
import { requestFor } from "../server/src/workspace";
import { startServer, type TestServer } from "../test/support/lsp";
import type { Traffic } from "./infra";
import {
  DEFAULT_TAG_TTL_MINUTES,
  DOC_URI,
  type Env,
  HOVERS,
  NOWHERE,
  PLATFORM,
  RESOLVE_TIMEOUT_MS,
  REVALIDATE_TTL_MS,
  type Run,
  SKOPEO,
  benchSettings,
  checkLookups,
  clientTraffic,
  execFileAsync,
  logger,
} from "./resolveSetup";

export type Phase = "cold" | "warm" | "revalidate";

/** Hover times (ms) on a warm engine, as the server answers one: the context built, then the card. */
export const hoverTimes: number[] = [];

export function timeHovers(engine: Engine, doc: TextDocument, settings: FromLensSettings): number[] {
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

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/**
 * One FROM Lens run: a new engine (as a server start builds it) on `storagePath`, the document
 * opened, timed until every reference has left "resolving".
 */
export async function fromLensRun(env: Env, phase: Phase, storagePath: string): Promise<Run> {
  const hubApiUrl = env.hub ? env.infra.hub[`${env.hub.mode}Url`] : NOWHERE;
  const settings = benchSettings(
    phase === "revalidate" ? REVALIDATE_TTL_MS / 60_000 : DEFAULT_TAG_TTL_MINUTES,
    hubApiUrl,
  );
  const init: InitializationOptions = { storagePath, hubRegistryUrl: env.hub?.registryUrl ?? NOWHERE };
  const wanted = new Map<string, ReturnType<typeof requestFor>>();
  for (const ref of env.refs) {
    const request = requestFor(ref, settings);
    if (request) wanted.set(requestKey(request), request);
  }
  let engine: Engine | undefined = undefined;
  const digests = watchDigests(wanted, () => engine);
  engine = new Engine(settings, init, logger(env.problems), digests.onChange);
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
    const requests = engine.status().requests;
    const client = clientTraffic(requests);
    const proxy = await env.infra.counts(env.auth);
    const hub = env.hub
      ? { seen: await env.infra.hubCounts(env.hub.mode), client: requests["hub-api"] ?? 0 }
      : undefined;
    if (phase === "warm" && hoverTimes.length < HOVERS) hoverTimes.push(...timeHovers(engine, doc, settings));
    engine.workspace.close(DOC_URI);
    return {
      ms,
      proxy,
      client,
      ...(digests.at() !== undefined ? { digestMs: (digests.at() ?? 0) - started } : {}),
      ...(hub ? { hub } : {}),
    };
  } finally {
    await engine.close();
  }
}

/**
 * The resolver's change events, watched for the moment every wanted key has its digest (a
 * resolving lookup that carries it, or a resolved one): what the hover and the Pin lens show first.
 */
export function watchDigests(
  wanted: ReadonlyMap<string, ResolveRequest | undefined>,
  engine: () => Engine | undefined,
): { onChange: (keys: string[]) => void; at: () => number | undefined } {
  const withDigest = new Set<string>();
  let digestAt: number | undefined;
  const onChange = (keys: string[]): void => {
    const e = engine();
    for (const key of keys) {
      const request = wanted.get(key);
      if (!request || !e || withDigest.has(key)) continue;
      const l = e.resolver.lookup(request);
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
  return { onChange, at: () => digestAt };
}

export interface SkopeoVariant {
  label: string;
  args: string[];
  /** Checks one output against the reference's pushed index digest; returns a problem or undefined. */
  check(stdout: Buffer, digest: string): string | undefined;
}

export const SKOPEO_VARIANTS: SkopeoVariant[] = [
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

export async function skopeoRun(env: Env, variant: SkopeoVariant, parallel: number): Promise<Run> {
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

// ---------------------------------------------------------------------------------------------
// End to end: the built server over stdio

export interface EndToEnd {
  startMs: number;
  firstHoverMs: number;
  allHoversMs: number;
  traffic: Traffic;
  showingDigest: number;
}

export function hoverText(hover: Hover | null): string {
  const c = hover?.contents;
  if (c === undefined) return "";
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === "string" ? x : x.value)).join("\n");
  return c.value;
}

export async function endToEndRun(env: Env, storagePath: string): Promise<EndToEnd> {
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
