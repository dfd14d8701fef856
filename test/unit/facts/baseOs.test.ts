import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import type { KnownOs, OsFact } from "../../../server/src/facts/types";
import { NOW, input, type ImageSpec } from "./helpers";

function osOf(spec: ImageSpec): OsFact {
  return deriveFacts(input(spec), NOW).os;
}

function knownOs(spec: ImageSpec): KnownOs {
  const os = osOf(spec);
  assert.equal(os.status, "known", os.evidence);
  return os;
}

function brief(os: KnownOs): string {
  return `${os.distro} ${os.version ?? "-"} ${os.codename ?? "-"}`;
}

describe("base OS from config history", () => {
  it("reads the Debian suite from debuerreotype's debian.sh line and numbers it from distro-info-data", () => {
    const os = knownOs({
      history: ["# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'", 'CMD ["bash"]'],
    });
    assert.equal(brief(os), "debian 12 bookworm");
    assert.match(os.evidence, /config history "# debian\.sh --arch 'amd64' out\/ 'bookworm'/);
    assert.match(os.evidence, /bookworm = Debian 12, per distro-info-data/);
  });

  it("reads the Alpine version from the minirootfs tarball", () => {
    const os = knownOs({
      history: ["ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit", 'CMD ["/bin/sh"]'],
    });
    assert.equal(brief(os), "alpine 3.20.3 -");
    assert.equal(os.release, "3.20");
    assert.match(os.evidence, /alpine-minirootfs-3\.20\.3/);
  });

  it("reads Oracle Linux, AlmaLinux and Photon root filesystem tarballs", () => {
    assert.equal(
      brief(knownOs({ history: ["ADD oraclelinux-9-slim-amd64-rootfs.tar.xz / # buildkit"] })),
      "oraclelinux 9 -",
    );
    assert.equal(
      brief(knownOs({ history: ["ADD almalinux-10-default-amd64.tar.xz / # buildkit"] })),
      "almalinux 10 -",
    );
    assert.equal(
      brief(knownOs({ history: ["ADD photon-rootfs-5.0-deb740b97.x86_64.tar.gz / # buildkit"] })),
      "photon 5.0 -",
    );
  });

  it("takes AlmaLinux's minor version from the tag when the tarball names only the major", () => {
    const os = knownOs({
      repository: "library/almalinux",
      tag: "10.2",
      history: ["ADD almalinux-10-default-amd64.tar.xz / # buildkit"],
    });
    assert.equal(os.version, "10.2");
    assert.equal(os.release, "10");
    assert.match(os.evidence, /almalinux-10-default.*version 10\.2 from tag name "10\.2"/);
  });

  it("reads Fedora's release from ENV DISTTAG", () => {
    const os = knownOs({
      history: ["ENV DISTTAG=f44container FGC=f44 FBR=f44", "ADD fedora-20260826.tar / # buildkit"],
    });
    assert.equal(brief(os), "fedora 44 -");
    assert.equal(os.eol, "2027-06-02");
  });

  it("reads Fedora's DISTTAG from Env when the history is gone", () => {
    assert.match(knownOs({ env: { DISTTAG: "f43container" } }).evidence, /^config Env DISTTAG=f43container/);
  });

  it("recognises Amazon Linux 2023 from amzn2023 package releases", () => {
    const os = knownOs({
      history: [
        "COPY /rootfs/ / # buildkit",
        "RUN dnf install -y java-21-amazon-corretto-devel-21.0.5+11-1.amzn2023 # buildkit",
      ],
    });
    assert.equal(brief(os), "amazonlinux 2023 -");
  });

  it("reads Ubuntu's version label in the Launchpad-built base, not a later image's own version label", () => {
    const history = [
      "ARG RELEASE",
      "ARG LAUNCHPAD_BUILD_ARCH",
      "LABEL org.opencontainers.image.version=24.04",
      "ADD file:cb9335ce6f27399c2b17787739d6675502767c53e0335ded2a5f0d003d996650 in /",
      'CMD ["/bin/bash"]',
      "LABEL org.opencontainers.image.authors=MariaDB Community org.opencontainers.image.version=12.3.2",
    ];
    const os = knownOs({ history, labels: { "org.opencontainers.image.version": "12.3.2" } });
    assert.equal(brief(os), "ubuntu 24.04 noble");
    assert.match(os.evidence, /Launchpad/);
  });

  it("reads the older Ubuntu layout (ref.name label beside the version label)", () => {
    const history = [
      "/bin/sh -c #(nop) ADD file:0123 in / ",
      "/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu",
      "/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=20.04",
      '/bin/sh -c #(nop)  CMD ["bash"]',
    ];
    assert.equal(brief(knownOs({ history })), "ubuntu 20.04 focal");
  });

  it("reads rockcraft-built Ubuntu bases from their umoci --config.label line", () => {
    const history = [
      "RUN umoci config --image /home/buildd/rockcraft-ubuntu-cb40/images/ubuntu:26.04 --clear=config.labels --config.label org.opencontainers.image.version=26.04 --config.label org.opencontainers.image.title=ubuntu",
    ];
    const os = knownOs({ history });
    assert.equal(brief(os), "ubuntu 26.04 resolute");
    assert.match(os.evidence, /org\.opencontainers\.image\.version=26\.04/);
  });

  it("ignores a YY.MM version label with nothing marking it as Ubuntu's", () => {
    const os = osOf({
      history: ["LABEL org.opencontainers.image.version=22.04"],
      labels: { "org.opencontainers.image.version": "22.04" },
    });
    assert.equal(os.status, "unknown");
  });

  it("takes the current Windows build from the last Install update line", () => {
    const os = knownOs({
      os: "windows",
      history: ["RUN Apply image 10.0.20348.4294", "RUN Install update 10.0.20348.5622"],
    });
    assert.equal(brief(os), "windows 10.0.20348.5622 ltsc2022");
    assert.match(os.evidence, /Apply image 10\.0\.20348\.4294.*Install update 10\.0\.20348\.5622/);
  });

  it("calls a static BusyBox image distro-less even though its line names the Alpine build host", () => {
    const os = osOf({ history: ["RUN BusyBox 1.38.0 (musl), Alpine 3.23.5"] });
    assert.equal(os.status, "no-distro");
    assert.match(os.evidence, /BusyBox 1\.38\.0/);
  });

  it("calls a COPY-onto-scratch image distro-less, but not a COPY of a whole root filesystem", () => {
    assert.equal(osOf({ history: ["COPY hello / # buildkit", 'CMD ["/hello"]'] }).status, "no-distro");
    const amazon = osOf({
      repository: "library/amazonlinux",
      tag: "2023",
      history: ["COPY /rootfs/ / # buildkit", 'CMD ["/bin/bash"]'],
    });
    assert.equal(amazon.status, "known");
    assert.equal(brief(amazon), "amazonlinux 2023 -");
  });
});

describe("base OS from annotations and labels", () => {
  it("reads org.opencontainers.image.base.name on the index entry", () => {
    const os = knownOs({
      entryAnnotations: { "org.opencontainers.image.base.name": "debian:bookworm-slim" },
    });
    assert.equal(brief(os), "debian 12 bookworm");
    assert.match(
      os.evidence,
      /^index entry annotation org\.opencontainers\.image\.base\.name=debian:bookworm-slim/,
    );
  });

  it("refines an annotation's Alpine branch with the history's exact version", () => {
    const os = knownOs({
      entryAnnotations: { "org.opencontainers.image.base.name": "alpine:3.23" },
      history: ["ADD alpine-minirootfs-3.23.6-x86_64.tar.gz / # buildkit"],
    });
    assert.equal(os.version, "3.23.6");
  });

  it("skips base names that do not tell the OS (scratch, python:3.12-slim) and falls through", () => {
    const os = knownOs({
      entryAnnotations: { "org.opencontainers.image.base.name": "python:3.12-slim" },
      history: ["# debian.sh --arch 'amd64' out/ 'trixie' '@1785715200'"],
    });
    assert.equal(os.codename, "trixie");
    assert.equal(
      osOf({ entryAnnotations: { "org.opencontainers.image.base.name": "scratch" } }).status,
      "unknown",
    );
  });

  it("reads Ubuntu's ref.name and version labels", () => {
    const os = knownOs({
      labels: { "org.opencontainers.image.ref.name": "ubuntu", "org.opencontainers.image.version": "24.04" },
    });
    assert.equal(brief(os), "ubuntu 24.04 noble");
    assert.match(os.evidence, /^labels org\.opencontainers\.image\.ref\.name=ubuntu/);
  });

  it("reads Photon's name label", () => {
    assert.equal(brief(knownOs({ labels: { name: "Photon OS x86_64/4.0 Base Image" } })), "photon 4.0 -");
  });

  it("ranks the image's own records above its tag: history trixie beats a -bookworm tag", () => {
    const os = knownOs({
      tag: "1-bookworm",
      history: ["# debian.sh --arch 'amd64' out/ 'trixie' '@1785715200'"],
    });
    assert.equal(os.codename, "trixie");
  });
});

describe("base OS from the tag name", () => {
  const cases: readonly [string, string, string][] = [
    ["library/python", "3.12-slim-bookworm", "debian 12 bookworm"],
    ["library/golang", "1-alpine3.20", "alpine 3.20 -"],
    ["library/eclipse-temurin", "21-jre-jammy", "ubuntu 22.04 jammy"],
    ["library/python", "3.13-windowsservercore-ltsc2022", "windows 10.0.20348 ltsc2022"],
    ["library/amazoncorretto", "21-al2023", "amazonlinux 2023 -"],
    ["library/mysql", "8-oraclelinux9", "oraclelinux 9 -"],
    ["library/debian", "12", "debian 12 bookworm"],
    ["library/alpine", "3.20", "alpine 3.20 -"],
    ["library/ubuntu", "24.04", "ubuntu 24.04 noble"],
    ["library/amazonlinux", "2023", "amazonlinux 2023 -"],
    ["library/fedora", "43", "fedora 43 -"],
  ];
  for (const [repository, tag, expected] of cases) {
    it(`reads ${repository}:${tag} as ${expected}`, () => {
      const os = knownOs({ repository, tag });
      assert.equal(brief(os), expected);
      assert.match(os.evidence, /tag name/);
    });
  }

  it("knows the distro but not the version from a distro image's latest tag", () => {
    const os = knownOs({ repository: "library/alpine", tag: "latest" });
    assert.equal(os.distro, "alpine");
    assert.equal(os.version, null);
    assert.equal(os.eolStatus, "unknown");
  });

  it("finds nothing in a tag without OS words", () => {
    assert.equal(osOf({ repository: "library/python", tag: "3.12" }).status, "unknown");
  });
});

describe("base OS from /etc/os-release", () => {
  it("uses os-release when nothing else names the OS", () => {
    const os = knownOs({
      osRelease:
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
    });
    assert.equal(brief(os), "debian 12 bookworm");
    assert.match(os.evidence, /^\/etc\/os-release ID=debian VERSION_ID=12 VERSION_CODENAME=bookworm/);
  });
});

describe("unknown and weak results", () => {
  it("says what it looked at when nothing names the OS", () => {
    const os = osOf({ tag: "1.0", history: ["ADD file:abc in /", 'CMD ["sh"]'] });
    assert.equal(os.status, "unknown");
    assert.match(os.evidence, /config labels, Env and 2 history lines/);
    assert.match(os.evidence, /tag name "1\.0"/);
    assert.match(os.evidence, /\/etc\/os-release not read/);
  });

  it("calls cgr.dev images Wolfi when nothing better is known", () => {
    const os = knownOs({
      registry: "cgr.dev",
      repository: "chainguard/python",
      tag: "latest",
      history: ["apko"],
    });
    assert.equal(os.distro, "wolfi");
    assert.match(os.evidence, /Chainguard/);
  });

  it("says so when the wanted platform is not in the image", () => {
    const i = input({ history: ["# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'"] });
    i.platform = { os: "linux", architecture: "s390x" };
    const facts = deriveFacts(i, NOW);
    assert.equal(facts.describedPlatform, undefined);
    assert.equal(facts.os.status, "unknown");
    assert.match(facts.os.evidence, /no linux\/s390x platform/);
  });
});
