/**
 * A loopback Docker-style token server (distribution's docs/spec/auth/token.md), trusted by the
 * test registry in token mode. It answers `GET /token?service=…&scope=…&scope=…` (anonymous or
 * with Basic credentials) and the OAuth2 form `POST /token` (grant_type=password |
 * refresh_token), issuing RS256 JWTs whose header carries `x5c` (the committed test cert) and
 * whose claims are the ones the CNCF registry 2.8 checks: iss, aud (a single string), exp / nbf
 * (with its fixed 60 s leeway), and `access`.
 */
import {
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign as rsaSign,
  verify as rsaVerify,
  X509Certificate,
} from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { closeServer, listenLoopback, parseBasicAuth, readBody } from "./http";
import { fixturePath } from "./paths";
import { LOOPBACK } from "./ports";

export interface Credentials {
  user: string;
  pass: string;
}

/** One entry of the JWT `access` claim. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: TokenAccess[];
}

/** What the server saw and did for one token request. */
export interface TokenRequestRecord {
  method: string;
  /** Each requested scope as sent, e.g. "repository:library/python:pull". */
  scope: string[];
  service: string | undefined;
  /** True when a token was issued (valid credentials, or anonymous); false for a 401. */
  authorized: boolean;
  /** The authenticated user, if credentials (Basic, password grant, refresh token) were valid. */
  user?: string;
  /** Whether the request carried credentials at all (valid or not). */
  withCredentials: boolean;
  granted: TokenAccess[];
  status: number;
  grantType?: string;
}

export interface TokenServerOptions {
  users?: Credentials[];
  /** Grant `pull` without credentials: everywhere (true, the default), nowhere, or per repository. */
  anonymousPull?: boolean | ((repository: string) => boolean);
  /**
   * Decides each action an authenticated user asks for; default: every action on every
   * repository (plus `registry:catalog:*`).
   */
  authorize?: (request: { user: string; type: string; name: string; action: string }) => boolean;
  /** Token lifetime in seconds: the `expires_in` answered and `exp - iat`. Default 300. */
  expiresIn?: number;
  /**
   * Seconds added to the `exp` claim only. The registry accepts tokens up to 60 s past `exp`
   * (distribution's fixed Leeway), so `expiresIn: 1` alone does NOT make the registry refuse a
   * token; `expOffsetSeconds: -120` issues tokens the registry rejects at once (401 invalid_token).
   */
  expOffsetSeconds?: number;
  /** Leave `expires_in` out of the answer (clients must then assume 60 s, per token.md). */
  omitExpiresIn?: boolean;
  /** Which token field(s) the answer carries; Docker Hub sends both. Default "both". */
  tokenFields?: "both" | "token" | "access_token";
  service?: string;
  issuer?: string;
  /** Refresh (identity) tokens accepted by `POST /token grant_type=refresh_token`: token → user. */
  identityTokens?: Record<string, string>;
}

export interface TokenServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/token — the realm to configure in the registry. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate the registry must trust (rootcertbundle). */
  certPath: string;
  keyPath: string;
  /** Every token request, in order. */
  requests: TokenRequestRecord[];
  /** Changes options for later requests (e.g. switch to expired tokens mid-test). */
  update(options: Partial<TokenServerOptions>): void;
  /** Issues a token directly (no HTTP), e.g. to hand a client a ready-made bearer token. */
  issue(opts: {
    user?: string;
    access: TokenAccess[];
    service?: string;
    expiresIn?: number;
    expOffsetSeconds?: number;
  }): string;
  /** Verifies a token's signature with the cert and returns its claims (no time checks). */
  verify(token: string): TokenClaims | undefined;
  stop(): Promise<void>;
}

const KEY_PATH = fixturePath("token", "token.key");
const CERT_PATH = fixturePath("token", "token.crt");

interface KeyMaterial {
  privateKey: KeyObject;
  publicKey: KeyObject;
  x5c: string;
}

let keyMaterial: KeyMaterial | undefined;
function loadKeys(): KeyMaterial {
  if (keyMaterial) return keyMaterial;
  const cert = new X509Certificate(readFileSync(CERT_PATH));
  keyMaterial = {
    privateKey: createPrivateKey(readFileSync(KEY_PATH)),
    publicKey: createPublicKey(cert.publicKey.export({ type: "spki", format: "pem" })),
    // x5c: standard base64 (not base64url) of the DER certificate (RFC 7515 §4.1.6).
    x5c: cert.raw.toString("base64"),
  };
  return keyMaterial;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Parses "repository:library/python:pull,push" (the name may itself hold ':' e.g. host:port). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const keys = loadKeys();
  let opts: TokenServerOptions = { ...options };
  const service = options.service ?? "test-registry";
  const issuer = options.issuer ?? "test-issuer";
  const requests: TokenRequestRecord[] = [];

  const issue = (args: {
    user?: string | undefined;
    access: TokenAccess[];
    service?: string | undefined;
    expiresIn?: number;
    expOffsetSeconds?: number;
  }): string => {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = args.expiresIn ?? opts.expiresIn ?? 300;
    const claims: TokenClaims = {
      iss: issuer,
      sub: args.user ?? "",
      aud: args.service ?? service,
      exp: now + lifetime + (args.expOffsetSeconds ?? opts.expOffsetSeconds ?? 0),
      nbf: now - 1,
      iat: now,
      jti: randomUUID(),
      access: args.access,
    };
    const header = { typ: "JWT", alg: "RS256", x5c: [keys.x5c] };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = rsaSign("sha256", Buffer.from(signingInput), keys.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  };

  const verify = (token: string): TokenClaims | undefined => {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [head, payload, sig] = parts as [string, string, string];
    const ok = rsaVerify(
      "sha256",
      Buffer.from(`${head}.${payload}`),
      keys.publicKey,
      Buffer.from(sig, "base64url"),
    );
    if (!ok) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
  };

  const grant = (user: string | undefined, requested: TokenAccess[]): TokenAccess[] => {
    const granted: TokenAccess[] = [];
    for (const access of requested) {
      const actions = access.actions.filter((action) => {
        if (user !== undefined) {
          if (opts.authorize) return opts.authorize({ user, type: access.type, name: access.name, action });
          return true;
        }
        if (access.type !== "repository" || action !== "pull") return false;
        const anonymous = opts.anonymousPull ?? true;
        return typeof anonymous === "function" ? anonymous(access.name) : anonymous;
      });
      // Like Docker Hub, answer with the subset granted rather than failing the request.
      granted.push({ type: access.type, name: access.name, actions });
    }
    return granted;
  };

  const checkPassword = (user: string, pass: string): boolean =>
    (opts.users ?? []).some((c) => c.user === user && c.pass === pass);

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const tokenBody = (token: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const fields = opts.tokenFields ?? "both";
    const body: Record<string, unknown> = {};
    if (fields !== "access_token") body.token = token;
    if (fields !== "token") body.access_token = token;
    if (!opts.omitExpiresIn) body.expires_in = opts.expiresIn ?? 300;
    body.issued_at = new Date().toISOString();
    return { ...body, ...extra };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", `http://${LOOPBACK}`);
    if (url.pathname !== "/token") {
      send(res, 404, { details: "not found" });
      return;
    }
    const unauthorized = (record: TokenRequestRecord): void => {
      record.status = 401;
      requests.push(record);
      send(
        res,
        401,
        { details: "incorrect username or password" },
        { "www-authenticate": 'Basic realm="test-token-server"' },
      );
    };

    if (req.method === "GET") {
      const scopes = url.searchParams.getAll("scope");
      const record: TokenRequestRecord = {
        method: "GET",
        scope: scopes,
        service: url.searchParams.get("service") ?? undefined,
        authorized: false,
        withCredentials: req.headers.authorization !== undefined,
        granted: [],
        status: 0,
      };
      let user: string | undefined;
      if (req.headers.authorization !== undefined) {
        const basic = parseBasicAuth(req.headers.authorization);
        if (!basic || !checkPassword(basic.user, basic.pass)) {
          unauthorized(record);
          return;
        }
        user = basic.user;
      }
      const requested = scopes
        .flatMap((s) => s.split(" "))
        .map(parseScope)
        .filter((a): a is TokenAccess => a !== undefined);
      const granted = grant(user, requested);
      const token = issue({ user, access: granted, service: record.service });
      const offline = url.searchParams.get("offline_token") === "true" && user !== undefined;
      Object.assign(record, { authorized: true, user, granted, status: 200 });
      requests.push(record);
      send(res, 200, tokenBody(token, offline ? { refresh_token: `refresh-${user}-${randomUUID()}` } : {}));
      return;
    }

    if (req.method === "POST") {
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const grantType = form.get("grant_type") ?? "";
      const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s.length > 0);
      const record: TokenRequestRecord = {
        method: "POST",
        scope: scopes,
        service: form.get("service") ?? undefined,
        authorized: false,
        withCredentials: true,
        granted: [],
        status: 0,
        grantType,
      };
      let user: string | undefined;
      if (grantType === "password") {
        const name = form.get("username") ?? "";
        if (!checkPassword(name, form.get("password") ?? "")) {
          unauthorized(record);
          return;
        }
        user = name;
      } else if (grantType === "refresh_token") {
        user = opts.identityTokens?.[form.get("refresh_token") ?? ""];
        if (user === undefined) {
          unauthorized(record);
          return;
        }
      } else {
        record.status = 400;
        requests.push(record);
        send(res, 400, { error: "unsupported_grant_type" });
        return;
      }
      const granted = grant(
        user,
        scopes.map(parseScope).filter((a): a is TokenAccess => a !== undefined),
      );
      const token = issue({ user, access: granted, service: record.service });
      Object.assign(record, { authorized: true, user, granted, status: 200 });
      requests.push(record);
      const body: Record<string, unknown> = {
        access_token: token,
        scope: scopes.join(" "),
        issued_at: new Date().toISOString(),
      };
      if (!opts.omitExpiresIn) body.expires_in = opts.expiresIn ?? 300;
      if (form.get("access_type") === "offline") body.refresh_token = `refresh-${user}-${randomUUID()}`;
      send(res, 200, body);
      return;
    }
    send(res, 405, { details: "method not allowed" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { details: String(err) });
      else res.destroy();
    });
  });
  const port = await listenLoopback(server);
  const url = `http://${LOOPBACK}:${port}`;
  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    certPath: CERT_PATH,
    keyPath: KEY_PATH,
    requests,
    update(changes) {
      opts = { ...opts, ...changes };
    },
    issue,
    verify,
    stop: () => closeServer(server),
  };
}
