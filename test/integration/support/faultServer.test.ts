import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestContext } from "node:test";
import { MANIFEST_ACCEPT, MediaType } from "../../../server/src/oci/types";
import { startFaultServer, faultPaths, RATE_LIMIT_MESSAGE } from "../../support/faultServer";
import type { FaultRule, FaultServer } from "../../support/faultServer";
import { basicAuthHeader } from "../../support/http";
import { buildImage, parseChallenge, platformManifest, pushImage, sha256 } from "../../support/images";
import { startRegistry } from "../../support/registry";
import { startTokenServer } from "../../support/tokenServer";
import type { TokenServer } from "../../support/tokenServer";

const ACCEPT = MANIFEST_ACCEPT.join(", ");
const image = buildImage({
  format: "oci",
  attestation: true,
  platforms: [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
  ],
});
const amd64 = platformManifest(image, "linux/amd64");
const layerDigest = amd64.layers[0]?.digest ?? "";

/** Waits (briefly polling) for a condition the server side reaches asynchronously. */
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("startFaultServer", () => {
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer({
      images: [{ repository: "library/python", tag: ["3.12", "latest"], image }],
    });
  });
  after(() => server.stop());

  const manifestUrl = (ref = "3.12"): string => `${server.url}/v2/library/python/manifests/${ref}`;
  const blobUrl = (digest = layerDigest): string => `${server.url}/v2/library/python/blobs/${digest}`;
  /** A rule that fires once; removed after the test even if it never fired. */
  const once = (t: TestContext, rule: FaultRule): void => {
    const handle = server.route({ times: 1, ...rule });
    t.after(() => handle.remove());
  };

  it("serves the image normally: HEAD digest, manifests by tag and digest, blobs, tags list, 404s", async () => {
    const head = await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    assert.equal(head.headers.get("content-type"), MediaType.ociIndex);
    const child = await fetch(manifestUrl(amd64.digest), { headers: { accept: ACCEPT } });
    assert.equal(sha256(Buffer.from(await child.arrayBuffer())), amd64.digest);
    const blob = await fetch(blobUrl());
    assert.equal(sha256(Buffer.from(await blob.arrayBuffer())), layerDigest);
    assert.deepEqual(await (await fetch(`${server.url}/v2/library/python/tags/list`)).json(), {
      name: "library/python",
      tags: ["3.12", "latest"],
    });
    const missing = await fetch(manifestUrl("nope"), { headers: { accept: ACCEPT } });
    assert.equal(missing.status, 404);
    assert.equal(
      ((await missing.json()) as { errors: { code: string }[] }).errors[0]?.code,
      "MANIFEST_UNKNOWN",
    );
    const unknownRepo = await fetch(`${server.url}/v2/nobody/here/manifests/1`, {
      headers: { accept: ACCEPT },
    });
    assert.equal(
      ((await unknownRepo.json()) as { errors: { code: string }[] }).errors[0]?.code,
      "NAME_UNKNOWN",
    );
    const narrowAccept = await fetch(manifestUrl(), { headers: { accept: MediaType.dockerManifest } });
    assert.equal(narrowAccept.status, 404);
    await narrowAccept.arrayBuffer();
  });

  it("records every request with method, path and headers", async () => {
    server.resetRequests();
    await (
      await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT, "x-test": "1" } })
    ).arrayBuffer();
    await (await fetch(blobUrl())).arrayBuffer();
    assert.equal(server.count({ method: "HEAD", path: faultPaths.manifest("library/python") }), 1);
    assert.equal(server.count({ path: faultPaths.blob() }), 1);
    const first = server.requests[0];
    assert.equal(first?.method, "HEAD");
    assert.equal(first?.path, "/v2/library/python/manifests/3.12");
    assert.equal(first?.headers["x-test"], "1");
    assert.equal(first?.headers.accept, ACCEPT);
    assert.equal(first?.status, 200);
    assert.equal(server.requests[1]?.bytesSent, amd64.layers[0]?.size);
  });

  it("delay: answers normally after the delay", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "delay", ms: 150 } });
    const start = performance.now();
    const res = await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT } });
    assert.ok(performance.now() - start >= 140);
    assert.equal(res.headers.get("docker-content-digest"), image.digest);
  });

  it("hang: never answers; the client's timeout fires and the request is recorded as aborted", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "hang" } });
    await assert.rejects(fetch(manifestUrl(), { signal: AbortSignal.timeout(150) }), {
      name: "TimeoutError",
    });
    const record = server.requests.at(-1);
    assert.equal(record?.fault, "hang");
    assert.equal(record?.status, 0);
    await until(() => record?.aborted === true);
  });

  it("drop and reset: the connection closes without an answer", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "drop" } });
    await assert.rejects(fetch(manifestUrl()), (err: Error) => err instanceof TypeError);
    once(t, { path: faultPaths.manifest(), fault: { kind: "reset" } });
    await assert.rejects(fetch(manifestUrl()), (err: TypeError) =>
      /ECONNRESET|other side closed|socket/i.test(
        String((err.cause as Error | undefined)?.message ?? err.cause),
      ),
    );
  });

  it("500 and 503 with distribution error bodies, then normal service (times: 1)", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "status", status: 500 } });
    once(t, { path: faultPaths.manifest(), fault: { kind: "status", status: 503 } });
    const r500 = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(r500.status, 500);
    assert.equal(((await r500.json()) as { errors: { code: string }[] }).errors[0]?.code, "UNKNOWN");
    const r503 = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(r503.status, 503);
    assert.equal(((await r503.json()) as { errors: { code: string }[] }).errors[0]?.code, "UNAVAILABLE");
    const ok = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  });

  it("429 with Docker Hub's ratelimit headers and TOOMANYREQUESTS body (no body on HEAD)", async (t) => {
    const rule = server.route({ path: faultPaths.manifest(), fault: { kind: "rateLimit", retryAfter: 30 } });
    t.after(() => rule.remove());
    const get = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(get.status, 429);
    assert.equal(get.headers.get("ratelimit-limit"), "100;w=21600");
    assert.equal(get.headers.get("ratelimit-remaining"), "0;w=21600");
    assert.equal(get.headers.get("retry-after"), "30");
    assert.deepEqual(await get.json(), {
      errors: [{ code: "TOOMANYREQUESTS", message: RATE_LIMIT_MESSAGE }],
    });
    const head = await fetch(manifestUrl(), { method: "HEAD" });
    assert.equal(head.status, 429);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    assert.equal(rule.fired, 2);
    rule.remove();
  });

  it("truncate: Content-Length larger than the bytes sent, then the connection drops", async (t) => {
    once(t, { path: faultPaths.blob(), fault: { kind: "truncate", sendBytes: 10 } });
    const res = await fetch(blobUrl());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), String(amd64.layers[0]?.size));
    await assert.rejects(res.arrayBuffer());
    assert.equal(server.requests.at(-1)?.bytesSent, 10);
  });

  it("wrongDigest: the header lies (mode header) or the body differs (mode body)", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "wrongDigest" } });
    const lyingHeader = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    const body1 = Buffer.from(await lyingHeader.arrayBuffer());
    assert.equal(sha256(body1), image.digest);
    assert.notEqual(lyingHeader.headers.get("docker-content-digest"), image.digest);

    once(t, { path: faultPaths.manifest(), fault: { kind: "wrongDigest", mode: "body" } });
    const lyingBody = await fetch(manifestUrl(amd64.digest), { headers: { accept: ACCEPT } });
    const body2 = Buffer.from(await lyingBody.arrayBuffer());
    assert.equal(lyingBody.headers.get("docker-content-digest"), amd64.digest);
    assert.notEqual(sha256(body2), amd64.digest);
    assert.deepEqual(JSON.parse(body2.toString()), amd64.json, "same document, other bytes");
  });

  it("huge: streams 50 MiB without holding it; a client that stops early aborts the stream", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "huge" } });
    const res = await fetch(manifestUrl());
    assert.equal(res.headers.get("content-length"), String(50 * 1024 * 1024));
    let received = 0;
    // Leaving the loop early cancels the stream, as a client enforcing a size cap would.
    for await (const chunk of res.body ?? []) {
      received += (chunk as Uint8Array).length;
      if (received >= 1024 * 1024) break;
    }
    assert.ok(received >= 1024 * 1024);
    await until(() => server.requests.at(-1)?.aborted === true);
    const record = server.requests.at(-1);
    assert.ok(
      record && record.bytesSent < 50 * 1024 * 1024,
      `server stopped early (sent ${record?.bytesSent})`,
    );

    once(t, {
      path: faultPaths.blob(),
      fault: { kind: "huge", bytes: 8 * 1024 * 1024 + 123, chunked: true },
    });
    const full = await fetch(blobUrl());
    assert.equal(full.headers.get("content-length"), null);
    let total = 0;
    for await (const chunk of full.body ?? []) total += (chunk as Uint8Array).length;
    assert.equal(total, 8 * 1024 * 1024 + 123);
  });

  it("missing Docker-Content-Digest, schema 1 body, unknown media type, extra headers", async (t) => {
    once(t, { path: faultPaths.manifest(), fault: { kind: "noDigestHeader" } });
    const noDigest = await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT } });
    assert.equal(noDigest.status, 200);
    assert.equal(noDigest.headers.get("docker-content-digest"), null);

    once(t, { path: faultPaths.manifest(), fault: { kind: "schema1" } });
    const s1 = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(s1.headers.get("content-type"), MediaType.dockerSchema1Signed);
    const s1body = Buffer.from(await s1.arrayBuffer());
    assert.equal(s1.headers.get("docker-content-digest"), sha256(s1body));
    const s1json = JSON.parse(s1body.toString()) as {
      schemaVersion: number;
      name: string;
      tag: string;
      signatures: unknown[];
    };
    assert.deepEqual(
      [s1json.schemaVersion, s1json.name, s1json.tag, s1json.signatures.length],
      [1, "library/python", "3.12", 1],
    );

    once(t, {
      path: faultPaths.manifest(),
      fault: { kind: "unknownMediaType", mediaType: "application/vnd.example.thing+json" },
    });
    const unknown = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    assert.equal(unknown.headers.get("content-type"), "application/vnd.example.thing+json");
    assert.equal(
      unknown.headers.get("docker-content-digest"),
      sha256(Buffer.from(await unknown.arrayBuffer())),
    );

    once(t, {
      path: faultPaths.manifest(),
      fault: { kind: "headers", set: { "ratelimit-remaining": "76;w=21600" } },
    });
    const withHeaders = await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT } });
    assert.equal(withHeaders.headers.get("ratelimit-remaining"), "76;w=21600");
    assert.equal(withHeaders.headers.get("docker-content-digest"), image.digest);
  });

  it("composes rules: method filters, skip, times, first match wins", async (t) => {
    const headOnly = server.route({
      method: "HEAD",
      path: faultPaths.manifest(),
      skip: 1,
      times: 2,
      fault: { kind: "status", status: 503 },
    });
    t.after(() => headOnly.remove());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(manifestUrl(), { method: "HEAD", headers: { accept: ACCEPT } });
      statuses.push(res.status);
    }
    const get = await fetch(manifestUrl(), { headers: { accept: ACCEPT } });
    await get.arrayBuffer();
    assert.deepEqual(statuses, [200, 503, 503, 200]);
    assert.equal(get.status, 200);
    assert.deepEqual([headOnly.matched, headOnly.fired], [4, 2]);
    headOnly.remove();

    const front = server.route({
      path: "/v2/library/python/manifests/latest",
      fault: { kind: "status", status: 500 },
    });
    const winner = server.routeFirst({
      path: faultPaths.manifest("library/python", "latest"),
      fault: { kind: "status", status: 502 },
    });
    t.after(() => {
      front.remove();
      winner.remove();
    });
    const res = await fetch(manifestUrl("latest"), { method: "HEAD" });
    assert.equal(res.status, 502);
    front.remove();
    winner.remove();
  });
});

describe("startFaultServer with auth and the CDN", () => {
  let tokenServer: TokenServer;
  let server: FaultServer;
  before(async () => {
    tokenServer = await startTokenServer();
    server = await startFaultServer({
      images: [{ repository: "library/python", tag: "3.12", image }],
      auth: { token: tokenServer },
    });
  });
  after(async () => {
    await server.stop();
    await tokenServer.stop();
  });

  it("challenges like a token registry and accepts the token server's tokens", async () => {
    const url = `${server.url}/v2/library/python/manifests/3.12`;
    const anonymous = await fetch(url, { method: "HEAD", headers: { accept: ACCEPT } });
    assert.equal(anonymous.status, 401);
    const { params } = parseChallenge(anonymous.headers.get("www-authenticate") ?? "");
    assert.deepEqual(params, {
      realm: tokenServer.realm,
      service: tokenServer.service,
      scope: "repository:library/python:pull",
    });
    const tokenRes = await fetch(`${params.realm}?service=${params.service}&scope=${params.scope}`);
    const { token } = (await tokenRes.json()) as { token: string };
    const ok = await fetch(url, {
      method: "HEAD",
      headers: { accept: ACCEPT, authorization: `Bearer ${token}` },
    });
    assert.equal(ok.headers.get("docker-content-digest"), image.digest);

    const otherRepo = tokenServer.issue({
      access: [{ type: "repository", name: "library/alpine", actions: ["pull"] }],
    });
    const denied = await fetch(url, { method: "HEAD", headers: { authorization: `Bearer ${otherRepo}` } });
    assert.equal(
      parseChallenge(denied.headers.get("www-authenticate") ?? "").params.error,
      "insufficient_scope",
    );
    const expired = tokenServer.issue({
      access: [{ type: "repository", name: "library/python", actions: ["pull"] }],
      expiresIn: -5,
    });
    const stale = await fetch(url, { method: "HEAD", headers: { authorization: `Bearer ${expired}` } });
    assert.equal(parseChallenge(stale.headers.get("www-authenticate") ?? "").params.error, "invalid_token");
  });

  it("redirects blob GETs to the CDN, which records whether Authorization reached it", async (t) => {
    const rule = server.route({ method: "GET", path: faultPaths.blob(), fault: { kind: "redirect" } });
    t.after(() => rule.remove());
    const token = tokenServer.issue({
      access: [{ type: "repository", name: "library/python", actions: ["pull"] }],
    });
    const url = `${server.url}/v2/library/python/blobs/${layerDigest}`;

    const manual = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: "manual" });
    assert.equal(manual.status, 307);
    const location = manual.headers.get("location") ?? "";
    assert.ok(location.startsWith(`${server.cdn.url}/cdn/v2/library/python/blobs/${layerDigest}?`));

    // fetch drops Authorization on a cross-origin redirect (Fetch spec); the CDN sees none.
    const followed = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(followed.status, 200);
    assert.equal(sha256(Buffer.from(await followed.arrayBuffer())), layerDigest);
    assert.equal(server.cdn.requests.at(-1)?.hadAuthorization, false);

    // A client that forwards it by hand is caught.
    const leaky = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    await leaky.arrayBuffer();
    assert.equal(server.cdn.requests.at(-1)?.hadAuthorization, true);
    assert.equal(server.cdn.requests.at(-1)?.headers.authorization, `Bearer ${token}`);
  });

  it("beforeAuth rules fire ahead of the 401 (e.g. the Hub's anti-abuse bare 429)", async (t) => {
    const rule = server.route({
      beforeAuth: true,
      path: faultPaths.ping,
      times: 1,
      fault: { kind: "status", status: 429, body: "Too Many Requests (HAP429).\n" },
    });
    t.after(() => rule.remove());
    const res = await fetch(`${server.url}/v2/`);
    assert.equal(res.status, 429);
    assert.equal(await res.text(), "Too Many Requests (HAP429).\n");
    assert.equal((await fetch(`${server.url}/v2/`)).status, 401);
  });

  it("Basic auth mode refuses a wrong password", async (t) => {
    const basic = await startFaultServer({
      images: [{ repository: "a/b", tag: "1", image }],
      auth: { basic: [{ user: "u", pass: "p" }] },
    });
    t.after(() => basic.stop());
    const wrong = await fetch(`${basic.url}/v2/a/b/manifests/1`, {
      method: "HEAD",
      headers: { authorization: basicAuthHeader("u", "x") },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get("www-authenticate"), 'Basic realm="test-realm"');
    const right = await fetch(`${basic.url}/v2/a/b/manifests/1`, {
      method: "HEAD",
      headers: { accept: ACCEPT, authorization: basicAuthHeader("u", "p") },
    });
    assert.equal(right.status, 200);
  });
});

describe("startFaultServer in front of a real registry (upstream)", () => {
  it("relays requests, challenges included, and injects faults on the way", async (t) => {
    const registry = await startRegistry({ auth: "token" });
    t.after(() => registry.stop());
    const proxy = await startFaultServer({ upstream: registry.url });
    t.after(() => proxy.stop());
    // Pushing through the proxy works too (upload Locations are rewritten to the proxy).
    await pushImage({ url: proxy.url }, "library/python", "3.12", image, registry.users[0]);

    const url = `${proxy.url}/v2/library/python/manifests/3.12`;
    const challenge = await fetch(url, { method: "HEAD", headers: { accept: ACCEPT } });
    assert.equal(challenge.status, 401);
    const { params } = parseChallenge(challenge.headers.get("www-authenticate") ?? "");
    assert.equal(params.realm, registry.tokenServer?.realm);
    const { token } = (await (
      await fetch(`${params.realm}?service=${params.service}&scope=${params.scope}`)
    ).json()) as {
      token: string;
    };
    const headers = { accept: ACCEPT, authorization: `Bearer ${token}` };

    const flaky = proxy.route({
      path: faultPaths.manifest(),
      times: 1,
      fault: { kind: "status", status: 503 },
    });
    t.after(() => flaky.remove());
    assert.equal((await fetch(url, { method: "HEAD", headers })).status, 503);
    const head = await fetch(url, { method: "HEAD", headers });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    assert.equal(head.headers.get("content-length"), String(image.bytes.length));
    const get = await fetch(url, { headers });
    assert.equal(sha256(Buffer.from(await get.arrayBuffer())), image.digest);
    assert.equal(proxy.count({ method: "HEAD", path: faultPaths.manifest("library/python", "3.12") }), 3);
  });
});
