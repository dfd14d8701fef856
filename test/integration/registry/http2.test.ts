/**
 * HTTP/2 over TLS: the CNCF registry serving https (a CA made with openssl, trusted through
 * `caFile`), which offers h2 in ALPN, reached as Docker Hub's registry (`hubRegistryUrl`: FROM
 * Lens speaks plain http to loopback names). Its access log says which protocol every request
 * came over and from which client port (a connection). With `network.http2` on, every request
 * is HTTP/2.0 and all of them share one connection (the per-host limit then bounds the streams);
 * off, HTTP/1.1; both give the same digests and facts. HEAD revalidation and a redirect to another
 * (http) host work over h2, a refused stream is retried like a dropped connection, and a CA that
 * did not sign the certificate or a stream reset that persists is a clear error.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { constants as http2constants, createSecureServer } from "node:http2";
import type { Http2SecureServer } from "node:http2";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Server as HttpsServer } from "node:https";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs } from "../../../server/src/dockerfile";
import { Engine } from "../../../server/src/engine";
import { HttpTransport } from "../../../server/src/registry/http/transport";
import { transportOptions } from "../../../server/src/registry/clientOptions";
import type { Lookup } from "../../../server/src/resolver/types";
import { DEFAULT_SETTINGS, type FromLensSettings } from "../../../server/src/settings";
import { requestFor } from "../../../server/src/workspace";
import { buildImage, pushImage, sha256, type BuiltImage } from "../../support/images";
import { closeServer, listenLoopback } from "../../support/http";
import { startRegistry, type Registry } from "../../support/registry";
import { makeTempDir, removeTempDir, tempDirFor } from "../../support/tmp";
import { makeCertificates, type Certificates } from "../../support/tls";
import { expectError, ref, testClient } from "./helpers";

const IMAGES = 10;
const NOWHERE = "http://127.0.0.1:9";
const QUIET = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

interface Run {
  lookups: Lookup[];
  protocols: string[];
  connections: number;
  requests: number;
}

describe("HTTP/2 over TLS (the CNCF registry with a test CA)", () => {
  let registry: Registry;
  const images: BuiltImage[] = [];
  let text: string;

  before(async () => {
    registry = await startRegistry({ auth: "token", tls: true, accessLog: true });
    for (let i = 0; i < IMAGES; i++) {
      const image = buildImage({
        format: "oci",
        attestation: true,
        platforms: [
          { os: "linux", architecture: "amd64", labels: { n: String(i) }, env: [`N=${i}`] },
          { os: "linux", architecture: "arm64", variant: "v8", labels: { n: String(i) } },
        ],
      });
      images.push(image);
      await pushImage(registry, `h2/app${i}`, "1", image, registry.users[0]);
    }
    // docker.io references: hubRegistryUrl points Docker Hub's registry at the TLS one.
    text = images.map((_, i) => `FROM h2/app${i}:1 AS s${i}`).join("\n") + "\n";
  });
  after(() => registry.stop());

  async function resolveAll(
    t: { after(fn: () => Promise<void>): void },
    http2: boolean,
    storagePath: string,
    tagTtl = 60,
  ): Promise<Run> {
    const settings: FromLensSettings = {
      ...DEFAULT_SETTINGS,
      hubApiUrl: NOWHERE,
      defaultPlatform: "linux/amd64",
      caFile: registry.tls?.caFile ?? "",
      cache: { ...DEFAULT_SETTINGS.cache, tagTtl },
      network: { ...DEFAULT_SETTINGS.network, http2 },
    };
    const engine = new Engine(
      settings,
      { storagePath, hubRegistryUrl: registry.url },
      QUIET,
      () => undefined,
    );
    t.after(() => engine.close());
    registry.clearAccessLog();
    const doc = TextDocument.create("file:///h2/Dockerfile", "dockerfile", 1, text);
    engine.workspace.update(doc, settings, "visible");
    const requests = extractImageRefs(text).map((r) => requestFor(r, settings));
    const lookups = await Promise.all(
      requests.map((r) => {
        assert.ok(r);
        return engine.resolver.waitFor(r, 20_000);
      }),
    );
    await engine.close();
    // The access log is written as the answers go out: let the last lines arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return {
      lookups,
      protocols: [...new Set(registry.accessLog.map((e) => e.protocol))],
      connections: new Set(registry.clientAddresses).size,
      requests: registry.accessLog.length,
    };
  }

  function checkResolved(run: Run): void {
    run.lookups.forEach((l, i) => {
      assert.equal(l.state, "resolved", `image ${i}: ${l.state === "error" ? l.error.kind : l.state}`);
      if (l.state !== "resolved") return;
      assert.equal(l.resolution.tagDigest, images[i]?.digest, `image ${i}`);
      assert.ok(l.resolution.facts.describedPlatform, `image ${i} has its facts`);
    });
  }

  let h2Run: Run | undefined;

  it("speaks HTTP/2 to it, every request on one connection, with the digests and facts pushed", async (t) => {
    const run = await resolveAll(t, true, await tempDirFor(t, "from-lens-h2"));
    checkResolved(run);
    assert.ok(run.requests >= 3 * IMAGES, `${run.requests} requests logged`);
    assert.deepEqual(run.protocols, ["HTTP/2.0"]);
    assert.equal(run.connections, 1, "one multiplexed connection (the per-host limit bounds its streams)");
    h2Run = run;
  });

  it("speaks HTTP/1.1 with network.http2 off, with the same digests and facts", async (t) => {
    const run = await resolveAll(t, false, await tempDirFor(t, "from-lens-h1"));
    checkResolved(run);
    assert.deepEqual(run.protocols, ["HTTP/1.1"]);
    assert.ok(run.connections > 1, `${run.connections} keep-alive connections`);
    assert.ok(h2Run, "the HTTP/2 run ran first");
    // The same facts, but for when they were resolved.
    const facts = (r: Run) =>
      r.lookups.map((l) =>
        l.state === "resolved"
          ? [l.resolution.tagDigest, { ...l.resolution.facts, resolvedAt: undefined }]
          : l.state,
      );
    assert.deepEqual(facts(run), facts(h2Run));
    assert.equal(run.requests, h2Run.requests, "the same requests either way");
  });

  it("revalidates over HTTP/2: HEADs only, on one connection", async (t) => {
    const storage = await tempDirFor(t, "from-lens-h2-revalidate");
    checkResolved(await resolveAll(t, true, storage));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const run = await resolveAll(t, true, storage, 0);
    checkResolved(run);
    const methods = new Set(
      registry.accessLog.filter((e) => /\/manifests\//.test(e.path) && e.status !== 401).map((e) => e.method),
    );
    assert.deepEqual([...methods], ["HEAD"]);
    assert.deepEqual(run.protocols, ["HTTP/2.0"]);
    assert.equal(run.connections, 1);
  });

  it("says the certificate is not trusted when caFile holds another CA", async (t) => {
    const dir = await tempDirFor(t, "from-lens-other-ca");
    const other = await makeCertificates(dir, "other");
    const { client } = await testClient(t, { hubRegistryUrl: registry.url, caFile: other.caFile });
    const e = expectError(await client.resolve(ref("h2/app0:1")), "network");
    assert.match(
      e.message,
      /TLS certificate of 127\.0\.0\.1:\d+ is not signed by a certificate authority FROM Lens trusts/,
    );
    assert.match(e.message, /fromLens\.caFile/);
  });
});

describe("HTTP/2 and a redirect to another host (a blob on a CDN)", () => {
  let dir: string;
  let certs: Certificates;
  let registry: Http2SecureServer;
  let cdn: Server;
  let registryUrl: string;
  let cdnUrl: string;
  const seen: string[] = [];

  before(async () => {
    dir = await makeTempDir("from-lens-h2-cdn");
    certs = await makeCertificates(dir);
    cdn = createHttpServer((req, res) => {
      seen.push(`cdn ${req.method ?? ""} ${req.url ?? ""} HTTP/${req.httpVersion}`);
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(req.method === "HEAD" ? undefined : "the blob");
    });
    cdnUrl = `http://127.0.0.1:${await listenLoopback(cdn)}`;
    registry = createSecureServer(
      { key: await readFile(certs.keyFile), cert: await readFile(certs.certFile), allowHTTP1: true },
      (req, res) => {
        seen.push(`registry ${req.method} ${req.url} HTTP/${req.httpVersion}`);
        res.writeHead(307, { location: `${cdnUrl}/blob?sig=x` });
        res.end();
      },
    );
    const port = await new Promise<number>((resolve) => {
      registry.listen(0, "127.0.0.1", () => {
        const a = registry.address();
        resolve(typeof a === "object" && a ? a.port : 0);
      });
    });
    registryUrl = `https://127.0.0.1:${port}`;
  });
  after(async () => {
    await new Promise((resolve) => registry.close(resolve));
    await closeServer(cdn);
    await removeTempDir(dir);
  });

  it("follows it from the HTTP/2 registry to the HTTP/1.1 host", async () => {
    const transport = new HttpTransport(
      transportOptions({ allowCredentialHelpers: false, caFile: certs.caFile, env: {} }),
    );
    try {
      const r = await transport.send({
        url: new URL(`${registryUrl}/v2/x/blobs/sha256:abc`),
        method: "GET",
        kind: "get-blob",
        headers: { authorization: "Bearer secret" },
        maxBytes: 1024,
      });
      assert.ok(r.ok, r.ok ? "" : r.error.message);
      assert.equal(Buffer.from(r.value.body).toString(), "the blob");
      assert.equal(r.value.url.origin, cdnUrl);
      assert.deepEqual(seen, [
        "registry GET /v2/x/blobs/sha256:abc HTTP/2.0",
        "cdn GET /blob?sig=x HTTP/1.1",
      ]);
    } finally {
      await transport.close();
    }
  });
});

describe("a registry that resets HTTP/2 streams", () => {
  let dir: string;
  let certs: Certificates;
  let server: Http2SecureServer;
  let url: string;
  /** How many of the next streams are refused (RST_STREAM REFUSED_STREAM: not processed). */
  let refuse = 0;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${"a".repeat(64)}`,
        size: 2,
      },
      layers: [],
    }),
  );

  before(async () => {
    dir = await makeTempDir("from-lens-h2-refuse");
    certs = await makeCertificates(dir);
    server = createSecureServer({ key: await readFile(certs.keyFile), cert: await readFile(certs.certFile) });
    server.on("stream", (stream) => {
      stream.on("error", () => undefined);
      if (refuse > 0) {
        refuse--;
        stream.close(http2constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      stream.respond({
        ":status": 200,
        "content-type": "application/vnd.oci.image.manifest.v1+json",
        "content-length": manifest.length,
      });
      stream.end(manifest);
    });
    const port = await new Promise<number>((resolve) => {
      server.listen(0, "127.0.0.1", () => {
        const a = server.address();
        resolve(typeof a === "object" && a ? a.port : 0);
      });
    });
    url = `https://127.0.0.1:${port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await removeTempDir(dir);
  });

  it("retries a refused stream once, as a dropped connection", async (t) => {
    refuse = 1;
    const { client } = await testClient(t, { hubRegistryUrl: url, caFile: certs.caFile });
    const r = await client.resolve(ref("r/app:1"));
    assert.ok(r.ok, r.ok ? "" : r.error.message);
    assert.equal(r.value.digest, sha256(manifest));
    assert.equal(refuse, 0);
  });

  it("says it is an HTTP/2 error, and how to turn HTTP/2 off, when it keeps happening", async (t) => {
    refuse = 2;
    const { client } = await testClient(t, { hubRegistryUrl: url, caFile: certs.caFile });
    const e = expectError(await client.resolve(ref("r/app:1")), "network");
    assert.match(
      e.message,
      /HTTP\/2 error talking to 127\.0\.0\.1:\d+ \(ERR_HTTP2_STREAM_ERROR, NGHTTP2_REFUSED_STREAM\)/,
    );
    assert.match(e.message, /fromLens\.network\.http2/);
    refuse = 0;
  });
});

describe("HTTP/2 on, a TLS registry that speaks only HTTP/1.1", () => {
  let dir: string;
  let certs: Certificates;
  let server: HttpsServer;
  let url: string;
  let inFlight = 0;
  let maxInFlight = 0;
  const connections = new Set<unknown>();

  before(async () => {
    dir = await makeTempDir("from-lens-h1-tls");
    certs = await makeCertificates(dir);
    server = createHttpsServer(
      { key: await readFile(certs.keyFile), cert: await readFile(certs.certFile) },
      (req, res) => {
        connections.add(req.socket);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          res.end(`HTTP/${req.httpVersion}`);
        }, 50);
      },
    );
    url = `https://127.0.0.1:${await listenLoopback(server)}`;
  });
  after(async () => {
    await closeServer(server);
    await removeTempDir(dir);
  });

  it("gets the per-host limit of HTTP/1.1 connections at once, after the first one is up", async () => {
    const transport = new HttpTransport(
      transportOptions({
        allowCredentialHelpers: false,
        caFile: certs.caFile,
        env: {},
        limits: { perHostConcurrency: 6 },
      }),
    );
    try {
      const burst = async (): Promise<string[]> =>
        Promise.all(
          Array.from({ length: 12 }, async (_, i) => {
            const r = await transport.send({
              url: new URL(`${url}/x${i}`),
              method: "GET",
              kind: "get-blob",
              maxBytes: 64,
            });
            assert.ok(r.ok, r.ok ? "" : r.error.message);
            return Buffer.from(r.value.body).toString();
          }),
        );
      const started = performance.now();
      assert.deepEqual(new Set(await burst()), new Set(["HTTP/1.1"]));
      // Two waves of 50 ms and the handshakes; not held until the connect timeout (4 s).
      assert.ok(performance.now() - started < 2000, `${performance.now() - started} ms`);
      assert.equal(maxInFlight, 6, "the per-host limit, not one at a time");
      assert.equal(connections.size, 6);
      maxInFlight = 0;
      await burst();
      assert.equal(maxInFlight, 6);
      assert.equal(connections.size, 6, "kept alive");
    } finally {
      await transport.close();
    }
  });
});
