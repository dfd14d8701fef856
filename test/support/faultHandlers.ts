/**
 * The fault server's faults, one handler per `Fault` kind, looked up by name in `FAULT_HANDLERS`.
 *
 * A handler gets the request (`RequestContext`: its natural answer, `send`, the raw request and
 * response), its fault (narrowed to its kind) and the few things it needs from the server that
 * runs it (`FaultEnv`: timers that `stop()` cancels, whether the server is stopping, where
 * redirects go, and `apply` for faults that wrap another). Adding a fault: a kind in `Fault`
 * (faultServer.ts) and its handler here; the table's type makes a missing handler a build error.
 */
import { MediaType } from "../../server/src/oci/types";
import { DEFAULT_ERRORS, errorAnswer, RATE_LIMIT_MESSAGE, schema1Manifest, tamper } from "./faultAnswers";
import type { Fault, RequestContext } from "./faultServer";
import { sha256 } from "./images";
import { LOOPBACK } from "./ports";

/** What a fault handler may use of the server that runs it. */
export interface FaultEnv {
  /** Waits `ms` (cut short when the server stops). */
  wait(ms: number): Promise<void>;
  /** True once `stop()` was called. */
  stopping(): boolean;
  /** Where `redirect` faults point when they have no `to` (the CDN). */
  redirectBase(): string | undefined;
  /** Applies another fault to the same request (for faults that wrap one, like `delay`). */
  apply(ctx: RequestContext, fault: Fault): Promise<void>;
}

export type FaultKind = Fault["kind"];
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;
export type FaultHandler<K extends FaultKind> = (
  ctx: RequestContext,
  fault: FaultOf<K>,
  env: FaultEnv,
) => void | Promise<void>;

const CHUNK = Buffer.alloc(64 * 1024, 0x61); // "aaaa…"

const delay: FaultHandler<"delay"> = async (ctx, fault, env) => {
  await env.wait(fault.ms);
  if (env.stopping() || ctx.res.destroyed) return;
  if (fault.then) await env.apply(ctx, fault.then);
  else ctx.send(await ctx.natural());
};

// The connection stays open; stop() closes it.
const hang: FaultHandler<"hang"> = () => undefined;

const drop: FaultHandler<"drop"> = (ctx) => {
  ctx.req.socket.destroy();
};

const reset: FaultHandler<"reset"> = (ctx) => {
  ctx.req.socket.resetAndDestroy();
};

const status: FaultHandler<"status"> = (ctx, fault) => {
  if (fault.body === null) {
    ctx.send({ status: fault.status, headers: { ...fault.headers }, body: Buffer.alloc(0) });
    return;
  }
  if (fault.body !== undefined) {
    const isText = typeof fault.body === "string";
    ctx.send({
      status: fault.status,
      headers: {
        "content-type": isText ? "text/plain; charset=utf-8" : "application/json",
        ...fault.headers,
      },
      body: Buffer.from(isText ? (fault.body as string) : JSON.stringify(fault.body)),
    });
    return;
  }
  const [code, message] = DEFAULT_ERRORS[fault.status] ?? ["UNKNOWN", "unknown error"];
  ctx.send(errorAnswer(fault.status, code, message, fault.headers));
};

const rateLimit: FaultHandler<"rateLimit"> = (ctx, fault) => {
  const window = fault.windowSeconds ?? 21600;
  const headers: Record<string, string> = {
    "ratelimit-limit": `${fault.limit ?? 100};w=${window}`,
    "ratelimit-remaining": `${fault.remaining ?? 0};w=${window}`,
    "docker-ratelimit-source": LOOPBACK,
  };
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  // Docker Hub sends no body on HEAD 429s; send() skips it for HEAD anyway.
  ctx.send(errorAnswer(429, "TOOMANYREQUESTS", fault.message ?? RATE_LIMIT_MESSAGE, headers));
};

const truncate: FaultHandler<"truncate"> = async (ctx, fault) => {
  const { req, res, record } = ctx;
  const answer = await ctx.natural();
  if (ctx.method === "HEAD") {
    ctx.send(answer);
    return;
  }
  const declared = fault.declaredLength ?? answer.body.length;
  const part = answer.body.subarray(0, fault.sendBytes ?? Math.floor(answer.body.length / 2));
  record.status = answer.status;
  res.writeHead(answer.status, { ...answer.headers, "content-length": String(declared) });
  record.bytesSent += part.length;
  res.write(part, () => {
    // Give the bytes a moment to leave, then cut the connection mid-body.
    setImmediate(() => req.socket.destroy());
  });
};

const wrongDigest: FaultHandler<"wrongDigest"> = async (ctx, fault) => {
  const answer = await ctx.natural();
  if ((fault.mode ?? "header") === "header") {
    answer.headers["docker-content-digest"] = sha256("from-lens test: not these bytes");
    answer.headers.etag = `"${answer.headers["docker-content-digest"]}"`;
  } else {
    answer.body = tamper(answer.body);
  }
  ctx.send(answer);
};

const huge: FaultHandler<"huge"> = async (ctx, fault, env) => {
  const { res, record } = ctx;
  const total = fault.bytes ?? 50 * 1024 * 1024;
  const headers: Record<string, string> = {
    "content-type":
      fault.mediaType ??
      (/\/manifests\//.test(ctx.path) ? MediaType.ociManifest : "application/octet-stream"),
    "docker-distribution-api-version": "registry/2.0",
  };
  if (!fault.chunked) headers["content-length"] = String(total);
  if (fault.digestHeader) headers["docker-content-digest"] = sha256("from-lens test: huge body");
  record.status = 200;
  res.writeHead(200, headers);
  if (ctx.method === "HEAD") {
    res.end();
    return;
  }
  let sent = 0;
  while (sent < total && !res.destroyed && !env.stopping()) {
    const n = Math.min(CHUNK.length, total - sent);
    const ok = res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    sent += n;
    record.bytesSent = sent;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!res.destroyed) res.end();
};

const redirect: FaultHandler<"redirect"> = (ctx, fault, env) => {
  const base = fault.to ?? env.redirectBase();
  if (base === undefined) throw new Error("redirect fault: no target (give `to`)");
  const location =
    fault.to ?? `${base}/cdn${ctx.path}?expires=${Math.floor(Date.now() / 1000) + 600}&signature=test`;
  ctx.send({
    status: fault.status ?? 307,
    headers: { location, "content-type": "text/html; charset=utf-8" },
    body: Buffer.alloc(0),
  });
};

const noDigestHeader: FaultHandler<"noDigestHeader"> = async (ctx) => {
  const answer = await ctx.natural();
  delete answer.headers["docker-content-digest"];
  delete answer.headers.etag;
  ctx.send(answer);
};

const schema1: FaultHandler<"schema1"> = (ctx, fault) => {
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(ctx.path);
  const { body, mediaType } = schema1Manifest(
    m?.[1] ?? "library/hello-world",
    m?.[2] ?? "latest",
    fault.signed ?? true,
  );
  ctx.send({
    status: 200,
    headers: {
      "content-type": mediaType,
      "docker-content-digest": sha256(body),
      "docker-distribution-api-version": "registry/2.0",
    },
    body,
  });
};

const unknownMediaType: FaultHandler<"unknownMediaType"> = async (ctx, fault) => {
  const mediaType = fault.mediaType ?? "application/vnd.example.unknown.v1+json";
  let body: Buffer;
  if (fault.body !== undefined) body = Buffer.from(fault.body);
  else {
    const answer = await ctx.natural();
    body =
      answer.status === 200
        ? answer.body
        : Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, blobs: [] }));
  }
  ctx.send({
    status: 200,
    headers: {
      "content-type": mediaType,
      "docker-content-digest": sha256(body),
      "docker-distribution-api-version": "registry/2.0",
    },
    body,
  });
};

const headers: FaultHandler<"headers"> = async (ctx, fault) => {
  const answer = await ctx.natural();
  for (const name of fault.remove ?? []) {
    for (const key of Object.keys(answer.headers))
      if (key.toLowerCase() === name.toLowerCase()) delete answer.headers[key];
  }
  Object.assign(answer.headers, fault.set);
  ctx.send(answer);
};

const custom: FaultHandler<"custom"> = async (ctx, fault) => {
  await fault.handle(ctx);
};

/** Every fault kind's handler, by name. */
export const FAULT_HANDLERS: { readonly [K in FaultKind]: FaultHandler<K> } = {
  delay,
  hang,
  drop,
  reset,
  status,
  rateLimit,
  truncate,
  wrongDigest,
  huge,
  redirect,
  noDigestHeader,
  schema1,
  unknownMediaType,
  headers,
  custom,
};

/** Applies `fault` to the request with its kind's handler. */
export async function applyFault(ctx: RequestContext, fault: Fault, env: FaultEnv): Promise<void> {
  // The table pairs each kind with its handler; TypeScript cannot correlate the lookup with
  // `fault`'s kind, so the handler is widened to take any Fault (it only ever gets its own).
  const handler = FAULT_HANDLERS[fault.kind] as FaultHandler<FaultKind>;
  await handler(ctx, fault, env);
}
