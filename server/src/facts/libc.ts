/**
 * Which C library the image's binaries link against. It decides which prebuilt binaries run
 * (manylinux wheels, Node native modules, JDK builds are glibc unless marked musl), so it is
 * reported only when known: from the base OS, BusyBox's own build line, the tag, or a scratch
 * image's shape; otherwise "unknown" with what was checked.
 */
import { quoteLine } from "./config";
import { packageManagerFromHistory, scratchFromHistory } from "./os/fromHistory";
import { tagTokens } from "./tagTokens";
import type { Libc, LibcFact, OsFact } from "./types";

/**
 * Distros whose C library follows from the distro: each row names where that is stated (the
 * distro's own C-library package or its documentation). Distros that ship both (Void, Gentoo
 * profiles) are left out: their libc does not follow from the name.
 */
export const DISTRO_LIBC: Readonly<Record<string, { libc: Libc; source: string }>> = {
  alpine: { libc: "musl", source: "https://alpinelinux.org/about/ (built around musl libc and busybox)" },
  debian: { libc: "glibc", source: "https://packages.debian.org/stable/libc6" },
  ubuntu: { libc: "glibc", source: "https://packages.ubuntu.com/noble/libc6" },
  fedora: { libc: "glibc", source: "https://src.fedoraproject.org/rpms/glibc" },
  rhel: {
    libc: "glibc",
    source: "https://gitlab.com/redhat/centos-stream/rpms/glibc (RHEL's glibc sources)",
  },
  centos: { libc: "glibc", source: "https://gitlab.com/redhat/centos-stream/rpms/glibc" },
  almalinux: { libc: "glibc", source: "https://git.almalinux.org/rpms/glibc" },
  rockylinux: { libc: "glibc", source: "https://git.rockylinux.org/staging/rpms/glibc" },
  oraclelinux: {
    libc: "glibc",
    source: "https://yum.oracle.com/repo/OracleLinux/OL9/baseos/latest/x86_64/ (glibc)",
  },
  amazonlinux: { libc: "glibc", source: "https://github.com/amazonlinux/amazon-linux-2023 (glibc package)" },
  photon: { libc: "glibc", source: "https://github.com/vmware/photon/tree/master/SPECS/glibc" },
  wolfi: { libc: "glibc", source: "https://github.com/wolfi-dev/os/blob/main/glibc.yaml" },
  archlinux: { libc: "glibc", source: "https://archlinux.org/packages/core/x86_64/glibc/" },
  mageia: { libc: "glibc", source: "https://madb.mageia.org/package/show/name/glibc" },
  clearlinux: { libc: "glibc", source: "https://github.com/clearlinux-pkgs/glibc" },
  "opensuse-leap": { libc: "glibc", source: "https://software.opensuse.org/package/glibc" },
  "opensuse-tumbleweed": { libc: "glibc", source: "https://software.opensuse.org/package/glibc" },
  sles: { libc: "glibc", source: "https://software.opensuse.org/package/glibc" },
};

export interface LibcSources {
  os: OsFact;
  /** The described platform's os ("linux", "windows"). */
  platformOs?: string | undefined;
  historyLines: readonly string[];
  tag?: string | undefined;
}

function fromOs(os: OsFact): LibcFact | undefined {
  if (os.status !== "known") return undefined;
  if (os.distro === "windows") return undefined;
  const row = DISTRO_LIBC[os.distro];
  if (row === undefined) return undefined;
  const base = `base OS from ${shortSource(os.evidence)}`;
  if (os.distro === "wolfi") {
    return {
      value: row.libc,
      evidence: `Wolfi uses apk packages like Alpine but is built on glibc, not musl (${base})`,
    };
  }
  if (row.libc === "musl") {
    return { value: "musl", evidence: `${os.name} is built on musl libc, not glibc (${base})` };
  }
  return { value: row.libc, evidence: `${os.name} is built on ${row.libc} (${base})` };
}

/** "config history \"RUN # debian.sh …\" names …" → "config history". */
function shortSource(evidence: string): string {
  const m =
    /^(config history|config label|config Env|labels|label|tag name|platform|\/etc\/os-release|index annotation|manifest annotation|index entry annotation)/.exec(
      evidence,
    );
  return m?.[1] ?? "the image";
}

const BUSYBOX_LIBC: Readonly<Record<string, Libc>> = { musl: "musl", glibc: "glibc", uclibc: "uclibc" };

function fromBusyBox(lines: readonly string[]): LibcFact | undefined {
  for (const line of lines) {
    const m = /\bBusyBox v?\d+(?:\.\d+)+ \(([\w-]+)\)/.exec(line);
    const libc = m?.[1] === undefined ? undefined : BUSYBOX_LIBC[m[1].toLowerCase()];
    if (libc !== undefined) {
      return {
        value: libc,
        evidence: `config history ${quoteLine(line, "BusyBox")} names the C library BusyBox was built against`,
      };
    }
  }
  return undefined;
}

/** An unnamed base's package manager: apk → musl, apt-get / dnf / tdnf / pacman / urpmi → glibc. */
function fromPackageManager(lines: readonly string[]): LibcFact | undefined {
  const hint = packageManagerFromHistory(lines);
  return hint === undefined
    ? undefined
    : { value: hint.libc, evidence: `${hint.evidence}, which is built on ${hint.libc}` };
}

function fromTag(tag: string | undefined): LibcFact | undefined {
  if (tag === undefined) return undefined;
  for (const token of tagTokens(tag)) {
    const libc = BUSYBOX_LIBC[token];
    if (libc !== undefined) return { value: libc, evidence: `tag name "${tag}" names ${token}` };
  }
  return undefined;
}

export function deriveLibc(sources: LibcSources): LibcFact {
  const { os } = sources;
  if (sources.platformOs === "windows" || (os.status === "known" && os.distro === "windows")) {
    return {
      value: "not-applicable",
      evidence: "Windows images have no Unix C library: the glibc/musl question applies to Linux images only",
    };
  }
  const found =
    fromOs(os) ??
    fromBusyBox(sources.historyLines) ??
    fromTag(sources.tag) ??
    (os.status === "unknown" ? fromPackageManager(sources.historyLines) : undefined);
  if (found !== undefined) return found;
  if (os.status !== "known") {
    const scratch = scratchFromHistory(sources.historyLines);
    if (scratch !== undefined) {
      return {
        value: "none",
        evidence: `${scratch.evidence}; with no C library to load, its program is a static binary`,
      };
    }
  }
  if (os.status === "known") {
    return { value: "unknown", evidence: `FROM Lens does not know which C library ${os.name} uses` };
  }
  return {
    value: "unknown",
    evidence: "No base OS, BusyBox build line or libc word in the tag to tell the C library from",
  };
}
