/**
 * Docker Hub's pull limit as it really answers (the recorded registry-1.docker.io replay): a spent
 * limit refuses manifest GETs with 429 TOOMANYREQUESTS while HEADs still answer with
 * `ratelimit-remaining: 0`. FROM Lens keeps checking digests, skips the GETs, and recovers on a HEAD
 * showing the reset, on Refresh and on new credentials, without a restart.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { provideHover } from "../../../server/src/features/hover";
import { startHubApi, type HubApiServer } from "../../support/hubApi";
import { HELLO_WORLD, startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";
import { tempDirFor } from "../../support/tmp";
import { basicAuth, expectError, expectOk, ref, testClient } from "../registry/helpers";
import { hubEngine } from "./engineSupport";

const MANIFESTS = new RegExp(`^/v2/${HELLO_WORLD}/manifests/`);
/** Manifest requests that carried a token (the anonymous first try only fetches the challenge). */
function sent(method: "GET" | "HEAD"): number {
  return replay.requests.filter((r) => r.method === method && MANIFESTS.test(r.path) && r.hadAuthorization)
    .length;
}

let replay: HubRegistryReplay;
let hub: HubApiServer;
before(async () => {
  replay = await startHubRegistryReplay();
  hub = await startHubApi();
});
after(async () => {
  await replay.stop();
  await hub.stop();
});

describe("Docker Hub's pull limit (recorded answers)", () => {
  it("keeps sending HEADs after a manifest GET's 429, skips GETs, and lifts the block when a HEAD shows the reset", async (t) => {
    replay.pulls = "spent";
    replay.resetRequests();
    const { client } = await testClient(t, { hubRegistryUrl: replay.url });
    const byDigest = ref(`hello-world@${replay.digests.amd64}`);
    const limited = expectError(await client.manifest(byDigest, replay.digests.amd64), "rate-limited");
    assert.equal(limited.scope, "pulls");
    assert.equal(sent("GET"), 1, "the one recorded 429");

    const head = expectOk(await client.resolve(ref("hello-world")));
    assert.equal(head.digest, replay.digests.index, "digests keep resolving");
    assert.equal(head.source.method, "HEAD");
    expectError(await client.manifest(byDigest, replay.digests.amd64), "rate-limited");
    assert.equal(sent("GET"), 1, "no GET while the pull limit is spent");

    replay.pulls = "reset";
    expectOk(await client.resolve(ref("hello-world")));
    const m = expectOk(await client.manifest(byDigest, replay.digests.amd64));
    assert.equal(m.digest, replay.digests.amd64);
    assert.equal(sent("GET"), 2);
  });

  it("skips manifest GETs once any answer says ratelimit-remaining: 0", async (t) => {
    replay.pulls = "recorded"; // the recorded HEAD of the index: 200, Ratelimit-Remaining: 0;w=21600
    replay.resetRequests();
    const { client } = await testClient(t, { hubRegistryUrl: replay.url });
    expectOk(await client.resolve(ref("hello-world")));
    const e = expectError(await client.manifest(ref("hello-world"), replay.digests.amd64), "rate-limited");
    assert.equal(e.scope, "pulls");
    assert.equal(e.resetIsEstimate, true, "the 6 h window is an upper bound");
    assert.equal(sent("GET"), 0);
    assert.equal(client.rateLimit(replay.host)?.last?.limit, 100);
  });

  it("lifts the block when the credentials change (docker login), without a restart", async (t) => {
    replay.pulls = "spent";
    replay.resetRequests();
    const dir = await tempDirFor(t, "from-lens-login");
    const { client, clock } = await testClient(t, { hubRegistryUrl: replay.url, dockerConfigDir: dir });
    const byDigest = ref(`hello-world@${replay.digests.amd64}`);
    expectError(await client.manifest(byDigest, replay.digests.amd64), "rate-limited");
    await writeFile(
      join(dir, "config.json"),
      JSON.stringify({ auths: { "https://index.docker.io/v1/": basicAuth("someone", "dckr_pat_x") } }),
    );
    replay.pulls = "reset";
    clock.now += 5 * 60_000 + 1; // the credential lookup is reused for 5 min, then read again
    expectOk(await client.manifest(byDigest, replay.digests.amd64));
    assert.equal(sent("GET"), 2);
  });

  it("still checks a pin while manifest downloads are paused", async (t) => {
    replay.pulls = "spent";
    const { engine, settings } = await hubEngine(t, { hubApiUrl: hub.url, hubRegistryUrl: replay.url });
    const text = `FROM hello-world:latest@${replay.digests.index}\n`;
    const doc = TextDocument.create("file:///w/pinned/Dockerfile", "dockerfile", 1, text);
    const [from] = engine.workspace.update(doc, settings, "visible");
    assert.ok(from);
    await engine.workspace.waitFor(from, settings, 10_000);
    const lookup = engine.workspace.lookup(from, settings);
    assert.deepEqual(lookup.state === "error" ? lookup.digestOnly?.pin : undefined, { kind: "current" });
    const hover = provideHover(engine.workspace.context(doc, settings), { line: 0, character: 6 });
    const value =
      hover && typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : "";
    assert.match(value, /The pinned digest is the one the tag points at now/);
  });

  it("keeps the status-bar pull counter after a 401 that carries only docker-ratelimit-source", async (t) => {
    replay.pulls = "reset";
    const { engine, settings } = await hubEngine(t, { hubApiUrl: hub.url, hubRegistryUrl: replay.url });
    const open = async (text: string): Promise<void> => {
      const doc = TextDocument.create(
        `file:///w/${text.length}/Dockerfile`,
        "dockerfile",
        1,
        `FROM ${text}\n`,
      );
      const [from] = engine.workspace.update(doc, settings, "visible");
      assert.ok(from);
      await engine.workspace.waitFor(from, settings, 10_000);
    };
    await open("hello-world");
    assert.deepEqual(engine.status().hubRateLimit, { limit: 100, remaining: 85, windowSeconds: 21600 });
    // A repository Docker Hub refuses: the recorded 401 names only docker-ratelimit-source.
    await open("someone/private-or-mistyped");
    assert.deepEqual(engine.status().hubRateLimit, { limit: 100, remaining: 85, windowSeconds: 21600 });
  });

  it("shows what still works and what to do, and Refresh after the window recovers", async (t) => {
    replay.pulls = "spent";
    replay.resetRequests();
    const { engine, settings } = await hubEngine(t, { hubApiUrl: hub.url, hubRegistryUrl: replay.url });
    const doc = TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, "FROM hello-world\n");
    const [from] = engine.workspace.update(doc, settings, "visible");
    assert.ok(from);
    await engine.workspace.waitFor(from, settings, 10_000);
    const lookup = engine.workspace.lookup(from, settings);
    assert.equal(lookup.state, "error");
    assert.equal(lookup.state === "error" ? lookup.digestOnly?.tagDigest : undefined, replay.digests.index);
    const hover = provideHover(engine.workspace.context(doc, settings), { line: 0, character: 6 });
    const text =
      hover && typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : "";
    assert.match(text, /Digest current; details paused until at the latest \d\d:\d\d .* — rate limit/);
    assert.match(text, /`docker login`.*then \*\*Refresh\*\*/);
    assert.match(text, /`sha256:fc6cf906cbfa`/);

    // A digest-only reference has no HEAD to show the reset: Refresh lifts the block.
    const pinned = TextDocument.create(
      "file:///w/p.Dockerfile",
      "dockerfile",
      1,
      `FROM hello-world@${replay.digests.index}\n`,
    );
    const [pin] = engine.workspace.update(pinned, settings, "visible");
    assert.ok(pin);
    await engine.workspace.waitFor(pin, settings, 10_000);
    assert.equal(engine.workspace.lookup(pin, settings).state, "error");
    const gets = sent("GET");
    replay.pulls = "reset"; // the window has passed
    engine.workspace.update(pinned, settings, "visible");
    await engine.workspace.waitFor(pin, settings, 10_000);
    assert.equal(sent("GET"), gets, "blocked until Refresh");
    engine.refresh();
    engine.workspace.update(pinned, settings, "visible", true);
    await engine.workspace.waitFor(pin, settings, 10_000);
    assert.equal(engine.workspace.lookup(pin, settings).state, "resolved");
    assert.ok(sent("HEAD") >= 1);
  });
});
