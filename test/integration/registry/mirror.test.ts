/**
 * registryMirrors for docker.io: a CNCF registry as a pull-through cache in front of another one
 * plays the mirror, a fault server plays Docker Hub (hubRegistryUrl). What comes from a mirror is
 * verified by its digest; a mirror that lies, lacks the image, is down, or presents a certificate
 * nobody trusts is skipped for Docker Hub. A custom CA makes a TLS mirror usable.
 */
import { expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Server } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { buildImage, platformManifest, pushImage } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import type { FaultServer } from "../../support/faultServer";
import { closeServer, listenLoopback } from "../../support/http";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";
import { makeTempDir, removeTempDir } from "../../support/tmp";

const image = buildImage({
  format: "oci",
  platforms: [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
  ],
  attestation: true,
});
const arm64 = platformManifest(image, "linux/arm64/v8");

describe("registry mirrors for docker.io", () => {
  let upstream: Registry;
  let mirror: Registry;
  let hub: FaultServer;

  before(async () => {
    upstream = await startRegistry({ auth: "none" });
    await pushImage(upstream, "library/demo", "1", image);
    mirror = await startRegistry({ proxyRemoteUrl: upstream.url });
    hub = await startFaultServer({ images: [{ repository: "library/demo", tag: "1", image }] });
  });
  after(async () => {
    await mirror.stop();
    await upstream.stop();
    await hub.stop();
  });

  it("resolves through the mirror, hashing what it serves, and never asks Docker Hub", async (t) => {
    hub.resetRequests();
    const { client } = await testClient(t, { registryMirrors: [mirror.url], hubRegistryUrl: hub.url });
    const demo = ref("demo:1");
    const r = expectOk(await client.resolve(demo, { platform: "linux/arm64" }));
    assert.equal(r.digest, image.digest);
    assert.deepEqual(r.source, { host: mirror.host, mirror: true, method: "GET" });
    assert.equal(r.platform?.digest, arm64.digest);
    const m = expectOk(await client.manifest(demo, arm64.digest));
    assert.equal(m.kind, "image");
    expectOk(await client.config(demo, arm64.config.digest));
    assert.equal(hub.count(), 0);
    const counts = client.requestCounts()[mirror.host];
    assert.equal(counts?.["get-manifest"], 2, "the index (hashed, kept) and the arm64 manifest");
    assert.equal(counts?.["get-blob"], 1);
  });

  it("falls back to Docker Hub when the mirror serves bytes that do not match their digest", async (t) => {
    const liar = await startFaultServer({ images: [{ repository: "library/demo", tag: "1", image }] });
    t.after(() => liar.stop());
    liar.route({
      method: "GET",
      path: faultPaths.manifest("library/demo"),
      fault: { kind: "wrongDigest", mode: "body" },
    });
    hub.resetRequests();
    const { client, logs } = await testClient(t, { registryMirrors: [liar.url], hubRegistryUrl: hub.url });
    const r = expectOk(await client.resolve(ref("demo:1")));
    assert.equal(r.digest, image.digest);
    assert.equal(r.source.mirror, false);
    assert.equal(r.source.host, hub.host);
    assert.equal(hub.count({ method: "HEAD" }), 1);
    assert.ok(logs.some((l) => l.includes(`mirror ${liar.host} failed`) && l.includes("bad-response")));
  });

  it("falls back when the mirror is down or lacks the image, trying mirrors in order", async (t) => {
    const down = await startFaultServer();
    const downUrl = down.url;
    await down.stop();
    const empty = await startFaultServer();
    t.after(() => empty.stop());
    hub.resetRequests();
    const { client } = await testClient(t, {
      registryMirrors: [downUrl, empty.url, mirror.url],
      hubRegistryUrl: hub.url,
      timeouts: { connectMs: 500 },
    });
    const r = expectOk(await client.resolve(ref("library/demo:1")));
    assert.equal(r.source.host, mirror.host);
    assert.equal(empty.count({ method: "GET" }) >= 1, true);
    assert.equal(hub.count(), 0);
  });

  it("uses mirrors for docker.io only", async (t) => {
    const { client } = await testClient(t, { registryMirrors: [mirror.url], hubRegistryUrl: hub.url });
    const r = expectOk(await client.resolve(ref(`${upstream.host}/library/demo:1`)));
    assert.equal(r.source.host, upstream.host);
    assert.equal(client.requestCounts()[mirror.host], undefined);
  });

  describe("over TLS", () => {
    let tls: Server;
    let tlsUrl: string;
    let caFile: string;

    let dir: string;
    before(async () => {
      dir = await makeTempDir("from-lens-tls");
      const key = join(dir, "key.pem");
      caFile = join(dir, "cert.pem");
      await promisify(execFile)("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        caFile,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ]);
      const mirrorPort = Number(new URL(mirror.url).port);
      // A TLS front for the mirror registry.
      tls = createHttpsServer({ key: await readFile(key), cert: await readFile(caFile) }, (req, res) => {
        const up = httpRequest(
          { host: "127.0.0.1", port: mirrorPort, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        up.on("error", () => res.destroy());
        req.pipe(up);
      });
      tlsUrl = `https://127.0.0.1:${await listenLoopback(tls)}`;
    });
    after(async () => {
      await closeServer(tls);
      await removeTempDir(dir);
    });

    it("is skipped when its certificate is not trusted", async (t) => {
      hub.resetRequests();
      const { client } = await testClient(t, { registryMirrors: [tlsUrl], hubRegistryUrl: hub.url });
      const r = expectOk(await client.resolve(ref("demo:1")));
      assert.equal(r.source.host, hub.host);
    });

    it("is used with the custom CA (caFile)", async (t) => {
      hub.resetRequests();
      const { client } = await testClient(t, { registryMirrors: [tlsUrl], hubRegistryUrl: hub.url, caFile });
      const r = expectOk(await client.resolve(ref("demo:1")));
      assert.equal(r.source.host, new URL(tlsUrl).host);
      assert.equal(r.digest, image.digest);
      assert.equal(hub.count(), 0);
    });
  });
});
