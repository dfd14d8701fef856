/**
 * Base OS from the config `history` (and Env): the line that laid down the root filesystem names
 * the distro in most official images. History lists the bottom layer first, so the first marker
 * found is the base. Markers, as docker-library/repo-info shows them:
 *   Debian   RUN # debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'   (debuerreotype)
 *   Alpine   ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit
 *            (edge: a dated snapshot, alpine-minirootfs-20260805-x86_64.tar.gz, states no release)
 *   Ubuntu   ARG LAUNCHPAD_BUILD_ARCH + LABEL org.opencontainers.image.version=24.04, or
 *            rockcraft's umoci config … --config.label org.opencontainers.image.version=26.04
 *   Oracle   ADD oraclelinux-9-slim-amd64-rootfs.tar.xz /
 *   Alma     ADD almalinux-10-default-amd64.tar.xz /
 *   Fedora   ENV DISTTAG=f44container FGC=f44 FBR=f44
 *   Photon   ADD photon-rootfs-5.0-deb740b97.x86_64.tar.gz /
 *   Amazon   .amzn2023 package releases (the base itself is only COPY /rootfs/)
 *   Windows  Apply image 10.0.20348.4294, Install update 10.0.20348.5622
 *   Red Hat  LABEL com.redhat.component="ubi9-minimal-container" name="ubi9/ubi-minimal" version="9.8"
 *            (Universal Base Image; images on top often override name/version with their own)
 *   BusyBox  BusyBox 1.38.0 (musl), Alpine 3.23.5   — a static binary: no distro (Alpine was the build host)
 */
import { quoteLine } from "../config";
import { debianBySeries } from "../distroTable";
import { distro, type OsCandidate } from "./candidate";

type Detector = (lines: readonly string[], i: number) => OsCandidate | undefined;

const FROM = "config history";

function at(lines: readonly string[], i: number, focus?: string): string {
  return `${FROM} ${quoteLine(lines[i] ?? "", focus)}`;
}

const DEBIAN_SUITE_ALIASES: Readonly<Record<string, string>> = { unstable: "sid" };

const debian: Detector = (lines, i) => {
  const line = lines[i] ?? "";
  const m =
    /debian\.sh\b.*?\s'?([a-z][a-z-]*)'?\s+'?@\d+/.exec(line) ??
    /debian\.sh\b.*?\bout\/?\s+'?([a-z][a-z-]*)'?/.exec(line);
  if (m?.[1] === undefined) return undefined;
  const suite = DEBIAN_SUITE_ALIASES[m[1]] ?? m[1];
  const known = debianBySeries(suite) !== undefined;
  return known
    ? distro("debian", `${at(lines, i, "debian.sh")} names Debian suite ${suite}`, undefined, suite)
    : distro("debian", `${at(lines, i, "debian.sh")} names Debian suite "${suite}", not a release codename`);
};

const alpine: Detector = (lines, i) => {
  const line = lines[i] ?? "";
  const m = /alpine-minirootfs-(\d+\.\d+(?:\.\d+)*)/.exec(line);
  if (m?.[1] !== undefined) {
    return distro("alpine", `${at(lines, i, "alpine-minirootfs")}: Alpine minirootfs ${m[1]}`, m[1]);
  }
  // edge (the development branch) ships dated snapshots: the date is not a release number.
  const snapshot = /alpine-minirootfs-(\d{8})-/.exec(line);
  return snapshot?.[1] === undefined
    ? undefined
    : distro(
        "alpine",
        `${at(lines, i, "alpine-minirootfs")}: an Alpine minirootfs snapshot of ${snapshot[1]} (edge), no release number`,
      );
};

const ROOTFS_TARBALLS: readonly { pattern: RegExp; distro: string; what: string }[] = [
  { pattern: /oraclelinux-(\d+(?:\.\d+)?)-/, distro: "oraclelinux", what: "Oracle Linux" },
  { pattern: /almalinux-(\d+(?:\.\d+)?)-/, distro: "almalinux", what: "AlmaLinux" },
  { pattern: /rocky(?:linux)?-(\d+(?:\.\d+)?)[-.]/i, distro: "rockylinux", what: "Rocky Linux" },
  { pattern: /photon-rootfs-(\d+\.\d+)/, distro: "photon", what: "Photon OS" },
];

const rootfsTarball: Detector = (lines, i) => {
  const line = lines[i] ?? "";
  if (!/\b(?:ADD|COPY)\b/.test(line)) return undefined;
  for (const t of ROOTFS_TARBALLS) {
    const m = t.pattern.exec(line);
    if (m?.[1] === undefined) continue;
    // almalinux-10-kitten-…: AlmaLinux Kitten, the development stream ahead of AlmaLinux 10.
    const stream = new RegExp(`${m[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(kitten|stream)\\b`, "i").exec(
      line,
    )?.[1];
    if (stream !== undefined) {
      const name = `${t.what} ${stream.charAt(0).toUpperCase()}${stream.slice(1).toLowerCase()}`;
      const c = distro(
        t.distro,
        `${at(lines, i, m[0])}: ${name} ${m[1]} root filesystem (a development stream)`,
        m[1],
      );
      c.developmentStream = name;
      return c;
    }
    return distro(t.distro, `${at(lines, i, m[0])}: ${t.what} ${m[1]} root filesystem`, m[1]);
  }
  return undefined;
};

const fedora: Detector = (lines, i) => {
  const m = /\bDISTTAG=f(\d+)container\b/.exec(lines[i] ?? "");
  return m?.[1] === undefined
    ? undefined
    : distro("fedora", `${at(lines, i, "DISTTAG")}: Fedora ${m[1]}`, m[1]);
};

const amazon: Detector = (lines, i) => {
  const m = /\bamzn(2023|2)(?!\d)/.exec(lines[i] ?? "");
  return m?.[1] === undefined
    ? undefined
    : distro(
        "amazonlinux",
        `${at(lines, i, m[0])} has an ${m[0]} (Amazon Linux ${m[1]}) package release`,
        m[1],
      );
};

const UBUNTU_MARKER = /LAUNCHPAD_BUILD_ARCH|org\.opencontainers\.image\.ref\.name=ubuntu/;
const VERSION_LABEL = /\bLABEL\b.*?org\.opencontainers\.image\.version=(\d{2}\.\d{2})\b/;

/** Ubuntu's Launchpad-built base: the version label sits within a few lines of the Launchpad ARG. */
const ubuntuLaunchpad: Detector = (lines, i) => {
  const m = VERSION_LABEL.exec(lines[i] ?? "");
  if (m?.[1] === undefined) return undefined;
  const near = lines.slice(Math.max(0, i - 4), i + 5).some((l) => UBUNTU_MARKER.test(l));
  return near
    ? distro(
        "ubuntu",
        `${at(lines, i, "org.opencontainers.image.version")} in Ubuntu's Launchpad-built base layer`,
        m[1],
      )
    : undefined;
};

/** Ubuntu 26.04+ bases are built by rockcraft, which sets labels with umoci. */
const ubuntuRockcraft: Detector = (lines, i) => {
  const line = lines[i] ?? "";
  if (
    !/\bumoci\b/.test(line) ||
    !/rockcraft-ubuntu|--config\.label org\.opencontainers\.image\.title=ubuntu/.test(line)
  ) {
    return undefined;
  }
  const m = /--config\.label org\.opencontainers\.image\.version=(\d{2}\.\d{2})\b/.exec(line);
  return m?.[1] === undefined
    ? undefined
    : distro(
        "ubuntu",
        `${at(lines, i, "org.opencontainers.image.version")} in Ubuntu's rockcraft-built base`,
        m[1],
      );
};

/** Red Hat UBI's base LABEL line: the component names the UBI major, `version` (or the CPE) the minor. */
const redHatUbi: Detector = (lines, i) => {
  const line = lines[i] ?? "";
  if (!/\bLABEL\b/.test(line)) return undefined;
  const component = /\bcom\.redhat\.component=["']?(ubi(\d+)(?:-[a-z]+)?-container)\b/.exec(line);
  const major = component?.[2];
  if (component?.[1] === undefined || major === undefined) return undefined;
  const version = rhelVersion(major, /(?:^|\s)version=["']?([\d.]+)/.exec(line)?.[1], line);
  return distro(
    "rhel",
    `${at(lines, i, "com.redhat.component")}: Red Hat UBI ${major} = RHEL ${version}`,
    version,
  );
};

/**
 * The RHEL release a UBI states: its `version` when it belongs to the component's major (9.8 for
 * ubi9), else the CPE's (cpe:/o:redhat:enterprise_linux:10.2), else just the major.
 */
export function rhelVersion(major: string, version: string | undefined, cpeText: string): string {
  const belongs = (v: string | undefined): v is string =>
    v !== undefined && (v === major || v.startsWith(`${major}.`));
  if (belongs(version)) return version;
  const cpe = /\benterprise_linux:(\d+(?:\.\d+)?)/.exec(cpeText)?.[1];
  return belongs(cpe) ? cpe : major;
}

/** Windows: "Apply image <build>" lays down the base; later "Install update <build>" lines patch it. */
const windows: Detector = (lines, i) => {
  const m = /\bApply image (10\.0\.\d+\.\d+)/.exec(lines[i] ?? "");
  if (m?.[1] === undefined) return undefined;
  let version = m[1];
  let evidence = at(lines, i);
  for (let j = i + 1; j < lines.length; j++) {
    const u = /\bInstall update (10\.0\.\d+\.\d+)/.exec(lines[j] ?? "");
    if (u?.[1] !== undefined) {
      version = u[1];
      evidence = `${at(lines, i)} then ${quoteLine(lines[j] ?? "")}`;
    }
  }
  return distro("windows", `${evidence}: Windows build ${version}`, version);
};

/** A static BusyBox on an empty root: the distro named in the line is the build host, not the base. */
const busybox: Detector = (lines, i) => {
  const m = /\bBusyBox v?\d+(?:\.\d+)+ \([\w-]+\)/.exec(lines[i] ?? "");
  return m === null
    ? undefined
    : {
        kind: "no-distro",
        evidence: `${at(lines, i, "BusyBox")}: a static BusyBox on an empty root, no distro userland`,
      };
};

const DETECTORS: readonly Detector[] = [
  debian,
  alpine,
  redHatUbi,
  rootfsTarball,
  fedora,
  ubuntuLaunchpad,
  ubuntuRockcraft,
  windows,
  busybox,
  amazon,
];

/** The bottom-most base-OS marker in the history lines, if any. */
export function osFromHistory(lines: readonly string[]): OsCandidate | undefined {
  for (let i = 0; i < lines.length; i++) {
    for (const detect of DETECTORS) {
      const found = detect(lines, i);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Base OS from config Env alone (the history may be squashed away): Fedora's DISTTAG. */
export function osFromEnv(env: ReadonlyMap<string, string>): OsCandidate | undefined {
  const disttag = env.get("DISTTAG");
  const m = disttag === undefined ? null : /^f(\d+)container$/.exec(disttag);
  return m?.[1] === undefined
    ? undefined
    : distro("fedora", `config Env DISTTAG=${disttag ?? ""}: Fedora ${m[1]}`, m[1]);
}

const ROOTFS_COPY = /\bCOPY\b.*\brootfs\b/;

/**
 * A weak signal, used only when nothing else names an OS: an image whose history starts by
 * COPYing files onto an empty root and never RUNs anything or ADDs a root filesystem was built
 * FROM scratch (hello-world: `COPY hello / # buildkit`), so it has no distro and, without a
 * shell or loader, almost certainly a static binary.
 */
export function scratchFromHistory(lines: readonly string[]): OsCandidate | undefined {
  const first = lines[0];
  if (first === undefined) return undefined;
  const clean = (l: string): string => l.replace(/^\/bin\/sh -c #\(nop\)\s*/, "");
  if (!/^COPY\b/.test(clean(first)) || ROOTFS_COPY.test(first)) return undefined;
  const buildsOnSomething = lines.some((l) =>
    /^(?:RUN|ADD)\b|^\/bin\/sh -c (?!#\(nop\))|\bApply image\b|^apko$/.test(clean(l)),
  );
  if (buildsOnSomething) return undefined;
  return {
    kind: "no-distro",
    evidence: `${FROM} starts with ${quoteLine(first)} on an empty (scratch) root and never runs a command: no distro userland`,
  };
}

/**
 * A VERSION_ID the build itself writes into /etc/os-release (Arch Linux's image appends
 * `VERSION_ID=20260823.0.578598` with sed): a version for whichever distro the other sources name.
 */
export function osReleaseVersionFromHistory(
  lines: readonly string[],
): { version: string; evidence: string } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line.includes("/etc/os-release")) continue;
    const m = /\bVERSION_ID=["']?([\w.+~-]+?)["']?(?=['"\s]|$).*\/etc\/os-release/.exec(line);
    if (m?.[1] !== undefined) {
      return {
        version: m[1],
        evidence: `a config history RUN line writes VERSION_ID=${m[1]} into /etc/os-release`,
      };
    }
  }
  return undefined;
}

/** A package manager and what using it says: the distro when only one uses it, and the C library. */
export interface PackageManagerHint {
  tool: string;
  /** The distro, when the tool belongs to one; undefined for a family (apt-get: Debian or Ubuntu). */
  distro?: string;
  family: string;
  libc: "glibc" | "musl";
  evidence: string;
}

const PACKAGE_MANAGERS: readonly {
  tool: string;
  pattern: RegExp;
  distro?: string;
  family: string;
  libc: "glibc" | "musl";
}[] = [
  {
    tool: "apk",
    pattern: /\bapk\s+(?:add|update|upgrade|del|--no-cache)\b/,
    distro: "alpine",
    family: "Alpine Linux",
    libc: "musl",
  },
  { tool: "pacman", pattern: /\bpacman\s+-S/, distro: "archlinux", family: "Arch Linux", libc: "glibc" },
  { tool: "urpmi", pattern: /\burpmi\b/, distro: "mageia", family: "Mageia", libc: "glibc" },
  {
    tool: "tdnf",
    pattern: /\btdnf\s+(?:install|update|upgrade|makecache|clean)\b/,
    family: "Photon OS or Azure Linux",
    libc: "glibc",
  },
  {
    tool: "microdnf/dnf/yum",
    pattern: /\b(?:microdnf|dnf|yum)\s+(?:-y\s+)?(?:install|update|upgrade|makecache|clean|--\S+)/,
    family: "Fedora / Red Hat Enterprise Linux family",
    libc: "glibc",
  },
  {
    tool: "apt-get",
    pattern: /\b(?:apt-get|apt)\s+(?:-\S+\s+)*(?:install|update|upgrade|dist-upgrade)\b/,
    family: "Debian or Ubuntu",
    libc: "glibc",
  },
];

/**
 * The package manager the first RUN lines use. A base laid down by an opaque `ADD file:<hash>`
 * (the classic builder's rootfs) names no distro, but `apk add` on top says Alpine and musl,
 * `apt-get` a Debian-family glibc system. Never a release: that is not in the command.
 */
export function packageManagerFromHistory(lines: readonly string[]): PackageManagerHint | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!/^(?:RUN\b|\/bin\/sh -c (?!#\(nop\)))/.test(line)) continue;
    for (const pm of PACKAGE_MANAGERS) {
      const m = pm.pattern.exec(line);
      if (m === null) continue;
      const hint: PackageManagerHint = {
        tool: pm.tool,
        family: pm.family,
        libc: pm.libc,
        evidence: `${at(lines, i, m[0])} uses ${pm.tool.split("/")[0] ?? pm.tool}, the package manager of ${pm.family}`,
      };
      if (pm.distro !== undefined) hint.distro = pm.distro;
      return hint;
    }
  }
  return undefined;
}

/** The package manager as a (weak) base-OS source: a distro only where one distro uses the tool. */
export function osFromPackageManager(lines: readonly string[]): OsCandidate | undefined {
  const hint = packageManagerFromHistory(lines);
  if (hint?.distro === undefined) return undefined;
  return distro(hint.distro, `${hint.evidence} (release unknown)`);
}
