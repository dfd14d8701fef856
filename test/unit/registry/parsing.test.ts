import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHubTag } from "../../../server/src/registry/hub";
import { parseLinkNext } from "../../../server/src/registry/tags";
import { parseTokenResponse } from "../../../server/src/registry/auth/token";

const base = new URL("https://registry.example/v2/library/python/tags/list?n=2");

describe("tag list Link headers (distribution pagination)", () => {
  it("follows a relative rel=next link", () => {
    assert.equal(
      parseLinkNext(['</v2/library/python/tags/list?last=3.12&n=2>; rel="next"'], base)?.href,
      "https://registry.example/v2/library/python/tags/list?last=3.12&n=2",
    );
  });

  it("finds next among several links and unquoted rel", () => {
    assert.equal(
      parseLinkNext(
        ["<https://registry.example/prev>; rel=prev, <https://registry.example/next?a=1,2>; rel=next"],
        base,
      )?.pathname,
      "/next",
    );
  });

  it("has no next without a Link header or a next relation", () => {
    assert.equal(parseLinkNext([], base), undefined);
    assert.equal(parseLinkNext(['</x>; rel="prev"'], base), undefined);
  });

  it("reads relation types whole, and quoted parameters as data (found by the fuzz test)", () => {
    assert.equal(
      parseLinkNext(["</archive>; rel=next-archive"], base),
      undefined,
      "next-archive is not next",
    );
    assert.equal(
      parseLinkNext(['</a>; title="a, b; rel=next", </b>; rel="prev next"'], base)?.pathname,
      "/b",
      "the first link's rel is inside its title",
    );
    assert.equal(parseLinkNext(['</a>; REL="Next"'], base)?.pathname, "/a", "case-insensitive");
    assert.equal(parseLinkNext(['</a>; rel=""; rel=next'], base), undefined, "only the first rel counts");
  });
});

describe("Docker Hub tag objects", () => {
  it("reads the documented fields", () => {
    const t = parseHubTag({
      name: "latest",
      full_size: 123456,
      last_updated: "2021-01-05T21:06:53.506400Z",
      tag_status: "active",
      tag_last_pushed: "2021-01-05T21:06:53.506400Z",
      media_type: "application/vnd.docker.distribution.manifest.list.v2+json",
      digest: `sha256:${"a".repeat(64)}`,
      images: [
        {
          architecture: "amd64",
          features: "",
          variant: null,
          digest: `sha256:${"b".repeat(64)}`,
          os: "linux",
          os_features: "",
          os_version: null,
          size: 123456,
          status: "active",
          last_pulled: null,
          last_pushed: "2021-01-05T21:06:53.506400Z",
        },
      ],
    });
    assert.deepEqual(t, {
      name: "latest",
      images: [
        {
          os: "linux",
          architecture: "amd64",
          digest: `sha256:${"b".repeat(64)}`,
          size: 123456,
          lastPushed: "2021-01-05T21:06:53.506400Z",
          status: "active",
        },
      ],
      digest: `sha256:${"a".repeat(64)}`,
      mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
      lastPushed: "2021-01-05T21:06:53.506400Z",
      lastUpdated: "2021-01-05T21:06:53.506400Z",
      status: "active",
      fullSize: 123456,
    });
  });

  it("tolerates nulls, a missing images list and the OpenAPI's single-object images", () => {
    assert.deepEqual(parseHubTag({ name: "x", digest: null, tag_last_pushed: null }), {
      name: "x",
      images: [],
    });
    assert.equal(
      parseHubTag({ name: "x", images: { os: "linux", architecture: "arm64" } })?.images[0]?.architecture,
      "arm64",
    );
    assert.equal(parseHubTag({ digest: "sha256:x" }), undefined);
    assert.equal(parseHubTag("nope"), undefined);
  });
});

describe("token responses (distribution token.md)", () => {
  const enc = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));
  it("reads token or access_token, and expires_in", () => {
    assert.deepEqual(
      parseTokenResponse(
        enc({
          token: "t1",
          access_token: "t1",
          expires_in: 300,
          issued_at: "2024-09-04T08:01:41.048681016Z",
        }),
      ),
      { token: "t1", expiresInSeconds: 300 },
    );
    assert.deepEqual(parseTokenResponse(enc({ access_token: "t2", expires_in: 3600 })), {
      token: "t2",
      expiresInSeconds: 3600,
    });
  });

  it("keeps a token at most a day, whatever expires_in claims", () => {
    assert.deepEqual(parseTokenResponse(enc({ token: "t", expires_in: 1e12 })), {
      token: "t",
      expiresInSeconds: 86_400,
    });
  });

  it("assumes 60 s without expires_in", () => {
    assert.deepEqual(parseTokenResponse(enc({ token: "t" })), { token: "t", expiresInSeconds: 60 });
  });

  it("has no token for empty or broken answers", () => {
    assert.equal(parseTokenResponse(enc({ token: "" })), undefined);
    assert.equal(parseTokenResponse(Buffer.from("nope")), undefined);
  });
});
