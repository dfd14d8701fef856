import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { LayerDecoder, OS_RELEASE_PATHS } from "../../../server/src/registry/layer";
import { TarFileFinder } from "../../../server/src/registry/tarFinder";
import { ALPINE_3_22_OS_RELEASE, chunked, DEBIAN_TRIXIE_OS_RELEASE, file, symlink, tarOf } from "./tarWriter";

function decoder(): LayerDecoder {
  return new LayerDecoder(
    new TarFileFinder({ paths: OS_RELEASE_PATHS, maxFileBytes: 64 * 1024, maxArchiveBytes: 1 << 30 }),
  );
}

/** Feeds `blob` like the transport does; returns how many bytes were taken and whether all were. */
async function feed(
  d: LayerDecoder,
  blob: Buffer,
  chunk = 64 * 1024,
): Promise<{ taken: number; all: boolean }> {
  let taken = 0;
  for (const c of chunked(blob, [chunk])) {
    taken += c.length;
    if (!(await d.write(c))) return { taken, all: taken === blob.length };
  }
  await d.finish();
  return { taken, all: true };
}

/** A Debian-shaped base layer: the os-release symlink, its target, then incompressible filler. */
function debianLayer(fillerBytes: number): Buffer {
  return tarOf([
    symlink("etc/os-release", "../usr/lib/os-release"),
    file("usr/lib/os-release", DEBIAN_TRIXIE_OS_RELEASE),
    file("usr/share/filler.bin", randomBytes(fillerBytes)),
  ]);
}

describe("layer decoder", () => {
  it("gunzips as bytes arrive and asks to stop once the file is read, long before the end", async () => {
    const gz = gzipSync(debianLayer(4 * 1024 * 1024));
    const d = decoder();
    const { taken, all } = await feed(d, gz);
    assert.equal(all, false);
    assert.equal(d.compression, "gzip");
    assert.ok(taken <= 128 * 1024, `took ${taken} of ${gz.length} bytes`);
    assert.equal(d.finder.found()?.content.toString(), DEBIAN_TRIXIE_OS_RELEASE);
    d.dispose();
  });

  it("reads an uncompressed tar layer", async () => {
    const d = decoder();
    await feed(d, tarOf([file("etc/os-release", ALPINE_3_22_OS_RELEASE)]), 100);
    assert.equal(d.compression, "none");
    assert.equal(d.finder.found()?.content.toString(), ALPINE_3_22_OS_RELEASE);
  });

  it("reads a layer without the file to its end, hashing every byte", async () => {
    const gz = gzipSync(tarOf([file("bin/true", "x")]));
    const d = decoder();
    const { all } = await feed(d, gz, 7);
    assert.ok(all);
    assert.equal(d.finder.found(), undefined);
    assert.equal(d.finder.failure, undefined);
    assert.equal(d.digest("sha256"), `sha256:${createHash("sha256").update(gz).digest("hex")}`);
  });

  it("names a zstd layer as unsupported instead of misreading it", async () => {
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), randomBytes(1000)]);
    const d = decoder();
    const { all } = await feed(d, zstd, 2);
    assert.equal(all, false);
    assert.equal(d.unsupported, "zstd");
  });

  it("reports corrupt gzip data", async () => {
    const gz = gzipSync(debianLayer(100_000));
    const broken = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(5000, 0xff)]);
    const d = decoder();
    await feed(d, broken, 1000);
    assert.ok(d.gzipError !== undefined || d.finder.failure !== undefined);
    d.dispose();
  });

  it("sees a gzip stream cut short as a failure, not as a layer without the file", async () => {
    const gz = gzipSync(tarOf([file("bin/a", randomBytes(50_000)), file("etc/os-release", "ID=x\n")]));
    const d = decoder();
    await feed(d, gz.subarray(0, 20_000));
    assert.ok(d.gzipError !== undefined || d.finder.failure !== undefined);
  });
});
