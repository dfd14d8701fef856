/**
 * Authentication against the real CNCF registry and the loopback token server: anonymous, Basic
 * (htpasswd), Bearer tokens (anonymous and with credentials, identity tokens, registry tokens),
 * wrong passwords, expired and refused tokens, the token cache, one token for many repositories,
 * and credentials from a docker-credential helper — run only in a trusted workspace.
 */
import { basicAuth, dockerConfig, expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import type { HostAuth } from "../../../server/src/registry";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildImage, pushImage } from "../../support/images";
import type { BuiltImage } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";
import { startTokenServer } from "../../support/tokenServer";
import type { TokenServer } from "../../support/tokenServer";
import { tempDirFor } from "../../support/tmp";

const USER = { user: "tester", pass: "test-password" };
const image: BuiltImage = buildImage({
  format: "oci",
  platforms: [{ os: "linux", architecture: "amd64" }],
  attestation: true,
});

describe("no auth", () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: "none" });
    await pushImage(registry, "open/app", "1", image);
  });
  after(() => registry.stop());

  it("resolves anonymously with a single HEAD", async (t) => {
    const { client } = await testClient(t);
    const r = expectOk(await client.resolve(ref(`${registry.host}/open/app:1`)));
    assert.equal(r.digest, image.digest);
    assert.equal(client.totalRequests(), 1);
  });
});

describe("htpasswd Basic auth", () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: "htpasswd", users: [USER] });
    await pushImage(registry, "private/app", "1", image, USER);
  });
  after(() => registry.stop());

  it("answers the Basic challenge with the credentials from config.json", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: basicAuth(USER.user, USER.pass) } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    const r = ref(`${registry.host}/private/app:1`);
    expectOk(await client.resolve(r));
    // First request unauthenticated (it doubles as the ping), then Basic.
    assert.equal(client.requestCounts()[registry.host]?.["head-manifest"], 2);
    expectOk(await client.resolve(r));
    assert.equal(
      client.requestCounts()[registry.host]?.["head-manifest"],
      3,
      "Basic is sent up front once the host is known",
    );
  });

  it("is unauthorized without credentials", async (t) => {
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "unauthorized");
    assert.match(e.message, new RegExp(`docker login ${registry.host.replace(/\./g, "\\.")}`));
  });

  it("is unauthorized with a wrong password, after exactly one retry", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: basicAuth(USER.user, "wrong") } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "unauthorized");
    assert.equal(client.totalRequests(), 2);
  });
});

describe("Bearer token auth", () => {
  let tokens: TokenServer;
  let registry: Registry;
  before(async () => {
    tokens = await startTokenServer({
      users: [USER],
      anonymousPull: (repository) => !repository.startsWith("private/"),
      identityTokens: { "identity-abc": USER.user },
    });
    registry = await startRegistry({ auth: "token", tokenServer: tokens });
    for (const repo of ["public/a", "public/b", "public/c", "private/app"])
      await pushImage(registry, repo, "1", image, USER);
  });
  after(async () => {
    await registry.stop();
    await tokens.stop();
  });

  const tokenRequests = (): number => tokens.requests.length;

  it("gets an anonymous token from the challenge and reuses it until it expires", async (t) => {
    const { client, clock } = await testClient(t);
    const before = tokenRequests();
    const r = ref(`${registry.host}/public/a:1`);
    expectOk(await client.resolve(r));
    assert.equal(tokenRequests() - before, 1);
    const last = tokens.requests.at(-1);
    assert.deepEqual(last?.scope, ["repository:public/a:pull"]);
    assert.equal(last?.service, tokens.service);
    assert.equal(last?.withCredentials, false);
    // HEAD (401) → token → HEAD.
    assert.equal(client.requestCounts()[registry.host]?.["head-manifest"], 2);

    expectOk(await client.resolve(r));
    assert.equal(tokenRequests() - before, 1, "the cached token is reused");
    assert.equal(client.requestCounts()[registry.host]?.["head-manifest"], 3, "and sent up front");

    clock.now += 301_000; // the token server says expires_in 300
    expectOk(await client.resolve(r));
    assert.equal(tokenRequests() - before, 2, "an expired token is replaced before use");
    assert.equal(client.requestCounts()[registry.host]?.["head-manifest"], 4);
  });

  it("sends Basic credentials to the token server for a private repository", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: basicAuth(USER.user, USER.pass) } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    expectOk(await client.resolve(ref(`${registry.host}/private/app:1`)));
    const last = tokens.requests.at(-1);
    assert.equal(last?.user, USER.user);
    assert.deepEqual(last?.granted, [{ type: "repository", name: "private/app", actions: ["pull"] }]);
  });

  it("is unauthorized anonymously on a private repository (insufficient scope), without looping", async (t) => {
    const { client } = await testClient(t);
    const before = tokenRequests();
    const e = expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "unauthorized");
    assert.match(e.message, /docker login/);
    assert.equal(tokenRequests() - before, 1);
    assert.equal(client.totalRequests(), 3);
  });

  it("reports credentials the token server rejects", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: basicAuth(USER.user, "wrong") } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    const e = expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "unauthorized");
    assert.match(e.message, /rejected the credentials/);
    assert.equal(tokens.requests.at(-1)?.status, 401);
  });

  it("exchanges an identity token with the OAuth2 refresh_token grant", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: { identitytoken: "identity-abc" } } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    expectOk(await client.resolve(ref(`${registry.host}/private/app:1`)));
    const last = tokens.requests.at(-1);
    assert.equal(last?.method, "POST");
    assert.equal(last?.grantType, "refresh_token");
    assert.equal(last?.user, USER.user);
  });

  it("sends a registrytoken as is, without asking the token server", async (t) => {
    const token = tokens.issue({
      user: USER.user,
      access: [{ type: "repository", name: "private/app", actions: ["pull"] }],
    });
    const dir = await dockerConfig(t, { auths: { [registry.host]: { registrytoken: token } } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    const before = tokenRequests();
    expectOk(await client.resolve(ref(`${registry.host}/private/app:1`)));
    assert.equal(tokenRequests(), before);
    assert.equal(client.totalRequests(), 1);
  });

  it("gives up after one refresh when the registry refuses every token (expired on issue)", async (t) => {
    const { client } = await testClient(t);
    tokens.update({ expOffsetSeconds: -500 }); // exp = now + 300 - 500: already past (and past the 60 s leeway)
    t.after(() => tokens.update({ expOffsetSeconds: 0 }));
    const before = tokenRequests();
    expectError(await client.resolve(ref(`${registry.host}/public/b:1`)), "unauthorized");
    assert.equal(tokenRequests() - before, 1);
    assert.equal(client.requestCounts()[registry.host]?.["head-manifest"], 2);
  });

  it("asks one token for many repositories (authorize) without a ping: the first request meets the challenge", async (t) => {
    const { client } = await testClient(t);
    const refs = ["public/a", "public/b", "public/c"].map((r) => ref(`${registry.host}/${r}:1`));
    const before = tokenRequests();
    expectOk(await client.authorize(refs));
    assert.equal(tokenRequests() - before, 0, "a host not met yet: nothing is sent up front");
    await Promise.all(refs.map(async (r) => expectOk(await client.resolve(r))));
    assert.equal(tokenRequests() - before, 1, "one token for the whole batch");
    assert.deepEqual([...(tokens.requests.at(-1)?.scope ?? [])].sort(), [
      "repository:public/a:pull",
      "repository:public/b:pull",
      "repository:public/c:pull",
    ]);
    const counts = client.requestCounts()[registry.host];
    assert.equal(counts?.ping, 0, "no /v2/ ping");
    // One 401 (the first request, anonymous), then the three with the token.
    assert.equal(counts?.["head-manifest"], 4);
  });

  it("remembers the host's auth scheme across clients (the disk cache), so a restart sends the token at once", async (t) => {
    const remembered = new Map<string, HostAuth>();
    const store = {
      get: (o: string) => remembered.get(o),
      set: (o: string, a: HostAuth) => void remembered.set(o, a),
    };
    const first = await testClient(t, { hostAuthStore: store });
    expectOk(await first.client.resolve(ref(`${registry.host}/public/a:1`)));
    assert.equal(remembered.get(registry.url.replace(/\/$/, ""))?.scheme, "bearer");
    const second = await testClient(t, { hostAuthStore: store });
    const refs = ["public/a", "public/b"].map((r) => ref(`${registry.host}/${r}:1`));
    const before = tokenRequests();
    expectOk(await second.client.authorize(refs));
    assert.equal(tokenRequests() - before, 1, "the token is asked up front, with no probe");
    await Promise.all(refs.map(async (r) => expectOk(await second.client.resolve(r))));
    const counts = second.client.requestCounts()[registry.host];
    assert.equal(counts?.ping, 0);
    assert.equal(counts?.["head-manifest"], 2, "no 401 at all");
  });

  it("reads the remembered scheme once per host, not on every request of a first contact's burst", async (t) => {
    const reads: string[] = [];
    const store = {
      get: (o: string) => void reads.push(o),
      set: () => undefined,
    };
    const { client } = await testClient(t, { hostAuthStore: store });
    const refs = ["public/a", "public/b", "public/c"].map((r) => ref(`${registry.host}/${r}:1`));
    expectOk(await client.authorize(refs));
    await Promise.all(refs.map(async (r) => expectOk(await client.resolve(r))));
    assert.deepEqual(reads, [registry.url.replace(/\/$/, "")], "the disk cache is asked once");
  });
});

describe("a token realm that does not exist", () => {
  let tokens: TokenServer;
  let registry: Registry;
  let realm: string;
  before(async () => {
    tokens = await startTokenServer({ users: [USER], identityTokens: { "identity-abc": USER.user } });
    // The registry's auth config names a path the token server does not serve: it answers 404.
    realm = `${tokens.url}/auth/token`;
    registry = await startRegistry({ auth: "token", tokenServer: { ...tokens, realm } });
  });
  after(async () => {
    await registry.stop();
    await tokens.stop();
  });

  it("is a misconfigured auth server naming the realm host, never a missing image", async (t) => {
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(ref(`${registry.host}/library/app:1`)), "auth-misconfigured");
    const realmHost = new URL(tokens.url).host;
    assert.equal(e.host, realmHost);
    assert.equal(e.registry, registry.host);
    assert.equal(e.realm, realm);
    assert.equal(e.cause?.status, 404);
    assert.match(e.message, new RegExp(`token server ${realmHost.replace(/\./g, "\\.")}`));
    assert.match(e.message, /misconfigured/);
    assert.match(e.message, /cannot tell whether the image exists/);
    assert.doesNotMatch(e.message, /does not exist on/);
  });

  it("says the same when an identity token's POST and the GET fallback both find no realm", async (t) => {
    const dir = await dockerConfig(t, { auths: { [registry.host]: { identitytoken: "identity-abc" } } });
    const { client } = await testClient(t, { dockerConfigDir: dir });
    const e = expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "auth-misconfigured");
    assert.equal(e.host, new URL(tokens.url).host);
    assert.equal(tokens.requests.length, 0, "the token server never issued anything");
  });
});

describe("a refused cached token", () => {
  it("is refreshed once and the request retried", async (t) => {
    const tokens = await startTokenServer({ users: [USER] });
    t.after(() => tokens.stop());
    const server = await startFaultServer({
      images: [{ repository: "app", tag: "1", image }],
      auth: { token: tokens },
    });
    t.after(() => server.stop());
    const { client } = await testClient(t);
    const r = ref(`${server.host}/app:1`);
    expectOk(await client.resolve(r));
    assert.equal(tokens.requests.length, 1);
    // The registry now refuses the token the client has cached (e.g. revoked, or clocks disagree).
    server.route({
      method: "HEAD",
      path: faultPaths.manifest("app"),
      authenticated: true,
      times: 1,
      fault: {
        kind: "status",
        status: 401,
        headers: {
          "www-authenticate": `Bearer realm="${tokens.realm}",service="${tokens.service}",scope="repository:app:pull",error="invalid_token"`,
        },
      },
    });
    expectOk(await client.resolve(r));
    assert.equal(tokens.requests.length, 2);
    assert.equal(server.count({ method: "HEAD" }), 4);
  });
});

describe("credential helpers", () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: "htpasswd", users: [USER] });
    await pushImage(registry, "private/app", "1", image, USER);
  });
  after(() => registry.stop());

  async function helperSetup(t: {
    after(fn: () => Promise<void>): void;
  }): Promise<{ dir: string; env: Record<string, string> }> {
    const dir = await tempDirFor(t, "from-lens-helper");
    const bin = join(dir, "bin");
    await mkdir(bin);
    const script = `#!/bin/sh\nread -r url\necho ran >> "${join(dir, "ran")}"\nif [ "$url" = "${registry.host}" ]; then printf '{"ServerURL":"%s","Username":"${USER.user}","Secret":"${USER.pass}"}' "$url"; else echo "credentials not found in native keychain"; exit 1; fi\n`;
    await writeFile(join(bin, "docker-credential-test"), script);
    await chmod(join(bin, "docker-credential-test"), 0o755);
    await writeFile(join(dir, "config.json"), JSON.stringify({ credsStore: "test" }));
    return { dir, env: { PATH: `${bin}:${process.env.PATH ?? ""}` } };
  }

  it("uses docker-credential-<credsStore> get in a trusted workspace", async (t) => {
    const { dir, env } = await helperSetup(t);
    const { client } = await testClient(t, { dockerConfigDir: dir, env, allowCredentialHelpers: true });
    expectOk(await client.resolve(ref(`${registry.host}/private/app:1`)));
  });

  it("runs no helper in an untrusted workspace and says so when access is refused", async (t) => {
    const { dir, env } = await helperSetup(t);
    const { client } = await testClient(t, { dockerConfigDir: dir, env, allowCredentialHelpers: false });
    const e = expectError(await client.resolve(ref(`${registry.host}/private/app:1`)), "unauthorized");
    assert.match(e.message, /not run because the workspace is not trusted/);
    await assert.rejects(
      import("node:fs/promises").then((fs) => fs.readFile(join(dir, "ran"))),
      "the helper never ran",
    );
  });
});
