import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import type { LayerFileSearch } from "../../../server/src/registry/layer";
import type { Reference } from "../../../server/src/reference";
import { err, ok, type ResolveError, type Result } from "../../../server/src/registry/errors";
import type { FetchedConfig } from "../../../server/src/registry/blob";
import { parseImageConfig } from "../../../server/src/registry/blob";
import type { Resolved } from "../../../server/src/registry/client";
import { parseManifest, type FetchedManifest } from "../../../server/src/registry/manifest";
import { DiskCache } from "../../../server/src/resolver/cache";
import { summarizeHubTag } from "../../../server/src/resolver/hubTags";
import type { ImageSource } from "../../../server/src/resolver/source";
import {
  Resolver,
  requestKey,
  type ResolveRequest,
  type ResolverSettings,
} from "../../../server/src/resolver/resolver";
import type { FoundTag, Lookup } from "../../../server/src/resolver/types";
import { buildImage, presetFromRealdata, type BuiltImage } from "../../support/images";
import { readTar } from "../../support/tar";
import { ALPINE_3_22_OS_RELEASE, DEBIAN_TRIXIE_OS_RELEASE } from "../registry/tarWriter";

/** An in-memory registry serving real image documents, counting calls, with scriptable failures. */
class FakeSource implements ImageSource {
  readonly tags = new Map<string, BuiltImage>();
  readonly calls: string[] = [];
  failure: ResolveError | undefined;
  /** Calls wait for this before answering (to test queueing and cancellation). */
  gate: Promise<void> = Promise.resolve();

  private async answer<T>(
    call: string,
    signal: AbortSignal | undefined,
    f: () => Result<T>,
  ): Promise<Result<T>> {
    this.calls.push(call);
    await this.gate;
    if (signal?.aborted) return err({ kind: "cancelled", message: "cancelled" });
    if (this.failure) return err(this.failure);
    return f();
  }
  private find(digest: string): BuiltImage | undefined {
    return [...this.tags.values()].find((i) => i.manifestsByDigest.has(digest) || i.blobs.has(digest));
  }
  resolve(ref: Reference, opts?: { signal?: AbortSignal }): Promise<Result<Resolved>> {
    return this.answer(`HEAD ${ref.repository}:${ref.tag}`, opts?.signal, () => {
      const image = this.tags.get(`${ref.repository}:${ref.tag}`);
      if (!image) return err({ kind: "not-found", what: "tag", message: `tag ${ref.tag} not found` });
      return ok({
        digest: image.digest,
        mediaType: image.mediaType,
        kind: image.index ? "index" : "image",
        source: { host: "fake", mirror: false, method: "HEAD" },
      });
    });
  }
  manifest(
    _ref: Reference,
    digest: string,
    opts?: { signal?: AbortSignal },
  ): Promise<Result<FetchedManifest>> {
    return this.answer(`GET manifest ${digest.slice(7, 15)}`, opts?.signal, () => {
      const doc = this.find(digest)?.manifestsByDigest.get(digest);
      if (!doc) return err({ kind: "not-found", what: "digest", message: "unknown digest" });
      const parsed = parseManifest(doc.bytes, doc.mediaType);
      if (!parsed.ok) return parsed;
      return ok({ ...parsed.value, digest, size: doc.bytes.length, bytes: doc.bytes });
    });
  }
  config(_ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<FetchedConfig>> {
    return this.answer(`GET blob ${digest.slice(7, 15)}`, opts?.signal, () => {
      const bytes = this.find(digest)?.blobs.get(digest);
      if (!bytes) return err({ kind: "not-found", what: "digest", message: "unknown blob" });
      const config = parseImageConfig(bytes);
      return config.ok ? ok({ digest, config: config.value, bytes }) : config;
    });
  }
  /** Pages of `pageSize` tags, in name order, as many pages as asked. */
  pageSize = 1000;
  listTags(ref: Reference, opts: { maxPages?: number } = {}) {
    return this.answer(
      `tags ${ref.repository}${opts.maxPages ? ` ×${opts.maxPages}` : ""}`,
      undefined,
      () => {
        const all = [...this.tags.keys()]
          .filter((k) => k.startsWith(`${ref.repository}:`))
          .map((k) => k.split(":")[1] ?? "")
          .sort();
        const shown = all.slice(0, this.pageSize * (opts.maxPages ?? 1));
        return ok({
          tags: shown,
          complete: shown.length === all.length,
          pages: Math.ceil(shown.length / this.pageSize),
        });
      },
    );
  }
  hubTag() {
    return Promise.resolve(
      err<ResolveError>({ kind: "bad-response", reason: "not-docker-hub", message: "not hub" }),
    );
  }
  hubRepository() {
    return Promise.resolve(
      err<ResolveError>({ kind: "bad-response", reason: "not-docker-hub", message: "not hub" }),
    );
  }
  hubTags() {
    return Promise.resolve(
      err<ResolveError>({ kind: "bad-response", reason: "not-docker-hub", message: "not hub" }),
    );
  }
  /** Answers readLayerFile instead of reading the layer's tar (links, absent files, failures). */
  layerAnswer: ((digest: string) => Result<LayerFileSearch>) | undefined;
  readLayerFile(
    _ref: Reference,
    digest: string,
    paths: readonly string[],
    opts?: { signal?: AbortSignal },
  ): Promise<Result<LayerFileSearch>> {
    return this.answer(`GET layer ${digest.slice(7, 15)}`, opts?.signal, () => {
      if (this.layerAnswer) return this.layerAnswer(digest);
      const gz = this.find(digest)?.blobs.get(digest);
      if (!gz) return err({ kind: "not-found", what: "digest", message: "unknown blob" });
      const tar = gunzipSync(gz);
      const files = readTar(tar);
      const base = { layerDigest: digest, bytesRead: gz.length, uncompressedBytes: tar.length };
      for (const path of paths) {
        const content = files.get(path);
        if (content) return ok({ ...base, file: { path, content }, complete: false });
      }
      return ok({
        ...base,
        complete: true,
        missing: "the layer has no /etc/os-release or /usr/lib/os-release",
      });
    });
  }
}

function pythonImage(): BuiltImage {
  const preset = presetFromRealdata("python:3.12-slim");
  return buildImage({
    format: "oci",
    attestation: true,
    platforms: [
      { os: "linux", architecture: "amd64", env: preset.env, labels: preset.labels, history: preset.history },
      {
        os: "linux",
        architecture: "arm64",
        variant: "v8",
        env: preset.env,
        labels: preset.labels,
        history: preset.history,
      },
    ],
  });
}

const REGISTRY = "registry.example:5000";
const ref = (tag: string, digest?: string): Reference => ({
  registry: REGISTRY,
  repository: "library/python",
  tag,
  ...(digest ? { digest } : {}),
});

let dir: string;
let clock: number;
let source: FakeSource;
let changed: string[];
let settings: ResolverSettings;
let prepared: string[][];
function makeResolver(concurrency = 4, from: ImageSource = source): Resolver {
  return new Resolver({
    prepare: (refs) => {
      prepared.push(refs.map((r) => `${r.repository}:${r.tag ?? ""}`));
      return Promise.resolve();
    },
    source: from,
    cache: new DiskCache({ dir, maxBytes: 1 << 24, now: () => clock }),
    settings: () => settings,
    now: () => clock,
    concurrency,
    onDidChange: (keys) => changed.push(...keys),
  });
}
const names = (found: readonly FoundTag[]): string[] => found.map((t) => t.name);
/** A request for a Docker Hub image on linux/amd64. */
const onHub = (repository: string, tag: string): ResolveRequest => ({
  reference: { registry: "docker.io", repository, tag },
  platform: "linux/amd64",
});

async function settled(r: Resolver, request: { reference: Reference; platform: string }): Promise<Lookup> {
  return r.waitFor(request, 5000);
}

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), "from-lens-resolver-"));
  clock = Date.parse("2026-11-23T12:00:00Z");
  source = new FakeSource();
  source.tags.set("library/python:3.12-slim", pythonImage());
  changed = [];
  prepared = [];
  settings = { tagTtlMs: 60 * 60_000, hubTtlMs: 24 * 60 * 60_000, offline: false, trustedRegistries: [] };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("resolver", () => {
  it("resolves in the background and answers lookups synchronously with facts", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/arm64" };
    assert.equal(r.lookup(request).state, "unknown");
    r.request([request], "file:///Dockerfile", "visible");
    assert.equal(r.lookup(request).state, "resolving");
    const lookup = await settled(r, request);
    assert.equal(lookup.state, "resolved");
    assert.ok(lookup.state === "resolved");
    const image = source.tags.get("library/python:3.12-slim");
    assert.equal(lookup.resolution.tagDigest, image?.digest);
    assert.equal(lookup.resolution.facts.indexDigest, image?.digest);
    assert.deepEqual(lookup.resolution.platform, { wanted: "linux/arm64", offered: true });
    assert.equal(lookup.resolution.facts.platforms.length, 2, "the attestation entry is not a platform");
    assert.equal(lookup.resolution.facts.runtimes[0]?.name, "python");
    assert.ok(changed.includes(requestKey(request)), "tells the server the key changed");
  });

  it("prune forgets the oldest results no document uses; the disk cache answers them again", async () => {
    const r = makeResolver();
    const image = pythonImage();
    const requests = ["a", "b", "c"].map((tag) => {
      source.tags.set(`library/python:${tag}`, image);
      return { reference: ref(tag), platform: "linux/amd64" };
    });
    for (const request of requests) {
      r.request([request], "file:///Dockerfile", "visible");
      await settled(r, request);
    }
    const [first, middle, last] = requests;
    assert.ok(first && middle && last);
    assert.deepEqual(
      r.prune(new Set([requestKey(first)]), 1),
      [requestKey(middle)],
      "keeps the one in use and the newest unused",
    );
    assert.equal(r.lookup(middle).state, "unknown");
    assert.equal(r.lookup(first).state, "resolved");
    assert.equal(r.lookup(last).state, "resolved");
    const before = source.calls.length;
    r.request([middle], "file:///Dockerfile", "visible");
    assert.equal((await settled(r, middle)).state, "resolved");
    assert.deepEqual(source.calls.slice(before), [], "answered from the disk cache within the TTL");
  });

  it("coalesces identical requests from several documents into one resolution", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request, request], "file:///a", "visible");
    r.request([request], "file:///b", "background");
    await settled(r, request);
    assert.equal(source.calls.filter((c) => c.startsWith("HEAD")).length, 1);
  });

  it("asks again within the TTL nothing but the cache; after it, one HEAD revalidates", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    await settled(r, request);
    const first = source.calls.length;
    assert.deepEqual(r.request([request], "doc", "visible"), [], "fresh: not queued");
    clock += 61 * 60_000;
    r.request([request], "doc", "visible");
    await settled(r, request);
    assert.deepEqual(source.calls.slice(first), ["HEAD library/python:3.12-slim"]);
  });

  it("a restarted resolver answers from the disk cache with no manifest or blob requests", async () => {
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    const r1 = makeResolver();
    r1.request([request], "doc", "visible");
    await settled(r1, request);
    source.calls.length = 0;
    const r2 = makeResolver();
    r2.request([request], "doc", "visible");
    const lookup = await settled(r2, request);
    assert.equal(lookup.state, "resolved");
    assert.deepEqual(source.calls, [], "zero network requests");
  });

  it("detects a moved tag after the TTL and reports the pin as moved", async () => {
    const r = makeResolver();
    const old = source.tags.get("library/python:3.12-slim");
    assert.ok(old);
    const pinned = { reference: ref("3.12-slim", old.digest), platform: "linux/amd64" };
    r.request([pinned], "doc", "visible");
    const first = await settled(r, pinned);
    assert.ok(first.state === "resolved");
    assert.deepEqual(first.resolution.pin, { kind: "current" });
    const preset = presetFromRealdata("python:3.12-slim");
    source.tags.set(
      "library/python:3.12-slim",
      buildImage({
        format: "oci",
        platforms: [
          { os: "linux", architecture: "amd64", env: [...preset.env, "REBUILD=1"], history: preset.history },
        ],
      }),
    );
    source.tags.set("library/python:old", old);
    clock += 2 * 60 * 60_000;
    r.request([pinned], "doc", "visible");
    const second = await settled(r, pinned);
    assert.ok(second.state === "resolved");
    assert.equal(second.resolution.pin?.kind, "moved");
  });

  it("dates a moved tag by Docker Hub's last push of it", async () => {
    const old = source.tags.get("library/python:3.12-slim");
    assert.ok(old);
    const hubRef = (digest: string): Reference => ({
      registry: "docker.io",
      repository: "library/python",
      tag: "3.12-slim",
      digest,
    });
    // Docker Hub stand-in: the registry answers for docker.io, the web API knows the tag's push date.
    const hubSource = Object.assign(Object.create(source) as FakeSource, {
      hubTag: () =>
        Promise.resolve(ok({ name: "3.12-slim", lastPushed: "2026-11-18T09:00:00Z", images: [] })),
    });
    source.tags.set(
      "library/python:3.12-slim",
      buildImage({
        format: "oci",
        platforms: [{ os: "linux", architecture: "amd64", env: ["PYTHON_VERSION=3.12.14"] }],
      }),
    );
    const r = makeResolver(4, hubSource);
    source.tags.set("library/python:old", old);
    const request = { reference: hubRef(old.digest), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.deepEqual(lookup.resolution.pin, {
      kind: "moved",
      currentDigest: source.tags.get("library/python:3.12-slim")?.digest,
      movedAt: "2026-11-18T09:00:00Z",
    });
  });

  it("passes Docker Hub's search badge to the facts: a Verified Publisher image says so", async () => {
    const image = source.tags.get("library/python:3.12-slim");
    assert.ok(image);
    source.tags.set("acme/tool:1.0", image);
    const hubSource = Object.assign(Object.create(source) as FakeSource, {
      hubBadge: () => Promise.resolve(ok("verified_publisher")),
    });
    const r = makeResolver(4, hubSource);
    const request = onHub("acme/tool", "1.0");
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.equal(lookup.resolution.facts.trust.level, "verified-publisher");
    assert.match(lookup.resolution.facts.trust.evidence, /Verified Publisher/);
  });

  it("recognises a pin to one platform's manifest inside a multi-platform index", async () => {
    const r = makeResolver();
    const image = source.tags.get("library/python:3.12-slim");
    const arm = image?.manifests.find((m) => m.platform.architecture === "arm64");
    assert.ok(arm);
    const request = { reference: ref("3.12-slim", arm.digest), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.deepEqual(lookup.resolution.pin, {
      kind: "platform-manifest",
      platform: "linux/arm64/v8",
      indexDigest: image?.digest,
      platformDigestNow: arm.digest,
    });
  });

  it("says which platform is missing when the image does not offer it", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/s390x" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.deepEqual(lookup.resolution.platform, { wanted: "linux/s390x", offered: false });
  });

  it("describes a pinned digest whose tag is gone, saying the tag is missing", async () => {
    const image = source.tags.get("library/python:3.12-slim");
    assert.ok(image);
    const r = makeResolver();
    // The digest exists (pushed as 3.12-slim); the tag written next to it does not.
    const request = { reference: ref("3.11-slim", image.digest), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved", JSON.stringify(lookup));
    assert.deepEqual(lookup.resolution.pin, { kind: "tag-missing" });
    assert.equal(lookup.resolution.facts.indexDigest, image.digest);
    assert.equal(lookup.resolution.facts.runtimes[0]?.name, "python");
    assert.equal(lookup.resolution.tagDigest, undefined);
  });

  it("still reports an unknown digest when neither the tag nor the digest exists", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.11-slim", `sha256:${"0".repeat(64)}`), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "error");
    assert.equal(lookup.error.kind, "not-found");
    assert.ok(lookup.error.kind === "not-found" && lookup.error.what === "digest");
  });

  it("reports an unknown tag with the repository's tags for 'did you mean'", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slimm"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "error");
    assert.equal(lookup.error.kind, "not-found");
    assert.deepEqual(lookup.tags, ["3.12-slim"]);
  });

  it("on Docker Hub, falls back to the registry's tag list when Hub's web API gives none (private repository)", async () => {
    // FakeSource's Hub web API answers with an error, as hub.docker.com does for a private repository.
    const r = makeResolver();
    const request = onHub("library/python", "3.12-slimm");
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "error");
    assert.deepEqual(lookup.tags, ["3.12-slim"]);
    assert.ok(source.calls.includes("tags library/python ×2"), JSON.stringify(source.calls));
    const found = await r.searchTags(request.reference, "3.1", 5000);
    assert.deepEqual(names(found), ["3.12-slim"]);
  });

  it("serves the cache marked offline when the registry is unreachable, and leaves the host alone for a while", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    await settled(r, request);
    clock += 2 * 60 * 60_000;
    source.failure = { kind: "network", message: "connection refused" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.equal(lookup.freshness.kind, "offline");
    assert.equal(lookup.resolution.facts.source, "stale-cache");
    assert.equal(r.status().offline, true);
    const calls = source.calls.length;
    const other = { reference: ref("3.12-slim"), platform: "linux/arm64" };
    r.request([other], "doc", "visible");
    await settled(r, other);
    assert.equal(source.calls.length, calls, "no requests to a host that just failed");
    // A tag not cached: the failure behind the backoff, as a code and data (features/lookupError.ts
    // says "registry.example:5000 could not be reached: connection refused").
    const uncached = { reference: ref("3.11"), platform: "linux/amd64" };
    r.request([uncached], "doc", "visible");
    const missing = await settled(r, uncached);
    assert.ok(missing.state === "error");
    assert.deepEqual(missing.error, {
      kind: "network",
      why: "unreachable",
      host: "registry.example:5000",
      detail: "connection refused",
    });
    assert.equal(source.calls.length, calls);
  });

  it("asks a host that just failed again at once when the registry settings change", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    source.failure = { kind: "network", message: "certificate signed by unknown authority" };
    r.request([request], "doc", "visible");
    assert.equal((await settled(r, request)).state, "error");
    source.failure = undefined; // say the user set fromLens.caFile
    r.rederive(false);
    r.request([request], "doc", "visible");
    assert.equal((await settled(r, request)).state, "error", "facts-only changes keep the backoff");
    r.rederive(true);
    r.request([request], "doc", "visible");
    assert.equal((await settled(r, request)).state, "resolved");
  });

  it("in offline mode makes no requests and says what is missing", async () => {
    settings.offline = true;
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "error");
    // A code and the image, not words: features/lookupError.ts writes the sentence.
    assert.deepEqual(lookup.error, {
      kind: "offline",
      why: "nothing-cached",
      reference: "registry.example:5000/library/python:3.12-slim",
    });
    assert.deepEqual(source.calls, []);
  });

  it("runs visible documents' references first", async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    source.tags.set("library/python:a", pythonImage());
    source.tags.set("library/python:b", pythonImage());
    const r = makeResolver(1);
    const blocker = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    const background = { reference: ref("a"), platform: "linux/amd64" };
    const visible = { reference: ref("b"), platform: "linux/amd64" };
    r.request([blocker], "doc1", "visible");
    r.request([background], "doc2", "background");
    r.request([visible], "doc3", "visible");
    open();
    await settled(r, background);
    const heads = source.calls.filter((c) => c.startsWith("HEAD"));
    assert.deepEqual(heads, [
      "HEAD library/python:3.12-slim",
      "HEAD library/python:b",
      "HEAD library/python:a",
    ]);
  });

  it("cancels queued work when its document is closed", async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    source.tags.set("library/python:a", pythonImage());
    const r = makeResolver(1);
    const first = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    const second = { reference: ref("a"), platform: "linux/amd64" };
    r.request([first], "doc1", "visible");
    r.request([second], "doc2", "visible");
    r.release("doc2");
    assert.equal(r.lookup(second).state, "unknown");
    open();
    await settled(r, first);
    assert.ok(!source.calls.includes("HEAD library/python:a"));
  });

  it("lets a hover wait a bounded time for a resolution in flight", async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    assert.equal((await r.waitFor(request, 20)).state, "resolving", "gives up after the wait");
    open();
    assert.equal((await r.waitFor(request, 5000)).state, "resolved");
  });

  it("gets tokens for a cold batch at once, and not for what the cache answers", async () => {
    source.tags.set("library/python:a", pythonImage());
    const requests = ["3.12-slim", "a"].map((tag) => ({ reference: ref(tag), platform: "linux/amd64" }));
    const r1 = makeResolver();
    r1.request(requests, "doc", "visible");
    await Promise.all(requests.map((q) => settled(r1, q)));
    assert.deepEqual(prepared, [["library/python:3.12-slim", "library/python:a"]]);
    const r2 = makeResolver();
    r2.request(requests, "doc", "visible");
    await Promise.all(requests.map((q) => settled(r2, q)));
    assert.equal(prepared.length, 1, "a warm start prepares nothing");
  });

  it("searches the repository's further tags for what is being typed, once, and answers within the wait", async () => {
    source.pageSize = 2;
    for (const tag of ["2.7", "2.7-slim", "3.11-slim", "3.13"])
      source.tags.set(`library/python:${tag}`, pythonImage());
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    // Tag lists are fetched where a feature needs them (completion, slim-final-stage).
    r.wantTags(request.reference);
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.deepEqual(
      lookup.resolution.tags,
      ["2.7", "2.7-slim", "3.11-slim", "3.12-slim"],
      "the first pages",
    );
    assert.deepEqual(names(await r.searchTags(ref("3.12-slim"), "3.13", 5000)), ["3.13"]);
    const calls = source.calls.length;
    const found = await r.searchTags(ref("3.12-slim"), "3.1", 5000);
    assert.deepEqual(names(found), ["3.11-slim", "3.12-slim", "3.13"], "from the cached deeper listing");
    assert.equal(source.calls.length, calls);
  });

  it("fetches no tag list for the facts of a registry other than Docker Hub, and loads it when asked", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.equal(lookup.resolution.tags, undefined);
    assert.equal(source.calls.filter((c) => c.startsWith("tags")).length, 0, "no tag list on the way");
    await r.loadTags(request.reference, 5000);
    const after = r.lookup(request);
    assert.ok(after.state === "resolved");
    assert.ok(after.resolution.tags?.includes("3.12-slim"), "completion finds the tags then");
    assert.equal(source.calls.filter((c) => c.startsWith("tags")).length, 1);
  });

  it("a tag search gives up waiting without cancelling the request", async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    const r = makeResolver();
    assert.deepEqual(await r.searchTags(ref("x"), "3", 10), [], "nothing within the wait");
    open();
    assert.deepEqual(
      names(await r.searchTags(ref("x"), "3", 5000)),
      ["3.12-slim"],
      "the same search, finished",
    );
    assert.equal(source.calls.filter((c) => c.startsWith("tags")).length, 1);
  });

  it("after rederive, works results out again from the cache with the new settings, and no request", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    const before = await settled(r, request);
    assert.ok(before.state === "resolved");
    assert.equal(before.resolution.facts.trust.trustedBySettings, false);
    source.calls.length = 0;
    assert.deepEqual(r.request([request], "doc", "visible"), [], "within the TTL: nothing to do");

    settings = { ...settings, trustedRegistries: [REGISTRY] };
    r.rederive();
    assert.deepEqual(r.request([request], "doc", "visible"), [requestKey(request)]);
    const during = r.lookup(request);
    assert.ok(during.state === "resolving" && during.previous !== undefined, "the old facts stay shown");
    const after = await settled(r, request);
    assert.ok(after.state === "resolved");
    assert.equal(after.resolution.facts.trust.trustedBySettings, true);
    assert.deepEqual(source.calls, [], "answered from the cache");
    assert.deepEqual(r.request([request], "doc", "visible"), [], "and only once");
  });

  it("runs a resolution again when settings change while it is in flight", async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    await new Promise((resolve) => setImmediate(resolve));
    settings = { ...settings, trustedRegistries: [REGISTRY] };
    r.rederive();
    open();
    const first = await settled(r, request);
    assert.ok(first.state === "resolved" || first.state === "resolving");
    const last = r.lookup(request).state === "resolving" ? await settled(r, request) : r.lookup(request);
    assert.ok(last.state === "resolved");
    assert.equal(last.resolution.facts.trust.trustedBySettings, true, "the settings of after the change");
  });

  /**
   * A spinning resolver starves the event loop, so a test waiting on a timer would hang rather
   * than fail: after `limit` change events this releases the owners, which ends any spin.
   */
  function breakSpinAfter(r: Resolver, owners: string[], limit: number): () => number {
    let events = 0;
    const push = changed.push.bind(changed);
    changed.push = (...keys: string[]): number => {
      if (++events > limit) for (const owner of owners) r.release(owner);
      return push(...keys);
    };
    return () => events;
  }

  it("two documents sharing an unreachable image while the registry settings change: no spin, answers settle", async () => {
    // The hang of issue 12: the failed job was re-queued once per owner, with no yield and no
    // bound, and each re-run failed again at once from the backoff — 100% CPU, nothing answered.
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    source.failure = { kind: "network", message: "connect ECONNREFUSED" };
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "file:///a/Dockerfile", "visible");
    r.request([request], "file:///b/Dockerfile", "visible");
    await new Promise((resolve) => setImmediate(resolve));
    r.rederive(true); // e.g. fromLens.registryMirrors changed while the lookup runs
    const events = breakSpinAfter(r, ["file:///a/Dockerfile", "file:///b/Dockerfile"], 200);
    open();
    const timer = await new Promise<string>((resolve) => setTimeout(() => resolve("timer ran"), 50));
    assert.equal(timer, "timer ran");
    assert.ok(events() <= 20, `the resolver settled ${events()} times: it is spinning`);
    const lookup = r.lookup(request);
    assert.ok(lookup.state === "error" && lookup.error.kind === "network", JSON.stringify(lookup));
    assert.ok(source.calls.filter((c) => c.startsWith("HEAD")).length <= 2, JSON.stringify(source.calls));
  });

  it("runs a job again after a settings change at most a bounded number of times", async () => {
    source.failure = { kind: "network", message: "connect ECONNREFUSED" };
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    // The registry settings change during every run: the re-runs must still stop.
    let runs = 0;
    const resolve = source.resolve.bind(source);
    source.resolve = (reference, opts) => {
      runs++;
      r.rederive(true);
      return resolve(reference, opts);
    };
    const events = breakSpinAfter(r, ["doc1", "doc2"], 200);
    r.request([request], "doc1", "visible");
    r.request([request], "doc2", "visible");
    const deadline = Date.now() + 2000;
    while (r.lookup(request).state === "resolving" && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 5));
    }
    assert.ok(events() <= 20, `the resolver settled ${events()} times: it is spinning`);
    assert.equal(r.lookup(request).state, "error");
    assert.ok(runs <= 4, `asked the registry ${runs} times`);
  });

  it("clears memory and disk on request", async () => {
    const r = makeResolver();
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    r.request([request], "doc", "visible");
    await settled(r, request);
    r.clear();
    assert.equal(r.lookup(request).state, "unknown");
    source.calls.length = 0;
    r.request([request], "doc", "visible");
    await settled(r, request);
    assert.ok(
      source.calls.some((c) => c.startsWith("GET manifest")),
      "fetched again",
    );
  });
});

describe("reading the base layer's os-release (fromLens.facts.inspectLayers)", () => {
  /** An image whose config and tag name no OS; its base layer holds `files`. */
  function plainImage(files: Record<string, string>): BuiltImage {
    return buildImage({
      format: "oci",
      platforms: [
        {
          os: "linux",
          architecture: "amd64",
          env: ["PATH=/usr/local/bin:/usr/bin:/bin", "APP_HOME=/srv"],
          layerFiles: files,
        },
      ],
    });
  }
  const app = (): Reference => ({ registry: REGISTRY, repository: "acme/app", tag: "1" });
  const request = (): { reference: Reference; platform: string } => ({
    reference: app(),
    platform: "linux/amd64",
  });
  const layerOf = (image: BuiltImage): string => image.manifests[0]?.layers[0]?.digest ?? "";
  let image: BuiltImage;
  beforeEach(() => {
    image = plainImage({ "etc/os-release": ALPINE_3_22_OS_RELEASE });
    source.tags.set("acme/app:1", image);
  });
  const resolveOs = async (): Promise<Lookup & { state: "resolved" }> => {
    const r = makeResolver();
    r.request([request()], "doc", "visible");
    const lookup = await settled(r, request());
    if (lookup.state !== "resolved") assert.fail(`expected resolved, got ${lookup.state}`);
    return lookup;
  };
  const layerReads = (): number => source.calls.filter((c) => c.startsWith("GET layer")).length;

  it("leaves the OS unknown and reads no layer when the setting is off", async () => {
    const lookup = await resolveOs();
    const os = lookup.resolution.facts.os;
    assert.equal(os.status, "unknown");
    assert.match(os.evidence, /\/etc\/os-release not read/);
    assert.equal(layerReads(), 0);
  });

  it("when on, knows the OS from the base layer's /etc/os-release and names the layer in the evidence", async () => {
    settings.inspectLayers = true;
    const { resolution } = await resolveOs();
    const os = resolution.facts.os;
    if (os.status !== "known") assert.fail(`expected a known OS: ${os.evidence}`);
    assert.equal(os.distro, "alpine");
    assert.equal(os.version, "3.22.2");
    assert.match(
      os.evidence,
      new RegExp(
        `^/etc/os-release \\(read from base layer ${layerOf(image)} of registry\\.example:5000/acme/app\\) ID=alpine`,
      ),
    );
    assert.equal(resolution.facts.libc.value, "musl", "facts that follow from the OS follow it");
    assert.equal(layerReads(), 1);
  });

  it("says when the file came through the /etc/os-release symlink", async () => {
    settings.inspectLayers = true;
    source.layerAnswer = (digest) =>
      ok({
        layerDigest: digest,
        file: {
          path: "etc/os-release",
          target: "usr/lib/os-release",
          content: Buffer.from(DEBIAN_TRIXIE_OS_RELEASE),
        },
        bytesRead: 4096,
        uncompressedBytes: 20480,
        complete: false,
      });
    const os = (await resolveOs()).resolution.facts.os;
    if (os.status !== "known") assert.fail(`expected a known OS: ${os.evidence}`);
    assert.equal(os.distro, "debian");
    assert.equal(os.codename, "trixie");
    assert.ok(
      os.evidence.startsWith(
        `/etc/os-release (→ /usr/lib/os-release, read from base layer ${layerOf(image)} of registry.example:5000/acme/app)`,
      ),
      os.evidence,
    );
  });

  it("caches what it read by layer digest: a restarted resolver reads no layer, also offline", async () => {
    settings.inspectLayers = true;
    await resolveOs();
    source.calls.length = 0;
    settings.offline = true;
    const os = (await resolveOs()).resolution.facts.os;
    assert.equal(os.status, "known");
    assert.deepEqual(source.calls, []);
  });

  it("offline with nothing cached, reads no layer and leaves the OS unknown", async () => {
    settings.inspectLayers = false;
    await resolveOs(); // fills the cache with the documents, not the layer
    source.calls.length = 0;
    settings.inspectLayers = true;
    settings.offline = true;
    const os = (await resolveOs()).resolution.facts.os;
    assert.equal(os.status, "unknown");
    assert.deepEqual(source.calls, []);
  });

  it("reads no layer when a cheaper source names the OS", async () => {
    settings.inspectLayers = true;
    const request = { reference: ref("3.12-slim"), platform: "linux/amd64" };
    const r = makeResolver();
    r.request([request], "doc", "visible");
    const lookup = await settled(r, request);
    assert.ok(lookup.state === "resolved");
    assert.equal(lookup.resolution.facts.os.status, "known");
    assert.equal(layerReads(), 0);
  });

  it("says why when the base layer has no os-release, and remembers that", async () => {
    settings.inspectLayers = true;
    image = plainImage({ "bin/true": "#!/bin/sh\n" });
    source.tags.set("acme/app:1", image);
    const os = (await resolveOs()).resolution.facts.os;
    assert.equal(os.status, "unknown");
    assert.ok(
      os.evidence.endsWith(
        `Base layer ${layerOf(image)}: the layer has no /etc/os-release or /usr/lib/os-release.`,
      ),
      os.evidence,
    );
    await resolveOs();
    assert.equal(layerReads(), 1, "the answer is cached like the file would be");
  });

  it("does not cache a failure that may pass: the next resolution reads the layer again", async () => {
    settings.inspectLayers = true;
    source.layerAnswer = () => err({ kind: "timeout", phase: "body", message: "slow" });
    assert.equal((await resolveOs()).resolution.facts.os.status, "unknown");
    source.layerAnswer = undefined;
    assert.equal((await resolveOs()).resolution.facts.os.status, "known");
    assert.equal(layerReads(), 2);
  });
});

describe("summarizeHubTag", () => {
  it("lists runnable platforms once each, leaving out attestation entries, with digest and push date", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    assert.deepEqual(
      summarizeHubTag({
        name: "1.0",
        digest,
        lastPushed: "2026-11-20T10:00:00Z",
        images: [
          { os: "linux", architecture: "amd64" },
          { os: "unknown", architecture: "unknown" },
          { os: "linux", architecture: "arm64", variant: "v8" },
          { os: "linux", architecture: "amd64" },
          { architecture: "amd64" },
        ],
      }),
      { platforms: ["linux/amd64", "linux/arm64/v8"], digest, pushedAt: "2026-11-20T10:00:00Z" },
    );
    assert.deepEqual(summarizeHubTag({ name: "x", images: [] }), { platforms: [] });
  });
});
