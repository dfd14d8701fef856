/**
 * Which undici dispatcher a request goes through: the caller's, a ProxyAgent per proxy URL (per
 * NO_PROXY), or one direct Agent; with the user's extra CA certificates added to Node's roots.
 */
import { readFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import type * as Undici from "undici";
import type { Dispatcher, ProxyAgent } from "undici";
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

export class Dispatchers {
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private directAgent: Dispatcher | undefined;
  private tlsReady: Promise<Result<readonly (string | Buffer)[] | undefined>> | undefined;

  constructor(private readonly options: TransportOptions) {}

  async close(): Promise<void> {
    const all: Promise<void>[] = [];
    if (this.directAgent && this.directAgent !== this.options.dispatcher) all.push(this.directAgent.close());
    for (const a of this.proxyAgents.values()) all.push(a.close());
    this.proxyAgents.clear();
    this.directAgent = undefined;
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
    this.directAgent ??= new (undici().Agent)({
      connect: { timeout: timeouts.connectMs, ...(ca ? { ca: [...ca] } : {}) },
      connections: limits.perHostConcurrency,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    return ok(this.directAgent);
  }
}
