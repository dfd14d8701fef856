/**
 * Digests first, breadth first: a Dockerfile of 12 images on the CNCF registry (token auth), seen
 * through a counting proxy. Every tag is resolved to its digest before any manifest or config is
 * fetched, each digest is published (a "resolving" lookup that carries it, which the hover, the
 * Pin lens and the pin edit use) before its facts land, no manifest or config is asked while a
 * digest is still on its way, and a cold image costs one manifest GET by tag, one platform
 * manifest and one config — no HEAD, and no tag list but the final stage's.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs } from "../../../server/src/dockerfile";
import { Engine } from "../../../server/src/engine";
import { provideCodeLenses } from "../../../server/src/features/codeLens";
import { requestKey } from "../../../server/src/resolver/resolver";
import { DEFAULT_SETTINGS, type FromLensSettings } from "../../../server/src/settings";
import { requestFor } from "../../../server/src/workspace";
import { startFaultServer, type FaultServer } from "../../support/faultServer";
import { buildImage, pushImage, type BuiltImage } from "../../support/images";
import { startRegistry, type Registry } from "../../support/registry";
import { tempDirFor } from "../../support/tmp";

const IMAGES = 12;
const NOWHERE = "http://127.0.0.1:9";
const QUIET = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describe("digests first, breadth first", () => {
  let registry: Registry;
  let proxy: FaultServer;
  const images: BuiltImage[] = [];

  before(async () => {
    registry = await startRegistry({ auth: "token" });
    for (let i = 0; i < IMAGES; i++) {
      // Distinct contents: no shortcut through content-addressed caching.
      const image = buildImage({
        format: "oci",
        attestation: true,
        platforms: [
          { os: "linux", architecture: "amd64", labels: { n: String(i) } },
          { os: "linux", architecture: "arm64", variant: "v8", labels: { n: String(i) } },
        ],
      });
      images.push(image);
      await pushImage(registry, `df/app${i}`, "1", image, registry.users[0]);
    }
    proxy = await startFaultServer({ upstream: registry.url });
  });
  after(async () => {
    await proxy.stop();
    await registry.stop();
  });

  it("publishes every digest before its facts, having asked every tag before any manifest or config", async (t) => {
    const storagePath = await tempDirFor(t, "from-lens-digest-first");
    const settings: FromLensSettings = {
      ...DEFAULT_SETTINGS,
      hubApiUrl: NOWHERE,
      defaultPlatform: "linux/amd64",
    };
    const text = images.map((_, i) => `FROM ${proxy.host}/df/app${i}:1 AS s${i}`).join("\n") + "\n";
    const doc = TextDocument.create("file:///df/Dockerfile", "dockerfile", 1, text);
    const refs = extractImageRefs(text);
    const requests = refs.map((r) => requestFor(r, settings));
    const keys = requests.map((r) => (r ? requestKey(r) : ""));
    const digestSeen = new Map<
      string,
      { at: number; digest: string; lens: string[]; cachedAlready: boolean }
    >();
    const settledSeen = new Map<string, number>();
    let seq = 0;
    let engine: Engine | undefined = undefined;
    const onChange = (changed: string[]): void => {
      for (const key of changed) {
        const i = keys.indexOf(key);
        const request = requests[i];
        if (!engine || !request) continue;
        const lookup = engine.resolver.lookup(request);
        seq++;
        if (lookup.state === "resolving" && lookup.digest && !digestSeen.has(key)) {
          const ctx = engine.workspace.context(doc, settings);
          const lens = provideCodeLenses(ctx)
            .filter((l) => l.range.start.line === i)
            .map((l) => l.command?.title ?? "");
          // Shown before anything waits on the disk: the tag's cache entry is written after.
          const cachedAlready = engine.cache.getEntry("tags", `${proxy.host}/df/app${i}:1`) !== undefined;
          digestSeen.set(key, { at: seq, digest: lookup.digest.tagDigest, lens, cachedAlready });
        }
        if ((lookup.state === "resolved" || lookup.state === "error") && !settledSeen.has(key))
          settledSeen.set(key, seq);
      }
    };
    const built: Engine = new Engine(settings, { storagePath, hubRegistryUrl: NOWHERE }, QUIET, onChange);
    engine = built;
    t.after(() => built.close());
    proxy.resetRequests();

    built.workspace.update(doc, settings, "visible");
    const lookups = await Promise.all(
      requests.map((r) => (r ? built.resolver.waitFor(r, 20_000) : Promise.resolve(undefined))),
    );

    lookups.forEach((l, i) => {
      assert.equal(l?.state, "resolved", `image ${i}`);
      if (l?.state !== "resolved") return;
      assert.equal(l.resolution.tagDigest, images[i]?.digest);
      assert.ok(l.resolution.facts.describedPlatform, `image ${i} has its facts`);
      const key = keys[i] ?? "";
      const early = digestSeen.get(key);
      assert.ok(early, `the digest of image ${i} was published while its facts were fetched`);
      assert.equal(early.digest, images[i]?.digest);
      assert.ok(early.at < (settledSeen.get(key) ?? 0), `image ${i}: digest before facts`);
      assert.ok(early.lens.includes("Pin to digest"), `image ${i}: the Pin lens came with the digest`);
      assert.equal(early.cachedAlready, false, `image ${i}: the digest did not wait for the disk cache`);
      const entry = built.cache.getEntry<{ digest: string }>("tags", `${proxy.host}/df/app${i}:1`);
      assert.equal(entry?.value.digest, images[i]?.digest, `image ${i}: cached by the time its facts landed`);
    });

    const seen = proxy.requests.filter((r) => r.status !== 401);
    const byTag = seen.filter((r) => /\/manifests\/1$/.test(r.path));
    const byDigest = seen.filter((r) => /\/manifests\/sha256:/.test(r.path));
    const blobs = seen.filter((r) => /\/blobs\//.test(r.path));
    assert.deepEqual(
      byTag.map((r) => r.method),
      Array<string>(IMAGES).fill("GET"),
      "one GET per cold tag, no HEAD",
    );
    assert.equal(byDigest.length, IMAGES, "one platform manifest per image");
    assert.equal(blobs.length, IMAGES, "one config per image");
    // The facts need no tag list; slim-final-stage reads the final stage's (and only that one).
    assert.deepEqual(
      seen.filter((r) => /\/tags\/list/.test(r.path)).map((r) => r.path),
      [`/v2/df/app${IMAGES - 1}/tags/list`],
    );
    const lastTag = Math.max(...byTag.map((r) => seen.indexOf(r)));
    const firstFacts = Math.min(...[...byDigest, ...blobs].map((r) => seen.indexOf(r)));
    assert.ok(lastTag < firstFacts, "every tag was asked before any manifest or config (breadth first)");
    // Stricter: no manifest or config went out while a digest was still on its way (12 tags and 8
    // connections: the first answers would otherwise free slots the facts took beside the last
    // 4 tags).
    const lastTagAnswered = Math.max(...byTag.map((r) => r.answeredAt ?? Number.POSITIVE_INFINITY));
    const firstFactsAsked = Math.min(...[...byDigest, ...blobs].map((r) => r.receivedAt));
    assert.ok(
      lastTagAnswered <= firstFactsAsked,
      `the first manifest or config arrived ${(lastTagAnswered - firstFactsAsked).toFixed(1)} ms before the last tag's answer left`,
    );
  });
});
