/** Self-test of the replay of Docker Hub's recorded registry answers (hubRegistryReplay.ts). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";

describe("startHubRegistryReplay", () => {
  let replay: HubRegistryReplay;
  before(async () => {
    replay = await startHubRegistryReplay();
  });
  after(() => replay.stop());

  const bearer = async (): Promise<string> => {
    const res = await fetch(
      `${replay.auth.url}/token?service=registry.docker.io&scope=repository:library/hello-world:pull`,
    );
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    return ((await res.json()) as { token: string }).token;
  };

  it("challenges like registry-1.docker.io: the ping, then the repository scope", async () => {
    const ping = await fetch(`${replay.url}/v2/`);
    assert.equal(ping.status, 401);
    assert.equal(
      ping.headers.get("www-authenticate"),
      `Bearer realm="${replay.auth.url}/token",service="registry.docker.io"`,
    );
    const manifest = await fetch(`${replay.url}/v2/library/alpine/manifests/latest`);
    assert.equal(manifest.status, 401);
    assert.match(manifest.headers.get("www-authenticate") ?? "", /scope="repository:library\/alpine:pull"/);
    assert.equal(manifest.headers.get("docker-ratelimit-source"), "192.12.184.6");
    assert.equal(manifest.headers.get("ratelimit-limit"), null, "a 401 carries no limit headers");
    assert.equal((await manifest.text()).length, 157, "the recorded Content-Length");
  });

  it("serves the recorded index with its digest and rate-limit headers, and the 429 once pulls are spent", async () => {
    const token = await bearer();
    const headers = { authorization: `Bearer ${token}` };
    const head = await fetch(`${replay.url}/v2/library/hello-world/manifests/latest`, {
      method: "HEAD",
      headers,
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), replay.digests.index);
    assert.equal(head.headers.get("ratelimit-remaining"), "0;w=21600");
    replay.pulls = "spent";
    const get = await fetch(`${replay.url}/v2/library/hello-world/manifests/latest`, { headers });
    assert.equal(get.status, 429);
    assert.match(await get.text(), /TOOMANYREQUESTS/);
    const stillHead = await fetch(`${replay.url}/v2/library/hello-world/manifests/latest`, {
      method: "HEAD",
      headers,
    });
    assert.equal(stillHead.status, 200, "HEAD does not count");
    replay.pulls = "reset";
    const again = await fetch(`${replay.url}/v2/library/hello-world/manifests/latest`, { headers });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("ratelimit-remaining"), "85;w=21600");
    replay.pulls = "recorded";
  });

  it("redirects the config blob to the CDN, which serves the recorded bytes", async () => {
    const token = await bearer();
    const res = await fetch(`${replay.url}/v2/library/hello-world/blobs/${replay.digests.config}`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: "manual",
    });
    assert.equal(res.status, 307);
    const location = res.headers.get("location") ?? "";
    assert.ok(location.startsWith(`${replay.cdn.url}/registry-v2/`));
    const blob = await fetch(location);
    assert.equal(blob.headers.get("server"), "cloudflare");
    assert.equal((await blob.arrayBuffer()).byteLength, 1470);
  });
});
