import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { CODENAME_NOTES, HAND_RELEASES } from "../../../server/src/facts/data/distros.hand";
import {
  DEBIAN_RELEASES,
  DISTRO_INFO_VERSION,
  UBUNTU_RELEASES,
  findRelease,
  isDebianTagSeries,
  isUbuntuTagSeries,
  windowsBuild,
} from "../../../server/src/facts/distroTable";

const ROOT = path.resolve(__dirname, "../../..");
const GENERATED = path.join(ROOT, "server/src/facts/data/distros.generated.json");
const DATE_OR_UNKNOWN = /^(?:\d{4}-\d{2}-\d{2}|unknown)$/;

describe("generated Debian/Ubuntu table (distro-info-data)", () => {
  it("names the distro-info-data version it came from", () => {
    assert.match(DISTRO_INFO_VERSION, /^\d+\.\d+/);
  });

  it("knows trixie, forky and Ubuntu 26.04 Resolute Raccoon", () => {
    assert.equal(DEBIAN_RELEASES.find((r) => r.series === "trixie")?.version, "13");
    assert.equal(DEBIAN_RELEASES.find((r) => r.series === "forky")?.version, "14");
    const resolute = UBUNTU_RELEASES.find((r) => r.series === "resolute");
    assert.equal(resolute?.version, "26.04");
    assert.equal(resolute?.codename, "Resolute Raccoon");
    assert.equal(resolute?.lts, true);
  });

  it("strips LTS from Ubuntu versions into the lts flag", () => {
    for (const r of UBUNTU_RELEASES)
      assert.ok(r.version === null || /^\d+\.\d+$/.test(r.version), r.version ?? "");
    assert.equal(UBUNTU_RELEASES.find((r) => r.series === "oracular")?.lts, false);
  });

  it("matches what scripts/gen-distros.mjs writes from the installed distro-info-data", (t) => {
    if (!existsSync("/usr/share/distro-info/debian.csv")) {
      t.skip("distro-info-data is not installed here");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "gen-distros-"));
    try {
      const out = path.join(dir, "distros.json");
      const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/gen-distros.mjs")], {
        env: { ...process.env, DISTROS_OUT: out },
        encoding: "utf8",
      });
      assert.equal(run.status, 0, run.stderr);
      const fresh = JSON.parse(readFileSync(out, "utf8")) as { source: { version: string } };
      if (fresh.source.version !== DISTRO_INFO_VERSION) {
        t.skip(
          `installed distro-info-data ${fresh.source.version} differs from the committed ${DISTRO_INFO_VERSION}`,
        );
        return;
      }
      assert.equal(
        readFileSync(out, "utf8"),
        readFileSync(GENERATED, "utf8"),
        "run npm run gen:distros and commit the result",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hand-kept table", () => {
  it("gives every row a source link, a vendor link and dates (or unknown)", () => {
    for (const r of HAND_RELEASES) {
      const id = `${r.distro} ${r.cycle}`;
      assert.match(r.source, /^https:\/\//, id);
      assert.match(r.vendor, /^https:\/\//, id);
      assert.match(r.released, DATE_OR_UNKNOWN, id);
      assert.match(r.eol, DATE_OR_UNKNOWN, id);
    }
  });

  it("has one row per release line", () => {
    const keys = HAND_RELEASES.map((r) => `${r.distro}/${r.cycle}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("covers Alpine, Amazon Linux, Oracle Linux, AlmaLinux, Rocky, Fedora, Photon, Wolfi and Windows LTSC 2019/2022/2025", () => {
    const distros = new Set<string>(HAND_RELEASES.map((r) => r.distro));
    for (const d of [
      "alpine",
      "amazonlinux",
      "oraclelinux",
      "almalinux",
      "rockylinux",
      "fedora",
      "photon",
      "wolfi",
      "windows",
    ]) {
      assert.ok(distros.has(d), d);
    }
    for (const c of ["ltsc2019", "ltsc2022", "ltsc2025"])
      assert.ok(
        HAND_RELEASES.some((r) => r.codename === c),
        c,
      );
  });

  it("explains codenames: Debian's Toy Story names, Ubuntu's adjective-animal pairs", () => {
    assert.match(CODENAME_NOTES.debian, /Toy Story/);
    assert.match(CODENAME_NOTES.ubuntu, /adjective and an animal/);
    assert.match(CODENAME_NOTES.ubuntu, /Noble Numbat/);
  });
});

describe("findRelease", () => {
  it("finds Debian by codename or (point) version", () => {
    assert.equal(findRelease("debian", null, "bookworm")?.version, "12");
    assert.equal(findRelease("debian", "12.5", null)?.codename, "bookworm");
    assert.equal(findRelease("debian", "13", null)?.codename, "trixie");
  });

  it("finds Ubuntu by version or series", () => {
    assert.equal(findRelease("ubuntu", "24.04", null)?.codename, "noble");
    assert.equal(findRelease("ubuntu", "24.04.1", null)?.codename, "noble");
    assert.equal(findRelease("ubuntu", null, "jammy")?.version, "22.04");
  });

  it("puts Alpine 3.22.6 in branch 3.22, never 3.2", () => {
    assert.equal(findRelease("alpine", "3.22.6", null)?.cycle, "3.22");
    assert.equal(findRelease("alpine", "3.2.3", null)?.cycle, "3.2");
    assert.equal(findRelease("alpine", "edge", null)?.eol, "unknown");
  });

  it("maps Amazon Linux versions and tags to their line", () => {
    assert.equal(findRelease("amazonlinux", "2023.12.20260831.0", null)?.cycle, "2023");
    assert.equal(findRelease("amazonlinux", "2.0.20260831.0", null)?.cycle, "2");
    assert.equal(findRelease("amazonlinux", "2", null)?.cycle, "2");
    assert.equal(findRelease("amazonlinux", "1", null)?.cycle, "2018.03");
  });

  it("maps RHEL-like minor versions to their major line", () => {
    assert.equal(findRelease("oraclelinux", "9.4", null)?.eol, "2032-06-30");
    assert.equal(findRelease("almalinux", "10.2", null)?.cycle, "10");
    assert.equal(findRelease("rockylinux", "9", null)?.cycle, "9");
  });

  it("accepts Photon 5 for the 5.0 line and Fedora by number", () => {
    assert.equal(findRelease("photon", "5", null)?.cycle, "5.0");
    assert.equal(findRelease("fedora", "44", null)?.eol, "2027-06-02");
  });

  it("maps Windows builds to LTSC releases", () => {
    assert.equal(windowsBuild("10.0.20348.5622"), "20348");
    assert.equal(findRelease("windows", "10.0.20348.5622", null)?.codename, "ltsc2022");
    assert.equal(findRelease("windows", "10.0.26100.33158", null)?.codename, "ltsc2025");
    assert.equal(findRelease("windows", null, "ltsc2019")?.version, "10.0.17763");
  });

  it("gives Wolfi its rolling line whatever VERSION_ID says", () => {
    const wolfi = findRelease("wolfi", "20230201", null);
    assert.equal(wolfi?.cycle, "rolling");
    assert.equal(wolfi?.eol, "unknown");
    assert.match(wolfi?.eolNote ?? "", /rolling/);
  });

  it("returns undefined for a distro or release it does not know", () => {
    assert.equal(findRelease("gentoo", "2.17", null), undefined);
    assert.equal(findRelease("fedora", "12", null), undefined);
  });

  it("explains what the Debian EOL date means (LTS) and Ubuntu's (standard support)", () => {
    assert.match(findRelease("debian", null, "bookworm")?.eolNote ?? "", /Debian LTS until 2028-06-30/);
    assert.match(findRelease("ubuntu", null, "noble")?.eolNote ?? "", /standard support until 2029-05-31/);
    assert.match(findRelease("debian", null, "sid")?.eolNote ?? "", /development branch/);
  });
});

describe("tag series words", () => {
  it("recognises Debian suites from wheezy on and sid, not experimental or the 1990s names", () => {
    for (const s of ["wheezy", "buster", "bookworm", "trixie", "forky", "sid"])
      assert.ok(isDebianTagSeries(s), s);
    for (const s of ["experimental", "rex", "bo", "slim", "latest"]) assert.ok(!isDebianTagSeries(s), s);
  });

  it("recognises Ubuntu series from lucid on", () => {
    for (const s of ["focal", "jammy", "noble", "resolute"]) assert.ok(isUbuntuTagSeries(s), s);
    for (const s of ["dapper", "warty", "alpine"]) assert.ok(!isUbuntuTagSeries(s), s);
  });
});
