/**
 * Base OS from a tag name: OS words in the tag ("-bookworm", "-alpine3.20", "-jammy",
 * "-ltsc2022") for any image, and the version tags of the distro images themselves
 * (debian:12, alpine:3.20, amazonlinux:2023). Tags are chosen by people, so this source ranks
 * below what the image itself records (annotations, labels, history).
 */
import { isDebianTagSeries, isUbuntuTagSeries, debianBySeries, ubuntuBySeries } from "../distroTable";
import { leadingVersion, repositoryName, tagTokens } from "../tagTokens";
import { distro, type OsCandidate } from "./candidate";

/** Repositories that are a distro base image, by their last path segment. */
const DISTRO_REPOSITORIES: Readonly<Record<string, string>> = {
  debian: "debian",
  ubuntu: "ubuntu",
  alpine: "alpine",
  fedora: "fedora",
  oraclelinux: "oraclelinux",
  almalinux: "almalinux",
  rockylinux: "rockylinux",
  amazonlinux: "amazonlinux",
  photon: "photon",
  centos: "centos",
  archlinux: "archlinux",
  mageia: "mageia",
  clearlinux: "clearlinux",
  "wolfi-base": "wolfi",
  servercore: "windows",
  nanoserver: "windows",
};

/** The distro a repository is the base image of ("library/archlinux" → archlinux), if it is one. */
export function distroOfRepository(repository: string): string | undefined {
  return DISTRO_REPOSITORIES[repositoryName(repository)];
}

/** "Debian 12 \"Bookworm\"", or "Debian \"Sid\"" for a release without a number. */
function releaseName(distroName: string, version: string | null | undefined, codename: string): string {
  return version == null ? `${distroName} "${codename}"` : `${distroName} ${version} "${codename}"`;
}

interface TokenMatch {
  distro: string;
  version?: string;
  codename?: string;
  meaning: string;
}

/** What one tag token says about the OS, if anything. */
export function osFromTagToken(token: string): TokenMatch | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^ltsc(\d{4})$/.exec(token)) !== null) {
    return { distro: "windows", codename: token, meaning: `Windows Server ${m[1] ?? ""} LTSC` };
  }
  if (token === "windowsservercore" || token === "nanoserver") {
    return {
      distro: "windows",
      meaning: token === "nanoserver" ? "Windows Nano Server" : "Windows Server Core",
    };
  }
  if ((m = /^alpine(\d+\.\d+(?:\.\d+)?)?$/.exec(token)) !== null) {
    return m[1] === undefined
      ? { distro: "alpine", meaning: "Alpine Linux" }
      : { distro: "alpine", version: m[1] ?? "", meaning: `Alpine Linux ${m[1]}` };
  }
  if (isDebianTagSeries(token)) {
    const row = debianBySeries(token);
    return {
      distro: "debian",
      codename: token,
      meaning: releaseName("Debian", row?.version, row?.codename ?? token),
    };
  }
  if (isUbuntuTagSeries(token)) {
    const row = ubuntuBySeries(token);
    return {
      distro: "ubuntu",
      codename: token,
      meaning: releaseName("Ubuntu", row?.version, row?.codename ?? token),
    };
  }
  if ((m = /^ubuntu(\d{2}\.\d{2})$/.exec(token)) !== null) {
    return { distro: "ubuntu", version: m[1] ?? "", meaning: `Ubuntu ${m[1] ?? ""}` };
  }
  if ((m = /^debian(\d+)$/.exec(token)) !== null) {
    return { distro: "debian", version: m[1] ?? "", meaning: `Debian ${m[1] ?? ""}` };
  }
  if ((m = /^(?:al|amazonlinux)(2023|2)$/.exec(token)) !== null) {
    return { distro: "amazonlinux", version: m[1] ?? "", meaning: `Amazon Linux ${m[1] ?? ""}` };
  }
  if ((m = /^oraclelinux(\d+)$/.exec(token)) !== null) {
    return { distro: "oraclelinux", version: m[1] ?? "", meaning: `Oracle Linux ${m[1] ?? ""}` };
  }
  if ((m = /^ubi(\d+)$/.exec(token)) !== null) {
    return { distro: "rhel", version: m[1] ?? "", meaning: `Red Hat Universal Base Image ${m[1] ?? ""}` };
  }
  if ((m = /^centos(\d+)$/.exec(token)) !== null) {
    return { distro: "centos", version: m[1] ?? "", meaning: `CentOS ${m[1] ?? ""}` };
  }
  return undefined;
}

/**
 * `lead` names the source in the evidence: by default the tag itself; base-image annotations
 * pass their own ("annotation org.opencontainers.image.base.name=debian:bookworm-slim").
 */
export function osFromTag(
  repository: string,
  tag: string | undefined,
  lead?: string,
): OsCandidate | undefined {
  if (tag === undefined || tag === "") return undefined;
  const source = lead ?? `tag name "${tag}"`;
  // The most telling OS word wins: "ltsc2022" over "windowsservercore", "alpine3.20" over nothing.
  const matches = tagTokens(tag).flatMap((token) => {
    const match = osFromTagToken(token);
    return match === undefined ? [] : [{ token, match }];
  });
  const best =
    matches.find((m) => m.match.version !== undefined || m.match.codename !== undefined) ?? matches[0];
  if (best !== undefined) {
    const { token, match } = best;
    return distro(match.distro, `${source} (${token} = ${match.meaning})`, match.version, match.codename);
  }
  const repoDistro = DISTRO_REPOSITORIES[repositoryName(repository)];
  if (repoDistro === undefined) return undefined;
  const version = leadingVersion(tag);
  const what = `the ${repositoryName(repository)} image`;
  return version === undefined
    ? distro(repoDistro, `${source} of ${what} (no version in the tag)`)
    : distro(repoDistro, `${source} of ${what}`, version);
}
