/**
 * Which undici dispatcher a request goes through: the caller's, a ProxyAgent per proxy URL (per
 * NO_PROXY), or one direct Agent; with the user's extra CA certificates added to Node's roots.
 * The direct Agent offers HTTP/2 over TLS (`http2`): a registry that picks it in ALPN gets every
 * request to it multiplexed on one connection, still at most `perHostConcurrency` at a time.
 */
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import type * as Undici from "undici";
import type { buildConnector, Client, Dispatcher, ProxyAgent } from "undici";
import { err, errorCode, ok } from "../errors";
import type { Result } from "../errors";
import { proxyFor } from "../proxy";
import type { TransportOptions } from "./options";

/**
 * undici, loaded on the first request rather than when the server starts: evaluating it took
 * ~40 ms of the ~220 ms from spawn to the initialize answer, which needs no network. (The build
 * also puts it in a file of its own, dist/undici.js, so it is not even parsed until then.)
 */
function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (above)
  return require("undici") as typeof Undici;
}

type Protocol = "h2" | "http/1.1";

/** What the direct Agent knows of an https origin's connections (for the first-connection gate). */
interface OriginState {
  /** ALPN's choice on the last connection made. */
  protocol?: Protocol;
  /** Connections open now. */
  live: number;
  /** The first request's connection being made: the others wait for it (see `firstConnection`). */
  connecting?: { promise: Promise<void>; done: () => void } | undefined;
}

/**
 * undici's Agent factory with HTTP/2 multiplexing: each origin gets a Pool whose clients carry one
 * request at a time on HTTP/1.1 (undici's default; no HTTP/1.1 pipelining) but up to `streams`
 * once ALPN chose h2. undici leaves `pipelining` at 1 for h2 too, so without this an h2 Pool
 * opens a connection per concurrent request, as HTTP/1.1 does.
 */
export function h2PoolFactory(
  u: typeof Undici,
  streams: number,
  onProtocol: (origin: string, protocol: Protocol) => void = () => undefined,
): (origin: URL, opts: object) => Dispatcher {
  return (origin, poolOptions) =>
    new u.Pool(origin, {
      ...poolOptions,
      factory: (clientOrigin: URL, clientOptions: object): Dispatcher => {
        // The Pool hands its clients the connector it built from the Agent's `connect` options.
        const opts = clientOptions as Client.Options & { connect: buildConnector.connector };
        const connect = opts.connect;
        const client: Client = new u.Client(clientOrigin, {
          ...opts,
          connect: (connectOptions, callback) => {
            connect(connectOptions, (...args) => {
              const [error, socket] = args;
              if (!error) {
                const h2 = "alpnProtocol" in socket && socket.alpnProtocol === "h2";
                client.pipelining = h2 ? streams : 1;
                onProtocol(clientOrigin.origin, h2 ? "h2" : "http/1.1");
              }
              callback(...args);
            });
          },
        });
        return client;
      },
    });
}

export class Dispatchers {
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private directAgent: Dispatcher | undefined;
  private readonly origins = new Map<string, OriginState>();
  private tlsReady: Promise<Result<readonly (string | Buffer)[] | undefined>> | undefined;

  constructor(private readonly options: TransportOptions) {}

  async close(): Promise<void> {
    const all: Promise<void>[] = [];
    if (this.directAgent && this.directAgent !== this.options.dispatcher) all.push(this.directAgent.close());
    for (const a of this.proxyAgents.values()) all.push(a.close());
    this.proxyAgents.clear();
    this.directAgent = undefined;
    for (const o of this.origins.values()) o.connecting?.done();
    this.origins.clear();
    await Promise.allSettled(all);
  }

  private loadCa(): Promise<Result<readonly (string | Buffer)[] | undefined>> {
    this.tlsReady ??= (async (): Promise<Result<readonly (string | Buffer)[] | undefined>> => {
      const extra: (string | Buffer)[] = [];
      const { ca, caFile } = this.options;
      if (ca !== undefined)
        extra.push(...(Array.isArray(ca) ? (ca as readonly (string | Buffer)[]) : [ca as string | Buffer]));
      if (caFile) {
        try {
          extra.push(await readFile(caFile));
        } catch (e) {
          return err({
            kind: "network",
            message: `Cannot read the CA certificate file ${caFile} (${errorCode(e) ?? "error"}). Fix or remove the CA file setting.`,
          });
        }
      }
      // Node's `ca` replaces the default roots: keep them and add the user's.
      return ok(extra.length > 0 ? [...rootCertificates, ...extra] : undefined);
    })();
    return this.tlsReady;
  }

  /** The proxy URL a request to `url` goes through, if any (none with an injected dispatcher). */
  proxyOf(url: URL): string | undefined {
    if (this.options.dispatcher) return undefined;
    return proxyFor(url, { proxy: this.options.proxy, noProxy: this.options.noProxy, env: this.options.env });
  }

  async dispatcherFor(url: URL): Promise<Result<Dispatcher>> {
    if (this.options.dispatcher) return ok(this.options.dispatcher);
    const caResult = await this.loadCa();
    if (!caResult.ok) return caResult;
    const ca = caResult.value;
    const { timeouts, limits } = this.options;
    const proxy = this.proxyOf(url);
    if (proxy) {
      let agent = this.proxyAgents.get(proxy);
      if (!agent) {
        const tls = { timeout: timeouts.connectMs, ...(ca ? { ca: [...ca] } : {}) };
        agent = new (undici().ProxyAgent)({
          uri: proxy,
          requestTls: tls,
          proxyTls: tls,
          connections: limits.perHostConcurrency,
        });
        this.proxyAgents.set(proxy, agent);
      }
      return ok(agent);
    }
    this.directAgent ??= this.newDirectAgent(ca);
    if (this.options.http2 !== false && url.protocol === "https:") await this.firstConnection(url.origin);
    return ok(this.directAgent);
  }

  private newDirectAgent(ca: readonly (string | Buffer)[] | undefined): Dispatcher {
    const u = undici();
    const { timeouts, limits } = this.options;
    const streams = Math.max(1, limits.perHostConcurrency);
    const http2 = this.options.http2 !== false;
    const agent = new u.Agent({
      connect: { timeout: timeouts.connectMs, ...(ca ? { ca: [...ca] } : {}) },
      connections: limits.perHostConcurrency,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      // ALPN offers h2 (after http/1.1, as undici orders it; the server chooses). Plain http is
      // never HTTP/2 (no h2c). The transport's per-host semaphore bounds the streams in flight.
      ...(http2
        ? {
            allowH2: true,
            maxConcurrentStreams: streams,
            factory: h2PoolFactory(
              u,
              streams,
              (origin, protocol) => (this.origin(origin).protocol = protocol),
            ),
          }
        : {}),
    });
    if (http2) {
      const settle = (origin: URL, delta: number): void => {
        const state = this.origins.get(origin.origin);
        if (!state) return;
        state.live = Math.max(0, state.live + delta);
        state.connecting?.done();
        state.connecting = undefined;
      };
      agent.on("connect", (origin) => settle(origin, +1));
      agent.on("disconnect", (origin) => settle(origin, -1));
      agent.on("connectionError", (origin) => settle(origin, 0));
    }
    return agent;
  }

  private origin(origin: string): OriginState {
    let state = this.origins.get(origin);
    if (!state) {
      state = { live: 0 };
      this.origins.set(origin, state);
    }
    return state;
  }

  /**
   * With no connection open to an https origin that may speak h2, the first request makes one
   * and the others wait for it (at most the connect timeout): undici's Pool would otherwise open a
   * connection for each request sent while the first is still connecting, h2 or not. Once it is
   * up they share it (h2), or open their own (HTTP/1.1); an origin known to pick HTTP/1.1 is
   * never held back again.
   */
  private async firstConnection(origin: string): Promise<void> {
    const state = this.origin(origin);
    if (state.live > 0 || state.protocol === "http/1.1") return;
    if (state.connecting) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        state.connecting.promise,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.timeouts.connectMs))),
      ]);
      clearTimeout(timer);
      return;
    }
    let done = (): void => undefined;
    const promise = new Promise<void>((resolve) => (done = resolve));
    state.connecting = { promise, done };
  }
}
