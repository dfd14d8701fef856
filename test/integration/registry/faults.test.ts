/**
 * Faults from the loopback fault server, each giving the right ResolveError within its timeout:
 * delays and hangs (timeouts), dropped and reset connections (one retry), 500s (one retry), 429s
 * (no retry, host blocked until the reset), truncated and huge bodies, lying digests, a missing
 * digest header (GET fallback); plus HEAD-without-GET, coalescing and cancellation.
 */
import { expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { buildImage, platformManifest } from "../../support/images";
import { faultPaths, startFaultServer } from "../../support/faultServer";
import type { FaultServer } from "../../support/faultServer";

const image = buildImage({
  format: "oci",
  platforms: [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
  ],
  attestation: true,
});
const SHORT = { connectMs: 500, headersMs: 300, bodyMs: 300, requestMs: 5000, credentialHelperMs: 500 };

describe("faults", () => {
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer({ images: [{ repository: "app", tag: ["1", "2"], image }] });
  });
  after(() => server.stop());
  afterEach(() => {
    server.clearRoutes();
    server.resetRequests();
  });
  const app = (): ReturnType<typeof ref> => ref(`${server.host}/app:1`);
  const elapsed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const r = await fn();
    return [r, performance.now() - start];
  };

  it("resolves with one HEAD and no GET when the digest header is present", async (t) => {
    const { client } = await testClient(t);
    const r = expectOk(await client.resolve(app()));
    assert.equal(r.digest, image.digest);
    assert.equal(server.count({ method: "HEAD" }), 1);
    assert.equal(server.count({ method: "GET" }), 0);
  });

  it("falls back to GET and hashes the body when HEAD has no digest header, then serves it from memory", async (t) => {
    server.route({ method: "HEAD", path: faultPaths.manifest("app"), fault: { kind: "noDigestHeader" } });
    server.route({ method: "GET", path: faultPaths.manifest("app", "1"), fault: { kind: "noDigestHeader" } });
    const { client } = await testClient(t);
    const r = expectOk(await client.resolve(app()));
    assert.equal(r.digest, image.digest);
    assert.equal(r.source.method, "GET");
    assert.equal(server.count({ method: "GET" }), 1);
    expectOk(await client.manifest(app(), r.digest));
    assert.equal(
      server.count({ method: "GET" }),
      1,
      "the manifest fetched while resolving is not fetched again",
    );
  });

  it("times out a slow answer with a headers timeout", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "delay", ms: 3000 } });
    const { client } = await testClient(t, { timeouts: SHORT });
    const [r, ms] = await elapsed(() => client.resolve(app()));
    const e = expectError(r, "timeout");
    assert.equal(e.phase, "headers");
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it("times out a hung connection", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "hang" } });
    const { client } = await testClient(t, { timeouts: SHORT });
    const [r, ms] = await elapsed(() => client.resolve(app()));
    expectError(r, "timeout");
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it("times out a body that stops arriving", async (t) => {
    const index = image.index!;
    server.route({
      method: "GET",
      path: faultPaths.manifest("app", index.digest),
      fault: {
        kind: "custom",
        handle: ({ res }) => {
          res.writeHead(200, {
            "content-type": index.mediaType,
            "content-length": String(index.size),
            "docker-content-digest": index.digest,
          });
          res.write(index.bytes.subarray(0, 10)); // …and nothing more
        },
      },
    });
    const { client } = await testClient(t, { timeouts: SHORT });
    const [r, ms] = await elapsed(() => client.manifest(app(), index.digest));
    const e = expectError(r, "timeout");
    assert.equal(e.phase, "body");
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it("cuts a request short at the overall deadline", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "hang" } });
    const { client } = await testClient(t, { timeouts: { ...SHORT, headersMs: 10_000, requestMs: 300 } });
    const e = expectError(await client.resolve(app()), "timeout");
    assert.equal(e.phase, "request");
  });

  for (const [kind, what] of [
    ["drop", "closed"],
    ["reset", "reset"],
  ] as const) {
    it(`retries a ${what} connection once, then reports a network error`, async (t) => {
      server.route({ path: faultPaths.manifest("app"), fault: { kind } });
      const { client } = await testClient(t, { timeouts: SHORT });
      expectError(await client.resolve(app()), "network");
      assert.equal(server.count({ method: "HEAD" }), 2);
    });
  }

  it("recovers from one dropped connection", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "drop" }, times: 1 });
    const { client } = await testClient(t, { timeouts: SHORT });
    expectOk(await client.resolve(app()));
    assert.equal(server.count({ method: "HEAD" }), 2);
  });

  it("retries a 500 once with a short jittered delay, then reports it", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "status", status: 500 } });
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(app()), "network");
    assert.equal(e.status, 500);
    assert.equal(server.count({ method: "HEAD" }), 2);
  });

  it("recovers from one 503", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "status", status: 503 }, times: 1 });
    const { client } = await testClient(t);
    expectOk(await client.resolve(app()));
    assert.equal(server.count({ method: "HEAD" }), 2);
  });

  it("stops asking a host after a 429 until Retry-After has passed, and never retries it", async (t) => {
    server.route({
      path: faultPaths.manifest("app"),
      fault: { kind: "rateLimit", retryAfter: 60 },
      times: 1,
    });
    const { client, clock } = await testClient(t);
    const start = clock.now;
    const e = expectError(await client.resolve(app()), "rate-limited");
    assert.equal(e.resetAt?.getTime(), start + 60_000);
    assert.equal(e.resetIsEstimate, undefined);
    assert.equal(server.count(), 1);
    assert.equal(client.rateLimit(server.host)?.last?.remaining, 0);
    assert.equal(client.rateLimit(server.host)?.last?.limit, 100);

    // Any request to that host, of any kind, is refused without being sent…
    expectError(await client.resolve(ref(`${server.host}/app:2`)), "rate-limited");
    expectError(await client.manifest(app(), image.digest), "rate-limited");
    expectError(await client.listTags(app()), "rate-limited");
    assert.equal(server.count(), 1);

    // …until the reset time passes.
    clock.now = start + 60_001;
    expectOk(await client.resolve(app()));
    assert.equal(server.count(), 2);
  });

  it("blocks for the rate-limit window when the 429 says no reset time", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "rateLimit", windowSeconds: 21600 } });
    const { client, clock } = await testClient(t);
    const e = expectError(await client.resolve(app()), "rate-limited");
    assert.equal(e.resetAt?.getTime(), clock.now + 21_600_000);
    assert.equal(e.resetIsEstimate, true);
    clock.now += 3_600_000;
    expectError(await client.resolve(app()), "rate-limited");
    assert.equal(server.count(), 1);
  });

  it("reports a truncated body", async (t) => {
    const arm = platformManifest(image, "linux/arm64/v8");
    server.route({
      method: "GET",
      path: faultPaths.manifest("app", arm.digest),
      fault: { kind: "truncate" },
    });
    const { client } = await testClient(t, { timeouts: SHORT });
    const e = expectError(await client.manifest(app(), arm.digest), "bad-response");
    assert.equal(e.reason, "truncated");
  });

  it("rejects a manifest whose bytes do not match the digest asked for", async (t) => {
    const arm = platformManifest(image, "linux/arm64/v8");
    server.route({
      method: "GET",
      path: faultPaths.manifest("app", arm.digest),
      fault: { kind: "wrongDigest", mode: "body" },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.manifest(app(), arm.digest), "bad-response");
    assert.equal(e.reason, "digest-mismatch");
  });

  it("rejects a GET whose digest header disagrees with its body", async (t) => {
    server.route({ method: "HEAD", path: faultPaths.manifest("app"), fault: { kind: "noDigestHeader" } });
    server.route({
      method: "GET",
      path: faultPaths.manifest("app", "1"),
      fault: { kind: "wrongDigest", mode: "header" },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(app()), "bad-response");
    assert.equal(e.reason, "digest-mismatch");
  });

  it("rejects a config blob that does not match its digest", async (t) => {
    const arm = platformManifest(image, "linux/arm64/v8");
    server.route({
      method: "GET",
      path: faultPaths.blob("app", arm.config.digest),
      fault: { kind: "wrongDigest", mode: "body" },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.config(app(), arm.config.digest), "bad-response");
    assert.equal(e.reason, "digest-mismatch");
  });

  it("refuses a 50 MB manifest from its Content-Length without reading it", async (t) => {
    const arm = platformManifest(image, "linux/arm64/v8");
    server.route({ method: "GET", path: faultPaths.manifest("app", arm.digest), fault: { kind: "huge" } });
    const { client } = await testClient(t, { timeouts: SHORT });
    const [r, ms] = await elapsed(() => client.manifest(app(), arm.digest));
    const e = expectError(r, "bad-response");
    assert.equal(e.reason, "too-large");
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  it("stops reading a chunked 50 MB manifest at the cap", async (t) => {
    const arm = platformManifest(image, "linux/arm64/v8");
    server.route({
      method: "GET",
      path: faultPaths.manifest("app", arm.digest),
      fault: { kind: "huge", chunked: true },
    });
    const { client } = await testClient(t, { timeouts: SHORT, limits: { maxManifestBytes: 1024 * 1024 } });
    const e = expectError(await client.manifest(app(), arm.digest), "bad-response");
    assert.equal(e.reason, "too-large");
    const sent = server.requests.at(-1)?.bytesSent ?? 0;
    assert.ok(sent < 50 * 1024 * 1024, `server sent ${sent} bytes`);
  });

  it("coalesces identical concurrent resolves into one request", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "delay", ms: 100 } });
    const { client } = await testClient(t);
    const [a, b] = await Promise.all([client.resolve(app()), client.resolve(app())]);
    assert.equal(expectOk(a).digest, image.digest);
    assert.equal(expectOk(b).digest, image.digest);
    assert.equal(server.count({ method: "HEAD" }), 1);
  });

  it("keeps a shared request going when one of its callers gives up", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "delay", ms: 150 } });
    const { client } = await testClient(t);
    const quitter = new AbortController();
    const first = client.resolve(app(), { signal: quitter.signal });
    const second = client.resolve(app());
    quitter.abort();
    expectError(await first, "cancelled");
    expectOk(await second);
    assert.equal(server.count({ method: "HEAD" }), 1);
  });

  it("cancels a hung request when its signal aborts", async (t) => {
    server.route({ path: faultPaths.manifest("app"), fault: { kind: "hang" } });
    const { client } = await testClient(t);
    const controller = new AbortController();
    const pending = client.resolve(app(), { signal: controller.signal });
    // Abort once the request has reached the server: an event, not a sleep.
    while (server.count() === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expectError(await pending, "cancelled");
  });

  it("limits concurrent requests per host", async (t) => {
    let inFlight = 0;
    let peak = 0;
    server.route({
      path: faultPaths.manifest("app"),
      fault: {
        kind: "custom",
        handle: async (ctx) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight--;
          ctx.send(await ctx.natural());
        },
      },
    });
    const { client } = await testClient(t, { limits: { perHostConcurrency: 2 } });
    const digests = [...image.manifestsByDigest.keys()];
    const results = await Promise.all(digests.map((d) => client.manifest(app(), d)));
    for (const r of results) expectOk(r);
    assert.ok(peak <= 2, `peak ${peak}`);
    assert.equal(server.count(), digests.length);
  });

  it("refuses a token realm on plain http away from loopback, without contacting it", async (t) => {
    server.route({
      method: "HEAD",
      path: faultPaths.manifest("app"),
      fault: {
        kind: "status",
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="http://auth.example.invalid/token",service="x"' },
      },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(app()), "bad-response");
    assert.equal(e.reason, "insecure-realm");
    assert.equal(client.totalRequests("token"), 0);
  });

  it("refuses an oversized token answer", async (t) => {
    const realm = await startFaultServer();
    t.after(() => realm.stop());
    realm.route({
      path: "/token",
      fault: { kind: "huge", mediaType: "application/json", bytes: 1024 * 1024 },
    });
    server.route({
      method: "HEAD",
      path: faultPaths.manifest("app"),
      fault: {
        kind: "status",
        status: 401,
        headers: { "www-authenticate": `Bearer realm="${realm.url}/token",service="x"` },
      },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.resolve(app()), "bad-response");
    assert.equal(e.reason, "too-large");
  });

  it("reports a registry that is not there as a network error", async (t) => {
    const gone = await startFaultServer();
    const host = gone.host;
    await gone.stop();
    const { client } = await testClient(t, { timeouts: SHORT });
    expectError(await client.resolve(ref(`${host}/app:1`)), "network");
  });
});
