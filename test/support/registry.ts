/**
 * The CNCF distribution registry (Debian package `docker-registry`, v2.8) as a child process on
 * 127.0.0.1: temp config + storage, no auth / htpasswd Basic / token (Bearer) auth, or a
 * pull-through cache in front of another registry; over TLS (`tls`: a CA made with openssl, which
 * HTTP/2 comes with: Go's server offers h2 in ALPN whenever it serves TLS), with its access log
 * parsed (`accessLog`: which protocol each request came over).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, LOOPBACK } from "./ports";
import { pollUntil, startService } from "./processes";
import type { Service } from "./processes";
import { makeTempDir, removeTempDir } from "./tmp";
import { fetchTrusting, makeCertificates } from "./tls";
import type { Certificates } from "./tls";
import { startTokenServer } from "./tokenServer";
import type { Credentials, TokenServer, TokenServerOptions } from "./tokenServer";

const execFileAsync = promisify(execFile);

export type RegistryAuth = "none" | "htpasswd" | "token";

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Accounts for htpasswd mode, and for the token server started in token mode. Default: DEFAULT_USERS. */
  users?: Credentials[];
  /** Token mode: the token server to trust. Started (with `users`) and stopped with the registry when absent. */
  tokenServer?: TokenServer;
  /** Options for the token server started automatically in token mode. */
  tokenServerOptions?: TokenServerOptions;
  /** Pull-through cache mode: the upstream registry URL (e.g. another Registry's `url`). */
  proxyRemoteUrl?: string;
  proxyUsername?: string;
  proxyPassword?: string;
  /**
   * `compatibility.schema1.enabled`: lets clients PUT schema1 manifests. (Serving Docker
   * schema2 tags converted to signed schema1, when the Accept header lacks the schema2 type,
   * happens in 2.8 regardless of this flag.)
   */
  schema1?: boolean;
  /** `storage.maintenance.readonly`: pushes answer 405 UNSUPPORTED. */
  readOnly?: boolean;
  /** Registry log level (captured, shown when start-up fails). Default "error". */
  logLevel?: "error" | "warn" | "info" | "debug";
  /** How long to wait for `GET /v2/` to answer. Default 10 s. */
  startTimeoutMs?: number;
  /**
   * Serve https (and HTTP/2) with a certificate for 127.0.0.1 signed by a CA made for this
   * registry (`Registry.tls.caFile`). Loopback registries are spoken to over plain http by FROM
   * Lens, so reach this one as Docker Hub's registry (`hubRegistryUrl: registry.url`).
   */
  tls?: boolean;
  /**
   * Record the registry's access log in `Registry.accessLog` (method, path, protocol, status) and
   * each request's client address in `clientAddresses` (the log level is then "info" by default).
   */
  accessLog?: boolean;
}

/** One line of the registry's access log. */
export interface AccessLogEntry {
  method: string;
  path: string;
  /** "HTTP/1.1" or "HTTP/2.0". */
  protocol: string;
  status: number;
}

/** The user agent of the readiness probes, left out of the access log. */
const READY_PROBE = "from-lens-test-ready-probe";

/** `127.0.0.1 - - [date] "GET /v2/ HTTP/2.0" 200 2 "" "agent"` (gorilla/handlers' combined log). */
const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) (HTTP\/[\d.]+)" (\d{3}) /;

export interface Registry {
  /** http://127.0.0.1:PORT (https with `tls`) */
  url: string;
  /** With `tls`: the CA certificate (PEM) the test support's pushes trust. */
  ca?: Buffer;
  /** 127.0.0.1:PORT (the registry part of an image reference). */
  host: string;
  /** Temp dir holding config.yml, htpasswd and data/ (removed on stop). */
  dir: string;
  auth: RegistryAuth;
  /** The accounts htpasswd / the token server accept. */
  users: Credentials[];
  /** Token mode only. */
  tokenServer?: TokenServer;
  /** With `tls`: the CA that signed its certificate (trust it with `caFile`), and the certificate. */
  tls?: Certificates;
  /** With `accessLog`: every request so far, oldest first. */
  accessLog: AccessLogEntry[];
  /**
   * With `accessLog`: the client address (ip:port) of every request so far; distinct ones are
   * distinct connections. (The user agent of a readiness probe keeps it out of both.)
   */
  clientAddresses: string[];
  clearAccessLog(): void;
  /** The registry's captured stdout/stderr (last 64 KiB). */
  logs(): string;
  stop(): Promise<void>;
}

export const DEFAULT_USERS: readonly Credentials[] = [{ user: "tester", pass: "test-password" }];

const REGISTRY_BINARY = process.env.FROM_LENS_REGISTRY_BIN ?? "docker-registry";

async function htpasswdFile(users: Credentials[]): Promise<string> {
  const lines: string[] = [];
  for (const { user, pass } of users) {
    // -B bcrypt (the only scheme distribution accepts), -b password on the command line, -n stdout.
    const { stdout } = await execFileAsync("htpasswd", ["-Bbn", user, pass]);
    lines.push(stdout.trim());
  }
  return lines.join("\n") + "\n";
}

/** Starts a registry and waits until `GET /v2/` answers (200, or 401 with auth). */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const auth = opts.auth ?? "none";
  const users = opts.users ?? [...DEFAULT_USERS];
  const dir = await makeTempDir("from-lens-registry");
  let ownTokenServer: TokenServer | undefined;
  try {
    let tokenServer = opts.tokenServer;
    if (auth === "token" && !tokenServer) {
      ownTokenServer = await startTokenServer({ users, ...opts.tokenServerOptions });
      tokenServer = ownTokenServer;
    }

    const certificates = opts.tls ? await makeCertificates(dir, "registry") : undefined;
    const config: Record<string, unknown> = {
      version: "0.1",
      log: {
        level: opts.logLevel ?? (opts.accessLog ? "info" : "error"),
        accesslog: { disabled: opts.accessLog !== true },
      },
      storage: {
        filesystem: { rootdirectory: join(dir, "data") },
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false }, readonly: { enabled: opts.readOnly ?? false } },
      },
      http: {
        addr: "",
        secret: randomBytes(16).toString("hex"),
        ...(certificates ? { tls: { certificate: certificates.certFile, key: certificates.keyFile } } : {}),
      },
      health: { storagedriver: { enabled: false } },
    };
    if (auth === "htpasswd") {
      const path = join(dir, "htpasswd");
      await writeFile(path, await htpasswdFile(users));
      config.auth = { htpasswd: { realm: "test-realm", path } };
    } else if (auth === "token" && tokenServer) {
      config.auth = {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: tokenServer.certPath,
        },
      };
    }
    if (opts.proxyRemoteUrl !== undefined) {
      config.proxy = {
        remoteurl: opts.proxyRemoteUrl,
        ...(opts.proxyUsername !== undefined ? { username: opts.proxyUsername } : {}),
        ...(opts.proxyPassword !== undefined ? { password: opts.proxyPassword } : {}),
      };
    }
    if (opts.schema1) config.compatibility = { schema1: { enabled: true } };

    // A free port can be taken between probing and binding: retry a few times.
    let lastError: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      const port = await freePort();
      const host = `${LOOPBACK}:${port}`;
      (config.http as { addr: string }).addr = host;
      const configPath = join(dir, "config.yml");
      // JSON is valid YAML, and spares us a YAML writer.
      await writeFile(configPath, JSON.stringify(config, null, 2));
      const service = startService(REGISTRY_BINARY, ["serve", configPath], { cwd: dir });
      const url = `${certificates ? "https" : "http"}://${host}`;
      const accessLog: AccessLogEntry[] = [];
      const clientAddresses: string[] = [];
      const requestIds = new Set<string>();
      if (opts.accessLog) {
        // The access log goes to stdout; the "response completed" lines (info) to stderr.
        const onLines = (parse: (line: string) => void) => {
          let partial = "";
          return (chunk: Buffer): void => {
            const lines = (partial + chunk.toString("utf8")).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) if (!line.includes(READY_PROBE)) parse(line);
          };
        };
        service.child.stdout?.on(
          "data",
          onLines((line) => {
            const m = ACCESS_LINE.exec(line);
            if (m)
              accessLog.push({
                method: m[1] ?? "",
                path: m[2] ?? "",
                protocol: m[3] ?? "",
                status: Number(m[4]),
              });
          }),
        );
        service.child.stderr?.on(
          "data",
          onLines((line) => {
            // Every line about a request names its id and client address; count each request once.
            const id = / http\.request\.id=(\S+)/.exec(line)?.[1];
            const address = / http\.request\.remoteaddr="([^"]+)"/.exec(line)?.[1];
            if (id === undefined || address === undefined || requestIds.has(id)) return;
            requestIds.add(id);
            clientAddresses.push(address);
          }),
        );
      }
      try {
        await waitReady(service, url, opts.startTimeoutMs ?? 10_000, certificates?.ca);
      } catch (err) {
        await service.stop(500);
        lastError = err;
        if (/address already in use/i.test(service.output())) continue;
        throw err;
      }
      const ownedTokenServer = ownTokenServer;
      let stopped: Promise<void> | undefined;
      return {
        url,
        host,
        dir,
        auth,
        users,
        ...(tokenServer ? { tokenServer } : {}),
        ...(certificates ? { tls: certificates, ca: certificates.ca } : {}),
        accessLog,
        clientAddresses,
        clearAccessLog: () => {
          accessLog.length = 0;
          clientAddresses.length = 0;
        },
        logs: () => service.output(),
        stop(): Promise<void> {
          stopped ??= (async () => {
            await service.stop();
            await ownedTokenServer?.stop();
            await removeTempDir(dir);
          })();
          return stopped;
        },
      };
    }
    throw lastError instanceof Error ? lastError : new Error("registry failed to start");
  } catch (err) {
    await ownTokenServer?.stop();
    await removeTempDir(dir);
    throw err;
  }
}

async function waitReady(service: Service, url: string, timeoutMs: number, ca?: Buffer): Promise<void> {
  const get = fetchTrusting(ca);
  await pollUntil(
    async () => {
      try {
        const res = await get(`${url}/v2/`, {
          signal: AbortSignal.timeout(1000),
          headers: { "user-agent": READY_PROBE },
        });
        await res.arrayBuffer();
        return res.status === 200 || res.status === 401;
      } catch {
        return false;
      }
    },
    {
      timeoutMs,
      intervalMs: 20,
      what: `docker-registry at ${url}`,
      abort: () => (service.hasExited() ? `exited during start-up:\n${service.output()}` : undefined),
    },
  );
}
