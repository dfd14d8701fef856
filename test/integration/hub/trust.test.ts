/**
 * The trust badge and the requests the card needs, against Docker Hub's recorded answers: search
 * ranks the exact repository anywhere on its page, the badge does not depend on the repository
 * record (which the card never shows, so it is not fetched), a Hub web API 429 is asked again after
 * its window, and the spellings of one image resolve once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Lookup } from "../../../server/src/resolver/types";
import { startFaultServer, type FaultServer } from "../../support/faultServer";
import { hubRateLimitFault, startHubApi, type HubApiServer } from "../../support/hubApi";
import { HELLO_WORLD, startHubRegistryReplay, type HubRegistryReplay } from "../../support/hubRegistryReplay";
import { buildImage, presetFromRealdata } from "../../support/images";
import { hubEngine } from "./engineSupport";

interface Owner {
  after(fn: () => Promise<void>): void;
}

let registry: FaultServer;
let replay: HubRegistryReplay;
let hub: HubApiServer;

before(async () => {
  const image = buildImage({ format: "oci", platforms: [presetFromRealdata("python:3.12-slim")] });
  registry = await startFaultServer({
    images: [
      { repository: "airbyte/source-gmail", tag: "1.0", image },
      { repository: "athenz/athenz", tag: "1.0", image },
    ],
  });
  replay = await startHubRegistryReplay({ pulls: "reset" });
  hub = await startHubApi();
});
after(async () => {
  await registry.stop();
  await replay.stop();
  await hub.stop();
});

async function engineFor(
  t: Owner,
  hubRegistryUrl: string,
  onChange: (keys: string[]) => void = () => undefined,
) {
  const { engine, settings } = await hubEngine(t, { hubApiUrl: hub.url, hubRegistryUrl, onChange });
  const open = async (text: string): Promise<Lookup[]> => {
    const doc = TextDocument.create(`file:///w/${Math.random()}/Dockerfile`, "dockerfile", 1, text);
    const refs = engine.workspace.update(doc, settings, "visible");
    for (const r of refs) await engine.workspace.waitFor(r, settings, 15_000);
    return refs.map((r) => engine.workspace.lookup(r, settings));
  };
  return { engine, settings, open };
}

function trustOf(lookup: Lookup | undefined): string | undefined {
  return lookup?.state === "resolved" ? lookup.resolution.facts.trust.level : lookup?.state;
}

const REPOSITORY_RECORD = /^\/v2\/(?:namespaces\/)?[^/]+\/(?:repositories\/)?[^/]+\/?$/;

describe("Docker Hub trust badge and requests", () => {
  it("finds the exact repository in search however Hub ranks it, without the repository record", async (t) => {
    hub.resetRequests();
    // The repository record fails: the badge must not depend on it.
    const broken = hub.route({ path: REPOSITORY_RECORD, fault: { kind: "status", status: 500 } });
    t.after(() => broken.remove());
    const { open } = await engineFor(t, registry.url);
    const [gmail, athenz] = await open("FROM airbyte/source-gmail:1.0\nFROM athenz/athenz:1.0\n");
    assert.equal(trustOf(gmail), "verified-publisher", "ranked 22nd in the recorded search");
    assert.equal(trustOf(athenz), "sponsored-oss", "ranked 27th in the recorded search");
    assert.equal(hub.count({ path: REPOSITORY_RECORD }), 0, "nothing on the card comes from the record");
  });

  it("asks for the badge again after a Hub web API 429, once its window has passed", async (t) => {
    hub.resetRequests();
    const limited = hub.route({ path: "/api/search/v4", times: 1, fault: hubRateLimitFault(1) });
    t.after(() => limited.remove());
    let changed: () => void = () => undefined;
    const { open } = await engineFor(t, registry.url, () => changed());
    const [first] = await open("FROM airbyte/source-gmail:1.0\n");
    assert.equal(trustOf(first), "unknown");
    assert.equal(first?.state === "resolved" ? typeof first.resolution.retryAt : undefined, "number");
    // No edit, no refresh: the resolver asks again when the window has passed.
    const deadline = Date.now() + 10_000;
    let trust: string | undefined;
    while (Date.now() < deadline && trust !== "verified-publisher") {
      await new Promise<void>((resolve) => {
        changed = resolve;
        setTimeout(resolve, 1000);
      });
      const [again] = await open("FROM airbyte/source-gmail:1.0\n");
      trust = trustOf(again);
    }
    assert.equal(trust, "verified-publisher");
  });

  it("keeps Docker Hub's web API off the digest's path, its calls in parallel", async (t) => {
    hub.resetRequests();
    const slow = hub.route({ path: /./, fault: { kind: "delay", ms: 1000 } });
    t.after(() => slow.remove());
    let digestAt: number | undefined;
    let hubAnsweredAtDigest: number | undefined;
    const holder: { built?: Awaited<ReturnType<typeof engineFor>> } = {};
    const onChange = (): void => {
      const built = holder.built;
      if (digestAt !== undefined || !built) return;
      const [first] = built.engine.workspace.refs(doc);
      const l = first ? built.engine.workspace.lookup(first, built.settings) : undefined;
      if (l?.state === "resolving" && l.digest) {
        digestAt = Date.now();
        hubAnsweredAtDigest = hub.requests.filter((r) => r.status !== 0).length;
      }
    };
    holder.built = await engineFor(t, registry.url, onChange);
    const { engine, settings } = holder.built;
    const doc = TextDocument.create(
      "file:///w/hub-path/Dockerfile",
      "dockerfile",
      1,
      "FROM airbyte/source-gmail:1.0\n",
    );
    const opened = Date.now();
    const [ref] = engine.workspace.update(doc, settings, "visible");
    assert.ok(ref);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pending = hub.requests.filter((r) => r.status === 0).length;
    await engine.workspace.waitFor(ref, settings, 15_000);
    assert.ok(digestAt !== undefined, "the digest was published before the facts");
    assert.ok(
      digestAt - opened < 1000,
      `the digest did not wait for Hub's web API (${digestAt - opened} ms)`,
    );
    assert.equal(hubAnsweredAtDigest, 0, "no Hub answer had arrived when the digest was shown");
    assert.equal(pending, 3, "badge, tag details and tag list asked at once, not in a chain");
    assert.equal(trustOf(engine.workspace.lookup(ref, settings)), "verified-publisher");
  });

  it("asks Docker Hub's web API only once every digest of the Dockerfile is known", async (t) => {
    hub.resetRequests();
    // One tag answers late: the other image's Hub calls must not go out before its digest.
    const late = registry.route({
      path: "/v2/athenz/athenz/manifests/1.0",
      fault: { kind: "delay", ms: 600 },
    });
    t.after(() => late.remove());
    const digestsAt: number[] = [];
    let hubSeenAtLastDigest: number | undefined;
    const holder: { built?: Awaited<ReturnType<typeof engineFor>> } = {};
    const doc = TextDocument.create(
      "file:///w/hub-gate/Dockerfile",
      "dockerfile",
      1,
      "FROM airbyte/source-gmail:1.0\nFROM athenz/athenz:1.0\n",
    );
    const shown = new Set<number>();
    const onChange = (): void => {
      const built = holder.built;
      if (!built) return;
      built.engine.workspace.refs(doc).forEach((r, i) => {
        const l = built.engine.workspace.lookup(r, built.settings);
        const digest = l.state === "resolving" ? l.digest : l.state === "resolved" ? l.resolution : undefined;
        if (digest && !shown.has(i)) {
          shown.add(i);
          digestsAt.push(Date.now());
          if (shown.size === 2) hubSeenAtLastDigest = hub.requests.length;
        }
      });
    };
    holder.built = await engineFor(t, registry.url, onChange);
    const { engine, settings } = holder.built;
    const refs = engine.workspace.update(doc, settings, "visible");
    for (const r of refs) await engine.workspace.waitFor(r, settings, 15_000);
    assert.equal(digestsAt.length, 2, "both digests were shown");
    assert.ok((digestsAt[1] ?? 0) - (digestsAt[0] ?? 0) > 300, "one digest came well after the other");
    assert.equal(hubSeenAtLastDigest, 0, "no Hub call went out while a digest was on its way");
    assert.deepEqual(
      refs.map((r) => trustOf(engine.workspace.lookup(r, settings))),
      ["verified-publisher", "sponsored-oss"],
    );
  });

  it("resolves python, docker.io/library/python and index.docker.io/library/python once, with no repository record or search", async (t) => {
    hub.resetRequests();
    replay.resetRequests();
    const { open } = await engineFor(t, replay.url);
    const lookups = await open(
      "FROM hello-world\nFROM docker.io/library/hello-world\nFROM index.docker.io/library/hello-world\n",
    );
    assert.deepEqual(
      lookups.map((l) => trustOf(l)),
      ["official", "official", "official"],
    );
    // A cold tag is one GET (digest and manifest at once), shared by the three spellings.
    const byTag = replay.requests.filter(
      (r) => r.path === `/v2/${HELLO_WORLD}/manifests/latest` && r.hadAuthorization,
    );
    assert.deepEqual(
      byTag.map((r) => r.method),
      ["GET"],
    );
    assert.equal(
      hub.count({ path: REPOSITORY_RECORD }),
      0,
      "the card shows nothing from the repository record",
    );
    assert.equal(hub.count({ path: "/api/search/v4" }), 0, "official images need no badge lookup");
    assert.equal(hub.count({ path: /\/tags\/latest$/ }), 1);
  });
});
