/**
 * The CNCF distribution registry (Debian package `docker-registry`, v2.8) as a child process on
 * 127.0.0.1: temp config + storage, no auth / htpasswd Basic / token (Bearer) auth, or a
 * pull-through cache in front of another registry.
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
}

export interface Registry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT (the registry part of an image reference). */
  host: string;
  /** Temp dir holding config.yml, htpasswd and data/ (removed on stop). */
  dir: string;
  auth: RegistryAuth;
  /** The accounts htpasswd / the token server accept. */
  users: Credentials[];
  /** Token mode only. */
  tokenServer?: TokenServer;
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

    const config: Record<string, unknown> = {
      version: "0.1",
      log: { level: opts.logLevel ?? "error", accesslog: { disabled: true } },
      storage: {
        filesystem: { rootdirectory: join(dir, "data") },
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false }, readonly: { enabled: opts.readOnly ?? false } },
      },
      http: { addr: "", secret: randomBytes(16).toString("hex") },
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
      try {
        await waitReady(service, `http://${host}`, opts.startTimeoutMs ?? 10_000);
      } catch (err) {
        await service.stop(500);
        lastError = err;
        if (/address already in use/i.test(service.output())) continue;
        throw err;
      }
      const ownedTokenServer = ownTokenServer;
      let stopped: Promise<void> | undefined;
      return {
        url: `http://${host}`,
        host,
        dir,
        auth,
        users,
        ...(tokenServer ? { tokenServer } : {}),
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

async function waitReady(service: Service, url: string, timeoutMs: number): Promise<void> {
  await pollUntil(
    async () => {
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
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
