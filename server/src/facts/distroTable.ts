/**
 * Release lookups over the two distro tables: Debian and Ubuntu from distros.generated.json
 * (generated from distro-info-data by scripts/gen-distros.mjs) and the other distros from the
 * hand-kept distros.hand.ts. Pure: the tables are data, lookups never read the clock.
 */
import generated from "./data/distros.generated.json";
import { DISTRO_NAMES, HAND_RELEASES, type HandRelease } from "./data/distros.hand";

export interface DebianRelease {
  version: string | null;
  /** Capitalised name as distro-info-data spells it ("Bookworm"). */
  codename: string;
  /** Lowercase suite name used in tags ("bookworm"). */
  series: string;
  created: string | null;
  release: string | null;
  eol: string | null;
  eolLts: string | null;
  eolElts: string | null;
}

export interface UbuntuRelease {
  version: string | null;
  /** Full codename ("Noble Numbat"). */
  codename: string;
  /** The adjective, used in tags ("noble"). */
  series: string;
  created: string | null;
  release: string | null;
  eol: string | null;
  eolServer: string | null;
  eolEsm: string | null;
  eolLegacy: string | null;
  lts: boolean;
}

export const DEBIAN_RELEASES: readonly DebianRelease[] = generated.debian;
export const UBUNTU_RELEASES: readonly UbuntuRelease[] = generated.ubuntu;
/** The distro-info-data package version the generated table came from. */
export const DISTRO_INFO_VERSION: string = generated.source.version;

/** One release line of a distro as the tables know it. */
export interface ReleaseLine {
  distro: string;
  /** The line's key: "12", "24.04", "3.22", "2023", "ltsc2022", "sid", "edge". */
  cycle: string;
  /** The line's canonical version ("12", "24.04", "3.22", "10.0.20348"), null where it has none (sid). */
  version: string | null;
  codename: string | null;
  /** Release date (ISO) or "unknown". */
  released: string;
  /** Last day of free security support (ISO) or "unknown". */
  eol: string;
  eolNote: string;
  /** Where the row came from. */
  source: string;
}

const DISTRO_INFO_SOURCE = `distro-info-data ${DISTRO_INFO_VERSION}`;

export function distroName(distro: string): string {
  return DISTRO_NAMES[distro] ?? distro;
}

/** "12" matches 12, 12.5, 12.5.1; "3.22" matches 3.22.6; never "3.2" for "3.22". */
function versionInLine(version: string, line: string): boolean {
  return version === line || version.startsWith(`${line}.`);
}

// ---------------------------------------------------------------- Debian

function debianLine(row: DebianRelease): ReleaseLine {
  return {
    distro: "debian",
    cycle: row.version ?? row.series,
    version: row.version,
    codename: row.series,
    released: row.release ?? "unknown",
    eol: row.release === null ? "unknown" : (row.eolLts ?? row.eol ?? "unknown"),
    eolNote: debianEolNote(row),
    source: DISTRO_INFO_SOURCE,
  };
}

function debianEolNote(row: DebianRelease): string {
  if (row.series === "sid" || row.series === "experimental") {
    return `${row.codename} is Debian's development branch: never released, no security support.`;
  }
  if (row.release === null) {
    const version = row.version === null ? "" : `${row.version} `;
    return `Debian ${version}${row.codename} is the testing branch, not released yet: no security support until its release.`;
  }
  if (row.eol === null)
    return `Debian ${row.version ?? row.codename} has no announced end of security support yet.`;
  if (row.eolLts === null) return `Debian security support ended ${row.eol}.`;
  const elts = row.eolElts === null ? "" : `; paid Extended LTS until ${row.eolElts}`;
  return `Debian security support until ${row.eol}, then Debian LTS until ${row.eolLts} (the EOL shown)${elts}.`;
}

/** Debian release by tag-style series name ("bookworm"). */
export function debianBySeries(series: string): DebianRelease | undefined {
  const s = series.toLowerCase();
  return DEBIAN_RELEASES.find((r) => r.series === s);
}

function debianByVersion(version: string): DebianRelease | undefined {
  return DEBIAN_RELEASES.find((r) => r.version !== null && versionInLine(version, r.version));
}

// ---------------------------------------------------------------- Ubuntu

function ubuntuLine(row: UbuntuRelease): ReleaseLine {
  return {
    distro: "ubuntu",
    cycle: row.version ?? row.series,
    version: row.version,
    codename: row.series,
    released: row.release ?? "unknown",
    eol: row.eol ?? "unknown",
    eolNote: ubuntuEolNote(row),
    source: DISTRO_INFO_SOURCE,
  };
}

function ubuntuEolNote(row: UbuntuRelease): string {
  const name = `Ubuntu ${row.version ?? ""}${row.lts ? " LTS" : ""} "${row.codename}"`;
  if (row.eol === null) return `${name} has no announced end of standard support yet.`;
  if (!row.lts) return `${name} is an interim release: standard support (the EOL shown) until ${row.eol}.`;
  const esm = row.eolEsm === null ? "" : `; Ubuntu Pro (ESM) until ${row.eolEsm}`;
  const legacy = row.eolLegacy === null ? "" : `; Legacy add-on until ${row.eolLegacy}`;
  return `${name}: standard support until ${row.eol} (the EOL shown)${esm}${legacy}.`;
}

/** Ubuntu release by tag-style series name ("noble"). */
export function ubuntuBySeries(series: string): UbuntuRelease | undefined {
  const s = series.toLowerCase();
  return UBUNTU_RELEASES.find((r) => r.series === s);
}

function ubuntuByVersion(version: string): UbuntuRelease | undefined {
  return UBUNTU_RELEASES.find((r) => r.version !== null && versionInLine(version, r.version));
}

// ---------------------------------------------------------------- hand-kept distros

function handLine(row: HandRelease): ReleaseLine {
  return {
    distro: row.distro,
    cycle: row.cycle,
    version: row.build === undefined ? (row.rolling ? null : row.cycle) : `10.0.${row.build}`,
    codename: row.codename ?? null,
    released: row.released,
    eol: row.eol,
    eolNote: handEolNote(row),
    source: row.source,
  };
}

function handEolNote(row: HandRelease): string {
  const name = `${distroName(row.distro)} ${row.cycle}`;
  if (row.rolling)
    return `${name} is a rolling release: no versions and no end-of-life; rebuild regularly to stay current.`;
  if (row.eol === "unknown") return `The vendor has not announced an end-of-life date for ${name}.`;
  if (row.distro === "windows" && row.activeSupportEnds !== undefined) {
    return `${name}: mainstream support until ${row.activeSupportEnds}; security updates (extended support, the EOL shown) until ${row.eol}.`;
  }
  if (row.extendedSupportEnds !== undefined && row.extendedSupportEnds !== "unknown") {
    return `${name}: Premier Support (the EOL shown) until ${row.eol}; paid Extended Support until ${row.extendedSupportEnds}.`;
  }
  if (row.activeSupportEnds !== undefined && row.activeSupportEnds !== row.eol) {
    return `${name}: active support until ${row.activeSupportEnds}; security fixes (the EOL shown) until ${row.eol}.`;
  }
  return `${name}: security support until ${row.eol}.`;
}

/** Amazon Linux tags and VERSION_IDs that name a line differently from its cycle. */
const AMAZON_ALIASES: Readonly<Record<string, string>> = { "1": "2018.03" };

function handByVersion(distro: string, version: string): HandRelease | undefined {
  const rows = HAND_RELEASES.filter((r) => r.distro === distro);
  const wanted = distro === "amazonlinux" ? (AMAZON_ALIASES[version] ?? version) : version;
  // Longest matching line first, so "2023.12.20260831.0" finds 2023 and never 2.
  const matches = rows
    .filter(
      (r) => versionInLine(wanted, r.cycle) || (r.build !== undefined && windowsBuild(wanted) === r.build),
    )
    .sort((a, b) => b.cycle.length - a.cycle.length);
  if (matches[0] !== undefined) return matches[0];
  // "5" for Photon's "5.0" line: accept a unique line that extends the version.
  const extending = rows.filter((r) => r.cycle.startsWith(`${wanted}.`));
  return extending.length === 1 ? extending[0] : undefined;
}

function handByCodename(distro: string, codename: string): HandRelease | undefined {
  const c = codename.toLowerCase();
  return HAND_RELEASES.find((r) => r.distro === distro && (r.codename === c || r.cycle === c));
}

/** The build number in a Windows version: "10.0.20348.5622" → "20348". */
export function windowsBuild(version: string): string | undefined {
  return /^10\.0\.(\d+)(?:\.\d+)?$/.exec(version)?.[1];
}

/** The Windows LTSC release with this build number ("20348" → ltsc2022). */
export function windowsByBuild(build: string): HandRelease | undefined {
  return HAND_RELEASES.find((r) => r.distro === "windows" && r.build === build);
}

// ---------------------------------------------------------------- lookup

/**
 * The release line a distro version or codename belongs to, if the tables know it. Either hint
 * may be missing; a codename wins where both are given and they disagree (tags name codenames).
 */
export function findRelease(
  distro: string,
  version: string | null,
  codename: string | null,
): ReleaseLine | undefined {
  switch (distro) {
    case "debian": {
      const row =
        (codename === null ? undefined : debianBySeries(codename)) ??
        (version === null ? undefined : debianByVersion(version));
      return row === undefined ? undefined : debianLine(row);
    }
    case "ubuntu": {
      const row =
        (codename === null ? undefined : ubuntuBySeries(codename)) ??
        (version === null ? undefined : ubuntuByVersion(version));
      return row === undefined ? undefined : ubuntuLine(row);
    }
    default: {
      const row =
        (codename === null ? undefined : handByCodename(distro, codename)) ??
        (version === null ? undefined : handByVersion(distro, version)) ??
        // A rolling distro has one line whatever the version says (Wolfi's VERSION_ID is a constant).
        HAND_RELEASES.find((r) => r.distro === distro && r.rolling === true && r.cycle === "rolling");
      return row === undefined ? undefined : handLine(row);
    }
  }
}

/** Debian suites from wheezy (7) on, plus sid: the names official-image tags use. */
export function isDebianTagSeries(token: string): boolean {
  const row = debianBySeries(token);
  if (row === undefined) return false;
  if (row.series === "sid") return true;
  return row.version !== null && Number.parseFloat(row.version) >= 7;
}

/** Ubuntu series from 10.04 on, the names Ubuntu-based tags use. */
export function isUbuntuTagSeries(token: string): boolean {
  const row = ubuntuBySeries(token);
  return row !== undefined && Number.parseFloat(row.version ?? "0") >= 10.04;
}
