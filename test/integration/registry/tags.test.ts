/**
 * Tag lists from the registry API (Link paging, bounded) and Docker Hub's web API served by the
 * loopback Hub stand-in with recorded-shape fixtures: tag details, repository trust, paging,
 * what is not found, Hub's own 429.
 */
import { expectError, expectOk, ref, testClient } from "./helpers";
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { buildImage, pushImage } from "../../support/images";
import { startHubApi, hubRateLimitFault } from "../../support/hubApi";
import type { HubApiServer } from "../../support/hubApi";
import { faultPaths, jsonAnswer, startFaultServer } from "../../support/faultServer";
import type { FaultServer } from "../../support/faultServer";
import { startRegistry } from "../../support/registry";
import type { Registry } from "../../support/registry";

describe("registry tag lists", () => {
  let registry: Registry;
  const tags = ["1", "1.0", "1.0.1", "2", "2.0", "latest", "slim"];
  before(async () => {
    registry = await startRegistry({ auth: "none" });
    const image = buildImage({ format: "oci", platforms: [{ os: "linux", architecture: "amd64" }] });
    for (const tag of tags) await pushImage(registry, "lib/app", tag, image);
  });
  after(() => registry.stop());

  it("reads the whole list (this registry version answers in one page)", async (t) => {
    const { client } = await testClient(t);
    const r = expectOk(await client.listTags(ref(`${registry.host}/lib/app`), { pageSize: 2 }));
    assert.deepEqual([...r.tags].sort(), [...tags].sort());
    assert.equal(r.complete, true);
  });

  it("tells a missing repository from an empty list", async (t) => {
    const { client } = await testClient(t);
    const e = expectError(await client.listTags(ref(`${registry.host}/lib/nope`)), "not-found");
    assert.equal(e.what, "repository");
  });
});

describe("registry tag list paging", () => {
  const tags = ["1", "1.0", "1.0.1", "2", "2.0", "latest", "slim"];
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer();
    // distribution's pagination (docs/spec/api.md): `n` and `last`, a Link header to the next page.
    server.route({
      path: faultPaths.tags("lib/app"),
      fault: {
        kind: "custom",
        handle: (ctx) => {
          const n = Number(ctx.url.searchParams.get("n") ?? tags.length);
          const last = ctx.url.searchParams.get("last");
          const start = last === null ? 0 : tags.indexOf(last) + 1;
          const page = tags.slice(start, start + n);
          const headers: Record<string, string> = {};
          if (start + n < tags.length)
            headers.link = `</v2/lib/app/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1) ?? "")}>; rel="next"`;
          ctx.send(jsonAnswer(200, { name: "lib/app", tags: page }, headers));
        },
      },
    });
  });
  after(() => server.stop());

  it("follows Link pages to the end", async (t) => {
    const { client } = await testClient(t);
    const r = expectOk(await client.listTags(ref(`${server.host}/lib/app`), { pageSize: 2 }));
    assert.deepEqual(r.tags, tags);
    assert.equal(r.complete, true);
    assert.equal(r.pages, 4);
    assert.equal(client.requestCounts()[server.host]?.["get-tags"], 4);
  });

  it("stops at the page limit and says the list is incomplete", async (t) => {
    const { client } = await testClient(t);
    const r = expectOk(await client.listTags(ref(`${server.host}/lib/app`), { pageSize: 2, maxPages: 2 }));
    assert.deepEqual(r.tags, tags.slice(0, 4));
    assert.equal(r.complete, false);
  });

  it("refuses a next page on another host", async (t) => {
    server.routeFirst({
      path: faultPaths.tags("lib/other"),
      times: 1,
      fault: {
        kind: "custom",
        handle: (ctx) =>
          ctx.send(
            jsonAnswer(
              200,
              { name: "lib/other", tags: ["a"] },
              { link: '<http://example.invalid/v2/lib/other/tags/list?n=1&last=a>; rel="next"' },
            ),
          ),
      },
    });
    const { client } = await testClient(t);
    const e = expectError(await client.listTags(ref(`${server.host}/lib/other`)), "bad-response");
    assert.equal(e.reason, "bad-redirect");
  });
});

describe("Docker Hub web API", () => {
  let hub: HubApiServer;
  before(async () => {
    hub = await startHubApi();
  });
  after(() => hub.stop());
  afterEach(() => {
    hub.clearRoutes();
    hub.resetRequests();
  });

  it("reads tag details: digest, per-platform digest / size / os / arch, last pushed", async (t) => {
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    const tag = expectOk(await client.hubTag(ref("python:3.12-slim")));
    const fixture = hub.repository("library", "python")?.tags.find((x) => x.name === "3.12-slim");
    assert.ok(fixture);
    assert.equal(tag.digest, fixture.digest);
    assert.equal(tag.mediaType, fixture.media_type);
    assert.equal(tag.lastPushed, fixture.tag_last_pushed);
    assert.equal(tag.images.length, fixture.images.length);
    const arm = tag.images.find((i) => i.architecture === "arm" && i.variant === "v7");
    const armFixture = fixture.images.find((i) => i.architecture === "arm" && i.variant === "v7");
    assert.equal(arm?.digest, armFixture?.digest);
    assert.equal(arm?.size, armFixture?.size);
    assert.equal(arm?.os, "linux");
    assert.equal(hub.count(), 1);
    assert.equal(client.requestCounts()[new URL(hub.url).host]?.["hub-api"], 1);
  });

  it("reads a tag still being built (null digest, no images)", async (t) => {
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    const tag = expectOk(await client.hubTag(ref("python:3.15-rc-slim")));
    assert.equal(tag.digest, undefined);
    assert.deepEqual(tag.images, []);
  });

  it("gives each repository Hub's search badge, as Hub spells it (none looked up for official images)", async (t) => {
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    const expected: [string, string | undefined][] = [
      ["python", undefined],
      // Docker Hub's recorded search pages rank these 22nd and 27th of 30.
      ["airbyte/source-gmail", "verified_publisher"],
      ["athenz/athenz", "open_source"],
      ["ebusinessdocker/disney", "none"],
    ];
    for (const [name, badge] of expected) {
      assert.equal(expectOk(await client.hubRepository(ref(name))).badge, badge, name);
    }
    const python = expectOk(await client.hubRepository(ref("python")));
    assert.equal(python.namespace, "library");
    assert.equal(python.name, "python");
    assert.equal(typeof python.starCount, "number");
    assert.equal(hub.count({ path: "/api/search/v4" }), 3, "official images need no search");
  });

  it("lists tags page by page, bounded", async (t) => {
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    const all = expectOk(await client.hubTags(ref("python"), { pageSize: 3 }));
    assert.equal(all.tags.length, 7);
    assert.equal(all.count, 7);
    assert.equal(all.complete, true);
    assert.equal(all.pages, 3);
    const some = expectOk(await client.hubTags(ref("python"), { pageSize: 3, maxPages: 1 }));
    assert.equal(some.tags.length, 3);
    assert.equal(some.complete, false);
    const filtered = expectOk(
      await client.hubTags(ref("python"), { name: "alpine", ordering: "last_updated" }),
    );
    assert.ok(filtered.tags.length > 0 && filtered.tags.every((x) => x.name.includes("alpine")));
  });

  it("says what is not found", async (t) => {
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    const tag = expectError(await client.hubTag(ref("python:0.0-nope")), "not-found");
    assert.equal(tag.what, "tag");
    const repo = expectError(await client.hubRepository(ref("nobody/nothing")), "not-found");
    assert.equal(repo.what, "repository");
    const e = expectError(await client.hubTag(ref("ghcr.io/o/r:1")), "bad-response");
    assert.equal(e.reason, "not-docker-hub");
  });

  it("stops asking the Hub API after its 429 until Retry-After", async (t) => {
    hub.route({ path: /\/tags\//, fault: hubRateLimitFault(120), times: 1 });
    const { client, clock } = await testClient(t, { hubApiUrl: hub.url });
    const start = clock.now;
    const e = expectError(await client.hubTag(ref("python:3.12-slim")), "rate-limited");
    assert.equal(e.resetAt?.getTime(), start + 120_000);
    expectError(await client.hubRepository(ref("python")), "rate-limited");
    assert.equal(hub.count(), 1);
    clock.now = start + 120_001;
    expectOk(await client.hubTag(ref("python:3.12-slim")));
    assert.equal(hub.count(), 2);
  });

  it("retries one 500 from the Hub API", async (t) => {
    hub.route({
      path: /\/tags$/,
      fault: { kind: "status", status: 500, body: { message: "oops" } },
      times: 1,
    });
    const { client } = await testClient(t, { hubApiUrl: hub.url });
    expectOk(await client.hubTags(ref("python")));
    assert.equal(hub.count(), 2);
  });
});
