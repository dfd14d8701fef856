/**
 * The card's provenance lines: "Built 2026-11-28 from github.com/docker-library/python @ 3f2a9c1,
 * on debian:trixie-slim@sha256:…", with links to the source at that revision and to the base
 * image's page. Pure. Every string here came from a registry: each is length-capped and escaped,
 * and only http(s) URLs built by `new URL` are ever linked (a `javascript:` or `command:` source
 * stays text).
 */
import { dockerMaterialName } from "../facts/attestation";
import type { ProvenanceFact, ProvenanceValue, SourceRepository } from "../facts/provenance";
import { parseSourceRepository, provenanceRevision } from "../facts/provenance";
import type { ImageFacts } from "../facts/types";
import { familiar, parseReference, withoutDigest, type Reference } from "../reference";
import type { AttestationLookup, AttestationRead } from "../resolver/attestations";
import type { SignatureLookup } from "../resolver/signatures";
import { codeSpan, escapeMarkdown, escapeProse, shortDigest } from "./prose";

/** Shown text from a registry: at most this many characters. */
const MAX_SHOWN = 80;

/** `text` cut to `max` characters with "…" (a registry string in the card never runs on). */
export function capText(text: string, max = MAX_SHOWN): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** A URL safe inside Markdown `(…)`: http(s) only, normalised, with parentheses and spaces encoded. */
export function markdownUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  return url
    .toString()
    .replace(/[()<> ]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** `[text](url)` with the text escaped and capped; plain escaped text when the URL is not linkable. */
export function link(text: string, url: string | undefined): string {
  const shown = escapeMarkdown(capText(text));
  const safe = url === undefined ? undefined : markdownUrl(url);
  return safe === undefined ? shown : `[${shown}](${safe})`;
}

function isHex(rev: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(rev);
}

/** A commit hash shortened as Git does (7); other revisions (tags, branch names) as written, capped. */
export function shortRevision(rev: string): string {
  return isHex(rev) && rev.length > 12 ? rev.slice(0, 7) : capText(rev, 40);
}

/** Page layouts of the Git hosts we link into: tree at a revision, one commit, a compare of two. */
function hostPaths(host: string): { tree: string; commit: string; compare: string } | undefined {
  if (host === "github.com") return { tree: "tree", commit: "commit", compare: "compare" };
  if (host === "gitlab.com" || host.startsWith("gitlab."))
    return { tree: "-/tree", commit: "-/commit", compare: "-/compare" };
  return undefined;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The repository's page, at `revision` (and its directory) where the host's layout is known. */
export function sourceUrl(repo: SourceRepository, revision?: string): string {
  const base = `https://${repo.host}/${encodePath(repo.path)}`;
  const paths = hostPaths(repo.host);
  if (paths === undefined || revision === undefined) return base;
  const dir = repo.directory === undefined || repo.directory === "" ? "" : `/${encodePath(repo.directory)}`;
  return `${base}/${paths.tree}/${encodeURIComponent(revision)}${dir}`;
}

export function commitUrl(repo: SourceRepository, revision: string): string | undefined {
  const paths = hostPaths(repo.host);
  if (paths === undefined || !/^[\w.-]{1,100}$/.test(revision)) return undefined;
  return `https://${repo.host}/${encodePath(repo.path)}/${paths.commit}/${encodeURIComponent(revision)}`;
}

/** A compare page of two revisions (GitHub `compare/a...b`, GitLab `-/compare/a...b`). */
export function compareUrl(repo: SourceRepository, from: string, to: string): string | undefined {
  const paths = hostPaths(repo.host);
  const ok = (r: string): boolean => /^[\w.-]{1,100}$/.test(r);
  if (paths === undefined || !ok(from) || !ok(to)) return undefined;
  return `https://${repo.host}/${encodePath(repo.path)}/${paths.compare}/${encodeURIComponent(from)}...${encodeURIComponent(to)}`;
}

/** "2026-11-28" (UTC) of an ISO time; undefined when it does not parse. */
export function isoDay(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

type PageOf = (reference: Reference) => { label: string; url: string } | undefined;

function sourceText(p: ProvenanceFact): string | undefined {
  const source = p.source;
  if (source === undefined) return undefined;
  const revision = provenanceRevision(p);
  const repo = p.repository;
  if (repo === undefined) return codeSpan(capText(source.value));
  const where = link(`${repo.host}/${repo.path}`, sourceUrl(repo, revision));
  if (revision === undefined) return where;
  return `${where} @ ${link(shortRevision(revision), commitUrl(repo, revision))}`;
}

function baseText(p: ProvenanceFact, pageOf: PageOf): string | undefined {
  const name = p.baseName?.value;
  const digest = p.baseDigest?.value;
  if (name === undefined && digest === undefined) return undefined;
  if (name === undefined) return `a base image ${codeSpan(shortDigest(digest ?? ""))}`;
  const parsed = parseReference(name);
  // Not an image reference: quoted as it was sent, never made into a link.
  const base = parsed.ok
    ? link(familiar(withoutDigest(parsed.value)), pageOf(parsed.value)?.url)
    : codeSpan(capText(name));
  return digest === undefined ? base : `${base}@${codeSpan(shortDigest(digest))}`;
}

function labelNote(values: readonly (ProvenanceValue | undefined)[]): string {
  return values.some((v) => v?.fromLabel === true)
    ? " *(from config labels, which a base image can set: may describe the base)*"
    : "";
}

/** The provenance paragraph of the card, or "" when the image says nothing about where it came from. */
export function provenanceLines(facts: ImageFacts, pageOf: PageOf): string[] {
  const p = facts.provenance;
  if (p === undefined) return [];
  const lines: string[] = [];
  const day = p.created === undefined ? undefined : isoDay(p.created.value);
  const from = sourceText(p);
  const on = baseText(p, pageOf);
  const parts: string[] = [];
  if (day !== undefined) parts.push(day);
  if (from !== undefined) parts.push(`from ${from}`);
  const built = parts.join(" ");
  if (built !== "" || on !== undefined) {
    const sentence = [built, on === undefined ? undefined : `on ${on}`]
      .filter((s): s is string => s !== undefined && s !== "")
      .join(", ");
    lines.push(
      `**Built** ${sentence}${labelNote([p.created, p.source, p.revision, p.baseName, p.baseDigest])}`,
    );
  }
  const more: string[] = [];
  if (p.version !== undefined) more.push(`**Version** ${codeSpan(capText(p.version.value, 60))}`);
  if (p.url !== undefined) more.push(link("project page", p.url.value));
  if (more.length > 0) lines.push(more.join(" · "));
  return lines;
}

/** The small-print line naming where the provenance was read. */
export function provenanceEvidence(facts: ImageFacts): string | undefined {
  const p = facts.provenance;
  if (p === undefined) return undefined;
  const wheres = new Set<string>();
  for (const v of [p.created, p.source, p.revision, p.baseName, p.baseDigest, p.version, p.url]) {
    if (v === undefined) continue;
    wheres.add(v.fromLabel ? "config labels" : v.evidence.replace(/ org\.opencontainers\..*$/, "s"));
  }
  return `*${escapeMarkdown(`Provenance: from ${[...wheres].join(", ")} (org.opencontainers.image.*).`)}*`;
}

// ---- BuildKit attestations -------------------------------------------------------------------

/** The configured name of the command that fetches attestations, as the user finds it in the palette. */
const SHOW_PROVENANCE = "*FROM Lens: Show Provenance*";

function sourceLink(uri: string, revision: string | undefined): string {
  const repo = parseSourceRepository(uri);
  if (repo === undefined) return codeSpan(capText(uri));
  const rev = revision ?? repo.ref;
  const where = link(`${repo.host}/${repo.path}`, sourceUrl(repo, rev));
  return rev === undefined ? where : `${where} @ ${link(shortRevision(rev), commitUrl(repo, rev))}`;
}

/** The card's lines for the described platform's BuildKit attestation. */
export function attestationLines(lookup: AttestationLookup | undefined): string[] {
  if (lookup === undefined) return [];
  switch (lookup.state) {
    case "absent":
      return [];
    case "available":
      return [
        `**Attestation** attached (BuildKit), not fetched — run ${SHOW_PROVENANCE} to read it (one manifest request, which Docker Hub counts as a pull)`,
      ];
    case "fetching":
      return ["**Attestation** fetching…"];
    case "error":
      return [`**Attestation** ⚠ could not be fetched: ${escapeProse(capText(lookup.error.message, 200))}`];
    case "fetched":
      return fetchedLines(lookup.read);
  }
}

function fetchedLines(read: AttestationRead): string[] {
  const lines: string[] = [];
  const p = read.provenance;
  const sbom = read.sbom ? "SBOM attached" : "no SBOM attached";
  if (p !== undefined && read.subjectMatches === false) {
    lines.push(
      `**Provenance** ⚠ the attestation's statement is about another image (its subject is not this platform's manifest): not shown · ${sbom}`,
    );
    return lines;
  }
  if (p === undefined) {
    const why = read.problem === undefined ? "no SLSA provenance statement in the attestation" : read.problem;
    lines.push(`**Provenance** ${escapeProse(capText(why, 200))} · ${sbom}`);
    return lines;
  }
  const head = [`**Provenance** (SLSA ${p.version})`];
  if (p.builderId !== undefined) head.push(`builder ${codeSpan(capText(p.builderId))}`);
  const day = p.finishedOn ?? p.startedOn;
  const when = day === undefined ? undefined : isoDay(day);
  if (when !== undefined) head.push(`built ${when}`);
  head.push(sbom);
  lines.push(head.join(" · "));
  const c = p.configSource;
  if (c !== undefined) {
    const parts = [c.uri === undefined ? "unknown" : sourceLink(c.uri, c.digest)];
    if (c.uri === undefined && c.digest !== undefined) parts.push(codeSpan(shortRevision(c.digest)));
    if (c.entryPoint !== undefined) parts.push(codeSpan(capText(c.entryPoint, 60)));
    lines.push(`**Config source** ${parts.join(" · ")}`);
  }
  const bases = p.materials
    .map((m) => ({ name: dockerMaterialName(m.uri), digest: m.digest }))
    .filter((m): m is { name: string; digest: string | undefined } => m.name !== undefined)
    .filter(
      (m) =>
        !/^docker\/dockerfile\b|^docker\/buildkit-syft-scanner\b/.test(m.name.replace(/^docker\.io\//, "")),
    );
  if (bases.length > 0) {
    const shown = bases.slice(0, 4).map((m) => {
      const name = codeSpan(capText(m.name, 60));
      return m.digest === undefined || m.name.includes("@")
        ? name
        : `${name}@${codeSpan(shortDigest(m.digest))}`;
    });
    const more = bases.length - shown.length;
    lines.push(`**Built on** ${shown.join(", ")}${more > 0 ? ` +${more} more` : ""}`);
  }
  if (p.buildType !== undefined && c === undefined)
    lines.push(`**Build type** ${codeSpan(capText(p.buildType))}`);
  return lines;
}

// ---- signatures ----------------------------------------------------------------------------------

const DOI_UNSIGNED =
  "Docker Official Images are unsigned: Docker Content Trust was retired in 2025 and no cosign or Notation signatures are published";

/** The card's signature line: verified, present but not verified (why), unsigned — or nothing yet. */
export function signatureLine(lookup: SignatureLookup | undefined, official: boolean): string | undefined {
  if (lookup === undefined) return undefined;
  switch (lookup.state) {
    case "unchecked":
      return official ? `**Signature** unsigned — ${DOI_UNSIGNED} (not looked up for this image)` : undefined;
    case "checking":
      return "**Signature** checking…";
    case "error":
      return `**Signature** ⚠ could not be checked: ${escapeProse(capText(lookup.error.message, 200))}`;
    case "checked": {
      const v = lookup.verdict;
      if (v.status === "verified")
        return `**Signature** ✓ signed by ${escapeMarkdown(capText(v.signer, 60))} (verified, cosign)`;
      if (v.status === "unverified")
        return `**Signature** present, not verified: ${escapeMarkdown(capText(v.reason, 240))}`;
      return `**Signature** unsigned${official ? ` — ${DOI_UNSIGNED}` : ""} *(looked at the ${escapeMarkdown(v.evidence.replace(/^no signature found \((.*)\)$/, "$1"))})*`;
    }
  }
}
