/**
 * "A better tag, not just a warning": for an image on an end-of-life base OS, the newest tag of
 * the same variant family whose base OS is supported — `3.9-slim-bullseye` → `3.9-slim-bookworm`,
 * alpine stays alpine, the runtime keeps its major version. Only tags the registry listed count,
 * and a candidate's OS is what its own tag names (`bookworm`, `alpine3.22`) looked up in the
 * distro tables: a tag that names no OS is never offered, since its base would be a guess.
 */
import { findRelease } from "../../../facts/distroTable";
import { eolStatus } from "../../../facts/eol";
import { osFromTagToken } from "../../../facts/os/fromTag";
import { isVersionToken, tagTokens } from "../../../facts/tagTokens";
import type { KnownOs } from "../../../facts/types";
import type { TagSummary } from "../../../resolver/types";

export interface BetterTag {
  tag: string;
  /** "Debian 13 trixie, supported until 2028-08-09". */
  os: string;
  eol: string;
  /** "pushed 2026-11-20" when the registry said. */
  pushed?: string;
}

interface Parsed {
  version?: string;
  /** The tokens that are neither the version nor the OS word: the variant family ("slim"). */
  family: string[];
  os?: { distro: string; version?: string; codename?: string; meaning: string };
}

function parse(tag: string): Parsed {
  const tokens = tagTokens(tag);
  const out: Parsed = { family: [] };
  tokens.forEach((token, i) => {
    if (i === 0 && isVersionToken(token)) {
      out.version = token.replace(/^v/, "");
      return;
    }
    const os = osFromTagToken(token);
    if (os !== undefined && out.os === undefined && (os.version !== undefined || os.codename !== undefined)) {
      out.os = os;
      return;
    }
    out.family.push(token);
  });
  return out;
}

function versionParts(v: string): number[] {
  return v.split(".").map((n) => Number(n));
}

function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The best tag to move to from `tag`, whose image runs on `current` (end of life), among `tags`.
 * Undefined when no listed tag of the same family names a supported release of the same distro.
 */
export function betterTag(
  tag: string,
  current: KnownOs,
  tags: readonly string[],
  now: Date,
  summaries?: Readonly<Record<string, TagSummary>>,
): BetterTag | undefined {
  const me = parse(tag);
  const major = me.version?.split(".")[0];
  const precision = me.version?.split(".").length;
  const candidates: { tag: string; version?: string; eol: string; os: string }[] = [];
  for (const t of tags) {
    if (t === tag) continue;
    const c = parse(t);
    if (c.os === undefined || c.os.distro !== current.distro) continue;
    if (c.family.join("-") !== me.family.join("-")) continue;
    if ((me.version === undefined) !== (c.version === undefined)) continue;
    if (me.version !== undefined && c.version !== undefined) {
      if (c.version.split(".")[0] !== major || c.version.split(".").length !== precision) continue;
      if (compareVersions(c.version, me.version) < 0) continue;
    }
    const line = findRelease(c.os.distro, c.os.version ?? null, c.os.codename ?? null);
    if (line === undefined || eolStatus(line.eol, now) !== "supported") continue;
    const name = [c.os.meaning.replace(/ "[^"]*"$/, ""), line.codename ?? undefined]
      .filter((s): s is string => s !== undefined && s !== "")
      .join(" ");
    candidates.push({
      tag: t,
      ...(c.version !== undefined ? { version: c.version } : {}),
      eol: line.eol,
      os: name,
    });
  }
  candidates.sort((a, b) => {
    // The same runtime version first, then the newest version; within one, the longest-supported OS.
    const same = (x: typeof a): number => (x.version === me.version ? 1 : 0);
    if (same(a) !== same(b)) return same(b) - same(a);
    const v = a.version !== undefined && b.version !== undefined ? compareVersions(b.version, a.version) : 0;
    if (v !== 0) return v;
    return b.eol.localeCompare(a.eol) || a.tag.localeCompare(b.tag);
  });
  const best = candidates[0];
  if (best === undefined) return undefined;
  const pushedAt = summaries?.[best.tag]?.pushedAt;
  return {
    tag: best.tag,
    os: `${best.os}, supported until ${best.eol}`,
    eol: best.eol,
    ...(pushedAt !== undefined ? { pushed: `pushed ${pushedAt.slice(0, 10)}` } : {}),
  };
}
