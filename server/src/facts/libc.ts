/**
 * Which C library the image's binaries link against. It decides which prebuilt binaries run
 * (manylinux wheels, Node native modules, JDK builds are glibc unless marked musl), so it is
 * reported only when known: from the base OS, BusyBox's own build line, the tag, or a scratch
 * image's shape; otherwise "unknown" with what was checked.
 */
import { quoteLine } from "./config";
import { scratchFromHistory } from "./os/fromHistory";
import { tagTokens } from "./tagTokens";
import type { Libc, LibcFact, OsFact } from "./types";

const GLIBC_DISTROS: ReadonlySet<string> = new Set([
  "debian",
  "ubuntu",
  "oraclelinux",
  "almalinux",
  "rockylinux",
  "fedora",
  "photon",
  "amazonlinux",
  "rhel",
  "centos",
  "opensuse-leap",
  "opensuse-tumbleweed",
  "sles",
  "arch",
  "archlinux",
]);

export interface LibcSources {
  os: OsFact;
  /** The described platform's os ("linux", "windows"). */
  platformOs?: string;
  historyLines: readonly string[];
  tag?: string;
}

function fromOs(os: OsFact): LibcFact | undefined {
  if (os.status !== "known") return undefined;
  if (os.distro === "windows") return undefined;
  if (os.distro === "alpine") {
    return {
      value: "musl",
      evidence:
        "Alpine Linux is built on musl libc, not glibc (base OS from " + shortSource(os.evidence) + ")",
    };
  }
  if (os.distro === "wolfi") {
    return {
      value: "glibc",
      evidence: "Wolfi uses apk packages like Alpine but is built on glibc, not musl",
    };
  }
  if (GLIBC_DISTROS.has(os.distro)) {
    return {
      value: "glibc",
      evidence: `${os.name} is built on glibc (base OS from ${shortSource(os.evidence)})`,
    };
  }
  return undefined;
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
  const found = fromOs(os) ?? fromBusyBox(sources.historyLines) ?? fromTag(sources.tag);
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
