import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { MediaType } from "../../../server/src/oci/types";
import { basicAuthHeader } from "../../support/http";
import { pushImage } from "../../support/images";
import { startRegistry } from "../../support/registry";
import { ACCEPT, assertReadBack, pythonImage, smallImage } from "./helpers";

describe("startRegistry (no auth, htpasswd)", () => {
  it("no auth: a pushed index reads back, HEAD gives the computed digest", async (t) => {
    const registry = await startRegistry();
    t.after(() => registry.stop());
    assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(registry.url, `http://${registry.host}`);
    const image = pythonImage();
    await pushImage(registry, "library/python", "3.12-slim", image);

    const head = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`, {
      method: "HEAD",
      headers: { accept: ACCEPT },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    assert.equal(head.headers.get("content-type"), MediaType.ociIndex);
    assert.equal(head.headers.get("content-length"), String(image.bytes.length));
    await assertReadBack(registry, "library/python", image);

    const tags = await fetch(`${registry.url}/v2/library/python/tags/list`);
    assert.deepEqual(await tags.json(), { name: "library/python", tags: ["3.12-slim"] });
  });

  it("answers 404 MANIFEST_UNKNOWN for an OCI index when Accept lacks the index type", async (t) => {
    const registry = await startRegistry();
    t.after(() => registry.stop());
    await pushImage(registry, "library/python", "3.12-slim", smallImage());
    const res = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`, {
      headers: { accept: MediaType.ociManifest },
    });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, "MANIFEST_UNKNOWN");
    assert.match(body.errors[0]?.message ?? "", /accept header does not support OCI indexes/);
  });

  it("serves a Docker-typed tag as signed schema 1 (another digest) when Accept lacks schema 2", async (t) => {
    // distribution 2.8 rewrites schema2 manifests (and lists, picking linux/amd64) fetched by tag
    // for "old clients"; by digest it serves the stored bytes.
    const registry = await startRegistry();
    t.after(() => registry.stop());
    const image = pythonImage("docker");
    await pushImage(registry, "library/python", "3.12-slim", image);
    const byTag = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`);
    assert.equal(byTag.status, 200);
    assert.equal(byTag.headers.get("content-type"), MediaType.dockerSchema1Signed);
    const body = Buffer.from(await byTag.arrayBuffer());
    const parsed = JSON.parse(body.toString("utf8")) as {
      schemaVersion: number;
      architecture: string;
      signatures: unknown[];
    };
    assert.equal(parsed.schemaVersion, 1);
    assert.equal(parsed.architecture, "amd64");
    assert.ok(parsed.signatures.length > 0);
    assert.notEqual(byTag.headers.get("docker-content-digest"), image.digest);

    const withAccept = await fetch(`${registry.url}/v2/library/python/manifests/3.12-slim`, {
      method: "HEAD",
      headers: { accept: ACCEPT },
    });
    assert.equal(withAccept.headers.get("content-type"), MediaType.dockerManifestList);
    assert.equal(withAccept.headers.get("docker-content-digest"), image.digest);
  });

  it("htpasswd: challenges with Basic, refuses a wrong password, accepts the right one", async (t) => {
    const users = [{ user: "alice", pass: "s3cret" }];
    const registry = await startRegistry({ auth: "htpasswd", users });
    t.after(() => registry.stop());
    const anonymous = await fetch(`${registry.url}/v2/`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get("www-authenticate"), 'Basic realm="test-realm"');
    const wrong = await fetch(`${registry.url}/v2/`, {
      headers: { authorization: basicAuthHeader("alice", "nope") },
    });
    assert.equal(wrong.status, 401);

    const image = pythonImage();
    await assert.rejects(
      pushImage(registry, "team/app", "v1", image, { user: "alice", pass: "nope" }),
      /401/,
    );
    await pushImage(registry, "team/app", "v1", image, { user: "alice", pass: "s3cret" });
    const auth = { authorization: basicAuthHeader("alice", "s3cret") };
    const head = await fetch(`${registry.url}/v2/team/app/manifests/v1`, {
      method: "HEAD",
      headers: { ...auth, accept: ACCEPT },
    });
    assert.equal(head.headers.get("docker-content-digest"), image.digest);
    await assertReadBack(registry, "team/app", image, auth);
  });

  it("stop() ends the registry and removes its temp dir", async () => {
    const registry = await startRegistry();
    assert.ok(existsSync(registry.dir));
    await registry.stop();
    assert.equal(existsSync(registry.dir), false);
    await assert.rejects(fetch(`${registry.url}/v2/`, { signal: AbortSignal.timeout(2000) }));
    await registry.stop(); // idempotent
  });
});
