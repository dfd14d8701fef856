/**
 * Combines what each source says about the base OS into one OsFact: the first source in order of
 * trust decides the distro; later sources naming the same distro may only make its version more
 * precise (alpine:3.20 in a tag, 3.20.3 in the history); the release tables then fill in the
 * codename or version number and the end-of-life date, judged against `now`.
 */
import {
  DISTRO_INFO_VERSION,
  distroName,
  findRelease,
  windowsBuild,
  windowsByBuild,
  type ReleaseLine,
} from "../distroTable";
import { eolStatus } from "../eol";
import type { KnownOs, OsFact } from "../types";
import type { DistroCandidate, OsCandidate } from "./candidate";

/** Sources in order of trust. `weak` ones count only when no ordered source names anything. */
export interface OsEvidence {
  ordered: readonly (OsCandidate | undefined)[];
  weak: readonly (OsCandidate | undefined)[];
  /** What was looked at, for the evidence of an unknown result: "index annotations, labels, 12 history lines, tag name". */
  checked: string;
  /**
   * A version the image states for its own OS without naming the distro (a VERSION_ID the build
   * writes into /etc/os-release): it fills in the version of whichever distro the sources name.
   */
  versionHint?: { version: string; evidence: string } | undefined;
}

export function deriveBaseOs(sources: OsEvidence, now: Date): OsFact {
  const ordered = sources.ordered.filter((c): c is OsCandidate => c !== undefined);
  const primary = ordered[0] ?? sources.weak.find((c): c is OsCandidate => c !== undefined);
  if (primary === undefined) {
    return { status: "unknown", evidence: `No base-OS marker found (looked at ${sources.checked}).` };
  }
  if (primary.kind === "no-distro") return { status: "no-distro", evidence: primary.evidence };
  const refined = refine(
    primary,
    ordered.filter(
      (c): c is DistroCandidate => c.kind === "distro" && c !== primary && c.distro === primary.distro,
    ),
  );
  const hint = sources.versionHint;
  if (hint !== undefined && refined.version === undefined && refined.codename === undefined) {
    refined.version = hint.version;
    refined.evidence += `; ${hint.evidence}`;
  }
  return complete(refined, now);
}

/** Take a more precise version (or a missing codename) from other sources naming the same distro. */
function refine(primary: DistroCandidate, others: readonly DistroCandidate[]): DistroCandidate {
  const out = { ...primary };
  for (const other of others) {
    const v = other.version;
    if (v !== undefined && (out.version === undefined || v.startsWith(`${out.version}.`))) {
      out.version = v;
      out.evidence += `; version ${v} from ${other.evidence}`;
    } else if (other.codename !== undefined && out.version === undefined && out.codename === undefined) {
      out.codename = other.codename;
      out.evidence += `; codename ${other.codename} from ${other.evidence}`;
    }
  }
  return out;
}

function lookup(c: DistroCandidate): ReleaseLine | undefined {
  if (c.distro === "windows" && c.version !== undefined) {
    // The build number is authoritative; a tag's ltsc word only helps when there is no build.
    const build = windowsBuild(c.version);
    const row = build === undefined ? undefined : windowsByBuild(build);
    if (row !== undefined) return findRelease("windows", null, row.cycle);
  }
  return findRelease(c.distro, c.version ?? null, c.codename ?? null);
}

function tableNote(c: DistroCandidate, line: ReleaseLine): string {
  const source = line.source.startsWith("distro-info-data")
    ? `distro-info-data ${DISTRO_INFO_VERSION}`
    : line.source;
  if (c.distro === "windows" && c.version !== undefined && line.codename !== null) {
    const year = /^ltsc(\d{4})$/.exec(line.codename)?.[1];
    const build = windowsBuild(c.version);
    return year === undefined || build === undefined
      ? ""
      : ` (build ${build} = Windows Server ${year}, ${line.codename})`;
  }
  if (c.version === undefined && line.version !== null) {
    return ` (${c.codename ?? line.cycle} = ${distroName(c.distro)} ${line.version}, per ${source})`;
  }
  if (c.codename === undefined && line.codename !== null) {
    return ` (${distroName(c.distro)} ${line.version ?? line.cycle} = ${line.codename}, per ${source})`;
  }
  return "";
}

function complete(c: DistroCandidate, now: Date): KnownOs {
  // A development stream (AlmaLinux Kitten 10) is not the release it leads to: no lifecycle applies.
  const line = c.developmentStream === undefined ? lookup(c) : undefined;
  const version = c.version ?? line?.version ?? null;
  const eol = line?.eol ?? "unknown";
  const fallbackNote =
    c.developmentStream !== undefined
      ? `${c.developmentStream} is a development stream, not a release: it has no end-of-life date of its own.`
      : version === null && c.codename === undefined
        ? `The image does not state which ${distroName(c.distro)} release it is, so its end-of-life is unknown.`
        : `${distroName(c.distro)}${version === null ? "" : ` ${version}`} is not in FROM Lens's release tables, so its end-of-life is unknown.`;
  const known: KnownOs = {
    status: "known",
    distro: c.distro,
    name: distroName(c.distro),
    version,
    release: line?.cycle ?? null,
    codename: line?.codename ?? c.codename ?? null,
    eol,
    eolStatus: eolStatus(eol, now),
    eolNote: line?.eolNote ?? fallbackNote,
    evidence: c.evidence + (line === undefined ? "" : tableNote(c, line)),
  };
  return known;
}
