/**
 * Reading /etc/os-release out of an image's base layer (fromLens.facts.inspectLayers): against the
 * real CNCF registry with token auth (the client alone, and the resolver end to end: an image
 * whose config names no OS gets a known OS from its layer, cached by layer digest), and against
 * the fault server, which streams the layer in chunks and records how far it got before the client
 * hung up: the read stops early, respects its compressed-bytes cap, keeps credentials off the CDN,
 * verifies a layer it read to the end, and refuses compressions it does not decode.
 */
import { basicAuth, dockerConfig, expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { after, afterEach, before, describe, it } from "node:test";
import { OS_RELEASE_PATHS } from "../../../server/src/registry/layer";
import { DiskCache } from "../../../server/src/resolver/cache";
import { Resolver } from "../../../server/src/resolver/resolver";
import type { ResolverSettings } from "../../../server/src/resolver/resolver";
import type { RegistryClient } from "../../../server/src/registry/client";
import type { OsFact } from "../../../server/src/facts/types";
import { buildImage, pushImage, sha256 } from "../../support/images";
import type { BuiltImage, BuiltLayer } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import type { Fault, FaultServer, RecordedRequest } from "../../support/faultServer";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";
import { startTokenServer } from "../../support/tokenServer";
import type { TokenServer } from "../../support/tokenServer";
import { tempDirFor } from "../../support/tmp";
import {
  ALPINE_3_22_OS_RELEASE,
  DEBIAN_TRIXIE_OS_RELEASE as TRIXIE,
  file,
  pax,
  symlink,
  tarOf,
} from "../../unit/registry/tarWriter";

const USER = { user: "tester", pass: "test-password" };
const MiB = 1024 * 1024;

/**
 * An image whose config says nothing about its OS (no labels, no distro ENV, a history line that
 * names no distro, a tag that names none) and whose only layer holds `files`.
 */
function imageWith(files: Record<string, string | Buffer>): BuiltImage {
  return buildImage({
    format: "oci",
    platforms: [
      {
        os: "linux",
        architecture: "amd64",
        env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_HOME=/srv"],
        history: [{ created: "2026-08-01T00:00:00Z", created_by: "ADD rootfs.tar.gz / # buildkit" }],
        layerFiles: files,
      },
    ],
  });
}

function baseLayer(image: BuiltImage): BuiltLayer {
  const layer = image.manifests[0]?.layers[0];
  if (!layer) throw new Error("image without a layer");
  return layer;
}

/** Incompressible filler, so the compressed layer is as large as the tar. */
const filler = (bytes: number): Buffer => randomBytes(bytes);

// `etc/os-release` sorts before `usr/…`: the file comes first and the filler after it.
const early = imageWith({ "etc/os-release": TRIXIE, "usr/share/filler.bin": filler(24 * MiB) });
// `bin/…` sorts before `etc/…`: the filler comes first.
const late = imageWith({ "bin/filler.bin": filler(16 * MiB), "etc/os-release": TRIXIE });
const without = imageWith({ "bin/true": "#!/bin/sh\n" });

describe("base layer os-release on the CNCF registry (token auth)", () => {
  let tokens: TokenServer;
  let registry: Registry;
  before(async () => {
    tokens = await startTokenServer({ users: [USER] });
    registry = await startRegistry({ auth: "token", tokenServer: tokens });
    await pushImage(registry, "base/trixie", "stable", early, USER);
  });
  after(async () => {
    await registry.stop();
    await tokens.stop();
  });

  it("reads /etc/os-release with one blob GET and stops long before the end of the layer", async (t) => {
    const { client } = await testClient(t);
    const r = ref(`${registry.host}/base/trixie:stable`);
    const layer = baseLayer(early);
    const found = expectOk(await client.readLayerFile(r, layer.digest, OS_RELEASE_PATHS));
    assert.equal(found.file?.path, "etc/os-release");
    assert.equal(found.file?.content.toString(), TRIXIE);
    assert.equal(found.complete, false, "stopped early, so not verified");
    assert.equal(found.compression, "gzip");
    assert.ok(found.bytesRead < layer.size / 8, `read ${found.bytesRead} of ${layer.size} bytes`);
    // The first request to a token registry goes out anonymous and draws the 401 that names the
    // token realm; the second, with the token, is the one that streams.
    assert.equal(client.totalRequests("get-blob"), 2);
    assert.equal(client.totalRequests(), 3, "401, token, layer: nothing else");
  });

  it("gives an image with no OS marker but its layer a known OS, with the layer as evidence, once", async (t) => {
    const dir = await tempDirFor(t, "from-lens-layer-cache");
    const settings: ResolverSettings = {
      tagTtlMs: 3_600_000,
      hubTtlMs: 3_600_000,
      offline: false,
      trustedRegistries: [],
      inspectLayers: true,
    };
    const resolve = async (client: RegistryClient, inspect: boolean): Promise<OsFact> => {
      const resolver = new Resolver({
        source: client,
        cache: new DiskCache({ dir, maxBytes: 256 * MiB }),
        settings: () => ({ ...settings, inspectLayers: inspect }),
      });
      const request = { reference: ref(`${registry.host}/base/trixie:stable`), platform: "linux/amd64" };
      resolver.request([request], "file:///Dockerfile", "visible");
      const lookup = await resolver.waitFor(request, 10_000);
      if (lookup.state !== "resolved") assert.fail(`expected resolved, got ${lookup.state}`);
      return lookup.resolution.facts.os;
    };

    const off = await testClient(t);
    const unknown = await resolve(off.client, false);
    assert.equal(unknown.status, "unknown", "nothing but the layer names the OS");
    assert.match(unknown.evidence, /\/etc\/os-release not read/);
    assert.equal(off.client.totalRequests("get-blob"), 1, "the config only");

    const on = await testClient(t);
    const os = await resolve(on.client, true);
    if (os.status !== "known") assert.fail(`expected a known OS, got: ${os.evidence}`);
    assert.equal(os.distro, "debian");
    assert.equal(os.version, "13");
    assert.match(os.evidence, new RegExp(`read from base layer ${baseLayer(early).digest}`));
    assert.match(os.evidence, /VERSION_CODENAME=trixie/);
    assert.equal(
      on.client.totalRequests("get-blob"),
      2,
      "the layer only (anonymous 401, then with a token): manifests and config were cached",
    );
    t.diagnostic(`evidence: ${os.evidence}`);

    const again = await testClient(t);
    const cached = await resolve(again.client, true);
    assert.equal(cached.status, "known");
    assert.equal(again.client.totalRequests("get-blob"), 0, "the os-release is cached by layer digest");
  });
});

/** Streams the layer's bytes in 64 KiB writes with backpressure, recording progress as it goes. */
function streamed(bytes: Buffer, closed: (record: RecordedRequest) => void): Fault {
  return {
    kind: "custom",
    handle: async ({ res, record }) => {
      res.on("close", () => closed(record));
      record.status = 200;
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(bytes.length),
        "docker-content-digest": sha256(bytes),
      });
      for (let at = 0; at < bytes.length && !res.destroyed; at += 64 * 1024) {
        const part = bytes.subarray(at, at + 64 * 1024);
        const more = res.write(part);
        record.bytesSent += part.length;
        if (!more && !res.destroyed) {
          // Wait for whichever comes first, and leave no listener behind for the other.
          const controller = new AbortController();
          const { signal } = controller;
          await Promise.race([once(res, "drain", { signal }), once(res, "close", { signal })]).catch(
            () => undefined,
          );
          controller.abort();
        }
      }
      if (!res.destroyed) res.end();
    },
  };
}

describe("base layer os-release against the fault server", () => {
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer({
      images: [
        { repository: "early", tag: "1", image: early },
        { repository: "late", tag: "1", image: late },
        { repository: "without", tag: "1", image: without },
      ],
    });
  });
  after(() => server.stop());
  afterEach(() => {
    server.clearRoutes();
    server.resetRequests();
  });

  /** Routes the layer through `streamed` and resolves with its request record once the connection closed. */
  const streamLayer = (repository: string, layer: BuiltLayer): Promise<RecordedRequest> =>
    new Promise((resolve) => {
      server.route({
        method: "GET",
        path: faultPaths.blob(repository, layer.digest),
        fault: streamed(layer.bytes, resolve),
      });
    });

  it("hangs up as soon as the file is read: the server sent a small part of a 24 MiB layer", async (t) => {
    const layer = baseLayer(early);
    const closed = streamLayer("early", layer);
    const { client } = await testClient(t);
    const found = expectOk(
      await client.readLayerFile(ref(`${server.host}/early:1`), layer.digest, OS_RELEASE_PATHS),
    );
    assert.equal(found.file?.content.toString(), TRIXIE);
    const record = await closed;
    assert.equal(record.aborted, true, "the client closed the connection mid-body");
    assert.ok(
      record.bytesSent < layer.size / 2,
      `the server got to send ${record.bytesSent} of ${layer.size} bytes`,
    );
    assert.ok(found.bytesRead <= 256 * 1024, `the client took ${found.bytesRead} bytes`);
    t.diagnostic(
      `layer ${layer.size} bytes; client read ${found.bytesRead}; server wrote ${record.bytesSent} before the close`,
    );
  });

  it("stops at the compressed-bytes cap when the file lies beyond it", async (t) => {
    const layer = baseLayer(late);
    const closed = streamLayer("late", layer);
    const { client } = await testClient(t);
    const r = expectOk(
      await client.readLayerFile(ref(`${server.host}/late:1`), layer.digest, OS_RELEASE_PATHS, {
        maxBytes: MiB,
      }),
    );
    assert.equal(r.file, undefined);
    assert.equal(r.complete, false);
    assert.equal(r.bytesRead, MiB);
    assert.match(
      r.missing ?? "",
      /\/etc\/os-release or \/usr\/lib\/os-release not within the first 1048576 bytes/,
    );
    const record = await closed;
    assert.equal(record.aborted, true);
    assert.ok(record.bytesSent < layer.size);
  });

  it("finds a file beyond the filler when the cap allows it", async (t) => {
    const layer = baseLayer(late);
    const { client } = await testClient(t);
    const r = expectOk(
      await client.readLayerFile(ref(`${server.host}/late:1`), layer.digest, OS_RELEASE_PATHS),
    );
    assert.equal(r.file?.content.toString(), TRIXIE);
  });

  it("reads a layer without the file to its end and verifies it", async (t) => {
    const layer = baseLayer(without);
    const { client } = await testClient(t);
    const r = expectOk(
      await client.readLayerFile(ref(`${server.host}/without:1`), layer.digest, OS_RELEASE_PATHS),
    );
    assert.equal(r.file, undefined);
    assert.equal(r.complete, true);
    assert.equal(r.bytesRead, layer.size);
    assert.equal(r.missing, "the layer has no /etc/os-release or /usr/lib/os-release");
  });

  it("refuses a fully read layer whose bytes do not match its digest", async (t) => {
    const layer = baseLayer(without);
    server.route({
      method: "GET",
      path: faultPaths.blob("without", layer.digest),
      fault: { kind: "wrongDigest", mode: "body" },
    });
    const { client } = await testClient(t);
    const e = expectError(
      await client.readLayerFile(ref(`${server.host}/without:1`), layer.digest, OS_RELEASE_PATHS),
      "bad-response",
    );
    assert.equal(e.reason, "digest-mismatch");
  });

  it("follows the blob redirect to the CDN without sending it the registry's credentials", async (t) => {
    const basic = await startFaultServer({
      images: [{ repository: "private/early", tag: "1", image: early }],
      auth: { basic: [USER] },
    });
    t.after(() => basic.stop());
    const layer = baseLayer(early);
    basic.route({
      method: "GET",
      path: faultPaths.blob("private/early", layer.digest),
      fault: { kind: "redirect" },
    });
    const dockerConfigDir = await dockerConfig(t, {
      auths: { [basic.host]: basicAuth(USER.user, USER.pass) },
    });
    const { client } = await testClient(t, { dockerConfigDir });
    const r = expectOk(
      await client.readLayerFile(ref(`${basic.host}/private/early:1`), layer.digest, OS_RELEASE_PATHS),
    );
    assert.equal(r.file?.content.toString(), TRIXIE);
    assert.ok(
      basic.requests.some((q) => q.hadAuthorization),
      "the registry got the credentials",
    );
    assert.equal(basic.cdn.requests.length, 1);
    assert.equal(basic.cdn.requests[0]?.hadAuthorization, false, "the CDN did not");
  });

  it("names zstd as an unsupported layer compression", async (t) => {
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(4096)]);
    const digest = sha256(zstd);
    server.route({
      method: "GET",
      path: faultPaths.blob("early", digest),
      fault: {
        kind: "custom",
        handle: (ctx) =>
          ctx.send({ status: 200, headers: { "content-type": "application/octet-stream" }, body: zstd }),
      },
    });
    const { client } = await testClient(t);
    const e = expectError(
      await client.readLayerFile(ref(`${server.host}/early:1`), digest, OS_RELEASE_PATHS),
      "bad-response",
    );
    assert.equal(e.reason, "unsupported-media-type");
    assert.match(e.message, /zstd compression, an unsupported layer compression/);
  });

  it("gives up when the caller cancels while the layer is being asked for", async (t) => {
    const layer = baseLayer(late);
    const controller = new AbortController();
    server.route({
      method: "GET",
      path: faultPaths.blob("late", layer.digest),
      // The request reached the server: cancel, and never answer.
      fault: { kind: "custom", handle: () => controller.abort() },
    });
    const { client } = await testClient(t);
    const r = await client.readLayerFile(ref(`${server.host}/late:1`), layer.digest, OS_RELEASE_PATHS, {
      signal: controller.signal,
    });
    expectError(r, "cancelled");
  });
});

describe("hostile layers against the fault server", () => {
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer();
  });
  after(() => server.stop());

  /** Serves `tar` gzip-compressed as a blob of repository "hostile"; returns its digest. */
  const serveLayer = (tar: Buffer): string => {
    const gz = gzipSync(tar);
    const digest = sha256(gz);
    server.route({
      method: "GET",
      path: faultPaths.blob("hostile", digest),
      fault: streamed(gz, () => undefined),
    });
    return digest;
  };

  it("never blocks the server: a tiny layer with a 12,000-segment symlink target", async (t) => {
    const digest = serveLayer(
      tarOf([
        pax({ linkpath: "a/".repeat(12_000) }),
        symlink("etc", "x"),
        file("usr/lib/os-release", TRIXIE),
      ]),
    );
    const { client } = await testClient(t);
    // Another request's timer keeps ticking while the layer is read.
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    t.after(() => clearInterval(ticker));
    const started = performance.now();
    const r = expectOk(await client.readLayerFile(ref(`${server.host}/hostile:1`), digest, OS_RELEASE_PATHS));
    const ms = performance.now() - started;
    clearInterval(ticker);
    assert.equal(r.file?.path, "usr/lib/os-release", "/etc leads nowhere; the /usr/lib copy answers");
    assert.ok(longestGap < 250, `the event loop stalled for ${longestGap.toFixed(0)} ms`);
    assert.ok(ms < 2000, `the read took ${ms.toFixed(0)} ms`);
  });
});

describe("os-release cache across registries", () => {
  it("never lets a hostile registry's layer bytes stand for the same digest elsewhere", async (t) => {
    const legit = await startFaultServer({ images: [{ repository: "base/trixie", tag: "1", image: early }] });
    t.after(() => legit.stop());
    const hostile = await startFaultServer({ images: [{ repository: "evil/app", tag: "1", image: early }] });
    t.after(() => hostile.stop());
    // Under the legitimate layer's digest, the hostile registry streams an Alpine os-release first
    // and filler after it: the read stops at the file, so the digest is never checked.
    const forged = gzipSync(
      tarOf([file("etc/os-release", ALPINE_3_22_OS_RELEASE), file("usr/filler.bin", filler(2 * MiB))]),
    );
    hostile.route({
      method: "GET",
      path: faultPaths.blob("evil/app", baseLayer(early).digest),
      fault: streamed(forged, () => undefined),
    });

    const dir = await tempDirFor(t, "from-lens-layer-cache");
    const resolve = async (client: RegistryClient, reference: string): Promise<OsFact> => {
      const resolver = new Resolver({
        source: client,
        cache: new DiskCache({ dir, maxBytes: 256 * MiB }),
        settings: () => ({
          tagTtlMs: 3_600_000,
          hubTtlMs: 3_600_000,
          offline: false,
          trustedRegistries: [],
          inspectLayers: true,
        }),
      });
      const request = { reference: ref(reference), platform: "linux/amd64" };
      resolver.request([request], "file:///Dockerfile", "visible");
      const lookup = await resolver.waitFor(request, 10_000);
      if (lookup.state !== "resolved") assert.fail(`expected resolved, got ${lookup.state}`);
      return lookup.resolution.facts.os;
    };

    const evil = await resolve((await testClient(t)).client, `${hostile.host}/evil/app:1`);
    if (evil.status !== "known") assert.fail(`expected the forged OS, got: ${evil.evidence}`);
    assert.equal(evil.distro, "alpine", "the hostile image shows what it served");
    assert.match(evil.evidence, new RegExp(`of ${hostile.host}/evil/app`));

    const os = await resolve((await testClient(t)).client, `${legit.host}/base/trixie:1`);
    if (os.status !== "known") assert.fail(`expected a known OS, got: ${os.evidence}`);
    assert.equal(os.distro, "debian", `the legitimate image shows its own OS: ${os.evidence}`);
    assert.equal(os.version, "13");
    assert.match(
      os.evidence,
      new RegExp(`read from base layer ${baseLayer(early).digest} of ${legit.host}/base/trixie`),
    );
  });
});
