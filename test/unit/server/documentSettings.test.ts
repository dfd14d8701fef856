/**
 * Settings from every way an editor hands them over — initializationOptions, a pushed
 * didChangeConfiguration, a workspace/configuration answer — layered and normalised alike.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { DocumentSettings, layerSettings } from "../../../server/src/documentSettings";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";

describe("layerSettings", () => {
  it("merges records key by key and lets values and arrays replace", () => {
    assert.deepEqual(
      layerSettings(
        { offline: true, cache: { tagTtl: 5, maxSizeMB: 10 }, registryMirrors: ["a", "b"] },
        { cache: { tagTtl: 7 }, registryMirrors: ["c"] },
      ),
      { offline: true, cache: { tagTtl: 7, maxSizeMB: 10 }, registryMirrors: ["c"] },
    );
  });

  it("leaves the base for an absent or null layer", () => {
    assert.deepEqual(layerSettings({ offline: true }, null), { offline: true });
    assert.deepEqual(layerSettings({ offline: true }, undefined), { offline: true });
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const out = layerSettings({}, JSON.parse('{"__proto__": {"offline": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { offline?: unknown }).offline, undefined);
  });
});

describe("DocumentSettings", () => {
  it("reads settings.fromLens from the initialization options of a client without workspace/configuration", async () => {
    const s = new DocumentSettings(() => Promise.resolve(undefined));
    s.initialize({ storagePath: "/tmp/x", settings: { fromLens: { offline: true, logLevel: "debug" } } });
    const got = await s.get("file:///a/Dockerfile");
    assert.equal(got.offline, true);
    assert.equal(got.logLevel, "debug");
    assert.equal(got.hover.waitMs, DEFAULT_SETTINGS.hover.waitMs);
  });

  it("applies a pushed { settings: { fromLens } } over the initialization options, normalised", async () => {
    const s = new DocumentSettings(() => Promise.resolve(undefined));
    s.initialize({ settings: { fromLens: { offline: false, logLevel: "debug" } } });
    assert.equal((await s.get("u")).offline, false);
    s.push({ fromLens: { offline: true, cache: { tagTtl: -3 } } });
    const got = await s.get("u");
    assert.equal(got.offline, true, "the cache was dropped and the push applied");
    assert.equal(got.logLevel, "debug", "the initialization options stay beneath");
    assert.equal(got.cache.tagTtl, DEFAULT_SETTINGS.cache.tagTtl, "a malformed value falls back");
  });

  it("keeps the pushed layer for the pull model's { settings: null } signal", async () => {
    const s = new DocumentSettings(() => Promise.resolve(undefined));
    s.push({ fromLens: { offline: true } });
    s.push(null);
    assert.equal((await s.get("u")).offline, true);
    s.push({ other: {} });
    assert.equal((await s.get("u")).offline, false, "settings without fromLens: nothing pushed any more");
  });

  it("lets the client's workspace/configuration answer win, and a null answer fall through", async () => {
    // defaultPlatform: a setting a folder may set (offline and the other protected ones come from
    // the editor-wide answer, see the next test).
    const answers = new Map<string, unknown>([
      ["a", { defaultPlatform: "linux/amd64" }],
      ["b", null],
    ]);
    const s = new DocumentSettings((uri) => Promise.resolve(answers.get(uri)));
    s.initialize({ settings: { fromLens: { defaultPlatform: "linux/arm64" } } });
    assert.equal((await s.get("a")).defaultPlatform, "linux/amd64");
    assert.equal((await s.get("b")).defaultPlatform, "linux/arm64");
  });

  it("takes protected settings such as offline from the editor-wide answer, not a folder's", async () => {
    const answers = new Map<string, unknown>([
      ["", { offline: true }],
      ["a", { offline: false }],
    ]);
    const s = new DocumentSettings((uri) => Promise.resolve(answers.get(uri)));
    assert.equal((await s.get("a")).offline, true);
  });

  it("falls back to the other layers when workspace/configuration fails", async () => {
    const s = new DocumentSettings(() => Promise.reject(new Error("no")));
    s.push({ fromLens: { offline: true } });
    assert.equal((await s.get("u")).offline, true);
  });
});
