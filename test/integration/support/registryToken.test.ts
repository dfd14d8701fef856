import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { basicAuthHeader } from "../../support/http";
import { parseChallenge, pushImage } from "../../support/images";
import { startRegistry } from "../../support/registry";
import { parseScope, startTokenServer } from "../../support/tokenServer";
import { ACCEPT, assertReadBack, bearer, pythonImage } from "./helpers";

describe("startRegistry (token auth)", () => {
  it("token: challenge names realm, service and scope; issued tokens are accepted", async (t) => {
    const registry = await startRegistry({ auth: "token" });
    t.after(() => registry.stop());
    const ts = registry.tokenServer;
    assert.ok(ts);

    const ping = await fetch(`${registry.url}/v2/`);
    assert.equal(ping.status, 401);
    assert.deepEqual(parseChallenge(ping.headers.get("www-authenticate") ?? ""), {
      scheme: "bearer",
      params: { realm: ts.realm, service: ts.service },
    });
    const head = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`, {
      method: "HEAD",
      headers: { accept: ACCEPT },
    });
    assert.equal(head.status, 401);
    assert.deepEqual(parseChallenge(head.headers.get("www-authenticate") ?? "").params, {
      realm: ts.realm,
      service: ts.service,
      scope: "repository:library/python:pull",
    });

    const image = pythonImage();
    await pushImage(registry, "library/python", "3.12-slim", image, registry.users[0]);
    // The push's token came with the user's credentials (the writer may also have asked anonymously
    // first, in whatever order its concurrent uploads ran).
    // The registry lists the challenge's actions in either order ("pull,push" or "push,pull").
    const pushRequests = ts.requests.filter((r) =>
      r.scope.some((s) => {
        const access = parseScope(s);
        return access?.name === "library/python" && access.actions.includes("push");
      }),
    );
    assert.ok(
      pushRequests.some((r) => r.user === registry.users[0]?.user && r.authorized),
      JSON.stringify(pushRequests),
    );

    const token = await bearer(registry, "repository:library/python:pull");
    const ok = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`, {
      method: "HEAD",
      headers: { accept: ACCEPT, authorization: `Bearer ${token}` },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("docker-content-digest"), image.digest);
    await assertReadBack(registry, "library/python", image, { authorization: `Bearer ${token}` });
  });

  it("token: other repository → insufficient_scope; anonymous push → 401; wrong password → token server 401", async (t) => {
    const registry = await startRegistry({ auth: "token" });
    t.after(() => registry.stop());
    const token = await bearer(registry, "repository:library/python:pull");
    const other = await fetch(`${registry.url}/v2/library/alpine/manifests/latest`, {
      headers: { accept: ACCEPT, authorization: `Bearer ${token}` },
    });
    assert.equal(other.status, 401);
    assert.equal(
      parseChallenge(other.headers.get("www-authenticate") ?? "").params.error,
      "insufficient_scope",
    );

    const anonymousPush = await bearer(registry, "repository:library/python:pull,push");
    const upload = await fetch(`${registry.url}/v2/library/python/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: `Bearer ${anonymousPush}` },
    });
    assert.equal(upload.status, 401);

    const ts = registry.tokenServer;
    assert.ok(ts);
    const wrong = await fetch(`${ts.realm}?service=${ts.service}&scope=repository:library/python:pull`, {
      headers: { authorization: basicAuthHeader("tester", "wrong") },
    });
    assert.equal(wrong.status, 401);
    assert.equal(ts.requests.at(-1)?.authorized, false);
  });

  it("token: expired tokens are refused (past the registry's 60 s leeway)", async (t) => {
    const tokenServer = await startTokenServer({ users: [{ user: "tester", pass: "pw" }] });
    t.after(() => tokenServer.stop());
    const registry = await startRegistry({ auth: "token", tokenServer });
    t.after(() => registry.stop());
    const ping = async (token: string): Promise<Response> =>
      fetch(`${registry.url}/v2/`, { headers: { authorization: `Bearer ${token}` } });

    tokenServer.update({ expiresIn: 1 });
    const shortLived = await bearer(registry, "repository:library/python:pull");
    assert.equal((await ping(shortLived)).status, 200, "exp 1 s ago is still inside the leeway");

    tokenServer.update({ expOffsetSeconds: -120 });
    const expired = await bearer(registry, "repository:library/python:pull");
    const refused = await ping(expired);
    assert.equal(refused.status, 401);
    assert.equal(parseChallenge(refused.headers.get("www-authenticate") ?? "").params.error, "invalid_token");
  });
});
