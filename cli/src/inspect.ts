/**
 * `from-lens inspect <image>`: the hover card's facts for a terminal, each with its evidence, and
 * `--json`, a stable shape (schemaVersion 1; fields are added, never renamed or removed without a
 * new schemaVersion). Pure: a lookup in, a value or text out.
 */
import { formatPlatform } from "../../server/src/oci/platform";
import type { ImageFacts, OsFact } from "../../server/src/facts/types";
import { errorTitle } from "../../server/src/features/codeLens";
import { formatBytes } from "../../server/src/features/prose";
import { formatReference, type Reference } from "../../server/src/reference";
import type { Freshness, Lookup, Resolution } from "../../server/src/resolver/types";
import { lookupErrorText } from "../../server/src/features/lookupError";

export interface InspectPlatform {
  platform: string;
  digest: string;
  /** Compressed bytes (layers and config), when known. */
  size?: number;
  created?: string;
  /** Windows build (`os.version`), when the registry says. */
  osVersion?: string;
}

export interface InspectJson {
  schemaVersion: 1;
  /** As given on the command line. */
  reference: string;
  /** Normalised: `docker.io/library/python:3.12-slim`. */
  canonical: string;
  /** The platform the OS, libc and runtime describe. */
  platform: string;
  resolved: boolean;
  /** Set when `resolved` is false. */
  error?: { kind: string; message: string };
  digest?: string;
  mediaType?: string;
  platforms?: InspectPlatform[];
  offersPlatform?: boolean;
  os?: {
    status: OsFact["status"];
    distro?: string;
    name?: string;
    version?: string | null;
    codename?: string | null;
    eol?: string;
    eolStatus?: string;
    evidence: string;
  };
  libc?: { value: string; evidence: string };
  runtimes?: { name: string; version: string; evidence: string }[];
  trust?: { level: string; trustedBySettings: boolean; evidence: string };
  aliases?: string[];
  pushedAt?: string;
  /** network: fetched now; cache: within the TTL; stale-cache: an older cached answer (offline). */
  source?: ImageFacts["source"];
  fetchedAt?: string;
}

function osJson(os: OsFact): NonNullable<InspectJson["os"]> {
  if (os.status !== "known") return { status: os.status, evidence: os.evidence };
  return {
    status: os.status,
    distro: os.distro,
    name: os.name,
    version: os.version,
    codename: os.codename,
    eol: os.eol,
    eolStatus: os.eolStatus,
    evidence: os.evidence,
  };
}

function resolvedJson(base: InspectJson, resolution: Resolution, freshness: Freshness): InspectJson {
  const f = resolution.facts;
  return {
    ...base,
    resolved: true,
    digest: f.indexDigest,
    mediaType: f.mediaType,
    platforms: f.platforms.map((p) => ({
      platform: formatPlatform(p),
      digest: p.digest,
      ...(p.size !== undefined ? { size: p.size } : {}),
      ...(p.created !== undefined ? { created: p.created } : {}),
      ...(p.osVersion !== undefined ? { osVersion: p.osVersion } : {}),
    })),
    offersPlatform: resolution.platform.offered,
    os: osJson(f.os),
    libc: { value: f.libc.value, evidence: f.libc.evidence },
    runtimes: f.runtimes.map((r) => ({ name: r.name, version: r.version, evidence: r.evidence })),
    trust: { level: f.trust.level, trustedBySettings: f.trust.trustedBySettings, evidence: f.trust.evidence },
    aliases: f.aliases.map((a) => a.tag),
    ...(f.pushedAt !== undefined ? { pushedAt: f.pushedAt } : {}),
    source: freshness.kind === "offline" ? "stale-cache" : f.source,
    fetchedAt: new Date(freshness.fetchedAt).toISOString(),
  };
}

/** The JSON of `inspect --json` for what the resolver answered. */
export function inspectJson(
  given: string,
  reference: Reference,
  platform: string,
  lookup: Lookup,
  now: Date,
): InspectJson {
  const base: InspectJson = {
    schemaVersion: 1,
    reference: given,
    canonical: formatReference(reference),
    platform,
    resolved: false,
  };
  if (lookup.state === "resolved") return resolvedJson(base, lookup.resolution, lookup.freshness);
  if (lookup.state === "error") {
    const error = lookup.error;
    const title = errorTitle(error, reference, now).replace(/^⚠\s*/, "");
    const out: InspectJson = {
      ...base,
      error: { kind: error.kind, message: `${title}: ${lookupErrorText(error)}` },
    };
    // What the cache still had (e.g. rate-limited but cached yesterday) is still worth showing.
    return lookup.previous
      ? { ...resolvedJson(out, lookup.previous.resolution, lookup.previous.freshness), resolved: false }
      : out;
  }
  return {
    ...base,
    error: { kind: "timeout", message: "No answer from the registry in time (see --timeout)." },
  };
}

export interface Style {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
}

export const PLAIN: Style = {
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
};

export function ansiStyle(): Style {
  const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
  };
}

const TRUST_TEXT: Record<string, string> = {
  official: "Docker Official Image",
  "verified-publisher": "Verified Publisher",
  "sponsored-oss": "Sponsored OSS",
  community: "community publisher (no Docker programme vouches for it)",
  unknown: "unknown",
};

function osLine(os: NonNullable<InspectJson["os"]>): string {
  if (os.status === "no-distro") return "none (no distribution)";
  if (os.status === "unknown") return "unknown";
  const release = [os.name, os.version ?? "(release unknown)"].join(" ");
  const codename = os.codename ? ` (${os.codename})` : "";
  const eol =
    os.eol === undefined || os.eol === "unknown"
      ? ", end of life unknown"
      : os.eolStatus === "eol"
        ? `, end of life since ${os.eol}`
        : `, supported until ${os.eol}`;
  return `${release}${codename}${eol}`;
}

/** `inspect` as text: one fact a line, evidence beneath, aligned labels. */
export function formatInspect(j: InspectJson, style: Style = PLAIN): string {
  const lines: string[] = [];
  const row = (label: string, value: string, evidence?: string): void => {
    lines.push(`${style.bold(label.padEnd(10))} ${value}`);
    if (evidence) lines.push(`${" ".repeat(11)}${style.dim(`↳ ${evidence}`)}`);
  };
  lines.push(style.bold(j.canonical));
  if (j.error) lines.push(style.red(`✗ ${j.error.message}`));
  if (j.digest === undefined) return lines.join("\n");
  if (j.error) lines.push(style.yellow("What the cache had:"));
  row("digest", j.digest);
  if (j.trust) row("trust", TRUST_TEXT[j.trust.level] ?? j.trust.level, j.trust.evidence);
  if (j.os) row("base OS", osLine(j.os), j.os.evidence);
  if (j.libc) row("libc", j.libc.value, j.libc.evidence);
  for (const [i, r] of (j.runtimes ?? []).entries())
    row(i === 0 ? "runtime" : "", `${r.name} ${r.version}`, r.evidence);
  if (j.offersPlatform === false) lines.push(style.red(`✗ no image for ${j.platform}`));
  const platforms = j.platforms ?? [];
  for (const [i, p] of platforms.entries()) {
    const size = p.size === undefined ? "" : `  ${formatBytes(p.size)}`;
    const mark = p.platform === j.platform || p.platform.startsWith(`${j.platform}/`) ? " ←" : "";
    row(i === 0 ? "platforms" : "", `${p.platform.padEnd(16)} ${p.digest}${size}${mark}`);
  }
  if (j.aliases && j.aliases.length > 0) row("also", j.aliases.join(", "));
  if (j.pushedAt) row("pushed", j.pushedAt);
  if (j.source && j.fetchedAt)
    row(
      "source",
      j.source === "network" ? `registry, ${j.fetchedAt}` : `${j.source}, fetched ${j.fetchedAt}`,
    );
  return lines.join("\n");
}
