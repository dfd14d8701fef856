/**
 * Secrets stay where they belong: a blob redirect to a CDN (another host) carries no
 * Authorization, and nothing the client logs or returns contains a password, a token or a
 * signed URL's signature.
 */
import { basicAuth, dockerConfig, expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildImage, platformManifest } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import type { ScriptedServer } from "../../support/faultServer";
import { startTokenServer } from "../../support/tokenServer";

const USER = { user: "tester", pass: "s3cret-Passw0rd" };
const image = buildImage({ format: "oci", platforms: [{ os: "linux", architecture: "amd64" }] });
const amd64 = platformManifest(image, "linux/amd64");

function authorizationsSeen(server: ScriptedServer): string[] {
  return server.requests
    .map((r) => r.headers.authorization)
    .filter((h): h is string => typeof h === "string");
}

describe("blob redirects to a CDN", () => {
  it("follow the redirect without the registry's Basic credentials", async (t) => {
    const server = await startFaultServer({
      images: [{ repository: "app", tag: "1", image }],
      auth: { basic: [USER] },
    });
    t.after(() => server.stop());
    server.route({ method: "GET", path: faultPaths.blob("app"), fault: { kind: "redirect" } });
    const dir = await dockerConfig(t, { auths: { [server.host]: basicAuth(USER.user, USER.pass) } });
    const { client } = await testClient(t, { dockerConfigDir: dir });

    const c = expectOk(await client.config(ref(`${server.host}/app:1`), amd64.config.digest));
    assert.equal(c.config.architecture, "amd64");
    const toRegistry = server.requests.filter((r) => r.path.includes("/blobs/"));
    assert.ok(
      toRegistry.some((r) => r.hadAuthorization),
      "the registry got the credentials",
    );
    assert.ok(server.cdn.requests.length >= 1, "the CDN was asked");
    assert.ok(
      server.cdn.requests.every((r) => !r.hadAuthorization),
      "the CDN never saw Authorization",
    );
    const counts = client.requestCounts();
    assert.equal(counts[server.cdn.host]?.["get-blob"], 1, "the redirect hop is counted at the CDN host");
  });

  it("follow the redirect without the registry's Bearer token", async (t) => {
    const tokens = await startTokenServer({ users: [USER] });
    t.after(() => tokens.stop());
    const server = await startFaultServer({
      images: [{ repository: "app", tag: "1", image }],
      auth: { token: tokens },
    });
    t.after(() => server.stop());
    server.route({ method: "GET", path: faultPaths.blob("app"), fault: { kind: "redirect", status: 302 } });
    const { client } = await testClient(t);
    expectOk(await client.config(ref(`${server.host}/app:1`), amd64.config.digest));
    assert.ok(authorizationsSeen(server).some((h) => h.startsWith("Bearer ")));
    assert.deepEqual(authorizationsSeen(server.cdn), []);
  });

  it("verify what the CDN serves against the digest", async (t) => {
    const server = await startFaultServer({ images: [{ repository: "app", tag: "1", image }] });
    t.after(() => server.stop());
    server.route({ method: "GET", path: faultPaths.blob("app"), fault: { kind: "redirect" } });
    server.cdn.route({ path: /^\/cdn\//, fault: { kind: "wrongDigest", mode: "body" } });
    const { client } = await testClient(t);
    const e = expectError(
      await client.config(ref(`${server.host}/app:1`), amd64.config.digest),
      "bad-response",
    );
    assert.equal(e.reason, "digest-mismatch");
  });
});

describe("token requests that carry an identity token", () => {
  for (const status of [307, 308] as const) {
    it(`never follow a ${status} from the token realm to another host: the refresh_token stays home`, async (t) => {
      const server = await startFaultServer({ images: [{ repository: "app", tag: "1", image }] });
      t.after(() => server.stop());
      // The registry sends clients to its own /token realm, which redirects them to another host.
      server.route({
        path: (p) => p.startsWith("/v2/"),
        authenticated: false,
        beforeAuth: true,
        fault: {
          kind: "status",
          status: 401,
          headers: {
            "www-authenticate": `Bearer realm="${server.url}/token",service="fault-registry"`,
          },
        },
      });
      server.route({
        path: "/token",
        fault: { kind: "redirect", status, to: `${server.cdn.url}/collect` },
      });
      const dir = await dockerConfig(t, {
        auths: { [server.host]: { identitytoken: "identity-secret-xyz" } },
      });
      const { client, logs } = await testClient(t, { dockerConfigDir: dir });

      const e = expectError(await client.resolve(ref(`${server.host}/app:1`)), "bad-response");
      assert.equal(e.reason, "bad-redirect");
      assert.match(e.message, /carries credentials/);
      assert.equal(server.count({ method: "POST", path: "/token" }), 1, "the realm was asked");
      assert.deepEqual(
        server.cdn.requests.map((r) => `${r.method} ${r.path}`),
        [],
        "the other host never received the token request",
      );
      assert.ok(!logs.join("\n").includes("identity-secret-xyz"));
    });
  }
});

describe("logs and errors", () => {
  it("never contain a password, a token or a URL signature, even at debug level", async (t) => {
    const tokens = await startTokenServer({ users: [USER], anonymousPull: false });
    t.after(() => tokens.stop());
    const server = await startFaultServer({
      images: [{ repository: "app", tag: "1", image }],
      auth: { token: tokens },
    });
    t.after(() => server.stop());
    server.route({ method: "GET", path: faultPaths.blob("app"), fault: { kind: "redirect" } });
    const dir = await dockerConfig(t, { auths: { [server.host]: basicAuth(USER.user, USER.pass) } });
    const { client, logs } = await testClient(t, { dockerConfigDir: dir });
    const r = ref(`${server.host}/app:1`);

    expectOk(await client.resolve(r, { platform: "linux/amd64" }));
    expectOk(await client.config(r, amd64.config.digest));
    // A wrong password and a refused token produce error messages too.
    const wrongDir = await dockerConfig(t, {
      auths: { [server.host]: basicAuth(USER.user, "wrong-" + USER.pass) },
    });
    const wrong = await testClient(t, { dockerConfigDir: wrongDir });
    const e = expectError(await wrong.client.resolve(r), "unauthorized");

    const bearerTokens = authorizationsSeen(server)
      .filter((h) => h.startsWith("Bearer "))
      .map((h) => h.slice("Bearer ".length));
    assert.ok(bearerTokens.length > 0);
    const secrets = [
      USER.pass,
      Buffer.from(`${USER.user}:${USER.pass}`).toString("base64"),
      Buffer.from(`${USER.user}:wrong-${USER.pass}`).toString("base64"),
      ...bearerTokens,
      "signature=test",
    ];
    const everything = [...logs, ...wrong.logs, JSON.stringify(e)].join("\n");
    if (process.env.SHOW_LOGS) console.log(everything);
    assert.ok(logs.length > 5, "debug logging was on");
    assert.match(everything, /signature=REDACTED/, "the signed CDN URL was logged, redacted");
    for (const s of secrets) assert.ok(!everything.includes(s), `leaked ${s.slice(0, 12)}…`);
  });
});
