/**
 * code-server (VS Code 1.99 in the browser, see ../shared/TEST-INFRA.md) as a child process on
 * 127.0.0.1: a fresh user-data-dir and extensions-dir, the extension either installed from a
 * .vsix or loaded from its folder (extensionDevelopmentPath, which code-server takes from the
 * page URL's `payload`, so it lives in the URL this returns), optionally with an
 * extensionTestsPath whose `run()` VS Code calls inside the real extension host.
 *
 * code-server runs in its own process group (detached = setsid) and stop() ends the whole group:
 * killing only its PID would leave the file watcher and the extension host behind.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, LOOPBACK } from "./ports";
import { pollUntil, startService } from "./processes";
import type { Service } from "./processes";
import { makeTempDir, removeTempDir } from "./tmp";

const execFileAsync = promisify(execFile);

export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? "4.99.4";

/** The extension under test: a packaged .vsix, or its folder run from source. */
export type ExtensionSource =
  | { vsix: string }
  | {
      /** The extension's folder (holding package.json); VS Code loads it as in F5 debugging. */
      developmentPath: string;
      /** A built module exporting `run(): Promise<void>`, run inside the extension host. */
      testsPath?: string;
    };

export interface CodeServerOptions {
  /** The folder the returned `url` opens. */
  folder?: string;
  /** The extension to test; none starts a plain code-server. */
  extension?: ExtensionSource;
  /** User settings written over the defaults (workspace trust off, no start-up editor, no telemetry). */
  settings?: Record<string, unknown>;
  /**
   * Folder for `user/` (user-data-dir), `extensions/` and `config.yaml`; emptied first (refused if it
   * holds anything else). Default: a fresh temp dir, removed by stop().
   */
  profileDir?: string;
  /** Port to bind; default a free one (retried with another if it is taken meanwhile). */
  port?: number;
  /** Extra environment for code-server and so for its extension host. */
  env?: Record<string, string>;
  /** How long to wait for `/healthz`. Default 20 s. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** The page to open: the workbench on `folder`, with the development extension's payload. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** Process id of code-server, also its process group id. */
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  /** The workbench URL for another folder (same payload). */
  workbenchUrl(folder: string): string;
  /** `publisher.name@version` of every extension in the extensions dir (code-server --list-extensions). */
  listExtensions(): Promise<string[]>;
  /** The last 64 KiB of code-server's output (its log, the extension host's errors). */
  logs(): string;
  /** True once code-server has exited (crashed, or stopped). */
  hasExited(): boolean;
  /** Ends the whole process group (SIGTERM, SIGKILL to what is left after a grace period), removes a temp profile. */
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
};

/** Where scripts/install-code-server.sh puts code-server (same variables, same defaults). */
export function codeServerLauncher(): string {
  const explicit = process.env.FROM_LENS_CODE_SERVER;
  if (explicit !== undefined && explicit !== "") return explicit;
  const root = join(
    process.env.FROM_LENS_CACHE ?? join(homedir(), ".cache", "from-lens-test"),
    `code-server-${CODE_SERVER_VERSION}`,
  );
  if (!existsSync(join(root, ".complete"))) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not installed under ${root}: run \`bash scripts/install-code-server.sh\` ` +
        "(or `bash scripts/setup.sh`), or point FROM_LENS_CODE_SERVER at a code-server launcher",
    );
  }
  return join(root, "node_modules", ".bin", "code-server");
}

/**
 * code-server's environment: ours without what would steer it elsewhere. It reads `PORT` over
 * `--bind-addr`, and VSCODE_* / ELECTRON_RUN_AS_NODE leak in when tests run from a VS Code terminal.
 */
function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "PORT" || key === "ELECTRON_RUN_AS_NODE" || key.startsWith("VSCODE_")) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** `vscode-remote://127.0.0.1:PORT/abs/path`: how the browser workbench names a server-side file. */
export function remoteUri(port: number, path: string): string {
  const uri = new URL(`vscode-remote://${LOOPBACK}:${port}`);
  uri.pathname = path;
  return uri.href;
}

function buildWorkbenchUrl(
  origin: string,
  port: number,
  folder: string | undefined,
  extension: ExtensionSource | undefined,
): string {
  const url = new URL("/", origin);
  if (folder !== undefined) url.searchParams.set("folder", folder);
  if (extension !== undefined && "developmentPath" in extension) {
    const payload: [string, string][] = [
      ["extensionDevelopmentPath", remoteUri(port, extension.developmentPath)],
    ];
    if (extension.testsPath !== undefined)
      payload.push(["extensionTestsPath", remoteUri(port, extension.testsPath)]);
    url.searchParams.set("payload", JSON.stringify(payload));
  }
  return url.href;
}

function cliArgs(userDataDir: string, extensionsDir: string): string[] {
  return ["--user-data-dir", userDataDir, "--extensions-dir", extensionsDir];
}

async function installVsix(
  launcher: string,
  dirs: string[],
  vsix: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (!existsSync(vsix)) throw new Error(`code-server: no such .vsix: ${vsix}`);
  try {
    await execFileAsync(launcher, [...dirs, "--force", "--install-extension", vsix], {
      env,
      timeout: 60_000,
    });
  } catch (error) {
    const detail = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `code-server --install-extension ${vsix} failed: ${detail.message}\n${detail.stdout ?? ""}${detail.stderr ?? ""}`,
    );
  }
}

/**
 * Whether any process of the group is still running. On Linux, from /proc, not counting zombies
 * (exited, waiting to be reaped by init, which may take a while); elsewhere, kill(-pgid, 0).
 */
function groupAlive(pgid: number): boolean {
  if (existsSync("/proc/self/stat")) {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (pgrp === String(pgid) && state !== "Z") return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops code-server's whole process group. The leader exiting is not enough: an extension host
 * was seen to outlive it (and the group's SIGTERM) for minutes, so wait until no process of the
 * group is left, and SIGKILL the group after `graceMs`.
 */
async function stopGroup(service: Service, graceMs = 3000): Promise<void> {
  await service.stop(graceMs);
  if (service.pid <= 0) return;
  const deadline = Date.now() + graceMs;
  let killed = false;
  while (groupAlive(service.pid)) {
    if (!killed && Date.now() > deadline) {
      killed = true;
      try {
        process.kill(-service.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    if (Date.now() > deadline + 5000)
      throw new Error(`code-server: process group ${service.pid} survived SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const response = await fetch(new URL("/healthz", origin), { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** What a profile dir made by startCodeServer holds. */
const PROFILE_ENTRIES = new Set(["user", "extensions", "config.yaml"]);

/** Starts code-server and waits until `/healthz` answers. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const launcher = codeServerLauncher();
  const ownProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? (await makeTempDir("from-lens-code-server"));
  try {
    if (!ownProfile) {
      // Empty it only if it holds nothing but a profile of ours: a mistyped path must not cost files.
      const foreign = existsSync(profileDir)
        ? readdirSync(profileDir).filter((name) => !PROFILE_ENTRIES.has(name))
        : [];
      if (foreign.length > 0) {
        throw new Error(
          `code-server: ${profileDir} holds more than a code-server profile (${foreign.join(", ")}); not emptying it`,
        );
      }
      await rm(profileDir, { recursive: true, force: true });
      await mkdir(profileDir, { recursive: true });
    }
    const userDataDir = join(profileDir, "user");
    const extensionsDir = join(profileDir, "extensions");
    await mkdir(join(userDataDir, "User"), { recursive: true });
    await mkdir(extensionsDir, { recursive: true });
    await writeFile(
      join(userDataDir, "User", "settings.json"),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2) + "\n",
    );
    const env = childEnv(options.env);
    const dirs = cliArgs(userDataDir, extensionsDir);
    if (options.extension !== undefined && "vsix" in options.extension) {
      await installVsix(launcher, dirs, options.extension.vsix, env);
    }

    const attempts = options.port === undefined ? 3 : 1;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const port = options.port ?? (await freePort());
      const origin = `http://${LOOPBACK}:${port}`;
      const config = join(profileDir, "config.yaml");
      // Our own config file, so code-server never reads or writes ~/.config/code-server/config.yaml.
      await writeFile(config, `bind-addr: ${LOOPBACK}:${port}\nauth: none\ncert: false\n`);
      const service: Service = startService(
        launcher,
        [
          "--config",
          config,
          ...dirs,
          "--disable-telemetry",
          "--disable-update-check",
          "--disable-workspace-trust",
          "--disable-getting-started-override",
          "--ignore-last-opened",
        ],
        { env },
      );
      try {
        await pollUntil(() => healthy(origin), {
          timeoutMs: options.startTimeoutMs ?? 20_000,
          intervalMs: 50,
          what: `code-server on ${origin}`,
          abort: () => (service.hasExited() ? "exited during start-up" : undefined),
        });
      } catch (error) {
        await stopGroup(service);
        lastError = new Error(
          `${(error as Error).message}\n--- code-server output ---\n${service.output().slice(-4000)}`,
        );
        if (service.output().includes("EADDRINUSE")) continue;
        throw lastError;
      }
      const workbenchUrl = (folder: string): string =>
        buildWorkbenchUrl(origin, port, folder, options.extension);
      return {
        url: buildWorkbenchUrl(origin, port, options.folder, options.extension),
        origin,
        port,
        pid: service.pid,
        userDataDir,
        extensionsDir,
        workbenchUrl,
        async listExtensions() {
          const { stdout } = await execFileAsync(
            launcher,
            [...dirs, "--list-extensions", "--show-versions"],
            { env, timeout: 30_000 },
          );
          return stdout
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
        },
        logs: () => service.output(),
        hasExited: () => service.hasExited(),
        async stop() {
          await stopGroup(service);
          if (ownProfile) await removeTempDir(profileDir);
        },
      };
    }
    throw lastError ?? new Error("code-server did not start");
  } catch (error) {
    if (ownProfile) await removeTempDir(profileDir);
    throw error;
  }
}
