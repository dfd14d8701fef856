import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { deriveLibc } from "../../../server/src/facts/libc";
import type { LibcFact, OsFact } from "../../../server/src/facts/types";
import { NOW, input, type ImageSpec } from "./helpers";

function libcOf(spec: ImageSpec): LibcFact {
  return deriveFacts(input(spec), NOW).libc;
}

function knownOs(distro: string, name: string): OsFact {
  return {
    status: "known",
    distro,
    name,
    version: null,
    release: null,
    codename: null,
    eol: "unknown",
    eolStatus: "unknown",
    eolNote: "",
    evidence: 'config history "…"',
  };
}

describe("libc", () => {
  it("is glibc on Debian, Ubuntu and the RHEL-likes, saying which base OS it follows from", () => {
    for (const [distro, name] of [
      ["debian", "Debian"],
      ["ubuntu", "Ubuntu"],
      ["oraclelinux", "Oracle Linux"],
      ["almalinux", "AlmaLinux"],
      ["rockylinux", "Rocky Linux"],
      ["fedora", "Fedora"],
      ["photon", "Photon OS"],
      ["amazonlinux", "Amazon Linux"],
    ] as const) {
      const libc = deriveLibc({ os: knownOs(distro, name), historyLines: [] });
      assert.equal(libc.value, "glibc", distro);
      assert.match(libc.evidence, new RegExp(`^${name} is built on glibc \\(base OS from config history\\)`));
    }
  });

  it("is musl on Alpine", () => {
    const libc = libcOf({ history: ["ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"] });
    assert.equal(libc.value, "musl");
    assert.match(libc.evidence, /Alpine Linux is built on musl/);
  });

  it("is glibc on Wolfi, even though Wolfi uses apk like Alpine", () => {
    const libc = libcOf({ osRelease: 'ID=wolfi\nNAME="Wolfi"\nVERSION_ID=20230201\n' });
    assert.equal(libc.value, "glibc");
    assert.match(libc.evidence, /apk .*glibc, not musl/);
  });

  it("does not apply to Windows", () => {
    const libc = libcOf({ os: "windows", osVersion: "10.0.20348.5622" });
    assert.equal(libc.value, "not-applicable");
    assert.match(libc.evidence, /Windows/);
  });

  it("follows BusyBox's build line (musl, uclibc, glibc)", () => {
    assert.equal(libcOf({ history: ["RUN BusyBox 1.38.0 (musl), Alpine 3.23.5"] }).value, "musl");
    assert.equal(libcOf({ history: ["RUN BusyBox 1.36.1 (uclibc)"] }).value, "uclibc");
    const glibc = libcOf({ history: ["RUN BusyBox 1.36.1 (glibc), Debian 12"] });
    assert.equal(glibc.value, "glibc");
    assert.match(glibc.evidence, /BusyBox 1\.36\.1 \(glibc\)/);
  });

  it("falls back to a libc word in the tag (busybox:glibc)", () => {
    const libc = libcOf({
      repository: "library/busybox",
      tag: "glibc",
      history: ["ADD file:4bd5 in /", 'CMD ["sh"]'],
    });
    assert.equal(libc.value, "glibc");
    assert.match(libc.evidence, /^tag name "glibc"/);
  });

  it("is none for a scratch image holding one static program", () => {
    const libc = libcOf({ history: ["COPY hello / # buildkit", 'CMD ["/hello"]'] });
    assert.equal(libc.value, "none");
    assert.match(libc.evidence, /scratch.*static binary/);
  });

  it("is unknown, saying why, when nothing tells", () => {
    const libc = libcOf({ history: ["ADD file:abc in /"] });
    assert.equal(libc.value, "unknown");
    assert.match(libc.evidence, /No base OS/);
    assert.equal(deriveLibc({ os: knownOs("gentoo", "gentoo"), historyLines: [] }).value, "unknown");
  });
});
