import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { codeCacheDir, codeCacheFileName, isPrivateDir, runBundle } from "../../../server/src/codeCache";
import { makeTempDirSync } from "../../support/tmp";

const RUNTIME = { node: "v20.0.0", v8: "11.3", arch: "x64" };

/** A bundle that counts its runs in a global and sees its own CommonJS scope. */
function writeBundle(dir: string, body = ""): string {
  const file = join(dir, "bundle.js");
  writeFileSync(
    file,
    `globalThis.codeCacheRuns = (globalThis.codeCacheRuns ?? 0) + 1;\n` +
      `globalThis.codeCacheScope = { filename: __filename, dirname: __dirname, hasRequire: typeof require("node:path").join };\n` +
      `function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\nwork(1000);\n${body}`,
  );
  return file;
}

const runs = (): number => (globalThis as { codeCacheRuns?: number }).codeCacheRuns ?? 0;

describe("codeCacheDir", () => {
  it("is FROM_LENS_CODE_CACHE, off when it says so, else code-cache in FROM Lens' user cache dir", () => {
    assert.equal(codeCacheDir({ FROM_LENS_CODE_CACHE: "/x/cc" }), "/x/cc");
    assert.equal(codeCacheDir({ FROM_LENS_CODE_CACHE: "off" }), undefined);
    assert.equal(
      codeCacheDir({ XDG_CACHE_HOME: "/home/u/.c" }),
      join("/home/u/.c", "from-lens", "code-cache"),
    );
  });
});

describe("codeCacheFileName", () => {
  it("changes with the bundle's content (V8 checks only its length) and with the runtime", () => {
    const a = codeCacheFileName("var a = 1;", RUNTIME);
    assert.match(a, /^server-[0-9a-f]{32}\.v8cache$/);
    assert.equal(codeCacheFileName("var a = 1;", RUNTIME), a);
    assert.notEqual(codeCacheFileName("var b = 1;", RUNTIME), a, "same length, other content");
    assert.notEqual(codeCacheFileName("var a = 1;", { ...RUNTIME, v8: "12.4" }), a);
    assert.notEqual(codeCacheFileName("var a = 1;", { ...RUNTIME, arch: "arm64" }), a);
  });
});

describe("isPrivateDir", { skip: process.platform === "win32" }, () => {
  it("accepts only a directory of ours that nobody else may write to", () => {
    const dir = makeTempDirSync("from-lens-cc");
    chmodSync(dir, 0o700);
    assert.equal(isPrivateDir(dir), true);
    assert.equal(isPrivateDir(dir, (process.getuid?.() ?? 0) + 1), false, "another user's");
    chmodSync(dir, 0o777);
    assert.equal(isPrivateDir(dir), false, "world-writable");
    chmodSync(dir, 0o770);
    assert.equal(isPrivateDir(dir), false, "group-writable");
    assert.equal(isPrivateDir(join(dir, "missing")), false);
  });
});

describe("runBundle", () => {
  it("runs the bundle in its own CommonJS scope, then uses the cache it wrote", () => {
    const dir = makeTempDirSync("from-lens-cc");
    const bundle = writeBundle(dir);
    const cache = join(dir, "cache");
    const before = runs();
    const first = runBundle(bundle, cache);
    assert.equal(first.outcome, "none yet");
    assert.equal(runs(), before + 1);
    assert.deepEqual((globalThis as { codeCacheScope?: unknown }).codeCacheScope, {
      filename: bundle,
      dirname: dir,
      hasRequire: "function",
    });
    first.write();
    const files = readdirSync(cache);
    assert.deepEqual(files, [codeCacheFileName(readFileSync(bundle, "utf8"))]);
    const second = runBundle(bundle, cache);
    assert.equal(second.outcome, "used");
    assert.equal(runs(), before + 2);
  });

  it("replaces a cache V8 rejects, and another build's, and never fails the start", () => {
    const dir = makeTempDirSync("from-lens-cc");
    const bundle = writeBundle(dir);
    const cache = join(dir, "cache");
    mkdirSync(cache, { mode: 0o700 });
    const name = codeCacheFileName(readFileSync(bundle, "utf8"));
    writeFileSync(join(cache, name), Buffer.from("not a V8 code cache"));
    writeFileSync(join(cache, "server-0123456789abcdef0123456789abcdef.v8cache"), "an older build's");
    const rejected = runBundle(bundle, cache);
    assert.equal(rejected.outcome, "rejected by V8");
    rejected.write();
    assert.deepEqual(readdirSync(cache), [name], "the older build's file is gone");
    assert.equal(runBundle(bundle, cache).outcome, "used");
  });

  it(
    "neither reads nor writes a directory others may write to",
    { skip: process.platform === "win32" },
    () => {
      const dir = makeTempDirSync("from-lens-cc");
      const bundle = writeBundle(dir);
      const cache = join(dir, "cache");
      mkdirSync(cache);
      chmodSync(cache, 0o777);
      const loaded = runBundle(bundle, cache);
      assert.equal(loaded.outcome, "unusable directory");
      loaded.write();
      assert.deepEqual(readdirSync(cache), []);
    },
  );

  it("is off without a directory", () => {
    const dir = makeTempDirSync("from-lens-cc");
    const loaded = runBundle(writeBundle(dir), undefined);
    assert.equal(loaded.outcome, "off");
    loaded.write();
  });
});
