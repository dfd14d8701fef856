/**
 * Hand-kept release table for the distros distro-info-data does not cover (Debian and Ubuntu come
 * from distros.generated.json, which is generated; never add them here).
 *
 * Each row names where it was copied from (`source`) and the vendor's own page (`vendor`). Rows
 * were transcribed from endoflife.date (github.com/endoflife-date/endoflife.date, products/*.md at
 * commit a70eca337600e7d721dc48112c271f98661d208b, 2026-08-22), which takes them from the vendor
 * pages named. `eol` is the last day of free security updates; "unknown" where the vendor has not
 * announced one (it is shown as unknown, never guessed). Update a row by re-reading its source.
 *
 * Windows rows are the container base images (Server Core / Nano Server, identical dates), keyed by
 * the LTSC tag and the OS build number that `os.version` carries ("10.0.20348.x" = ltsc2022).
 */

export type HandDistro =
  | "alpine"
  | "amazonlinux"
  | "oraclelinux"
  | "almalinux"
  | "rockylinux"
  | "fedora"
  | "photon"
  | "wolfi"
  | "rhel"
  | "archlinux"
  | "windows";

export interface HandRelease {
  distro: HandDistro;
  /** The release line as versions and tags name it: "3.22", "2023", "9", "44", "5.0", "ltsc2022", "rolling". */
  cycle: string;
  /** First release date (ISO) or "unknown". */
  released: string;
  /** Last day of free security updates (ISO) or "unknown". */
  eol: string;
  /** End of active (feature / mainstream) support, where the vendor separates it from `eol`. */
  activeSupportEnds?: string;
  /** End of paid extended support after `eol` (Oracle Linux Extended Support). */
  extendedSupportEnds?: string;
  /** Windows: the LTSC tag name. */
  codename?: string;
  /** Windows: the OS build number (third part of os.version). */
  build?: string;
  /** A rolling distribution has no releases and no EOL: stay current by rebuilding. */
  rolling?: boolean;
  /** Where this row was copied from. */
  source: string;
  /** The vendor's announcement or lifecycle page. */
  vendor: string;
}

export const DISTRO_NAMES: Readonly<Record<string, string>> = {
  debian: "Debian",
  ubuntu: "Ubuntu",
  alpine: "Alpine Linux",
  amazonlinux: "Amazon Linux",
  oraclelinux: "Oracle Linux",
  almalinux: "AlmaLinux",
  rockylinux: "Rocky Linux",
  fedora: "Fedora",
  photon: "Photon OS",
  wolfi: "Wolfi",
  windows: "Windows Server",
  rhel: "Red Hat Enterprise Linux",
  centos: "CentOS",
  archlinux: "Arch Linux",
  mageia: "Mageia",
  clearlinux: "Clear Linux OS",
  "opensuse-leap": "openSUSE Leap",
  "opensuse-tumbleweed": "openSUSE Tumbleweed",
  sles: "SUSE Linux Enterprise Server",
};

/** What the codenames mean, for hovers that explain a tag like `bookworm` or `noble`. */
export const CODENAME_NOTES: Readonly<Record<"debian" | "ubuntu" | "windows", string>> = {
  debian:
    "Debian names its releases after Toy Story characters (bookworm = Debian 12, trixie = 13, forky = 14); " +
    "sid, the kid who breaks the toys, is the permanently unstable development branch.",
  ubuntu:
    "Ubuntu codenames are an adjective and an animal starting with the same letter (noble = Noble Numbat, " +
    "24.04 LTS; jammy = Jammy Jellyfish, 22.04 LTS); image tags use just the adjective.",
  windows:
    "Windows container tags name the Long-Term Servicing Channel release of Windows Server " +
    "(ltsc2022 = Windows Server 2022, build 20348); the container's OS build must match the host's for process isolation.",
};

const ALPINE = "https://endoflife.date/alpine-linux";

// One row per line, so the table reads as a table.
// prettier-ignore
export const HAND_RELEASES: readonly HandRelease[] = [
  // Alpine: a branch is supported for about two years (main repository); edge is the rolling development branch.
  { distro: "alpine", cycle: "edge", released: "unknown", eol: "unknown", rolling: true, source: ALPINE, vendor: "https://wiki.alpinelinux.org/wiki/Repositories#Edge" },
  { distro: "alpine", cycle: "3.24", released: "2026-06-09", eol: "2028-06-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.24.0-released.html" },
  { distro: "alpine", cycle: "3.23", released: "2025-12-04", eol: "2027-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.23.0-released.html" },
  { distro: "alpine", cycle: "3.22", released: "2025-05-30", eol: "2027-05-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.22.0-released.html" },
  { distro: "alpine", cycle: "3.21", released: "2024-12-05", eol: "2026-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.21.0-released.html" },
  { distro: "alpine", cycle: "3.20", released: "2024-05-22", eol: "2026-04-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.17.10-3.18.9-3.19.4-3.20.3-released.html" },
  { distro: "alpine", cycle: "3.19", released: "2023-12-07", eol: "2025-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.17.10-3.18.9-3.19.4-3.20.3-released.html" },
  { distro: "alpine", cycle: "3.18", released: "2023-05-09", eol: "2025-05-09", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.17.10-3.18.9-3.19.4-3.20.3-released.html" },
  { distro: "alpine", cycle: "3.17", released: "2022-11-22", eol: "2024-11-22", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.17.10-3.18.9-3.19.4-3.20.3-released.html" },
  { distro: "alpine", cycle: "3.16", released: "2022-05-23", eol: "2024-05-23", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.16.9-3.17.7-3.18.6-released.html" },
  { distro: "alpine", cycle: "3.15", released: "2021-11-24", eol: "2023-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.15.11-3.16.8-3.17.6-3.18.5-released.html" },
  { distro: "alpine", cycle: "3.14", released: "2021-06-15", eol: "2023-05-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.14.10-3.15.8-3.16.5-released.html" },
  { distro: "alpine", cycle: "3.13", released: "2021-01-14", eol: "2022-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.12.12-3.13.10-3.14.6-3.15.4-released.html" },
  { distro: "alpine", cycle: "3.12", released: "2020-05-29", eol: "2022-05-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.12.12-3.13.10-3.14.6-3.15.4-released.html" },
  { distro: "alpine", cycle: "3.11", released: "2019-12-19", eol: "2021-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.11.13-3.12.9-3.13.7-released.html" },
  { distro: "alpine", cycle: "3.10", released: "2019-06-19", eol: "2021-05-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.10.9-3.11.11-3.12.7-released.html" },
  { distro: "alpine", cycle: "3.9", released: "2019-01-29", eol: "2020-11-01", source: ALPINE, vendor: "https://alpinelinux.org/posts/Alpine-3.9.6-and-3.10.5-released.html" },
  { distro: "alpine", cycle: "3.8", released: "2018-06-26", eol: "2020-05-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.7", released: "2017-11-30", eol: "2019-11-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.6", released: "2017-05-24", eol: "2019-05-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.5", released: "2016-12-22", eol: "2018-11-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.4", released: "2016-05-31", eol: "2018-05-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.3", released: "2015-12-19", eol: "2017-11-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.2", released: "2015-05-26", eol: "2017-05-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.1", released: "2014-12-10", eol: "2016-11-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },
  { distro: "alpine", cycle: "3.0", released: "2014-06-04", eol: "2016-05-01", source: ALPINE, vendor: "https://alpinelinux.org/releases/" },

  // Amazon Linux: 2023 has two years of standard support, then maintenance until its EOL; "2" is Amazon
  // Linux 2; 2018.03 is the original Amazon Linux AMI (tag amazonlinux:1). 2027 appears as a tag on
  // Docker Hub (docker-library/repo-info, 2026-09) before any published lifecycle.
  { distro: "amazonlinux", cycle: "2023", released: "2023-03-01", eol: "2029-06-30", activeSupportEnds: "2027-06-30", source: "https://endoflife.date/amazon-linux", vendor: "https://aws.amazon.com/about-aws/whats-new/2023/03/amazon-linux-2023/" },
  { distro: "amazonlinux", cycle: "2", released: "2018-06-26", eol: "2026-06-30", activeSupportEnds: "2026-06-30", source: "https://endoflife.date/amazon-linux", vendor: "https://aws.amazon.com/about-aws/whats-new/2018/06/announcing-amazon-linux-2-with-long-term-support/" },
  { distro: "amazonlinux", cycle: "2018.03", released: "2018-04-25", eol: "2023-12-31", activeSupportEnds: "2020-12-31", source: "https://endoflife.date/amazon-linux", vendor: "https://aws.amazon.com/amazon-linux-ami/2018.03-release-notes/" },
  { distro: "amazonlinux", cycle: "2027", released: "unknown", eol: "unknown", source: "https://github.com/docker-library/repo-info/blob/master/repos/amazonlinux/remote/2027.md", vendor: "https://aws.amazon.com/linux/" },

  // Oracle Linux: Premier Support ten years from release (eol), then paid Extended Support.
  { distro: "oraclelinux", cycle: "10", released: "2025-06-26", eol: "unknown", extendedSupportEnds: "unknown", source: "https://endoflife.date/oracle-linux", vendor: "https://www.oracle.com/us/support/library/enterprise-linux-support-policies-069172.pdf" },
  { distro: "oraclelinux", cycle: "9", released: "2022-07-06", eol: "2032-06-30", extendedSupportEnds: "2035-06-30", source: "https://endoflife.date/oracle-linux", vendor: "https://www.oracle.com/us/support/library/enterprise-linux-support-policies-069172.pdf" },
  { distro: "oraclelinux", cycle: "8", released: "2019-07-19", eol: "2029-07-31", extendedSupportEnds: "2032-07-31", source: "https://endoflife.date/oracle-linux", vendor: "https://www.oracle.com/us/support/library/enterprise-linux-support-policies-069172.pdf" },
  { distro: "oraclelinux", cycle: "7", released: "2014-07-23", eol: "2024-12-31", extendedSupportEnds: "2028-06-30", source: "https://endoflife.date/oracle-linux", vendor: "https://www.oracle.com/us/support/library/enterprise-linux-support-policies-069172.pdf" },
  { distro: "oraclelinux", cycle: "6", released: "2011-02-12", eol: "2021-03-31", extendedSupportEnds: "2024-12-31", source: "https://endoflife.date/oracle-linux", vendor: "https://www.oracle.com/us/support/library/enterprise-linux-support-policies-069172.pdf" },

  // AlmaLinux and Rocky Linux follow RHEL: active support five years, security support ten.
  { distro: "almalinux", cycle: "10", released: "2025-05-27", eol: "2035-05-31", activeSupportEnds: "2030-05-31", source: "https://endoflife.date/almalinux", vendor: "https://almalinux.org/blog/2026-05-26-almalinux_98_and_102_stable/" },
  { distro: "almalinux", cycle: "9", released: "2022-05-26", eol: "2032-05-31", activeSupportEnds: "2027-05-31", source: "https://endoflife.date/almalinux", vendor: "https://almalinux.org/blog/2026-05-26-almalinux_98_and_102_stable/" },
  { distro: "almalinux", cycle: "8", released: "2021-03-30", eol: "2029-05-31", activeSupportEnds: "2024-05-31", source: "https://endoflife.date/almalinux", vendor: "https://almalinux.org/blog/2024-05-28-announcing-810-stable/" },
  { distro: "rockylinux", cycle: "10", released: "2025-06-11", eol: "2035-05-31", activeSupportEnds: "2030-05-31", source: "https://endoflife.date/rocky-linux", vendor: "https://wiki.rockylinux.org/rocky/version/" },
  { distro: "rockylinux", cycle: "9", released: "2022-07-14", eol: "2032-05-31", activeSupportEnds: "2027-05-31", source: "https://endoflife.date/rocky-linux", vendor: "https://wiki.rockylinux.org/rocky/version/" },
  { distro: "rockylinux", cycle: "8", released: "2021-05-01", eol: "2029-05-31", activeSupportEnds: "2024-05-31", source: "https://endoflife.date/rocky-linux", vendor: "https://wiki.rockylinux.org/rocky/version/" },

  // Fedora: each release is supported until about a month after the release two later.
  // 45 and 46 appear in official images (fedora:rawhide states DISTTAG=f46container, 2026-09) before their release
  // and lifecycle dates are published here: shown with an unknown EOL until a row is re-read from the source.
  { distro: "fedora", cycle: "46", released: "unknown", eol: "unknown", source: "https://github.com/docker-library/repo-info/blob/master/repos/fedora/remote/rawhide.md", vendor: "https://fedorapeople.org/groups/schedule/f-46/f-46-key-tasks.html" },
  { distro: "fedora", cycle: "45", released: "unknown", eol: "unknown", source: "https://fedorapeople.org/groups/schedule/f-45/f-45-key-tasks.html", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "44", released: "2026-04-28", eol: "2027-06-02", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "43", released: "2025-10-28", eol: "2026-12-09", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "42", released: "2025-04-15", eol: "2026-05-27", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "41", released: "2024-10-29", eol: "2025-12-15", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "40", released: "2024-04-23", eol: "2025-05-13", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "39", released: "2023-11-07", eol: "2024-11-26", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "38", released: "2023-04-18", eol: "2024-05-21", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "37", released: "2022-11-15", eol: "2023-12-05", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "36", released: "2022-05-10", eol: "2023-05-16", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "35", released: "2021-11-02", eol: "2022-12-13", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "34", released: "2021-04-27", eol: "2022-06-07", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "33", released: "2020-10-27", eol: "2021-11-30", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "32", released: "2020-04-28", eol: "2021-05-25", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "31", released: "2019-10-29", eol: "2020-11-24", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },
  { distro: "fedora", cycle: "30", released: "2019-04-30", eol: "2020-05-26", source: "https://endoflife.date/fedora", vendor: "https://docs.fedoraproject.org/en-US/releases/lifecycle/" },

  // Photon OS (VMware / Broadcom).
  { distro: "photon", cycle: "5.0", released: "2023-05-02", eol: "unknown", source: "https://endoflife.date/photon", vendor: "https://blogs.vmware.com/vsphere/2023/05/announcing-photon-os-5-0-general-availability.html" },
  { distro: "photon", cycle: "4.0", released: "2021-02-25", eol: "2027-10-11", source: "https://endoflife.date/photon", vendor: "https://blogs.vmware.com/vsphere/2021/02/photon-os-4-0-release-announcement.html" },
  { distro: "photon", cycle: "3.0", released: "2019-02-08", eol: "2025-10-02", source: "https://endoflife.date/photon", vendor: "https://vmware.github.io/photon/assets/files/html/3.0/What-is-New-in-Photon-OS-3.0.html" },
  { distro: "photon", cycle: "2.0", released: "2017-11-01", eol: "2022-12-01", source: "https://endoflife.date/photon", vendor: "https://web.archive.org/web/20221224152228/https://blogs.vmware.com/cloudnative/2017/11/01/version-2-0-project-photon-os/" },
  { distro: "photon", cycle: "1.0", released: "2016-06-11", eol: "2022-02-28", source: "https://endoflife.date/photon", vendor: "https://web.archive.org/web/20220628122239/https://blogs.vmware.com/cloudnative/2016/06/16/vmwares-photon-os-1-0-now-available/" },

  // Red Hat Enterprise Linux (the Universal Base Image follows it): full support five years, maintenance
  // (the EOL shown) ten, then paid Extended Life Cycle Support.
  { distro: "rhel", cycle: "10", released: "2025-05-20", eol: "2035-05-31", activeSupportEnds: "2030-05-31", source: "https://endoflife.date/rhel", vendor: "https://access.redhat.com/support/policy/updates/errata" },
  { distro: "rhel", cycle: "9", released: "2022-05-17", eol: "2032-05-31", activeSupportEnds: "2027-05-31", source: "https://endoflife.date/rhel", vendor: "https://access.redhat.com/support/policy/updates/errata" },
  { distro: "rhel", cycle: "8", released: "2019-05-07", eol: "2029-05-31", activeSupportEnds: "2024-05-31", source: "https://endoflife.date/rhel", vendor: "https://access.redhat.com/support/policy/updates/errata" },

  // Arch Linux: a rolling release; the image's VERSION_ID is its build date, not a release.
  { distro: "archlinux", cycle: "rolling", released: "unknown", eol: "unknown", rolling: true, source: "https://wiki.archlinux.org/title/Arch_Linux", vendor: "https://archlinux.org/" },

  // Wolfi (Chainguard): a rolling "undistro" with apk packages built against glibc; no releases, no EOL.
  { distro: "wolfi", cycle: "rolling", released: "unknown", eol: "unknown", rolling: true, source: "https://github.com/wolfi-dev/os", vendor: "https://edu.chainguard.dev/open-source/wolfi/overview/" },

  // Windows Server Core / Nano Server container images (LTSC): security updates until the extended-support end.
  { distro: "windows", cycle: "ltsc2025", released: "2024-11-01", eol: "2034-10-10", codename: "ltsc2025", build: "26100", activeSupportEnds: "2029-10-09", source: "https://endoflife.date/windows-server-core", vendor: "https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle" },
  { distro: "windows", cycle: "ltsc2022", released: "2021-08-18", eol: "2031-10-14", codename: "ltsc2022", build: "20348", activeSupportEnds: "2026-10-13", source: "https://endoflife.date/windows-server-core", vendor: "https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle" },
  { distro: "windows", cycle: "ltsc2019", released: "2018-11-13", eol: "2029-01-09", codename: "ltsc2019", build: "17763", activeSupportEnds: "2024-01-09", source: "https://endoflife.date/windows-server-core", vendor: "https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle" },
  { distro: "windows", cycle: "ltsc2016", released: "2016-10-15", eol: "2027-01-12", codename: "ltsc2016", build: "14393", activeSupportEnds: "2022-01-11", source: "https://endoflife.date/windows-server-core", vendor: "https://learn.microsoft.com/virtualization/windowscontainers/deploy-containers/base-image-lifecycle" },
];
