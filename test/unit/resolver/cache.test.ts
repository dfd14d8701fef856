import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DiskCache } from "../../../server/src/resolver/cache";

const digestOf = (bytes: Uint8Array | string): string =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const blobFile = (dir: string, digest: string): string => join(dir, "v1", "blobs", "sha256", digest.slice(7));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), "from-lens-cache-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("disk cache", () => {
  it("stores blobs by digest in an OCI-layout path and reads them back verified", () => {
    const cache = new DiskCache({ dir, maxBytes: 1 << 20 });
    const bytes = Buffer.from('{"schemaVersion":2}');
    const digest = digestOf(bytes);
    assert.ok(cache.putBlob(digest, bytes));
    assert.ok(fs.existsSync(blobFile(dir, digest)));
    assert.deepEqual(Buffer.from(cache.getBlob(digest) ?? []), bytes);
    assert.ok(new DiskCache({ dir, maxBytes: 1 << 20 }).getBlob(digest), "survives a restart");
  });

  it("refuses to store bytes that do not match their digest", () => {
    const cache = new DiskCache({ dir, maxBytes: 1 << 20 });
    assert.equal(cache.putBlob(digestOf("a"), Buffer.from("b")), false);
    assert.equal(cache.getBlob(digestOf("a")), undefined);
  });

  for (const [what, damage] of [
    ["truncated", (p: string) => fs.truncateSync(p, 5)],
    [
      "with a flipped byte",
      (p: string) => {
        const b = fs.readFileSync(p);
        b[3] = (b[3] ?? 0) ^ 0xff;
        fs.writeFileSync(p, b);
      },
    ],
  ] as const) {
    it(`drops a blob file ${what} and reports it missing, never believing it`, () => {
      const problems: string[] = [];
      const cache = new DiskCache({ dir, maxBytes: 1 << 20, onProblem: (m) => problems.push(m) });
      const bytes = Buffer.from(JSON.stringify({ manifests: [1, 2, 3] }));
      const digest = digestOf(bytes);
      cache.putBlob(digest, bytes);
      damage(blobFile(dir, digest));
      assert.equal(cache.getBlob(digest), undefined);
      assert.equal(fs.existsSync(blobFile(dir, digest)), false, "the corrupt file is deleted");
      assert.equal(problems.length, 1);
      assert.ok(cache.putBlob(digest, bytes), "and can be stored again");
      assert.ok(cache.getBlob(digest));
    });
  }

  it("keeps mutable entries with fetchedAt and drops damaged ones", () => {
    const cache = new DiskCache({ dir, maxBytes: 1 << 20, now: () => 1000 });
    cache.putEntry("tags", "docker.io/library/python:3.12", { digest: "sha256:abc" });
    assert.deepEqual(cache.getEntry("tags", "docker.io/library/python:3.12"), {
      value: { digest: "sha256:abc" },
      fetchedAt: 1000,
    });
    const [file] = fs.readdirSync(join(dir, "v1", "entries", "tags"));
    assert.ok(file);
    const path = join(dir, "v1", "entries", "tags", file);
    fs.writeFileSync(path, fs.readFileSync(path, "utf8").replace("sha256:abc", "sha256:abd"));
    assert.equal(
      cache.getEntry("tags", "docker.io/library/python:3.12"),
      undefined,
      "a checksum mismatch is not believed",
    );
    fs.writeFileSync(path, "{not json");
    assert.equal(cache.getEntry("tags", "docker.io/library/python:3.12"), undefined);
  });

  it("evicts the least recently used files when over its size bound", () => {
    let clock = 1_000_000;
    const cache = new DiskCache({ dir, maxBytes: 2500, now: () => clock });
    const blobs = [0, 1, 2].map((i) => Buffer.alloc(1000, i));
    const digests = blobs.map(digestOf);
    cache.putBlob(digests[0] ?? "", blobs[0] ?? Buffer.alloc(0));
    clock += 1000;
    cache.putBlob(digests[1] ?? "", blobs[1] ?? Buffer.alloc(0));
    clock += 1000;
    assert.ok(cache.getBlob(digests[0] ?? ""), "reading the first makes it recently used");
    clock += 1000;
    cache.putBlob(digests[2] ?? "", blobs[2] ?? Buffer.alloc(0));
    assert.ok(cache.sizeBytes() <= 2500);
    assert.ok(cache.getBlob(digests[0] ?? ""), "recently read: kept");
    assert.equal(cache.getBlob(digests[1] ?? ""), undefined, "least recently used: evicted");
    assert.ok(cache.getBlob(digests[2] ?? ""), "just written: kept");
  });

  it("keeps working, from nothing, when its directory cannot be written", () => {
    const file = join(dir, "not-a-dir");
    fs.writeFileSync(file, "x");
    const problems: string[] = [];
    const cache = new DiskCache({ dir: file, maxBytes: 1 << 20, onProblem: (m) => problems.push(m) });
    assert.equal(cache.putBlob(digestOf("x"), Buffer.from("x")), false);
    assert.equal(cache.putBlob(digestOf("y"), Buffer.from("y")), false);
    assert.equal(problems.length, 1, "says so once");
    assert.equal(cache.getBlob(digestOf("x")), undefined);
  });

  it("survives two server processes writing the same entries at once", async () => {
    const script = `
      const { DiskCache } = require(${JSON.stringify(join(__dirname, "../../../server/src/resolver/cache.ts"))});
      const { createHash } = require("node:crypto");
      const cache = new DiskCache({ dir: ${JSON.stringify(dir)}, maxBytes: 1 << 24 });
      for (let i = 0; i < 200; i++) {
        const bytes = Buffer.from("manifest " + i);
        cache.putBlob("sha256:" + createHash("sha256").update(bytes).digest("hex"), bytes);
        cache.putEntry("tags", "repo:" + (i % 20), { n: i });
      }`;
    const run = (): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: "inherit" });
        child.on("exit", resolve);
      });
    assert.deepEqual(await Promise.all([run(), run()]), [0, 0]);
    const cache = new DiskCache({ dir, maxBytes: 1 << 24 });
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(`manifest ${i}`);
      assert.ok(cache.getBlob(digestOf(bytes)), `blob ${i}`);
    }
    for (let i = 0; i < 20; i++) assert.ok(cache.getEntry("tags", `repo:${i}`), `entry ${i}`);
    const leftovers = fs.readdirSync(join(dir, "v1", "blobs", "sha256")).filter((n) => n.startsWith(".tmp"));
    assert.deepEqual(leftovers, [], "no temp files left behind");
  });
});
