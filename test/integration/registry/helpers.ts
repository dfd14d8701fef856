/**
 * Helpers for the registry client's integration tests: a client per test (closed after it) whose
 * log lines are captured, references from text, a docker config dir with credentials, and a
 * clock the test moves by hand. The servers themselves come from test/support.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseReference } from "../../../server/src/reference";
import type { Reference } from "../../../server/src/reference";
import { RegistryClient } from "../../../server/src/registry/client";
import type { RegistryClientOptions } from "../../../server/src/registry/client";
import type { ResolveError, Result } from "../../../server/src/registry/errors";
import { tempDirFor } from "../../support/tmp";

export interface TestContextLike {
  after(fn: () => Promise<void>): void;
}

export interface TestClient {
  client: RegistryClient;
  /** Every log line the client wrote, at every level. */
  logs: string[];
  clock: { now: number };
}

/** A client with an empty docker config, no helpers, short timeouts and captured logs. */
export async function testClient(
  t: TestContextLike,
  options: Partial<RegistryClientOptions> = {},
): Promise<TestClient> {
  const logs: string[] = [];
  const clock = { now: Date.now() };
  const dockerConfigDir = options.dockerConfigDir ?? (await tempDirFor(t, "from-lens-empty-docker-config"));
  const client = new RegistryClient({
    allowCredentialHelpers: false,
    env: {},
    log: (level, message) => logs.push(`${level}: ${message}`),
    now: () => clock.now,
    random: () => 0,
    ...options,
    dockerConfigDir,
    timeouts: {
      connectMs: 2000,
      headersMs: 2000,
      bodyMs: 2000,
      requestMs: 10_000,
      credentialHelperMs: 2000,
      ...options.timeouts,
    },
    limits: { retryBaseDelayMs: 10, ...options.limits },
  });
  t.after(() => client.close());
  return { client, logs, clock };
}

/** A docker config dir whose config.json holds `auths` (and anything else given). */
export async function dockerConfig(t: TestContextLike, config: Record<string, unknown>): Promise<string> {
  const dir = await tempDirFor(t, "from-lens-docker-config");
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

export function basicAuth(user: string, pass: string): { auth: string } {
  return { auth: Buffer.from(`${user}:${pass}`).toString("base64") };
}

export function ref(text: string): Reference {
  const r = parseReference(text);
  if (!r.ok) throw new Error(`bad reference ${text}: ${r.error.message}`);
  return r.value;
}

export function expectOk<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected success, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

export function expectError<K extends ResolveError["kind"]>(
  r: Result<unknown>,
  kind: K,
): Extract<ResolveError, { kind: K }> {
  if (r.ok) assert.fail(`expected a ${kind} error, got success`);
  assert.equal(r.error.kind, kind, `expected ${kind}, got ${r.error.kind}: ${r.error.message}`);
  return r.error as Extract<ResolveError, { kind: K }>;
}
