import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pushImage } from "../../support/images";
import { startRegistry } from "../../support/registry";
import { ACCEPT, assertReadBack, pythonImage, smallImage } from "./helpers";

describe("startRegistry (pull-through proxy)", () => {
  it("proxy: pulls through from an upstream registry, refuses pushes", async (t) => {
    const upstream = await startRegistry();
    t.after(() => upstream.stop());
    const image = pythonImage();
    await pushImage(upstream, "library/python", "3.12-slim", image);
    const mirror = await startRegistry({ proxyRemoteUrl: upstream.url });
    t.after(() => mirror.stop());

    const head = await fetch(`${mirror.url}/v2/library/python/manifests/3.12-slim`, {
      method: "HEAD",
      headers: { accept: ACCEPT },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    await assertReadBack(mirror, "library/python", image);
    const push = await fetch(`${mirror.url}/v2/library/python/blobs/uploads/`, { method: "POST" });
    assert.equal(push.status, 405);
  });

  it("proxy: logs in to a private token-auth upstream with proxy credentials", async (t) => {
    const users = [{ user: "mirror", pass: "mirror-pass" }];
    const upstream = await startRegistry({
      auth: "token",
      users,
      tokenServerOptions: { anonymousPull: false },
    });
    t.after(() => upstream.stop());
    const image = smallImage();
    await pushImage(upstream, "acme/app", "1.0", image, users[0]);
    const mirror = await startRegistry({
      proxyRemoteUrl: upstream.url,
      proxyUsername: "mirror",
      proxyPassword: "mirror-pass",
    });
    t.after(() => mirror.stop());

    const head = await fetch(`${mirror.url}/v2/acme/app/manifests/1.0`, {
      method: "HEAD",
      headers: { accept: ACCEPT },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    assert.ok(
      upstream.tokenServer?.requests.some(
        (r) => r.user === "mirror" && r.scope.includes("repository:acme/app:pull"),
      ),
    );
  });
});
