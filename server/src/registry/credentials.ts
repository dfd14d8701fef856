/**
 * Registry credentials found the way the docker CLI finds them (docker/cli
 * cli/config/configfile/file.go, cli/config/credentials/{file,native}_store.go):
 * `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`; for a registry host the helper is
 * `credHelpers[<key>]`, else `credsStore`; with a helper, the helper's answer is the credential;
 * without one, `auths[<key>]` (its base64 `auth` = `user:password`, `username`/`password`,
 * `identitytoken`, `registrytoken`). Docker Hub's key is `https://index.docker.io/v1/`. A
 * `DOCKER_AUTH_CONFIG` environment variable (`{"auths":{…}}`) is consulted first, as the CLI does.
 * Helpers speak the `docker-credential-<name> get` protocol (docker/docker-credential-helpers
 * client/client.go): server URL on stdin, `{"ServerURL","Username","Secret"}` on stdout, the
 * message `credentials not found in native keychain` and a non-zero exit when there is none; the
 * user name `<token>` marks an identity token. Helpers run with a timeout and never in an
 * untrusted workspace. Nothing here logs a secret.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { isRecord } from "../json";
import { dockerHubHost } from "../reference";

export type Credential =
  | { kind: "anonymous" }
  | { kind: "basic"; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user): exchanged at the realm. */
  | { kind: "identity-token"; token: string }
  /** A bearer token to send to the registry as is (`registrytoken`). */
  | { kind: "registry-token"; token: string };

export interface CredentialLookup {
  credential: Credential;
  /** Where it came from, for logs and messages: `credHelpers (docker-credential-ecr-login)`, `auths`, `none`. Never the secret. */
  source: string;
  /** Set when a source was configured but failed (helper timed out, bad config file). */
  warning?: string;
}

export interface CredentialOptions {
  /** Overrides `$DOCKER_CONFIG` and `~/.docker`. */
  dockerConfigDir?: string | undefined;
  /** false in an untrusted workspace: no credential helper is run. */
  allowCredentialHelpers: boolean;
  helperTimeoutMs: number;
  /** The environment to read DOCKER_CONFIG / DOCKER_AUTH_CONFIG / PATH / HOME from. */
  env?: Record<string, string | undefined> | undefined;
  signal?: AbortSignal | undefined;
}

export const DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";
const NOT_FOUND_MESSAGE = "credentials not found in native keychain";
const TOKEN_USERNAME = "<token>";
const MAX_HELPER_OUTPUT = 64 * 1024;
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** The key the docker CLI stores a registry's credentials under (file.go getAuthConfigKey). */
export function configKeyFor(registry: string): string {
  const role = dockerHubHost(registry.toLowerCase());
  return role === "name" || role === "registry-api" ? DOCKER_HUB_CONFIG_KEY : registry;
}

/** The directory holding config.json: dockerConfigDir, else $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDirectory(opts: Pick<CredentialOptions, "dockerConfigDir" | "env">): string {
  const env = opts.env ?? process.env;
  if (opts.dockerConfigDir) return opts.dockerConfigDir;
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return join(env.HOME ?? env.USERPROFILE ?? homedir(), ".docker");
}

export interface AuthEntry {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfig {
  auths: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

/** Reads and validates config.json. A missing file is an empty config; a broken one is an error string. */
export async function readDockerConfig(dir: string): Promise<{ config: DockerConfig; error?: string }> {
  const empty: DockerConfig = { auths: {}, credHelpers: {} };
  let text: string;
  try {
    const buf = await readFile(join(dir, "config.json"));
    if (buf.length > MAX_CONFIG_BYTES)
      return { config: empty, error: `${join(dir, "config.json")} is too large` };
    text = buf.toString("utf8");
  } catch (e) {
    if (isRecord(e) && e.code === "ENOENT") return { config: empty };
    return { config: empty, error: `cannot read ${join(dir, "config.json")}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { config: empty, error: `${join(dir, "config.json")} is not valid JSON` };
  }
  return { config: normaliseConfig(data) };
}

function normaliseConfig(data: unknown): DockerConfig {
  const config: DockerConfig = { auths: {}, credHelpers: {} };
  if (!isRecord(data)) return config;
  if (isRecord(data.auths)) {
    for (const [k, v] of Object.entries(data.auths)) {
      if (!isRecord(v)) continue;
      const entry: AuthEntry = {};
      for (const f of ["username", "password", "auth", "identitytoken", "registrytoken"] as const) {
        const x = v[f];
        if (typeof x === "string" && x !== "") entry[f] = x;
      }
      config.auths[k] = entry;
    }
  }
  if (typeof data.credsStore === "string" && data.credsStore !== "") config.credsStore = data.credsStore;
  if (isRecord(data.credHelpers)) {
    for (const [k, v] of Object.entries(data.credHelpers))
      if (typeof v === "string" && v !== "") config.credHelpers[k] = v;
  }
  return config;
}

/** Decodes the base64 `auth` field (`user:password`); undefined when it is not valid. */
export function decodeAuthField(auth: string): { username: string; password: string } | undefined {
  const trimmed = auth.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) return undefined;
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  // The CLI trims NUL padding some writers leave at the end (decodeAuth).
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, "") };
}

/** The credential an `auths` entry holds (file_store.go + authconfig.go field meanings). */
export function credentialFromAuthEntry(e: AuthEntry): Credential {
  if (e.registrytoken) return { kind: "registry-token", token: e.registrytoken };
  if (e.identitytoken) return { kind: "identity-token", token: e.identitytoken };
  if (e.auth) {
    const d = decodeAuthField(e.auth);
    if (d) return { kind: "basic", ...d };
  }
  if (e.username && e.password) return { kind: "basic", username: e.username, password: e.password };
  return { kind: "anonymous" };
}

/** Hostname of a config key such as `https://ghcr.io/v1/` (credentials.ConvertToHostname). */
export function keyHostname(key: string): string {
  let rest = key;
  const scheme = rest.indexOf("://");
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const slash = rest.indexOf("/");
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

/** `auths[key]`, else the first entry whose key's host name is the key (fileStore.Get). */
export function findAuthEntry(config: DockerConfig, key: string): AuthEntry | undefined {
  const exact = config.auths[key];
  if (exact) return exact;
  for (const [k, v] of Object.entries(config.auths)) if (keyHostname(k) === key) return v;
  return undefined;
}

/** `DOCKER_AUTH_CONFIG` = `{"auths":{"<key>":{"auth":"<base64>"}}}` (configfile parseEnvConfig). */
function envAuthEntry(env: Record<string, string | undefined>, key: string): AuthEntry | undefined {
  const raw = env.DOCKER_AUTH_CONFIG;
  if (!raw) return undefined;
  try {
    return findAuthEntry(normaliseConfig(JSON.parse(raw)), key);
  } catch {
    return undefined;
  }
}

/** Finds the credential for one registry (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). Never throws. */
export async function lookupCredentials(
  registry: string,
  opts: CredentialOptions,
): Promise<CredentialLookup> {
  const env = opts.env ?? process.env;
  const key = configKeyFor(registry);

  const fromEnv = envAuthEntry(env, key);
  if (fromEnv) {
    const c = credentialFromAuthEntry(fromEnv);
    if (c.kind !== "anonymous") return { credential: c, source: "DOCKER_AUTH_CONFIG" };
  }

  const dir = dockerConfigDirectory(opts);
  const { config, error } = await readDockerConfig(dir);
  if (error) return { credential: { kind: "anonymous" }, source: "none", warning: error };

  const helper = config.credHelpers[key] ?? config.credsStore;
  if (helper !== undefined) {
    const origin = config.credHelpers[key] !== undefined ? "credHelpers" : "credsStore";
    if (!opts.allowCredentialHelpers) {
      // Untrusted workspace: run nothing. A plain `auths` entry still counts (no code runs).
      const fallback = fileCredential(config, key);
      return {
        ...fallback,
        warning: `the credential helper docker-credential-${helper} was not run because the workspace is not trusted`,
      };
    }
    // runCredentialHelper resolves in every case it knows; a synchronous spawn failure (a bad
    // environment) rejects, and is one more error.
    const r = await runCredentialHelper(helper, key, {
      timeoutMs: opts.helperTimeoutMs,
      env,
      signal: opts.signal,
    }).catch((): HelperResult => ({
      kind: "error",
      message: `docker-credential-${helper} could not be started`,
    }));
    const source = `${origin} (docker-credential-${helper})`;
    switch (r.kind) {
      case "found":
        return { credential: r.credential, source };
      case "not-found":
        return { credential: { kind: "anonymous" }, source };
      default:
        return { credential: { kind: "anonymous" }, source, warning: r.message };
    }
  }
  return fileCredential(config, key);
}

function fileCredential(config: DockerConfig, key: string): CredentialLookup {
  const entry = findAuthEntry(config, key);
  if (!entry) return { credential: { kind: "anonymous" }, source: "none" };
  const c = credentialFromAuthEntry(entry);
  return { credential: c, source: c.kind === "anonymous" ? "none" : "auths" };
}

export type HelperResult =
  | { kind: "found"; credential: Credential }
  | { kind: "not-found" }
  | { kind: "timeout"; message: string }
  | { kind: "error"; message: string };

/** Helper names come from a config file: allow only what could be a program name suffix. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Runs `docker-credential-<name> get` with `serverUrl` on stdin. Resolves (never rejects) with
 * the credential, not-found, a timeout or an error message that contains no secret.
 */
export function runCredentialHelper(
  name: string,
  serverUrl: string,
  opts: {
    timeoutMs: number;
    env?: Record<string, string | undefined> | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<HelperResult> {
  const program = `docker-credential-${name}`;
  if (!HELPER_NAME.test(name))
    return Promise.resolve({
      kind: "error",
      message: `refusing to run credential helper "${name}": not a valid helper name`,
    });
  if (opts.signal?.aborted)
    return Promise.resolve({ kind: "error", message: `${program} was not run: cancelled` });
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    const child = spawn(program, ["get"], {
      stdio: ["pipe", "pipe", "ignore"],
      env,
      windowsHide: true,
      shell: false,
    });
    const finish = (r: HelperResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ kind: "timeout", message: `${program} did not answer within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    const onAbort = (): void => finish({ kind: "error", message: `${program} was cancelled` });
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (e) => {
      const code = isRecord(e) && typeof e.code === "string" ? e.code : "failed";
      finish({
        kind: "error",
        message:
          code === "ENOENT" ? `${program} is not on PATH` : `${program} could not be started (${code})`,
      });
    });
    child.stdout.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_HELPER_OUTPUT) {
        finish({ kind: "error", message: `${program} wrote too much output` });
        return;
      }
      chunks.push(c);
    });
    child.on("close", (code) => {
      const out = Buffer.concat(chunks).toString("utf8").trim();
      if (code !== 0) {
        if (out === NOT_FOUND_MESSAGE) finish({ kind: "not-found" });
        // The helper's output may echo what it was given; keep it out of the message.
        else finish({ kind: "error", message: `${program} get failed (exit code ${code ?? "?"})` });
        return;
      }
      finish(parseHelperOutput(out, program));
    });
    child.stdin.on("error", () => {
      /* the helper may exit without reading stdin; its exit code tells the rest */
    });
    child.stdin.end(serverUrl);
  });
}

function parseHelperOutput(out: string, program: string): HelperResult {
  let data: unknown;
  try {
    data = JSON.parse(out);
  } catch {
    return { kind: "error", message: `${program} get printed something that is not JSON` };
  }
  if (!isRecord(data)) return { kind: "error", message: `${program} get printed unexpected JSON` };
  const username = typeof data.Username === "string" ? data.Username : "";
  const secret = typeof data.Secret === "string" ? data.Secret : "";
  if (!secret) return { kind: "not-found" };
  if (username === TOKEN_USERNAME)
    return { kind: "found", credential: { kind: "identity-token", token: secret } };
  return { kind: "found", credential: { kind: "basic", username, password: secret } };
}

/** Every secret string a credential holds, for the log redactor. */
export function secretsOf(c: Credential): string[] {
  switch (c.kind) {
    case "anonymous":
      return [];
    case "basic":
      return [c.password, Buffer.from(`${c.username}:${c.password}`).toString("base64")];
    default:
      return [c.token];
  }
}
