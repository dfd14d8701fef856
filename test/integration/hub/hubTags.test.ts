/**
 * Docker Hub's tag objects as they really are (../shared/hub-recordings): many carry no tag-level
 * `digest`, only `images[].digest`. "Also tagged" and completion digests must still find them,
 * and an untagged FROM must not list its own implicit `latest`. Resolved end to end (Engine)
 * against the recorded registry-1.docker.io replay and the Hub stand-in.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parseHubTag } from "../../../server/src/registry/hub";
import { hubTagDigest } from "../../../server/src/resolver/hubTags";
import type { Lookup } from "../../../server/src/resolver/types";
import { defaultHubRepositories, startHubApi, type HubApiServer, type HubTag } from "../../support/hubApi";
import { hubRecording, registryFile } from "../../support/hubRecordings";
import { startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";
import { hubEngine } from "./engineSupport";

interface TempDirOwner {
  after(fn: () => Promise<void>): void;
}

let replay: HubRegistryReplay;
let hub: HubApiServer;
let recordedLatest: HubTag;

before(async () => {
  replay = await startHubRegistryReplay({ pulls: "reset" });
  const repos = defaultHubRepositories();
  const helloWorld = repos.find((r) => r.namespace === "library" && r.name === "hello-world");
  assert.ok(helloWorld);
  const latest = helloWorld.tags.find((t) => t.name === "latest");
  assert.ok(latest);
  recordedLatest = latest;
  const amd64 = latest.images.find((i) => i.os === "linux" && i.architecture === "amd64");
  assert.ok(amd64);
  const { digest: _drop, ...withoutDigest } = latest;
  // Two more tags of the recorded image, shaped as the recorded digest-less tag objects are: an
  // older multi-arch tag (rust 1.44.0-slim's shape) and a single-platform tag (disney's shape).
  helloWorld.tags = [
    latest,
    { ...withoutDigest, name: "multi-arch-no-digest" } as HubTag,
    {
      ...withoutDigest,
      name: "amd64-only",
      media_type: "application/vnd.docker.distribution.manifest.v2+json",
      images: [amd64],
    } as HubTag,
  ];
  hub = await startHubApi({ repositories: repos });
});
after(async () => {
  await replay.stop();
  await hub.stop();
});

async function resolve(t: TempDirOwner, text: string): Promise<Lookup> {
  const { engine, settings } = await hubEngine(t, { hubApiUrl: hub.url, hubRegistryUrl: replay.url });
  const doc = TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, `FROM ${text}\n`);
  const [from] = engine.workspace.update(doc, settings, "visible");
  assert.ok(from);
  await engine.workspace.waitFor(from, settings, 15_000);
  return engine.workspace.lookup(from, settings);
}

function resolved(lookup: Lookup): Extract<Lookup, { state: "resolved" }> {
  assert.equal(lookup.state, "resolved", JSON.stringify(lookup).slice(0, 400));
  return lookup;
}

describe("Docker Hub tag objects without a tag-level digest", () => {
  it("lists a digest-less multi-arch tag as an alias by its platform digests, and gives completion its digest", async (t) => {
    const r = resolved(await resolve(t, "hello-world:latest"));
    assert.equal(r.resolution.tagDigest, replay.digests.index);
    assert.deepEqual(
      r.resolution.facts.aliases.map((a) => a.tag),
      ["multi-arch-no-digest"],
    );
    assert.equal(r.resolution.tagSummaries?.["multi-arch-no-digest"]?.digest, replay.digests.index);
    assert.equal(r.resolution.tagSummaries?.["amd64-only"]?.digest, replay.digests.amd64);
  });

  it("lists a single-image tag by its image digest when the pin is that image", async (t) => {
    const r = resolved(await resolve(t, `hello-world@${replay.digests.amd64}`));
    assert.deepEqual(
      r.resolution.facts.aliases.map((a) => a.tag),
      ["amd64-only"],
    );
  });

  it("does not list latest as the alias of an untagged FROM (latest is the tag it pulls)", async (t) => {
    const r = resolved(await resolve(t, "hello-world"));
    const aliases = r.resolution.facts.aliases.map((a) => a.tag);
    assert.equal(aliases.includes("latest"), false);
    assert.deepEqual(aliases, ["multi-arch-no-digest"]);
  });

  it("reads the recorded rust 1.44.0-slim tag (no digest) only against an index with exactly its platforms", () => {
    const rust = parseHubTag(hubRecording("rust-1.44.0-slim.tag.json"));
    assert.ok(rust);
    assert.equal(rust.digest, undefined);
    const platforms = rust.images.map((i) => i.digest ?? "");
    const index = "sha256:" + "1".repeat(64);
    assert.equal(hubTagDigest(rust), undefined, "no index to match: unknown, not guessed");
    assert.equal(hubTagDigest(rust, { digest: index, platformDigests: platforms }), index);
    assert.equal(hubTagDigest(rust, { digest: index, platformDigests: platforms.slice(1) }), undefined);
    const disney = parseHubTag(hubRecording<{ results: unknown[] }>("disney-tags-page.json").results[0]);
    assert.equal(disney && hubTagDigest(disney), disney?.images[0]?.digest);
    assert.ok(recordedLatest.digest, "the recorded latest keeps its own digest");
    assert.equal(registryFile("hello-world-index.json").length, 2561);
  });
});
