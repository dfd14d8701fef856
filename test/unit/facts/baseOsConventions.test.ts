/**
 * Base OS and libc for the kinds of official image beyond the first records: Red Hat UBI bases,
 * Arch Linux, Alpine edge, bases hidden behind an opaque `ADD file:` layer (told by the package
 * manager on top), rolling and role tags, and where an image's own build starts in its history.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { DISTRO_LIBC } from "../../../server/src/facts/libc";
import { baseSetsLabel, ownBuildStart } from "../../../server/src/facts/ownBuild";
import type { ImageFacts, KnownOs } from "../../../server/src/facts/types";
import { NOW, input, type ImageSpec } from "./helpers";

function factsOf(spec: ImageSpec): ImageFacts {
  return deriveFacts(input(spec), NOW);
}

function knownOs(spec: ImageSpec): KnownOs {
  const os = factsOf(spec).os;
  assert.equal(os.status, "known", os.evidence);
  return os;
}

function brief(os: KnownOs): string {
  return `${os.distro} ${os.version ?? "-"} ${os.codename ?? "-"}`;
}

const UBI9_LABEL_LINE =
  'LABEL com.redhat.component="ubi9-minimal-container"       name="ubi9/ubi-minimal"       version="9.8"       cpe="cpe:/a:redhat:enterprise_linux:9::appstream"       distribution-scope="public"';

const UBI9_BASE = [
  'LABEL maintainer="Red Hat, Inc."',
  UBI9_LABEL_LINE,
  "ENV container oci",
  "COPY dir:7d4e1add6b136709dfd81a23f253956035f58d34c5d236b96fba89c53c087ca2 in /",
  'CMD ["/bin/bash"]',
];

describe("Red Hat UBI bases", () => {
  it("reads RHEL 9.8 from the history's UBI LABEL line although the image overrides name and version", () => {
    const facts = factsOf({
      repository: "library/kibana",
      tag: "9.5.3",
      history: [...UBI9_BASE, "RUN microdnf install -y fontconfig", "LABEL name=Kibana version=9.5.3"],
      labels: {
        "com.redhat.component": "ubi9-minimal-container",
        name: "Kibana",
        version: "9.5.3",
        cpe: "cpe:/a:redhat:enterprise_linux:9::appstream",
      },
    });
    assert.equal(facts.os.status, "known");
    if (facts.os.status !== "known") return;
    assert.equal(brief(facts.os), "rhel 9.8 -");
    assert.equal(facts.os.name, "Red Hat Enterprise Linux");
    assert.match(facts.os.evidence, /com\.redhat\.component="ubi9-minimal-container".*RHEL 9\.8/);
    assert.equal(facts.os.eol, "2032-05-31");
    assert.equal(facts.libc.value, "glibc");
  });

  it("takes only what the labels can vouch for when the history is squashed: the CPE, never the overridden version", () => {
    const ubi9 = knownOs({
      repository: "library/kibana",
      labels: {
        "com.redhat.component": "ubi9-minimal-container",
        version: "9.5.3",
        cpe: "cpe:/a:redhat:enterprise_linux:9::appstream",
      },
    });
    assert.equal(brief(ubi9), "rhel 9 -", "9.5.3 is Kibana's version, not RHEL's");

    const ubi10 = knownOs({
      labels: {
        "com.redhat.component": "ubi10-minimal-container",
        cpe: "cpe:/o:redhat:enterprise_linux:10.2",
      },
    });
    assert.equal(brief(ubi10), "rhel 10.2 -");
  });
});

describe("Arch Linux and distros whose libc follows from the distro", () => {
  it("reads Arch Linux's VERSION_ID from the line that writes it into /etc/os-release", () => {
    const facts = factsOf({
      repository: "library/archlinux",
      tag: "base-devel",
      history: [
        "LABEL org.opencontainers.image.version=20260823.0.578598",
        "COPY /rootfs/ / # buildkit",
        "RUN ldconfig &&     sed -i '/BUILD_ID/a VERSION_ID=20260823.0.578598' /etc/os-release # buildkit",
        'CMD ["/usr/bin/bash"]',
      ],
    });
    assert.equal(facts.os.status, "known");
    if (facts.os.status !== "known") return;
    assert.equal(brief(facts.os), "archlinux 20260823.0.578598 -");
    assert.match(facts.os.evidence, /VERSION_ID=20260823\.0\.578598.*\/etc\/os-release/);
    assert.match(facts.os.eolNote, /rolling release/);
    assert.equal(facts.libc.value, "glibc");
  });

  it("knows Mageia's and Clear Linux's libc from the distro, without a version the tag does not state", () => {
    for (const [repository, tag, distro] of [
      ["library/mageia", "cauldron", "mageia"],
      ["library/clearlinux", "latest", "clearlinux"],
    ] as const) {
      const facts = factsOf({
        repository,
        tag,
        history: ["ADD rootfs.tar.xz / # buildkit", 'CMD ["/bin/bash"]'],
      });
      assert.equal(facts.os.status, "known", repository);
      if (facts.os.status !== "known") continue;
      assert.equal(brief(facts.os), `${distro} - -`);
      assert.equal(facts.libc.value, "glibc", repository);
    }
    assert.equal(brief(knownOs({ repository: "library/mageia", tag: "9" })), "mageia 9 -");
  });

  it("names a source for every row of the distro → libc table", () => {
    for (const [distro, row] of Object.entries(DISTRO_LIBC)) {
      assert.match(row.source, /^https:\/\/\S+/, distro);
      assert.ok(row.libc === "glibc" || row.libc === "musl", distro);
    }
  });
});

describe("bases behind an opaque ADD file: layer", () => {
  const OPAQUE = [
    "ADD file:ceeb6e8632fafc657116cbf3afbd522185a16963230b57881073dad22eb0e1a3 in / ",
    'CMD ["/bin/sh"]',
  ];

  it("says Alpine, release unknown, and musl when apk is used on top", () => {
    const facts = factsOf({
      repository: "library/eclipse-mosquitto",
      history: [...OPAQUE, "RUN set -x &&     apk --no-cache add --virtual build-deps build-base"],
    });
    assert.equal(facts.os.status, "known");
    if (facts.os.status !== "known") return;
    assert.equal(brief(facts.os), "alpine - -");
    assert.equal(facts.os.release, null);
    assert.match(facts.os.evidence, /apk.*release unknown/);
    assert.equal(facts.os.eol, "unknown");
    assert.match(facts.os.eolNote, /does not state which Alpine Linux release/);
    assert.equal(facts.libc.value, "musl");
  });

  it("claims no distro for a package manager several distros share, but its libc", () => {
    for (const [line, tool] of [
      ["RUN apt-get update && apt-get install -y curl", "apt-get"],
      ["RUN microdnf install -y shadow-utils && microdnf clean all", "microdnf"],
      ["RUN tdnf install -y shadow", "tdnf"],
    ] as const) {
      const facts = factsOf({ history: [...OPAQUE, line] });
      assert.equal(facts.os.status, "unknown", tool);
      assert.equal(facts.libc.value, "glibc", tool);
      assert.match(facts.libc.evidence, new RegExp(tool), tool);
    }
  });

  it("never lets the package manager outrank what the image states (the tag names the release)", () => {
    const os = knownOs({ tag: "3-alpine3.20", history: [...OPAQUE, "RUN apk add --no-cache curl"] });
    assert.equal(brief(os), "alpine 3.20 -");
  });
});

describe("rolling and role tags claim a version only when the metadata states one", () => {
  it("reads Alpine edge's dated minirootfs as edge with no release number", () => {
    const os = knownOs({
      repository: "library/alpine",
      tag: "edge",
      history: ["ADD alpine-minirootfs-20260805-x86_64.tar.gz / # buildkit", 'CMD ["/bin/sh"]'],
    });
    assert.equal(brief(os), "alpine - -");
    assert.match(os.evidence, /snapshot of 20260805 \(edge\), no release number/);
  });

  it("gives Debian's testing and oldstable suites no number", () => {
    for (const suite of ["testing", "oldstable", "stable"]) {
      const os = knownOs({
        repository: "library/debian",
        tag: suite,
        history: [`# debian.sh --arch 'amd64' out/ '${suite}' '@1787529600'`],
      });
      assert.equal(brief(os), "debian - -", suite);
    }
  });

  it("numbers rawhide only because its DISTTAG states the release", () => {
    assert.equal(
      brief(
        knownOs({
          repository: "library/fedora",
          tag: "rawhide",
          history: ["ENV DISTTAG=f46container FGC=f46 FBR=f46"],
        }),
      ),
      "fedora 46 -",
    );
    assert.equal(brief(knownOs({ repository: "library/fedora", tag: "rawhide" })), "fedora - -");
  });
});

describe("development streams", () => {
  it("reads AlmaLinux Kitten 10 as a development stream: major 10, no AlmaLinux 10 end of life", () => {
    const os = knownOs({
      repository: "library/crate",
      history: ["ADD almalinux-10-kitten-default-amd64.tar.xz / # buildkit", 'CMD ["/bin/bash"]'],
    });
    assert.equal(brief(os), "almalinux 10 -");
    assert.equal(os.eol, "unknown");
    assert.equal(os.release, null);
    assert.match(os.evidence, /AlmaLinux Kitten 10 root filesystem \(a development stream\)/);
    assert.match(os.eolNote, /development stream/);
  });
});

describe("where the image's own build starts in the history", () => {
  it("ends the base after debuerreotype's line, Ubuntu's CMD, UBI's CMD and Windows' update lines", () => {
    assert.equal(
      ownBuildStart(["# debian.sh --arch 'amd64' out/ 'trixie' '@1785715200'", "ENV LANG=C.UTF-8"]),
      1,
    );
    assert.equal(
      ownBuildStart([
        "ARG RELEASE",
        "LABEL org.opencontainers.image.version=24.04",
        "ADD file:abc in /",
        'CMD ["/bin/bash"]',
        "RUN x",
      ]),
      4,
    );
    assert.equal(ownBuildStart([...UBI9_BASE, "RUN microdnf install -y tar"]), UBI9_BASE.length);
    assert.equal(
      ownBuildStart(["Apply image 10.0.20348.4294", "Install update 10.0.20348.5622", "SHELL [cmd /S /C]"]),
      2,
    );
    assert.equal(ownBuildStart(["ENV A=1", "RUN true"]), 0, "no base boundary seen: all own");
  });

  it("tells a label the base set (quoted or not) from one the image set", () => {
    const lines = [...UBI9_BASE, "LABEL name=Kibana version=9.5.3"];
    assert.equal(baseSetsLabel(lines, "version", "9.8"), true);
    assert.equal(baseSetsLabel(lines, "version", "9.5.3"), false);
    assert.equal(baseSetsLabel(lines, "name", "ubi9/ubi-minimal"), true);
  });
});
