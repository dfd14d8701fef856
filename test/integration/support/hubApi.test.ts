import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hubRateLimitFault, loadHubFixtures, startHubApi } from "../../support/hubApi";
import type { HubApiServer, HubTag } from "../../support/hubApi";
import { realdataRecord } from "../../support/images";

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: HubTag[];
}

describe("startHubApi", () => {
  let hub: HubApiServer;
  before(async () => {
    hub = await startHubApi();
  });
  after(() => hub.stop());

  it("pages tag lists with absolute next links until null", async () => {
    const names: string[] = [];
    let url: string | null = `${hub.url}/v2/namespaces/library/repositories/python/tags?page_size=3`;
    let pages = 0;
    while (url !== null) {
      assert.ok(url.startsWith(hub.url), "next stays on the same origin");
      const res = await fetch(url);
      assert.equal(res.status, 200);
      const page = (await res.json()) as Page;
      assert.equal(page.count, 7);
      assert.ok(page.results.length <= 3);
      names.push(...page.results.map((t) => t.name));
      if (pages > 0) assert.ok(page.previous?.includes(`page=${pages}`));
      url = page.next;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      names,
      hub.repository("library", "python")?.tags.map((t) => t.name),
    );
  });

  it("serves tags with real digests from realdata, never the fixture-only _ keys", async () => {
    const res = await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags/3.12-slim`);
    const tag = (await res.json()) as HubTag;
    const record = realdataRecord("python:3.12-slim");
    assert.equal(tag.digest, record.indexDigest);
    assert.equal(tag.media_type, record.indexMediaType);
    assert.equal(tag.images.find((i) => i.architecture === "amd64")?.digest, record.amd64.digest);
    assert.equal("_source" in tag, false);
    assert.equal(
      tag.images.some((i) => i.os === "unknown"),
      false,
    );
    const head = await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags/3.12-slim`, {
      method: "HEAD",
    });
    assert.equal(head.status, 200);
  });

  it("serves Docker Hub's recorded answers: tag objects as recorded, recorded headers and 404 body", async () => {
    const rust = await fetch(`${hub.url}/v2/namespaces/library/repositories/rust/tags/1.44.0-slim`);
    assert.equal(rust.headers.get("x-ratelimit-limit"), "180");
    assert.equal(rust.headers.get("x-ratelimit-remaining"), "175");
    assert.ok(Number(rust.headers.get("x-ratelimit-reset")) > Date.now() / 1000);
    const tag = (await rust.json()) as HubTag;
    assert.equal("digest" in tag, false, "old multi-arch official tags have no tag-level digest");
    assert.equal(tag.full_size, 0);
    assert.equal(tag.images.length, 4);
    const disney = (await (
      await fetch(`${hub.url}/v2/namespaces/ebusinessdocker/repositories/disney/tags/latest`)
    ).json()) as HubTag;
    assert.equal(disney.media_type, "application/vnd.docker.container.image.v1+json");
    assert.equal("digest" in disney, false);
    assert.equal(
      disney.images[0]?.digest,
      "sha256:46a577b81ad2ad37b99d7a809ccd21c135cbca3c6ab3b49cfcf705c54312de78",
    );
    const repo = (await (
      await fetch(`${hub.url}/v2/namespaces/ebusinessdocker/repositories/disney`)
    ).json()) as Record<string, unknown>;
    assert.equal(repo.status_description, "active");
    assert.equal(
      (await fetch(`${hub.url}/v2/namespaces/library/repositories/rust/tags/1.92.0-slim`)).status,
      404,
    );
    const missing = await fetch(`${hub.url}/v2/namespaces/library/repositories/rust/tags/9.9`);
    assert.deepEqual(await missing.json(), {
      message: "httperror 404: tag '9.9' not found",
      errinfo: { namespace: "library", repository: "rust", tag: "9.9" },
    });
  });

  it("answers the legacy /v2/repositories routes and repository info the same way", async () => {
    const legacy = (await (
      await fetch(`${hub.url}/v2/repositories/library/ubuntu/tags/noble`)
    ).json()) as HubTag;
    const current = (await (
      await fetch(`${hub.url}/v2/namespaces/library/repositories/ubuntu/tags/noble`)
    ).json()) as HubTag;
    assert.deepEqual(legacy, current);
    const aliases = (await (
      await fetch(`${hub.url}/v2/repositories/library/ubuntu/tags?page_size=100`)
    ).json()) as Page;
    assert.deepEqual(
      aliases.results.filter((t) => t.digest === current.digest).map((t) => t.name),
      ["noble", "24.04", "latest"],
    );
    const info = (await (await fetch(`${hub.url}/v2/repositories/library/python/`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(info.namespace, "library");
    assert.equal(info.name, "python");
    assert.equal(info.is_private, false);
    const info2 = (await (
      await fetch(`${hub.url}/v2/namespaces/library/repositories/python`)
    ).json()) as Record<string, unknown>;
    assert.deepEqual(info, info2);
  });

  it("filters by name, orders by last_updated, caps page_size at 100", async () => {
    const filtered = (await (
      await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags?name=alpine`)
    ).json()) as Page;
    assert.deepEqual(
      filtered.results.map((t) => t.name),
      ["3.13-alpine", "3.13-alpine3.24"],
    );
    const ordered = (await (
      await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags?ordering=last_updated`)
    ).json()) as Page;
    const dates = ordered.results.map((t) => t.last_updated ?? "");
    assert.deepEqual(dates, [...dates].sort().reverse());
    const big = (await (
      await fetch(`${hub.url}/v2/repositories/library/python/tags?page_size=1000`)
    ).json()) as Page;
    assert.equal(big.results.length, 7);
  });

  it("404s unknown tags and repositories; search v4 carries trust badges", async () => {
    const tag = await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags/nope`);
    assert.equal(tag.status, 404);
    assert.deepEqual(await tag.json(), {
      message: "httperror 404: tag 'nope' not found",
      errinfo: { namespace: "library", repository: "python", tag: "nope" },
    });
    assert.equal((await fetch(`${hub.url}/v2/namespaces/nobody/repositories/nothing/tags`)).status, 404);

    const badges = new Map<string, unknown>();
    for (const q of ["python", "airbyte/source-gmail", "athenz/athenz", "ebusinessdocker/disney"]) {
      const res = (await (await fetch(`${hub.url}/api/search/v4?query=${q}&size=100`)).json()) as {
        total: number;
        results: { id: string; badge: unknown }[];
      };
      for (const r of res.results) badges.set(r.id, r.badge);
    }
    assert.equal(badges.get("library/python"), "official");
    // Docker Hub's recorded search pages: the exact name is one result among 30, ranked as Hub ranked it.
    assert.equal(badges.get("airbyte/source-gmail"), "verified_publisher");
    assert.equal(badges.get("athenz/athenz"), "open_source");
    assert.equal(badges.get("ebusinessdocker/disney"), "none");
    const firstPage = (await (await fetch(`${hub.url}/api/search/v4?query=gmail`)).json()) as {
      total: number;
      results: { id: string }[];
    };
    assert.equal(firstPage.total, 1111, "the recorded total");
    assert.equal(firstPage.results.length, 10);
    assert.equal(
      firstPage.results.some((r) => r.id === "airbyte/source-gmail"),
      false,
      "ranked 22nd: not on the first page",
    );
  });

  it("takes fault rules, e.g. the Hub's 429 with Retry-After", async (t) => {
    hub.resetRequests();
    const rule = hub.route({ path: /\/tags$/, times: 1, fault: hubRateLimitFault(42) });
    t.after(() => rule.remove());
    const limited = await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "42");
    assert.deepEqual(await limited.json(), { detail: "Rate limit exceeded", error: false });
    assert.equal((await fetch(`${hub.url}/v2/namespaces/library/repositories/python/tags`)).status, 200);
    assert.equal(hub.count({ path: "/v2/namespaces/library/repositories/python/tags" }), 2);
  });

  it("every fixture file says where its shape came from", () => {
    for (const fixture of loadHubFixtures()) {
      assert.equal(typeof fixture._source, "string", `${fixture.namespace}/${fixture.name}`);
      for (const tag of fixture.tags)
        assert.equal(typeof tag._source, "string", `${fixture.namespace}/${fixture.name}:${tag.name}`);
    }
  });
});
