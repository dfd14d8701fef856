/**
 * Proxies: requests to a registry go through the proxy from the editor (`http.proxy`) or from
 * HTTP_PROXY / HTTPS_PROXY (undici tunnels with CONNECT); proxy credentials in the URL are used.
 * A tiny CONNECT proxy on loopback maps made-up host names (never resolved, never on the
 * network) to loopback registries. Through it, a mirror on plain http that is not listed in
 * insecureRegistries receives no credentials.
 */
import { basicAuth, dockerConfig, expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { buildImage, pushImage } from "../../support/images";
import { startFaultServer } from "../../support/faultServer";
import type { FaultServer } from "../../support/faultServer";
import { closeServer, listenLoopback } from "../../support/http";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";

const USER = { user: "tester", pass: "test-password" };
const image = buildImage({ format: "oci", platforms: [{ os: "linux", architecture: "amd64" }] });

interface ConnectProxy {
  url: string;
  /** CONNECT targets asked for, with the Proxy-Authorization they carried. */
  tunnels: { target: string; proxyAuthorization?: string }[];
  stop(): Promise<void>;
}

/**
 * A CONNECT-only proxy; `routes` maps `host:port` asked for to a loopback port. With `requireAuth`,
 * a CONNECT without exactly those Basic credentials gets 407 Proxy Authentication Required, as a
 * corporate proxy answers.
 */
async function startConnectProxy(
  routes: Record<string, number>,
  requireAuth?: { user: string; pass: string },
): Promise<ConnectProxy> {
  const tunnels: ConnectProxy["tunnels"] = [];
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on("connect", (req, socket, head) => {
    const target = req.url ?? "";
    tunnels.push({
      target,
      ...(req.headers["proxy-authorization"]
        ? { proxyAuthorization: req.headers["proxy-authorization"] }
        : {}),
    });
    const expected =
      requireAuth && `Basic ${Buffer.from(`${requireAuth.user}:${requireAuth.pass}`).toString("base64")}`;
    if (expected !== undefined && req.headers["proxy-authorization"] !== expected) {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp-proxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const port = routes[target];
    if (port === undefined) {
      socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = connect(port, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  const port = await listenLoopback(server);
  return { url: `http://127.0.0.1:${port}`, tunnels, stop: () => closeServer(server) };
}

describe("proxies", () => {
  let registry: Registry;
  let privateRegistry: Registry;
  let hub: FaultServer;
  let proxy: ConnectProxy;
  const PUBLIC = "registry.test:5000";
  const MIRROR = "mirror.test:5000";

  before(async () => {
    registry = await startRegistry({ auth: "none" });
    await pushImage(registry, "lib/app", "1", image);
    privateRegistry = await startRegistry({ auth: "htpasswd", users: [USER] });
    await pushImage(privateRegistry, "library/demo", "1", image, USER);
    hub = await startFaultServer({ images: [{ repository: "library/demo", tag: "1", image }] });
    proxy = await startConnectProxy({
      [PUBLIC]: Number(new URL(registry.url).port),
      [MIRROR]: Number(new URL(privateRegistry.url).port),
    });
  });
  after(async () => {
    await proxy.stop();
    await registry.stop();
    await privateRegistry.stop();
    await hub.stop();
  });

  it("go through the editor's proxy setting, with the credentials in its URL", async (t) => {
    const { client, logs } = await testClient(t, {
      proxy: proxy.url.replace("http://", "http://proxyuser:proxy-s3cret@"),
      insecureRegistries: [PUBLIC],
    });
    const before = proxy.tunnels.length;
    const r = expectOk(await client.resolve(ref(`${PUBLIC}/lib/app:1`)));
    assert.equal(r.digest, image.digest);
    const tunnel = proxy.tunnels.at(-1);
    assert.equal(proxy.tunnels.length, before + 1);
    assert.equal(tunnel?.target, PUBLIC);
    assert.equal(
      tunnel?.proxyAuthorization,
      `Basic ${Buffer.from("proxyuser:proxy-s3cret").toString("base64")}`,
    );
    assert.ok(!logs.join("\n").includes("proxy-s3cret"));
  });

  it("go through HTTP_PROXY from the environment", async (t) => {
    const { client } = await testClient(t, { env: { HTTP_PROXY: proxy.url }, insecureRegistries: [PUBLIC] });
    const before = proxy.tunnels.length;
    expectOk(await client.resolve(ref(`${PUBLIC}/lib/app:1`)));
    assert.equal(proxy.tunnels.length, before + 1);
  });

  describe("a proxy that wants credentials (407)", () => {
    const PROXY_USER = { user: "proxyuser", pass: "proxy-s3cret" };
    let authProxy: ConnectProxy;
    before(async () => {
      authProxy = await startConnectProxy({ [PUBLIC]: Number(new URL(registry.url).port) }, PROXY_USER);
    });
    after(() => authProxy.stop());

    it("says the proxy wants credentials and how to give them, never a bare network error", async (t) => {
      const proxyHost = new URL(authProxy.url).host;
      for (const options of [{ proxy: authProxy.url }, { env: { HTTP_PROXY: authProxy.url } }]) {
        const { client } = await testClient(t, { ...options, insecureRegistries: [PUBLIC] });
        const e = expectError(await client.resolve(ref(`${PUBLIC}/lib/app:1`)), "network");
        assert.equal(e.status, 407);
        assert.equal(e.proxy, proxyHost);
        assert.match(
          e.message,
          new RegExp(`^The proxy ${proxyHost.replace(/\./g, "\\.")} wants credentials`),
        );
        assert.ok(e.message.includes(`http://user:password@${proxyHost}`), e.message);
        assert.match(e.message, /`http\.proxy`/);
        assert.match(e.message, /HTTPS_PROXY/);
        assert.doesNotMatch(e.message, /UND_ERR/);
      }
      assert.equal(authProxy.tunnels.at(-1)?.target, PUBLIC, "the proxy was asked, and refused");
    });

    it("says the proxy refused the credentials in its URL, without repeating them", async (t) => {
      const { client, logs } = await testClient(t, {
        proxy: authProxy.url.replace("http://", "http://proxyuser:wrong-pass@"),
        insecureRegistries: [PUBLIC],
      });
      const e = expectError(await client.resolve(ref(`${PUBLIC}/lib/app:1`)), "network");
      assert.equal(e.status, 407);
      assert.match(e.message, /refused the credentials in its URL/);
      assert.ok(!`${e.message}\n${logs.join("\n")}`.includes("wrong-pass"));
    });

    it("goes through once the credentials are in the proxy URL, as the message says", async (t) => {
      const { client } = await testClient(t, {
        env: {
          HTTP_PROXY: authProxy.url.replace("http://", `http://${PROXY_USER.user}:${PROXY_USER.pass}@`),
        },
        insecureRegistries: [PUBLIC],
      });
      expectOk(await client.resolve(ref(`${PUBLIC}/lib/app:1`)));
    });
  });

  it("never let a remote registry send its token request to a plain-http loopback realm", async (t) => {
    const REMOTE = "remote.test:5000";
    const remote = await startFaultServer({ images: [{ repository: "lib/app", tag: "1", image }] });
    t.after(() => remote.stop());
    // A local service the remote registry should not be able to reach through FROM Lens.
    const local = await startFaultServer({});
    t.after(() => local.stop());
    remote.route({
      path: (p) => p.startsWith("/v2/"),
      authenticated: false,
      beforeAuth: true,
      fault: {
        kind: "status",
        status: 401,
        headers: { "www-authenticate": `Bearer realm="${local.url}/token",service="remote"` },
      },
    });
    const viaProxy = await startConnectProxy({ [REMOTE]: Number(new URL(remote.url).port) });
    t.after(() => viaProxy.stop());
    const dir = await dockerConfig(t, { auths: { [REMOTE]: basicAuth("remote-user", "remote-s3cret") } });
    const { client } = await testClient(t, {
      dockerConfigDir: dir,
      proxy: viaProxy.url,
      insecureRegistries: [REMOTE],
    });

    const e = expectError(await client.resolve(ref(`${REMOTE}/lib/app:1`)), "bad-response");
    assert.equal(e.reason, "insecure-realm");
    assert.match(e.message, /a service on this machine, while the registry is not/);
    assert.equal(local.requests.length, 0, "the loopback service never got the request, nor the credentials");
    assert.ok(remote.requests.length >= 1, "the remote registry was asked");
  });

  it("never carry credentials to a plain-http mirror that is not in insecureRegistries", async (t) => {
    const dir = await dockerConfig(t, { auths: { [MIRROR]: basicAuth(USER.user, USER.pass) } });
    const mirrorOptions = {
      dockerConfigDir: dir,
      proxy: proxy.url,
      registryMirrors: [`http://${MIRROR}`],
      hubRegistryUrl: hub.url,
    };

    const notListed = await testClient(t, mirrorOptions);
    hub.resetRequests();
    const viaHub = expectOk(await notListed.client.resolve(ref("demo:1")));
    assert.equal(viaHub.source.host, hub.host, "the mirror refused anonymous access, so Docker Hub answered");
    assert.ok(notListed.logs.some((l) => l.includes(`not sending credentials to ${MIRROR} over plain http`)));

    const listed = await testClient(t, { ...mirrorOptions, insecureRegistries: [MIRROR] });
    const viaMirror = expectOk(await listed.client.resolve(ref("demo:1")));
    assert.equal(viaMirror.source.host, MIRROR, "listed as insecure, the mirror gets the credentials");
  });
});
