/**
 * A loopback HTTP server that acts as a registry (serving BuiltImages) and misbehaves on cue.
 *
 * Each request goes through a small routing table of fault rules (first match wins; a rule can
 * fire only N times, or skip the first N matches); unmatched requests get the "natural" answer
 * from the served images (or 404s shaped like distribution's). Faults that need the real answer
 * (truncate, wrong digest, missing digest header, redirect to the CDN) transform it. Every
 * request is recorded (method, path, headers, status, bytes sent) for assertions.
 *
 * A second loopback server, `cdn`, receives blob redirects and records whether an
 * `Authorization` header reached it (it must not: it's another host).
 *
 * The routing core (`startScriptedServer`) is shared with the Hub web API server (hubApi.ts).
 * Each fault kind's handler is in faultHandlers.ts (a table looked up by kind); the answers they
 * build (error envelopes, schema 1 manifests, tampered bytes) are in faultAnswers.ts.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { errorAnswer, jsonAnswer } from "./faultAnswers";
import { applyFault, type FaultEnv } from "./faultHandlers";
import { closeServer, distributionError, listenLoopback, parseBasicAuth, readBody } from "./http";
import type { BuiltImage } from "./images";
import { sha256 } from "./images";
import { LOOPBACK } from "./ports";
import type { Credentials, TokenServer } from "./tokenServer";

export { errorAnswer, jsonAnswer, RATE_LIMIT_MESSAGE, schema1Manifest } from "./faultAnswers";

// ---------------------------------------------------------------------------------------------
// Faults

export type Fault =
  /** Wait `ms`, then apply `then` (or answer normally). */
  | { kind: "delay"; ms: number; then?: Fault }
  /** Never answer (the connection stays open until the client gives up or the server stops). */
  | { kind: "hang" }
  /** Close the connection without answering (FIN). */
  | { kind: "drop" }
  /** Reset the connection (TCP RST) without answering. */
  | { kind: "reset" }
  /** A plain status; the default body is a distribution error envelope for that status (null: no body). */
  | { kind: "status"; status: number; body?: string | object | null; headers?: Record<string, string> }
  /** Docker Hub's 429: ratelimit-limit / ratelimit-remaining headers and a TOOMANYREQUESTS body (none for HEAD). */
  | {
      kind: "rateLimit";
      limit?: number;
      remaining?: number;
      windowSeconds?: number;
      /** Adds Retry-After (seconds). */
      retryAfter?: number;
      message?: string;
    }
  /** The normal answer, but only `sendBytes` of its body (default half), Content-Length as `declaredLength` (default the full length); then the connection is destroyed. */
  | { kind: "truncate"; sendBytes?: number; declaredLength?: number }
  /**
   * The normal answer with a lying digest: "header" (default) sends a Docker-Content-Digest of
   * other bytes; "body" sends different bytes (re-indented JSON, or one byte flipped) under the
   * original Docker-Content-Digest.
   */
  | { kind: "wrongDigest"; mode?: "header" | "body" }
  /** A huge body streamed in 64 KiB chunks (never held in memory); default 50 MiB. */
  | {
      kind: "huge";
      bytes?: number;
      mediaType?: string;
      /** Omit Content-Length (chunked transfer). */
      chunked?: boolean;
      /** Send a Docker-Content-Digest header (of nothing real). Default false. */
      digestHeader?: boolean;
    }
  /** Redirect (default 307) to the CDN server (or `to`), which serves the same bytes. */
  | { kind: "redirect"; status?: 301 | 302 | 303 | 307 | 308; to?: string }
  /** The normal answer without Docker-Content-Digest. */
  | { kind: "noDigestHeader" }
  /** A schema 1 manifest (signed prettyjws by default), digest header matching its bytes. */
  | { kind: "schema1"; signed?: boolean }
  /** The normal body (or a small JSON document) under an unknown Content-Type. */
  | { kind: "unknownMediaType"; mediaType?: string; body?: string }
  /** The normal answer with headers added / removed (e.g. ratelimit-remaining on a 200). */
  | { kind: "headers"; set?: Record<string, string>; remove?: string[] }
  /** Anything else: write the response yourself. */
  | { kind: "custom"; handle: (ctx: RequestContext) => void | Promise<void> };

export interface FaultRule {
  /** Method(s) to match (default: any). */
  method?: string | string[];
  /** Exact path (no query), a RegExp tested against the path, or a predicate. */
  path: string | RegExp | ((path: string, ctx: RequestContext) => boolean);
  /** Match only requests with (true) or without (false) an Authorization header. */
  authenticated?: boolean;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Fire for this many matching requests, then let them through (default: always). */
  times?: number;
  /** Fire before the server's auth check (default: after it, so faults hit authorized requests). */
  beforeAuth?: boolean;
  fault: Fault;
}

export interface RouteHandle {
  readonly rule: FaultRule;
  /** How many requests matched the rule (including skipped ones). */
  readonly matched: number;
  /** How many requests the fault was applied to. */
  readonly fired: number;
  remove(): void;
}

// ---------------------------------------------------------------------------------------------
// The scripted-server core

export interface RecordedRequest {
  method: string;
  /** Path without query. */
  path: string;
  /** Path + query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  hadAuthorization: boolean;
  /** The fault applied ("delay+truncate", …) or undefined for a normal answer. */
  fault?: string;
  /** Status sent (0 while pending / when no answer was sent). */
  status: number;
  /** Body bytes written (excluding headers). */
  bytesSent: number;
  /** True if the connection closed before the response finished. */
  aborted: boolean;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /** performance.now() when its answer was written (undefined while pending / when none was sent). */
  answeredAt?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  url: URL;
  record: RecordedRequest;
  /** The request body (buffered; uploads in tests are small). */
  body(): Promise<Buffer>;
  /** The answer the server would give without faults. */
  natural(): Promise<HttpAnswer>;
  /** Writes an answer (headers, and body unless HEAD), recording status and bytes. */
  send(answer: HttpAnswer): void;
}

export interface ScriptedServerOptions {
  /** The normal answer for a request. */
  respond: (ctx: RequestContext) => HttpAnswer | Promise<HttpAnswer>;
  /** Runs before non-`beforeAuth` rules; an answer here (e.g. 401) ends the request. */
  gate?: (ctx: RequestContext) => HttpAnswer | undefined;
  /** Where `redirect` faults point when they have no `to` (the CDN). */
  redirectBase?: () => string | undefined;
  port?: number;
}

export interface ScriptedServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Adds a rule at the end of the table. */
  route(rule: FaultRule): RouteHandle;
  /** Adds a rule at the front (it wins over earlier rules). */
  routeFirst(rule: FaultRule): RouteHandle;
  clearRoutes(): void;
  /** Number of recorded requests matching method / path. */
  count(filter?: { method?: string; path?: string | RegExp }): number;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  stop(): Promise<void>;
}

interface LiveRule {
  rule: FaultRule;
  matched: number;
  fired: number;
}

function describeFault(fault: Fault): string {
  return fault.kind === "delay" && fault.then ? `delay+${describeFault(fault.then)}` : fault.kind;
}

function matchesPath(rule: FaultRule, ctx: RequestContext): boolean {
  const p = rule.path;
  if (typeof p === "string") return p === ctx.path;
  if (p instanceof RegExp) return p.test(ctx.path);
  return p(ctx.path, ctx);
}

function matchesRule(rule: FaultRule, ctx: RequestContext): boolean {
  if (rule.method !== undefined) {
    const methods = (Array.isArray(rule.method) ? rule.method : [rule.method]).map((m) => m.toUpperCase());
    if (!methods.includes(ctx.method)) return false;
  }
  if (rule.authenticated !== undefined && rule.authenticated !== ctx.record.hadAuthorization) return false;
  return matchesPath(rule, ctx);
}

/** Starts a loopback server driven by a rule table over a normal `respond` function. */
export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const rules: LiveRule[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sockets = new Set<Socket>();
  let stopping = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const send = (ctx: RequestContext, answer: HttpAnswer): void => {
    const { res, record } = ctx;
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { ...answer.headers };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
      headers["content-length"] = String(answer.body.length);
    }
    record.status = answer.status;
    res.writeHead(answer.status, headers);
    if (ctx.method === "HEAD") {
      res.end(() => (record.answeredAt = performance.now()));
      return;
    }
    record.bytesSent += answer.body.length;
    res.end(answer.body, () => (record.answeredAt = performance.now()));
  };

  const pickRule = (ctx: RequestContext, beforeAuth: boolean): LiveRule | undefined => {
    for (const live of rules) {
      if (Boolean(live.rule.beforeAuth) !== beforeAuth) continue;
      if (!matchesRule(live.rule, ctx)) continue;
      live.matched++;
      if (live.matched <= (live.rule.skip ?? 0)) continue;
      if (live.rule.times !== undefined && live.fired >= live.rule.times) continue;
      live.fired++;
      return live;
    }
    return undefined;
  };

  const env: FaultEnv = {
    wait,
    stopping: () => stopping,
    redirectBase: () => options.redirectBase?.(),
    apply: (ctx, fault) => applyFault(ctx, fault, env),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", `http://${LOOPBACK}`);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      url: req.url ?? "/",
      headers: req.headers,
      hadAuthorization: req.headers.authorization !== undefined,
      status: 0,
      bytesSent: 0,
      aborted: false,
      receivedAt: performance.now(),
    };
    requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.aborted = true;
    });
    let naturalAnswer: Promise<HttpAnswer> | undefined;
    // Always consume the request body (uploads) so the connection stays usable.
    const requestBody = readBody(req).catch(() => Buffer.alloc(0));
    const ctx: RequestContext = {
      req,
      res,
      method,
      path: url.pathname,
      url,
      record,
      body: () => requestBody,
      natural: async () => {
        naturalAnswer ??= Promise.resolve(options.respond(ctx));
        const a = await naturalAnswer;
        return { status: a.status, headers: { ...a.headers }, body: a.body };
      },
      send: (answer) => send(ctx, answer),
    };
    const early = pickRule(ctx, true);
    if (early) {
      record.fault = describeFault(early.rule.fault);
      await applyFault(ctx, early.rule.fault, env);
      return;
    }
    const denied = options.gate?.(ctx);
    if (denied) {
      send(ctx, denied);
      return;
    }
    const live = pickRule(ctx, false);
    if (live) {
      record.fault = describeFault(live.rule.fault);
      await applyFault(ctx, live.rule.fault, env);
      return;
    }
    send(ctx, await ctx.natural());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const body = Buffer.from(distributionError("UNKNOWN", `test server error: ${String(err)}`));
        res.writeHead(500, { "content-type": "application/json", "content-length": String(body.length) });
        res.end(body);
      } else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listenLoopback(server, options.port ?? 0);
  const host = `${LOOPBACK}:${port}`;

  const makeHandle = (live: LiveRule): RouteHandle => ({
    rule: live.rule,
    get matched() {
      return live.matched;
    },
    get fired() {
      return live.fired;
    },
    remove() {
      const i = rules.indexOf(live);
      if (i >= 0) rules.splice(i, 1);
    },
  });

  return {
    url: `http://${host}`,
    host,
    port,
    requests,
    route(rule) {
      const live = { rule, matched: 0, fired: 0 };
      rules.push(live);
      return makeHandle(live);
    },
    routeFirst(rule) {
      const live = { rule, matched: 0, fired: 0 };
      rules.unshift(live);
      return makeHandle(live);
    },
    clearRoutes() {
      rules.length = 0;
    },
    count(filter = {}) {
      return requests.filter((r) => {
        if (filter.method !== undefined && r.method !== filter.method.toUpperCase()) return false;
        if (filter.path === undefined) return true;
        return typeof filter.path === "string" ? r.path === filter.path : filter.path.test(r.path);
      }).length;
    },
    resetRequests() {
      requests.length = 0;
    },
    async stop() {
      stopping = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "upgrade",
]);

/** Relays one request to `upstream` and buffers its answer (redirects are passed back, not followed). */
async function forward(upstream: string, ctx: RequestContext): Promise<HttpAnswer> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const body = await ctx.body();
  const res = await fetch(new URL(ctx.url.pathname + ctx.url.search, upstream), {
    method: ctx.method,
    headers,
    redirect: "manual",
    ...(body.length > 0 ? { body } : {}),
  });
  const answerHeaders: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "content-encoding") answerHeaders[name] = value;
  });
  // Keep clients on this server: upload locations point at the upstream's own origin.
  const location = answerHeaders.location;
  const upstreamOrigin = new URL(upstream).origin;
  if (location?.startsWith(upstreamOrigin) && ctx.req.headers.host !== undefined) {
    answerHeaders.location = `http://${ctx.req.headers.host}${location.slice(upstreamOrigin.length)}`;
  }
  const answerBody = Buffer.from(await res.arrayBuffer());
  // HEAD answers carry the upstream's Content-Length but no body: keep the length.
  const length = res.headers.get("content-length");
  if (ctx.method === "HEAD" && length !== null) answerHeaders["content-length"] = length;
  return { status: res.status, headers: answerHeaders, body: answerBody };
}

// ---------------------------------------------------------------------------------------------
// The fault registry

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Path patterns for rules. Omitted parts match anything. */
export const faultPaths = {
  ping: /^\/v2\/?$/,
  manifest(repository?: string, reference?: string): RegExp {
    return new RegExp(
      `^/v2/${repository ? escapeRegExp(repository) : ".+"}/manifests/${reference ? escapeRegExp(reference) : "[^/]+"}$`,
    );
  },
  blob(repository?: string, digest?: string): RegExp {
    return new RegExp(
      `^/v2/${repository ? escapeRegExp(repository) : ".+"}/blobs/${digest ? escapeRegExp(digest) : "sha256:[0-9a-f]{64}"}$`,
    );
  },
  tags(repository?: string): RegExp {
    return new RegExp(`^/v2/${repository ? escapeRegExp(repository) : ".+"}/tags/list$`);
  },
};

export type FaultAuth =
  /** Bearer tokens from this token server, checked like the registry does (signature, aud, access). */
  | { token: TokenServer; leewaySeconds?: number }
  /** Basic credentials. */
  | { basic: Credentials[]; realm?: string };

export interface FaultServerOptions {
  /** Images to serve normally. */
  images?: { repository: string; tag?: string | string[]; image: BuiltImage }[];
  /**
   * Forward every request that no rule takes to this registry (e.g. a real one from
   * startRegistry) instead of serving `images`: a fault-injecting proxy in front of it. The
   * upstream's own auth challenges pass through unchanged.
   */
  upstream?: string;
  /** Require credentials as a registry would (401 + WWW-Authenticate). Default: none. */
  auth?: FaultAuth;
  /** Initial rules. */
  rules?: FaultRule[];
  /** Extra headers on every normal answer (e.g. ratelimit-remaining). */
  headers?: Record<string, string>;
}

export interface FaultServer extends ScriptedServer {
  /** The "CDN" that blob redirects point at; it records whether Authorization reached it. */
  cdn: ScriptedServer;
  /** Serves another image (tags optional: by digest only). */
  addImage(repository: string, tags: string | string[] | undefined, image: BuiltImage): void;
  /** Points a tag at a served manifest digest (moves the tag). */
  setTag(repository: string, tag: string, digest: string): void;
}

interface Repo {
  tags: Map<string, string>;
  manifests: Map<string, { mediaType: string; bytes: Buffer }>;
  blobs: Map<string, Buffer>;
}

const API_HEADERS = { "docker-distribution-api-version": "registry/2.0" };

/** Starts the fault registry (and its CDN). */
export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const repos = new Map<string, Repo>();
  const repoFor = (name: string): Repo => {
    let repo = repos.get(name);
    if (!repo) {
      repo = { tags: new Map(), manifests: new Map(), blobs: new Map() };
      repos.set(name, repo);
    }
    return repo;
  };
  const addImage = (repository: string, tags: string | string[] | undefined, image: BuiltImage): void => {
    const repo = repoFor(repository);
    for (const [digest, doc] of image.manifestsByDigest) repo.manifests.set(digest, doc);
    for (const [digest, bytes] of image.blobs) repo.blobs.set(digest, bytes);
    for (const tag of tags === undefined ? [] : Array.isArray(tags) ? tags : [tags])
      repo.tags.set(tag, image.digest);
  };
  for (const entry of opts.images ?? []) addImage(entry.repository, entry.tag, entry.image);

  /** The normal registry answer for a path (shared by the registry and the CDN). */
  const contentAnswer = (method: string, path: string, accept: string | undefined): HttpAnswer => {
    if (/^\/v2\/?$/.test(path)) return jsonAnswer(200, {}, API_HEADERS);
    const tagsMatch = /^\/v2\/(.+)\/tags\/list$/.exec(path);
    if (tagsMatch?.[1]) {
      const repo = repos.get(tagsMatch[1]);
      if (!repo)
        return errorAnswer(
          404,
          "NAME_UNKNOWN",
          "repository name not known to registry",
          {},
          { name: tagsMatch[1] },
        );
      return jsonAnswer(200, { name: tagsMatch[1], tags: [...repo.tags.keys()] }, API_HEADERS);
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m?.[1] || !m[3]) return errorAnswer(404, "NOT_FOUND", "not found");
    const [, name, kind, reference] = m;
    const repo = repos.get(name);
    if (!repo) return errorAnswer(404, "NAME_UNKNOWN", "repository name not known to registry", {}, { name });
    if (kind === "blobs") {
      const bytes = repo.blobs.get(reference);
      if (!bytes) return errorAnswer(404, "BLOB_UNKNOWN", "blob unknown to registry", {}, reference);
      return {
        status: 200,
        headers: {
          ...API_HEADERS,
          "content-type": "application/octet-stream",
          "docker-content-digest": reference,
          etag: `"${reference}"`,
        },
        body: bytes,
      };
    }
    const digest = reference.startsWith("sha256:") ? reference : repo.tags.get(reference);
    const doc = digest === undefined ? undefined : repo.manifests.get(digest);
    if (!doc || digest === undefined) {
      return errorAnswer(
        404,
        "MANIFEST_UNKNOWN",
        "manifest unknown",
        {},
        reference.startsWith("sha256:") ? undefined : { Tag: reference },
      );
    }
    if (accept !== undefined && method !== "PUT") {
      const accepted = accept.split(",").map((s) => s.split(";")[0]?.trim());
      if (!accepted.includes(doc.mediaType) && !accepted.includes("*/*")) {
        return errorAnswer(
          404,
          "MANIFEST_UNKNOWN",
          `${doc.mediaType} found, but accept header does not support it`,
        );
      }
    }
    return {
      status: 200,
      headers: {
        ...API_HEADERS,
        "content-type": doc.mediaType,
        "docker-content-digest": digest,
        etag: `"${digest}"`,
      },
      body: doc.bytes,
    };
  };

  const cdn = await startScriptedServer({
    respond: (ctx): HttpAnswer => {
      if (!ctx.path.startsWith("/cdn/"))
        return { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("not found") };
      const answer = contentAnswer(ctx.method, ctx.path.slice("/cdn".length), undefined);
      if (answer.status !== 200)
        return { status: 404, headers: { "content-type": "text/plain" }, body: Buffer.from("not found") };
      // A CDN answers with plain storage headers, no registry ones.
      return {
        status: 200,
        headers: { "content-type": "application/octet-stream", etag: `"${sha256(answer.body)}"` },
        body: answer.body,
      };
    },
  });

  const gate = (ctx: RequestContext): HttpAnswer | undefined => {
    const auth = opts.auth;
    if (!auth) return undefined;
    const header = ctx.req.headers.authorization;
    if ("basic" in auth) {
      const creds = parseBasicAuth(header);
      if (creds && auth.basic.some((c) => c.user === creds.user && c.pass === creds.pass)) return undefined;
      return errorAnswer(401, "UNAUTHORIZED", "authentication required", {
        "www-authenticate": `Basic realm="${auth.realm ?? "test-realm"}"`,
      });
    }
    const ts = auth.token;
    const name = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(ctx.path)?.[1];
    const needed = ctx.method === "GET" || ctx.method === "HEAD" ? ["pull"] : ["pull", "push"];
    const scope = name !== undefined ? `repository:${name}:${needed.join(",")}` : undefined;
    const challenge = (error?: string): HttpAnswer =>
      errorAnswer(401, "UNAUTHORIZED", "authentication required", {
        "www-authenticate":
          `Bearer realm="${ts.realm}",service="${ts.service}"` +
          (scope ? `,scope="${scope}"` : "") +
          (error ? `,error="${error}"` : ""),
      });
    const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
    if (bearer === undefined) return challenge();
    const claims = ts.verify(bearer);
    const now = Date.now() / 1000;
    const leeway = auth.leewaySeconds ?? 0;
    if (
      !claims ||
      claims.iss !== ts.issuer ||
      claims.aud !== ts.service ||
      now > claims.exp + leeway ||
      now < claims.nbf - leeway
    ) {
      return challenge("invalid_token");
    }
    if (name === undefined) return undefined;
    const granted = new Set(
      claims.access.filter((a) => a.type === "repository" && a.name === name).flatMap((a) => a.actions),
    );
    if (!needed.every((a) => granted.has(a) || granted.has("*"))) return challenge("insufficient_scope");
    return undefined;
  };

  const upstream = opts.upstream;
  const server = await startScriptedServer({
    respond: async (ctx) => {
      const answer = upstream
        ? await forward(upstream, ctx)
        : contentAnswer(ctx.method, ctx.path, ctx.req.headers.accept);
      Object.assign(answer.headers, opts.headers);
      return answer;
    },
    gate,
    redirectBase: () => cdn.url,
  });
  for (const rule of opts.rules ?? []) server.route(rule);

  return {
    ...server,
    cdn,
    addImage,
    setTag(repository, tag, digest) {
      repoFor(repository).tags.set(tag, digest);
    },
    async stop() {
      await Promise.all([server.stop(), cdn.stop()]);
    },
  };
}
