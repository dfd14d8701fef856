/**
 * Docker Hub's registry as it really answers: a loopback replay of the recorded answers of
 * registry-1.docker.io, auth.docker.io and its CDN (../shared/hub-recordings/registry, see
 * hubRecordings.ts and SOURCES.md) for `library/hello-world:latest`.
 *
 * Three servers, as on the internet: the registry, the token realm (another origin, like
 * auth.docker.io) and the CDN blobs are redirected to (another origin). Headers and bodies are the
 * recorded ones; only the realm and the CDN origin are rewritten (SOURCES.md). Anonymous requests
 * get the recorded 401 challenges; the recorded token (a pull grant for library/hello-world) opens
 * that repository; any other repository answers the recorded 401 (Docker Hub answers 401 for a
 * repository that does not exist as for a private one).
 *
 * `pulls` switches between recorded behaviours of the pull limit:
 * - "recorded": every answer verbatim (the recorded GET of the index said `Ratelimit-Remaining:
 *   0;w=21600`, the amd64 manifest's `85;w=21600`).
 * - "spent": manifest GETs get the recorded 429 TOOMANYREQUESTS; HEADs still answer 200 with
 *   `ratelimit-remaining: 0` (docker/hub-feedback#2464: HEAD does not count).
 * - "reset": the window has passed: the index answers with the recorded header set, its
 *   Ratelimit-Remaining spliced from the recorded amd64 answer (85;w=21600).
 * `retryAfter` adds Retry-After to the 429 (whether Hub sends it is unverified).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { HttpAnswer, RecordedRequest, ScriptedServer } from "./faultServer";
import { startScriptedServer } from "./faultServer";
import {
  hubRecordingsPath,
  recordedBody,
  recordedHeaders,
  registryFile,
  registryRecordings,
  type RecordedAnswer,
} from "./hubRecordings";

export const HELLO_WORLD = "library/hello-world";

export interface HubRegistryReplay {
  /** The registry origin (what `hubRegistryUrl` should be). */
  url: string;
  host: string;
  /** The token realm (auth.docker.io's stand-in). */
  auth: ScriptedServer;
  /** The blob CDN (production.cloudflare.docker.com's stand-in). */
  cdn: ScriptedServer;
  requests: RecordedRequest[];
  pulls: "recorded" | "spent" | "reset";
  retryAfter?: number | undefined;
  /** Digests of what is recorded. */
  digests: { index: string; amd64: string; config: string; layer: string };
  count(filter?: { method?: string; path?: string | RegExp }): number;
  resetRequests(): void;
  stop(): Promise<void>;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export async function startHubRegistryReplay(
  opts: { pulls?: HubRegistryReplay["pulls"]; retryAfter?: number } = {},
): Promise<HubRegistryReplay> {
  const rec = registryRecordings();
  const tokenBody = recordedBody(rec.token200);
  const token = (JSON.parse(tokenBody.toString("utf8")) as { token: string }).token;
  const indexBytes = recordedBody(rec.indexByTag);
  const amd64Bytes = recordedBody(rec.amd64Manifest);
  const digests = {
    index: sha256(indexBytes),
    amd64: sha256(amd64Bytes),
    config: "",
    layer: "",
  };
  // The layer blob itself is not recorded (SOURCES.md: it holds a compiled program), only its
  // digest: the CDN answers 404 for it.
  const cdnFiles = new Map<string, Buffer>();
  for (const [digest, file] of Object.entries(rec.cdn200.files)) {
    if (file.endsWith(".json")) digests.config = digest;
    else digests.layer = digest;
    if (!existsSync(hubRecordingsPath("registry", file))) continue;
    const bytes = registryFile(file);
    if (sha256(bytes) !== digest) throw new Error(`hub-recordings: ${file} does not match ${digest}`);
    cdnFiles.set(digest, bytes);
  }

  const answer = (r: RecordedAnswer, vars: Record<string, string> = {}, body?: Buffer): HttpAnswer => ({
    status: r.status,
    headers: recordedHeaders(r.headers, vars),
    body: body ?? recordedBody(r, vars),
  });

  const auth = await startScriptedServer({
    respond: (ctx) =>
      ctx.path === "/token"
        ? answer(rec.token200, {}, tokenBody)
        : { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("not found") },
  });
  const cdn = await startScriptedServer({
    respond: (ctx): HttpAnswer => {
      const hex =
        /^\/registry-v2\/docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/.exec(
          ctx.path,
        )?.[1];
      const digest = hex === undefined ? undefined : `sha256:${hex}`;
      const bytes = digest === undefined ? undefined : cdnFiles.get(digest);
      if (digest === undefined || bytes === undefined)
        return { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("not found") };
      return {
        status: rec.cdn200.status,
        headers: { ...recordedHeaders(rec.cdn200.headers), etag: rec.cdn200.etag[digest] ?? "" },
        body: bytes,
      };
    },
  });
  const realm = `${auth.url}/token`;

  const scenario: { pulls: HubRegistryReplay["pulls"]; retryAfter?: number } = {
    pulls: opts.pulls ?? "recorded",
    ...(opts.retryAfter !== undefined ? { retryAfter: opts.retryAfter } : {}),
  };
  const registry = await startScriptedServer({
    respond: (ctx): HttpAnswer => {
      const vars = { REALM: realm };
      if (/^\/v2\/?$/.test(ctx.path)) {
        return ctx.req.headers.authorization === `Bearer ${token}`
          ? {
              status: 200,
              headers: recordedHeaders(rec.ping401.headers.slice(0, 2)),
              body: Buffer.from("{}"),
            }
          : answer(rec.ping401, vars);
      }
      const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(ctx.path);
      const name = m?.[1] ?? "";
      if (!m || name !== HELLO_WORLD || ctx.req.headers.authorization !== `Bearer ${token}`)
        return answer(rec.manifest401, { ...vars, NAME: name });
      const reference = m[3] ?? "";
      if (m[2] === "blobs") {
        const verify = rec.blob307.verify[reference];
        if (verify === undefined) return answer(rec.manifestUnknown404, { TAG: reference });
        const hex = reference.slice("sha256:".length);
        return answer(rec.blob307, { CDN: cdn.url, D2: hex.slice(0, 2), HEX: hex, VERIFY: verify });
      }
      const pulls = scenario.pulls;
      if (pulls === "spent" && ctx.method === "GET") {
        const limited = answer(rec.tooManyRequests429);
        if (scenario.retryAfter !== undefined) limited.headers["retry-after"] = String(scenario.retryAfter);
        return limited;
      }
      let recorded: RecordedAnswer;
      let bytes: Buffer;
      if (reference === "latest" || reference === digests.index) {
        recorded = rec.indexByTag;
        bytes = indexBytes;
      } else if (reference === digests.amd64) {
        recorded = rec.amd64Manifest;
        bytes = amd64Bytes;
      } else {
        return answer(rec.manifestUnknown404, { TAG: reference });
      }
      const out = answer(recorded, vars, bytes);
      if (pulls === "reset" && recorded === rec.indexByTag) {
        const reset = rec.amd64Manifest.headers.find(([k]) => k.toLowerCase() === "ratelimit-remaining");
        if (reset) out.headers["Ratelimit-Remaining"] = reset[1];
      }
      return out;
    },
  });

  return {
    url: registry.url,
    host: registry.host,
    auth,
    cdn,
    requests: registry.requests,
    get pulls() {
      return scenario.pulls;
    },
    set pulls(value) {
      scenario.pulls = value;
    },
    get retryAfter() {
      return scenario.retryAfter;
    },
    set retryAfter(value) {
      if (value === undefined) delete scenario.retryAfter;
      else scenario.retryAfter = value;
    },
    digests,
    count: (filter) => registry.count(filter),
    resetRequests: () => {
      registry.resetRequests();
      auth.resetRequests();
      cdn.resetRequests();
    },
    stop: async () => {
      await Promise.all([registry.stop(), auth.stop(), cdn.stop()]);
    },
  };
}
