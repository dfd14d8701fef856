import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { osFromOsRelease, parseOsRelease } from "../../../server/src/facts/os/osRelease";

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

describe("/etc/os-release", () => {
  for (const eol of ["\n", "\r\n"]) {
    it(`parses quoted and bare values, skipping comments (${JSON.stringify(eol)} line ends)`, () => {
      const text = [
        "# a comment",
        'NAME="Alpine Linux"',
        "ID=alpine",
        "VERSION_ID=3.20.3",
        "PRETTY_NAME='Alpine Linux v3.20'",
        "",
      ].join(eol);
      assert.deepEqual(parseOsRelease(text), {
        NAME: "Alpine Linux",
        ID: "alpine",
        VERSION_ID: "3.20.3",
        PRETTY_NAME: "Alpine Linux v3.20",
      });
    });
  }

  it("unescapes shell escapes inside double quotes", () => {
    assert.equal(parseOsRelease('PRETTY_NAME="Say \\"hi\\" \\$HOME"')["PRETTY_NAME"], 'Say "hi" $HOME');
  });

  it("turns Debian's file into distro, version and codename with the fields as evidence", () => {
    assert.deepEqual(osFromOsRelease(parseOsRelease(DEBIAN)), {
      kind: "distro",
      distro: "debian",
      version: "12",
      codename: "bookworm",
      evidence: "/etc/os-release ID=debian VERSION_ID=12 VERSION_CODENAME=bookworm",
    });
  });

  it("maps os-release IDs to distro ids (amzn, ol, rocky)", () => {
    const brief = (fields: Record<string, string>): string => {
      const c = osFromOsRelease(fields);
      return c?.kind === "distro" ? `${c.distro} ${c.version ?? "-"}` : "none";
    };
    assert.equal(brief({ ID: "amzn", VERSION_ID: "2023" }), "amazonlinux 2023");
    assert.equal(brief({ ID: "ol", VERSION_ID: "9.4" }), "oraclelinux 9.4");
    assert.equal(brief({ ID: "rocky", VERSION_ID: "9.5" }), "rockylinux 9.5");
    assert.equal(brief({ ID: "opensuse-leap", VERSION_ID: "15.6" }), "opensuse-leap 15.6");
  });

  it("drops Wolfi's placeholder VERSION_ID: Wolfi is rolling", () => {
    const wolfi = osFromOsRelease({ ID: "wolfi", VERSION_ID: "20230201" });
    assert.equal(wolfi?.kind === "distro" ? wolfi.version : "x", undefined);
  });

  it("returns nothing without an ID", () => {
    assert.equal(osFromOsRelease(parseOsRelease("NAME=Something\n")), undefined);
  });
});
