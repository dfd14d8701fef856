import assert from "node:assert/strict";
import { verify as rsaVerify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { basicAuthHeader } from "../../support/http";
import { startTokenServer } from "../../support/tokenServer";
import type { TokenClaims, TokenServer } from "../../support/tokenServer";

interface TokenAnswer {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
}

function decode(token: string): { header: { alg: string; typ: string; x5c: string[] }; claims: TokenClaims } {
  const [h, p] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h ?? "", "base64url").toString("utf8")) as {
      alg: string;
      typ: string;
      x5c: string[];
    },
    claims: JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8")) as TokenClaims,
  };
}

describe("startTokenServer", () => {
  let ts: TokenServer;
  before(async () => {
    ts = await startTokenServer({
      users: [{ user: "alice", pass: "wonderland" }],
      anonymousPull: (repo) => repo.startsWith("library/"),
      identityTokens: { "identity-token-1": "alice" },
    });
  });
  after(() => ts.stop());

  async function getToken(
    scopes: string[],
    auth?: string,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const url = new URL(ts.realm);
    url.searchParams.set("service", ts.service);
    for (const s of scopes) url.searchParams.append("scope", s);
    for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
    return fetch(url, auth ? { headers: { authorization: auth } } : {});
  }

  it("signs RS256 JWTs with the committed cert in x5c and the claims the registry checks", async () => {
    const res = await getToken(["repository:library/python:pull"]);
    assert.equal(res.status, 200);
    const body = (await res.json()) as TokenAnswer;
    assert.ok(body.token);
    assert.equal(body.access_token, body.token);
    assert.equal(body.expires_in, 300);
    assert.ok(!Number.isNaN(Date.parse(body.issued_at ?? "")));

    const { header, claims } = decode(body.token);
    assert.equal(header.alg, "RS256");
    const cert = new X509Certificate(readFileSync(ts.certPath));
    assert.equal(header.x5c[0], cert.raw.toString("base64"));
    const [h, p, s] = body.token.split(".") as [string, string, string];
    assert.ok(rsaVerify("sha256", Buffer.from(`${h}.${p}`), cert.publicKey, Buffer.from(s, "base64url")));

    assert.equal(claims.iss, ts.issuer);
    assert.equal(claims.aud, ts.service);
    assert.equal(claims.sub, "");
    assert.equal(claims.exp - claims.iat, 300);
    assert.ok(claims.nbf <= claims.iat);
    assert.ok(claims.jti.length > 0);
    assert.deepEqual(claims.access, [{ type: "repository", name: "library/python", actions: ["pull"] }]);
    assert.deepEqual(ts.verify(body.token), claims);
    assert.equal(ts.verify(body.token.slice(0, -4) + "AAAA"), undefined);
  });

  it("grants several scopes in one request, anonymous pull only where configured", async () => {
    const res = await getToken([
      "repository:library/python:pull",
      "repository:private/app:pull",
      "repository:library/alpine:pull,push",
    ]);
    const { claims } = decode(((await res.json()) as TokenAnswer).token ?? "");
    assert.deepEqual(claims.access, [
      { type: "repository", name: "library/python", actions: ["pull"] },
      { type: "repository", name: "private/app", actions: [] },
      { type: "repository", name: "library/alpine", actions: ["pull"] },
    ]);
    const record = ts.requests.at(-1);
    assert.deepEqual(record?.scope, [
      "repository:library/python:pull",
      "repository:private/app:pull",
      "repository:library/alpine:pull,push",
    ]);
    assert.equal(record?.authorized, true);
    assert.equal(record?.user, undefined);
  });

  it("grants push and private pulls with Basic credentials; a wrong password is a 401", async () => {
    const ok = await getToken(["repository:private/app:pull,push"], basicAuthHeader("alice", "wonderland"));
    const { claims } = decode(((await ok.json()) as TokenAnswer).token ?? "");
    assert.equal(claims.sub, "alice");
    assert.deepEqual(claims.access, [{ type: "repository", name: "private/app", actions: ["pull", "push"] }]);
    assert.equal(ts.requests.at(-1)?.user, "alice");

    const wrong = await getToken(["repository:private/app:pull"], basicAuthHeader("alice", "nope"));
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { details: "incorrect username or password" });
    assert.deepEqual(
      { authorized: ts.requests.at(-1)?.authorized, withCredentials: ts.requests.at(-1)?.withCredentials },
      { authorized: false, withCredentials: true },
    );
  });

  it("issues a refresh token with offline_token=true and honours OAuth2 POST grants", async () => {
    const offline = await getToken(["repository:private/app:pull"], basicAuthHeader("alice", "wonderland"), {
      offline_token: "true",
    });
    assert.ok(((await offline.json()) as TokenAnswer).refresh_token);

    const form = (fields: Record<string, string>): RequestInit => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    const viaIdentity = await fetch(
      ts.realm,
      form({
        grant_type: "refresh_token",
        refresh_token: "identity-token-1",
        service: ts.service,
        scope: "repository:private/app:pull",
        client_id: "from-lens",
      }),
    );
    assert.equal(viaIdentity.status, 200);
    const body = (await viaIdentity.json()) as TokenAnswer;
    assert.equal(decode(body.access_token ?? "").claims.sub, "alice");
    const badIdentity = await fetch(
      ts.realm,
      form({ grant_type: "refresh_token", refresh_token: "nope", service: ts.service }),
    );
    assert.equal(badIdentity.status, 401);
    const viaPassword = await fetch(
      ts.realm,
      form({
        grant_type: "password",
        username: "alice",
        password: "wonderland",
        service: ts.service,
        scope: "repository:x/y:push",
      }),
    );
    assert.deepEqual(decode(((await viaPassword.json()) as TokenAnswer).access_token ?? "").claims.access, [
      { type: "repository", name: "x/y", actions: ["push"] },
    ]);
  });

  it("can issue short-lived, already-expired or expires_in-less tokens", async (t) => {
    const short = await startTokenServer({ expiresIn: 1, tokenFields: "token" });
    t.after(() => short.stop());
    const res = await fetch(`${short.realm}?service=${short.service}&scope=repository:library/python:pull`);
    const body = (await res.json()) as TokenAnswer;
    assert.equal(body.expires_in, 1);
    assert.equal(body.access_token, undefined);
    const { claims } = decode(body.token ?? "");
    assert.equal(claims.exp - claims.iat, 1);

    short.update({ expOffsetSeconds: -120, omitExpiresIn: true });
    const expired = (await (await fetch(`${short.realm}?service=${short.service}`)).json()) as TokenAnswer;
    assert.equal(expired.expires_in, undefined);
    assert.ok(decode(expired.token ?? "").claims.exp < Date.now() / 1000 - 60);
  });
});
