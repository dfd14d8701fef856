/**
 * Docker Hub names as distribution/reference reads them: only docker.io and index.docker.io are
 * Docker Hub names; `registry-1.docker.io/<name>` is asked for `<name>` as written (no `library/`),
 * as `docker pull` does, so the card never describes an official image where the pull would fail.
 * Against the recorded registry-1.docker.io replay.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { provideHover } from "../../../server/src/features/hover";
import type { Lookup } from "../../../server/src/resolver/types";
import { startFaultServer, type FaultServer } from "../../support/faultServer";
import { startHubApi, type HubApiServer } from "../../support/hubApi";
import { startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";
import { hubEngine } from "./engineSupport";

let replay: HubRegistryReplay;
let hub: HubApiServer;
let mirror: FaultServer;
before(async () => {
  replay = await startHubRegistryReplay({ pulls: "reset" });
  hub = await startHubApi();
  mirror = await startFaultServer();
});
after(async () => {
  await replay.stop();
  await hub.stop();
  await mirror.stop();
});

async function open(
  t: { after(fn: () => Promise<void>): void },
  text: string,
): Promise<{ lookup: Lookup; hover: string }> {
  const { engine, settings } = await hubEngine(t, {
    hubApiUrl: hub.url,
    hubRegistryUrl: replay.url,
    settings: { registryMirrors: [mirror.url] },
  });
  const doc = TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, `FROM ${text}\n`);
  const [from] = engine.workspace.update(doc, settings, "visible");
  assert.ok(from);
  await engine.workspace.waitFor(from, settings, 15_000);
  const h = provideHover(engine.workspace.context(doc, settings), { line: 0, character: 6 });
  const hover = h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
  return { lookup: engine.workspace.lookup(from, settings), hover };
}

describe("registry-1.docker.io is not a Docker Hub name", () => {
  it("asks registry-1.docker.io for `hello-world` as written, which Docker Hub refuses, and claims no official image", async (t) => {
    replay.resetRequests();
    mirror.resetRequests();
    const { lookup, hover } = await open(t, "registry-1.docker.io/hello-world");
    assert.equal(lookup.state, "error");
    assert.equal(lookup.state === "error" ? lookup.error.kind : undefined, "unauthorized");
    const paths = new Set(replay.requests.map((r) => r.path));
    assert.ok(paths.has("/v2/hello-world/manifests/latest"));
    assert.equal(paths.has("/v2/library/hello-world/manifests/latest"), false, "no library/ added");
    assert.doesNotMatch(hover, /Official Image/);
    assert.equal(mirror.requests.length, 0, "docker.io mirrors do not stand in for registry-1.docker.io");
  });

  it("resolves registry-1.docker.io/library/hello-world, which the pull also finds", async (t) => {
    const { lookup } = await open(t, "registry-1.docker.io/library/hello-world");
    assert.equal(lookup.state, "resolved");
    assert.equal(lookup.state === "resolved" ? lookup.resolution.tagDigest : undefined, replay.digests.index);
  });
});
