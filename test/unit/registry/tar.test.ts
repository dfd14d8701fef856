import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, linkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { normaliseTarPath, parsePaxRecords, TarParser } from "../../../server/src/registry/tarParser";
import { TarFileFinder } from "../../../server/src/registry/tarFinder";
import type { TarHeader } from "../../../server/src/registry/tarParser";
import {
  ALPINE_3_22_OS_RELEASE,
  chunked,
  DEBIAN_TRIXIE_OS_RELEASE,
  dir,
  file,
  gnuLong,
  hardlink,
  pax,
  paxRecord,
  symlink,
  tarOf,
} from "./tarWriter";
import type { RawEntry } from "./tarWriter";

const OS_RELEASE = ["etc/os-release", "usr/lib/os-release"];

interface Seen {
  headers: TarHeader[];
  contents: Map<string, string>;
  parser: TarParser;
}

/** Parses `archive` fed in the given chunk sizes, asking for every entry's content. */
function parse(archive: Buffer, sizes: readonly number[] = [archive.length]): Seen {
  const headers: TarHeader[] = [];
  const contents = new Map<string, string>();
  const parser = new TarParser({
    entry: (h) => {
      headers.push(h);
      return true;
    },
    content: (h, c) => contents.set(h.path, c.toString("utf8")),
  });
  for (const c of chunked(archive, sizes)) parser.push(c);
  parser.end();
  return { headers, contents, parser };
}

function find(
  entries: RawEntry[],
  opts: { sizes?: number[]; maxFileBytes?: number; maxArchiveBytes?: number; end?: boolean } = {},
): TarFileFinder {
  const archive = tarOf(entries, { end: opts.end ?? true });
  const finder = new TarFileFinder({
    paths: OS_RELEASE,
    maxFileBytes: opts.maxFileBytes ?? 64 * 1024,
    maxArchiveBytes: opts.maxArchiveBytes ?? 1 << 30,
  });
  for (const c of chunked(archive, opts.sizes ?? [archive.length])) {
    if (finder.done) break;
    finder.push(c);
  }
  if (!finder.done) finder.end();
  return finder;
}

const filler = (name: string, bytes: number): RawEntry => file(name, Buffer.alloc(bytes, 0x41));

describe("tar reader", () => {
  it("reads ustar names with their prefix, contents, link targets and types, in any chunking", () => {
    const longDir = `usr/share/${"d".repeat(120)}`;
    const archive = tarOf([
      dir("./"),
      dir("./etc/"),
      file("./etc/hostname", "layer\n"),
      file("README", "x", { prefix: longDir }),
      symlink("./etc/os-release", "../usr/lib/os-release"),
      hardlink("./bin/sh", "bin/dash"),
      { name: "dev/null", flag: "3" },
    ]);
    for (const sizes of [[archive.length], [1], [7, 511, 513, 1024], [512]]) {
      const { headers, contents, parser } = parse(archive, sizes);
      assert.equal(parser.failure, undefined);
      assert.deepEqual(
        headers.map((h) => [h.path, h.type]),
        [
          ["", "directory"],
          ["etc", "directory"],
          ["etc/hostname", "file"],
          [`${longDir}/README`, "file"],
          ["etc/os-release", "symlink"],
          ["bin/sh", "hardlink"],
          ["dev/null", "other"],
        ],
        `chunks ${sizes.join(",")}`,
      );
      assert.equal(contents.get("etc/hostname"), "layer\n");
      assert.equal(headers[4]?.linkPath, "../usr/lib/os-release");
      assert.equal(headers[5]?.linkPath, "bin/dash");
    }
  });

  it("reads GNU long names and long link names", () => {
    const path = `usr/lib/python3/dist-packages/${"very-long-module-name/".repeat(6)}os-release`;
    const target = `../${"t".repeat(150)}/os-release`;
    const { headers, contents, parser } = parse(
      tarOf([...gnuLong(path, { content: "ID=test\n" }), ...gnuLong("etc/link", { flag: "2" }, target)]),
    );
    assert.equal(parser.failure, undefined);
    assert.ok(path.length > 100 && target.length > 100);
    assert.deepEqual(
      headers.map((h) => h.path),
      [path, "etc/link"],
      "the L/K records are not entries themselves",
    );
    assert.equal(contents.get(path), "ID=test\n");
    assert.equal(headers[1]?.linkPath, target);
  });

  it("applies pax path, linkpath and size records to the next entry only, and skips global ones", () => {
    const longPath = `opt/${"p".repeat(200)}/os-release`;
    const { headers, contents } = parse(
      tarOf([
        pax({ path: "ignored/global" }, "g"),
        pax({ path: longPath, mtime: "1700000000.5", "SCHILY.xattr.user.x": "y=z" }),
        file("truncated-name", "ID=pax\n"),
        pax({ linkpath: `/usr/lib/${"l".repeat(150)}` }),
        symlink("etc/os-release", "short"),
        file("after", "plain\n"),
      ]),
    );
    assert.deepEqual(
      headers.map((h) => h.path),
      [longPath, "etc/os-release", "after"],
    );
    assert.equal(contents.get(longPath), "ID=pax\n");
    assert.equal(headers[1]?.linkPath, `/usr/lib/${"l".repeat(150)}`);
  });

  it("takes the size from a pax record and from a GNU base-256 field", () => {
    const big = Buffer.alloc(1500, 0x42);
    const { headers, contents, parser } = parse(
      tarOf([
        pax({ size: "1500" }),
        { name: "blob-pax", content: big, sizeField: 0 },
        { name: "blob-256", content: big, base256Size: true, magic: "gnu" },
        file("etc/os-release", "ID=after\n"),
      ]),
    );
    assert.equal(parser.failure, undefined);
    assert.deepEqual(
      headers.map((h) => [h.path, h.size]),
      [
        ["blob-pax", 1500],
        ["blob-256", 1500],
        ["etc/os-release", 9],
      ],
    );
    assert.equal(contents.get("etc/os-release"), "ID=after\n");
  });

  it("parses pax records by their length, values with spaces, = and newlines included", () => {
    const data = Buffer.from(paxRecord("path", "a b=c") + paxRecord("comment", "two\nlines"));
    assert.deepEqual(
      [...parsePaxRecords(data)],
      [
        ["path", "a b=c"],
        ["comment", "two\nlines"],
      ],
    );
  });

  it("refuses a body that is not a tar at its first block", () => {
    const { parser, headers } = parse(Buffer.from('{"not":"a tar"}'.padEnd(2048, " ")));
    assert.match(parser.failure ?? "", /not a tar archive/);
    assert.equal(headers.length, 0);
  });

  it("refuses a corrupt header later in the archive", () => {
    const { parser, headers } = parse(tarOf([file("a", "1"), file("b", "2", { badChecksum: true })]));
    assert.match(parser.failure ?? "", /corrupt header/);
    assert.deepEqual(
      headers.map((h) => h.path),
      ["a"],
    );
  });

  it("tells an archive cut inside an entry from one that merely lacks its end marker", () => {
    const whole = tarOf([file("a", "x".repeat(2000))], { end: false });
    assert.equal(parse(whole).parser.failure, undefined);
    assert.match(parse(whole.subarray(0, 1000)).parser.failure ?? "", /ends in the middle of an entry/);
  });

  it("normalises paths like a layer extractor", () => {
    assert.equal(normaliseTarPath("./etc//os-release"), "etc/os-release");
    assert.equal(normaliseTarPath("/usr/lib/"), "usr/lib");
    assert.equal(normaliseTarPath("./"), "");
  });
});

describe("finding a file in a layer tar", () => {
  it("finds a regular /etc/os-release and stops right there (Alpine layout)", () => {
    const finder = find(
      [
        dir("etc/"),
        file("etc/os-release", ALPINE_3_22_OS_RELEASE),
        filler("etc/zzz-filler", 200_000),
        symlink("usr/lib/os-release", "../../etc/os-release"),
      ],
      { sizes: [4096] },
    );
    assert.ok(finder.done);
    assert.deepEqual(finder.found(), {
      path: "etc/os-release",
      content: Buffer.from(ALPINE_3_22_OS_RELEASE),
    });
    assert.ok(finder.bytes <= 8192, `stopped after ${finder.bytes} bytes, before the filler`);
  });

  it("follows the /etc/os-release symlink to /usr/lib/os-release (Debian layout) and stops after it", () => {
    const finder = find(
      [
        dir("bin/"),
        symlink("etc/os-release", "../usr/lib/os-release"),
        filler("usr/bin/perl", 100_000),
        file("usr/lib/os-release", DEBIAN_TRIXIE_OS_RELEASE),
        filler("usr/share/zzz", 300_000),
      ],
      { sizes: [8192] },
    );
    assert.ok(finder.done);
    const found = finder.found();
    assert.equal(found?.path, "etc/os-release");
    assert.equal(found?.target, "usr/lib/os-release");
    assert.equal(found?.content.toString(), DEBIAN_TRIXIE_OS_RELEASE);
    assert.ok(finder.bytes < 120_000, `stopped after ${finder.bytes} bytes`);
  });

  it("follows absolute symlinks and symlinked directories (merged /usr)", () => {
    const finder = find([
      symlink("lib", "usr/lib"),
      symlink("etc/os-release", "/lib/os-release"),
      file("usr/lib/os-release", DEBIAN_TRIXIE_OS_RELEASE),
    ]);
    assert.equal(finder.found()?.target, "usr/lib/os-release");
  });

  it("follows a hard link to a file earlier in the archive", () => {
    const finder = find([
      file("aaa/base-files/os-release", DEBIAN_TRIXIE_OS_RELEASE),
      filler("aaa/doc", 10_000),
      hardlink("etc/os-release", "./aaa/base-files/os-release"),
      filler("var/zzz", 10_000),
    ]);
    assert.ok(finder.done);
    assert.equal(finder.found()?.path, "etc/os-release");
    assert.equal(finder.found()?.target, "aaa/base-files/os-release");
    assert.equal(finder.found()?.content.toString(), DEBIAN_TRIXIE_OS_RELEASE);
  });

  it("falls back to /usr/lib/os-release only when the archive has no /etc/os-release", () => {
    const finder = find([file("usr/lib/os-release", "ID=fallback\n"), filler("var/x", 5000)], {
      sizes: [1024],
    });
    assert.ok(!finder.done, "reads on: /etc/os-release may still come");
    assert.deepEqual(finder.found(), { path: "usr/lib/os-release", content: Buffer.from("ID=fallback\n") });
  });

  it("a later entry for the same path replaces the earlier one", () => {
    const finder = find([file("usr/lib/os-release", "ID=old\n"), file("usr/lib/os-release", "ID=new\n")]);
    assert.equal(finder.found()?.content.toString(), "ID=new\n");
  });

  it("does not read a wanted file over the size cap, and says so", () => {
    const finder = find([file("etc/os-release", "ID=x\n".repeat(100)), filler("var/y", 100_000)], {
      maxFileBytes: 100,
      sizes: [1024],
    });
    assert.ok(finder.done, "settled: the file is there but too large");
    assert.equal(finder.found(), undefined);
    assert.match(finder.missing(), /\/etc\/os-release is 500 bytes, more than the 100 read at most/);
    assert.ok(finder.bytes < 4096);
  });

  it("stops at the uncompressed-bytes cap", () => {
    const finder = find([filler("bin/big", 1_000_000), file("etc/os-release", "ID=late\n")], {
      maxArchiveBytes: 64 * 1024,
      sizes: [16 * 1024],
    });
    assert.ok(finder.done && finder.capped);
    assert.equal(finder.found(), undefined);
    assert.match(finder.missing(), /not within the first 65536 uncompressed bytes/);
  });

  it("gives up on a symlink loop", () => {
    const finder = find([symlink("etc/os-release", "os-release2"), symlink("etc/os-release2", "os-release")]);
    assert.equal(finder.found(), undefined);
    assert.match(finder.missing(), /the layer has no \/etc\/os-release or \/usr\/lib\/os-release/);
  });

  it("reads archives written by GNU tar in gnu, pax and ustar formats", (t) => {
    const root = mkdtempSync(join(tmpdir(), "from-lens-tar-"));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const tree = join(root, "rootfs");
    mkdirSync(join(tree, "etc"), { recursive: true });
    mkdirSync(join(tree, "usr/lib"), { recursive: true });
    const deep = join(tree, "usr/share", "x".repeat(90), "y".repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "z".repeat(90)), "deep\n");
    writeFileSync(join(tree, "usr/lib/os-release"), DEBIAN_TRIXIE_OS_RELEASE);
    symlinkSync("../usr/lib/os-release", join(tree, "etc/os-release"));
    linkSync(join(tree, "usr/lib/os-release"), join(tree, "usr/lib/os-release.hard"));
    symlinkSync("usr/lib", join(tree, "lib"));
    for (const format of ["gnu", "pax", "ustar"]) {
      let archive: Buffer;
      try {
        execFileSync("tar", [
          `--format=${format}`,
          "--sort=name",
          "-C",
          tree,
          "-cf",
          join(root, `${format}.tar`),
          ".",
        ]);
        archive = readFileSync(join(root, `${format}.tar`));
      } catch (e) {
        if (format === "ustar") continue; // ustar cannot store the 270-character path: GNU tar refuses
        t.skip(`GNU tar is not available (${String(e)})`);
        return;
      }
      const finder = new TarFileFinder({ paths: OS_RELEASE, maxFileBytes: 65536, maxArchiveBytes: 1 << 30 });
      for (const c of chunked(archive, [1000, 3000])) if (!finder.done) finder.push(c);
      assert.equal(finder.failure, undefined, format);
      assert.equal(finder.found()?.target, "usr/lib/os-release", format);
      assert.equal(finder.found()?.content.toString(), DEBIAN_TRIXIE_OS_RELEASE, format);
      const { headers } = parse(archive, [777]);
      assert.ok(
        headers.some((h) => h.path.endsWith(`${"y".repeat(90)}/${"z".repeat(90)}`)),
        `${format}: the long path is read whole`,
      );
    }
  });
});

describe("tar file finder against hostile links", () => {
  it("answers at once for a symlink whose target has 20,000 path segments (never followed)", () => {
    const started = performance.now();
    const finder = find([
      pax({ linkpath: "a/".repeat(20_000) }),
      symlink("etc", "placeholder"),
      file("usr/lib/os-release", DEBIAN_TRIXIE_OS_RELEASE),
    ]);
    const ms = performance.now() - started;
    // /etc leads nowhere (ENAMETOOLONG), so the /usr/lib copy is the answer.
    assert.equal(finder.found()?.path, "usr/lib/os-release");
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
  });

  it("resolves a chain of 40 links with 4 KiB targets in linear time", () => {
    // etc → l1/… (a 4 000-byte target whose last segment is the next link) → … → the real dir.
    const entries: RawEntry[] = [];
    const deep = (n: number): string => `${"s/".repeat(1990)}l${n}`;
    entries.push(pax({ linkpath: `/${deep(1)}` }), symlink("etc", "x"));
    for (let n = 1; n < 39; n++)
      entries.push(pax({ path: deep(n), linkpath: `/${deep(n + 1)}` }), symlink("x", "x"));
    entries.push(pax({ path: deep(39) }), symlink("x", "/real"));
    entries.push(file("real/os-release", DEBIAN_TRIXIE_OS_RELEASE));
    for (let i = 0; i < 2000; i++) entries.push(file(`var/f${i}`, "x"));
    const started = performance.now();
    const finder = find(entries);
    const ms = performance.now() - started;
    assert.equal(finder.found()?.target, "real/os-release");
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  it("follows nothing through a resolved path longer than PATH_MAX", () => {
    // Each part fits in PATH_MAX; joined with "os-release" they do not.
    const dir = `${"d".repeat(2000)}/${"e".repeat(2000)}/${"f".repeat(90)}`;
    const finder = find([
      pax({ linkpath: dir }),
      symlink("etc", "x"),
      pax({ path: `${dir}/os-release` }),
      file("x", "ID=evil\n"),
    ]);
    assert.equal(finder.found(), undefined);
  });

  it("keeps a bounded number of bytes for long pax link strings, and none after dispose", () => {
    // 200 symlinks whose targets are 1 MiB each: a gzip of this is ~0.2 MB, the strings 200 MB.
    const target = "t".repeat(1024 * 1024 - 64);
    const entries: RawEntry[] = [];
    for (let i = 0; i < 200; i++) entries.push(pax({ linkpath: target }), symlink(`bin/l${i}`, "x"));
    entries.push(file("etc/os-release", DEBIAN_TRIXIE_OS_RELEASE));
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const finder = find(entries);
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    assert.equal(finder.found()?.content.toString(), DEBIAN_TRIXIE_OS_RELEASE);
    assert.ok(kept < 32 * 1024 * 1024, `the finder keeps ${(kept / 1024 / 1024).toFixed(0)} MiB`);
    finder.dispose();
    assert.equal(finder.found(), undefined);
  });

  it("stops, and says why, when a layer's links pass the byte budget", () => {
    const entries: RawEntry[] = [];
    const target = "u".repeat(4000);
    for (let i = 0; i < 2500; i++) entries.push(pax({ linkpath: target }), symlink(`bin/l${i}`, "x"));
    entries.push(file("etc/os-release", DEBIAN_TRIXIE_OS_RELEASE));
    const finder = find(entries);
    assert.equal(finder.done, true);
    assert.equal(finder.found(), undefined);
    assert.match(finder.missing(), /more than 8388608 bytes of symlinks and hard links/);
  });
});
