/**
 * The facts part of an image's hover card: digest, pin state, base OS, libc, runtimes, platforms,
 * aliases, provenance, the warnings and the small print with the evidence, plus the image's web
 * page. Pure, like hover.ts, which lays the card out around these blocks.
 */
import type { ImageRef } from "../dockerfile";
import type { ImageFacts, KnownOs, Libc, PlatformFacts } from "../facts/types";
import { formatPlatform, platformMatchesText } from "../oci/platform";
import { familiarName, isDockerHub, isOfficialImageName, type Reference } from "../reference";
import type { Freshness, Resolution } from "../resolver/types";
import { wantedPlatform, type FeatureContext } from "./context";
import {
  codeSpan,
  escapeMarkdown,
  escapeProse,
  formatAgo,
  formatBytes,
  formatRelative,
  shortDigest,
} from "./prose";
import { pinStatus } from "./pin";
import { whatChanged } from "./whatChanged";
import { attestationLines, provenanceEvidence, provenanceLines, signatureLine } from "./provenance";

/** Lines of one paragraph are joined with a Markdown hard break; paragraphs with a blank line. */
export const BREAK = "  \n";
const MAX_ALIASES = 5;
const MAX_PLATFORMS = 12;
/** Evidence longer than this is cut, with an ellipsis: the small print stays short. */
const MAX_EVIDENCE = 140;

/** The image's page for people: Docker Hub, or a registry with a browsable web UI at a known address. */
export function imagePage(reference: Reference, tags = false): { label: string; url: string } | undefined {
  const segments = (path: string): string => path.split("/").map(encodeURIComponent).join("/");
  if (isDockerHub(reference)) {
    const path = isOfficialImageName(reference)
      ? `/_/${segments(familiarName(reference))}`
      : `/r/${segments(reference.repository)}`;
    return {
      label: "Docker Hub",
      url: new URL(path + (tags ? "/tags" : ""), "https://hub.docker.com").toString(),
    };
  }
  const pages: Readonly<Record<string, { label: string; path: string; base: string }>> = {
    "ghcr.io": { label: "GitHub Packages", base: "https://ghcr.io", path: "/" },
    "quay.io": { label: "Quay", base: "https://quay.io", path: "/repository/" },
    "public.ecr.aws": { label: "ECR Public Gallery", base: "https://gallery.ecr.aws", path: "/" },
    "mcr.microsoft.com": {
      label: "Microsoft Artifact Registry",
      base: "https://mcr.microsoft.com",
      path: "/artifact/mar/",
    },
  };
  const page = pages[reference.registry];
  if (page === undefined) return undefined;
  return {
    label: page.label,
    url: new URL(page.path + segments(reference.repository), page.base).toString(),
  };
}

// ---- the facts --------------------------------------------------------------------------------

function freshnessText(freshness: Freshness, now: Date): string {
  const age = formatAgo(freshness.fetchedAt, now);
  switch (freshness.kind) {
    case "fresh":
      return age === "just now" ? "fetched just now" : `cached ${age}`;
    case "stale":
      return `cached ${age}, refreshing`;
    case "offline":
      return `⚠ offline — cached ${age}`;
  }
}

/**
 * The facts, in the order a reader needs them and short enough that identity, digest, base OS,
 * libc, runtime and platforms fit in VS Code's default hover without scrolling: one line per
 * fact, then at most one line per warning (the Problems panel has the details), then the
 * evidence, short, in small print.
 */
export function factsBlocks(
  ctx: FeatureContext,
  ref: ImageRef,
  reference: Reference,
  resolution: Resolution,
  freshness: Freshness,
): string[] {
  const facts = resolution.facts;
  const wanted = wantedPlatform(ref, ctx.defaultPlatform);
  const when = facts.pushedAt ?? facts.describedPlatform?.created;
  const summary = [
    `**Digest** ${codeSpan(shortDigest(facts.indexDigest))}`,
    when === undefined
      ? undefined
      : `${facts.pushedAt !== undefined ? "pushed" : "built"} ${formatAgo(when, ctx.now)}`,
    freshnessText(freshness, ctx.now),
  ].filter((s): s is string => s !== undefined);

  const main: string[] = [summary.join(" · ")];
  main.push(...pinLines(ctx, reference, resolution));
  main.push(`**Base OS** ${osText(facts, ctx.now)}`);
  const libc = libcText(facts.libc.value);
  if (libc !== undefined) main.push(`**libc** ${libc}`);
  if (facts.runtimes.length > 0) {
    main.push(
      `**Runtime** ${facts.runtimes.map((r) => escapeMarkdown(`${r.name} ${r.version}`)).join(" · ")}`,
    );
  }
  const platforms = platformsLine(facts.platforms, wanted);
  if (platforms !== undefined) main.push(platforms);
  if (facts.aliases.length > 0) {
    const shown = facts.aliases.slice(0, MAX_ALIASES).map((a) => codeSpan(a.tag));
    const more = facts.aliases.length - shown.length;
    main.push(`**Also tagged** ${shown.join(" ")}${more > 0 ? ` +${more} more` : ""}`);
  }
  const blocks = [main.join(BREAK)];

  // Where it came from and who signed it: after the key facts, so they stay above the fold.
  const signature = signatureLine(
    ctx.signature?.(reference, facts.indexDigest),
    facts.trust.level === "official",
  );
  const origin = [
    ...provenanceLines(facts, imagePage),
    ...(signature === undefined ? [] : [signature]),
    ...attestationLines(ctx.attestation?.(facts)),
  ];
  if (origin.length > 0) blocks.push(origin.join(BREAK));

  const warnings = [
    missingPlatformWarning(facts.platforms, wanted),
    codenameWarning(facts, reference),
  ].filter((w): w is string => w !== undefined);
  if (warnings.length > 0) blocks.push(warnings.join(BREAK));

  blocks.push(`---\n\n${smallPrint(facts, wanted).join(BREAK)}`);
  return blocks;
}

/** The pin's state in one line (two when the pin is a platform manifest), for a reference with a digest. */
function pinLines(ctx: FeatureContext, reference: Reference, resolution: Resolution): string[] {
  if (reference.digest === undefined) return [];
  const status = pinStatus(reference, resolution);
  const tag = reference.tag === undefined ? undefined : codeSpan(reference.tag);
  const lines: string[] = [];
  switch (status.kind) {
    case "unpinned":
      return [];
    case "current":
      lines.push(`**Pinned** ✓ current${tag === undefined ? "" : ` — ${tag} still points here`}`);
      break;
    case "moved": {
      const when = status.movedAt === undefined ? "" : ` ${formatAgo(status.movedAt, ctx.now)}`;
      const now =
        status.platform === undefined
          ? `${tag ?? "the tag"} now points at ${codeSpan(shortDigest(status.to))}`
          : `its ${status.platform} image is now ${codeSpan(shortDigest(status.to))}`;
      lines.push(`**Pinned** ⚠ tag moved${when}: ${now} — *Update pin* rewrites it`);
      if (resolution.movedTo !== undefined) {
        const changes = whatChanged(resolution.facts, resolution.movedTo);
        if (changes.length > 0) lines.push(`**What changes** ${changes.map((c) => c.markdown).join(" · ")}`);
      }
      break;
    }
    case "platform-missing":
      lines.push(`**Pinned** ⚠ the tag no longer has a ${status.platform} image to update this pin to`);
      break;
    case "tag-missing":
      lines.push(
        `**Pinned** ⚠ ${tag ?? "the tag"} no longer exists — the digest still pulls, but nothing follows the tag`,
      );
      break;
    case "unchecked":
      lines.push(`**Pinned** — ${escapeProse(status.reason)}`);
      break;
  }
  const pin = resolution.pin;
  if (pin?.kind === "platform-manifest") {
    lines.push(
      `⚠ Only the ${pin.platform} manifest is pinned, not the index ${codeSpan(shortDigest(pin.indexDigest))}: other platforms cannot build.`,
    );
  }
  return lines;
}

function osText(facts: ImageFacts, now: Date): string {
  const os = facts.os;
  if (os.status !== "known") {
    return os.status === "no-distro" ? "none (no distro: an empty root with a program in it)" : "unknown";
  }
  return `${osName(os)} — ${supportText(os, now)}`;
}

function osName(os: KnownOs): string {
  if (os.distro === "windows" && os.codename !== null) {
    return `${os.name} ${os.codename}${os.version === null ? "" : ` (${os.version})`}`;
  }
  // Only the distro is known (an opaque base with `apk add` on top): say so rather than guess.
  if (os.version === null && os.codename === null && os.release === null)
    return `${os.name} (release unknown)`;
  return [os.name, os.version, os.codename].filter((s): s is string => s !== null && s !== "").join(" ");
}

function supportText(os: KnownOs, now: Date): string {
  switch (os.eolStatus) {
    case "supported":
      return `supported until ${os.eol}`;
    case "eol-soon":
      return `⚠ support ends ${os.eol} (${formatRelative(os.eol, now)})`;
    case "eol":
      return `⚠ end of life since ${os.eol}`;
    case "unknown":
      return "end of support unknown";
  }
}

function libcText(libc: Libc): string | undefined {
  switch (libc) {
    case "glibc":
      return "glibc";
    case "musl":
      return "musl — prebuilt glibc binaries (manylinux wheels) won't run";
    case "uclibc":
      return "uClibc-ng — binaries built for glibc won't run";
    case "none":
      return "none — only static binaries run";
    case "not-applicable":
      return undefined;
    case "unknown":
      return "unknown";
  }
}

/** A tag that does not name its Debian/Ubuntu codename moves to the next release when the image does: one line. */
function codenameWarning(facts: ImageFacts, reference: Reference): string | undefined {
  const os = facts.os;
  if (os.status !== "known" || os.codename === null || (os.distro !== "debian" && os.distro !== "ubuntu"))
    return undefined;
  const tag = reference.tag ?? "latest";
  const codename = os.codename;
  const names = (t: string): boolean => t.split(/[-_.]/).includes(codename);
  if (names(tag) || familiarName(reference) === os.distro) return undefined;
  const naming = facts.aliases.filter((a) => names(a.tag)).map((a) => a.tag);
  const stay =
    naming.find((t) => t === `${tag}-${codename}`) ?? [...naming].sort((a, b) => a.length - b.length)[0];
  const advice = stay === undefined ? `add ${codeSpan(`-${codename}`)} to stay` : `${codeSpan(stay)} stays`;
  return `⚠ The tag moves to the next ${escapeMarkdown(os.name)} release with the image; ${advice} on ${escapeMarkdown(codename)}.`;
}

function platformName(p: PlatformFacts): string {
  const name = formatPlatform(p);
  return p.osVersion === undefined ? name : `${name} ${p.osVersion}`;
}

/** One line for a build that needs a platform the image lacks (the platform-unavailable diagnostic has the details). */
function missingPlatformWarning(platforms: readonly PlatformFacts[], wanted: string): string | undefined {
  if (platforms.length === 0 || platforms.some((p) => platformMatchesText(p, wanted))) return undefined;
  const name = escapeMarkdown(wanted);
  return `⚠ **No ${name} image** — a ${name} build fails; set \`--platform\` or \`fromLens.defaultPlatform\` to build for another.`;
}

/**
 * The platforms on one line (it may wrap): the build's platform first, with its digest and
 * compressed size, then the others by name. When every platform has the same OS, it is said once.
 */
function platformsLine(platforms: readonly PlatformFacts[], wanted: string): string | undefined {
  if (platforms.length === 0) return undefined;
  const only = platforms.length === 1 ? platforms[0] : undefined;
  if (only !== undefined) {
    const parts = [`**Platform** ${escapeMarkdown(platformName(only))}`, codeSpan(shortDigest(only.digest))];
    if (only.size !== undefined) parts.push(formatBytes(only.size));
    return parts.join(" · ");
  }
  const os = platforms[0]?.os;
  const sameOs = platforms.every((p) => p.os === os && p.osVersion === undefined);
  const name = (p: PlatformFacts): string =>
    escapeMarkdown(sameOs ? platformName(p).slice(`${p.os}/`.length) : platformName(p));
  const build = platforms.find((p) => platformMatchesText(p, wanted));
  const buildDetail = (p: PlatformFacts): string =>
    [codeSpan(shortDigest(p.digest)), p.size === undefined ? undefined : formatBytes(p.size)]
      .filter((s): s is string => s !== undefined)
      .join(", ");
  const others = platforms.filter((p) => p !== build);
  const shown = others.slice(0, MAX_PLATFORMS - (build === undefined ? 0 : 1)).map(name);
  const hidden = others.length - shown.length;
  const items = [
    ...(build === undefined ? [] : [`**${name(build)}** ← build (${buildDetail(build)})`]),
    ...shown,
    ...(hidden > 0 ? [`+${hidden} more`] : []),
  ];
  return `**Platforms**${sameOs && os !== undefined ? ` ${escapeMarkdown(os)}:` : ""} ${items.join(" · ")}`;
}

/** The small print: where the base OS and libc came from, the support note, and the full digest to copy. */
function smallPrint(facts: ImageFacts, wanted: string): string[] {
  const lines: string[] = [];
  if (facts.description !== undefined) {
    const said =
      facts.description.length > MAX_EVIDENCE
        ? `${facts.description.slice(0, MAX_EVIDENCE - 1)}…`
        : facts.description;
    lines.push(`*The image describes itself as: “${escapeMarkdown(said)}”*`);
  }
  const os = facts.os;
  // Known: where it was read ("Base OS from config history …"); else why not ("Base OS: no marker found").
  const evidence = [
    os.status === "known"
      ? `Base OS from ${shortEvidence(os.evidence)}`
      : `Base OS: ${lowerFirst(shortEvidence(os.evidence))}`,
  ];
  if (facts.libc.value !== "not-applicable") {
    // The libc is often inferred from the base OS: don't repeat the OS evidence.
    const libc = facts.libc.evidence.startsWith(os.evidence)
      ? facts.libc.evidence.slice(os.evidence.length).replace(/^[;,.]\s*/, "")
      : facts.libc.evidence;
    if (libc !== "") evidence.push(`libc: ${shortEvidence(libc)}`);
  }
  lines.push(`*${escapeMarkdown(sentence(evidence.join("; ")))}*`);
  if (os.status === "known" && os.eolNote !== "") {
    lines.push(`*${escapeMarkdown(sentence(os.eolNote.split("; ")[0] ?? os.eolNote))}*`);
  }
  const provenance = provenanceEvidence(facts);
  if (provenance !== undefined) lines.push(provenance);
  const described = facts.describedPlatform;
  if (described !== undefined && !platformMatchesText(described, wanted)) {
    lines.push(
      `*Base OS, libc and runtime were read from the ${escapeMarkdown(platformName(described))} image.*`,
    );
  }
  lines.push(codeSpan(facts.indexDigest));
  return lines;
}

/**
 * Evidence for the small print: quoted history lines cut to their start, asides in parentheses
 * dropped, at most MAX_EVIDENCE characters.
 */
function shortEvidence(text: string): string {
  const cut = text
    .replace(/"([^"]{40})[^"]{8,}"/g, '"$1…"')
    .replace(/\s*\([^()]*\)/g, "")
    .replace(/[.\s]+$/, "");
  return cut.length <= MAX_EVIDENCE ? cut : `${cut.slice(0, MAX_EVIDENCE - 1).trimEnd()}…`;
}

/** Text ending in a full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "No base-OS marker found" → "no base-OS marker found", to follow a colon mid-sentence. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}
