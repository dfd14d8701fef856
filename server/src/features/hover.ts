/**
 * The hover card of an image reference (FROM, COPY --from, RUN --mount from=, # syntax): what the
 * reference resolves to, what is inside (base OS, libc, runtimes, platforms) and where each fact
 * came from, in Markdown that reads in two seconds and works in any theme and any LSP editor
 * (no HTML, no theme icons). Pure: the card is built from the resolver's synchronous answer.
 *
 * Outside an image reference the answer is null, and the server shows the instruction docs.
 */
import { MarkupKind, type Hover, type Position } from "vscode-languageserver";
import type { ArgUse, ImageRef } from "../dockerfile";
import type { ImageFacts, KnownOs, Libc, PlatformFacts, TrustFact } from "../facts/types";
import { formatPlatform, platformMatchesText } from "../oci/platform";
import {
  familiarName,
  formatReference,
  isDockerHub,
  isOfficialImageName,
  loginCommand,
  parseReference,
  withoutDigest,
  type Reference,
} from "../reference";
import type { Freshness, Lookup, Resolution } from "../resolver/types";
import { wantedPlatform, type FeatureContext } from "./context";
import {
  closestNames,
  codeSpan,
  escapeMarkdown,
  escapeProse,
  formatAgo,
  formatBytes,
  formatClock,
  formatRelative,
  shortDigest,
} from "./prose";
import { rangeContains } from "../ranges";
import { pinStatus } from "./pin";
import { markdownToPlainText } from "./plainText";
import { whatChanged } from "./whatChanged";
import { attestationLines, provenanceEvidence, provenanceLines, signatureLine } from "./provenance";
import { pausedBlocks } from "./rateLimitPause";

/** Lines of one paragraph are joined with a Markdown hard break; paragraphs with a blank line. */
const BREAK = "  \n";
const MAX_ALIASES = 5;
const MAX_PLATFORMS = 12;
/** Evidence longer than this is cut, with an ellipsis: the small print stays short. */
const MAX_EVIDENCE = 140;

/** `format` is what the client shows (`hover.contentFormat`): Markdown, or the same card as plain text. */
export function provideHover(
  ctx: FeatureContext,
  position: Position,
  format: MarkupKind = MarkupKind.Markdown,
): Hover | null {
  const ref = ctx.refs.find((r) => rangeContains(r.range, position));
  if (ref === undefined) return null;
  const markdown = hoverMarkdown(ctx, ref);
  return {
    contents:
      format === MarkupKind.Markdown
        ? { kind: MarkupKind.Markdown, value: markdown }
        : { kind: MarkupKind.PlainText, value: markdownToPlainText(markdown) },
    range: ref.range,
  };
}

/** The card's Markdown for one reference. */
export function hoverMarkdown(ctx: FeatureContext, ref: ImageRef): string {
  const blocks = ref.isStageRef
    ? stageCard(ctx, ref)
    : ref.isScratch
      ? scratchCard(ref)
      : ref.resolved === undefined
        ? unresolvableCard(ref)
        : remoteCard(ctx, ref, ref.resolved);
  return blocks.filter((b) => b !== "").join("\n\n");
}

// ---- references that are not pulled -----------------------------------------------------------

function stageCard(ctx: FeatureContext, ref: ImageRef): string[] {
  const target = ctx.refs.find((r) => r.kind === "from" && r.stageIndex === ref.targetStage);
  const name = target?.stage;
  const title =
    name !== undefined && name.toLowerCase() === (ref.resolved ?? ref.raw).toLowerCase()
      ? `**Build stage ${codeSpan(name)}**`
      : `**Build stage ${ref.targetStage ?? ref.raw}**${name !== undefined ? ` (${codeSpan(name)})` : ""}`;
  const lines = [title];
  if (ref.unresolvable !== undefined) lines.push(`⚠ ${escapeProse(ref.unresolvable)}`);
  if (target !== undefined) {
    const line = target.range.start.line;
    lines.push(`Defined on line ${line + 1}: ${codeSpan(lineText(ctx, line))}`);
  }
  lines.push("Built by this Dockerfile, not pulled from a registry.");
  return [lines.join(BREAK)];
}

function lineText(ctx: FeatureContext, line: number): string {
  const text = ctx.doc
    .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
    .replace(/\r?\n$/, "")
    .trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function scratchCard(ref: ImageRef): string[] {
  const use =
    ref.kind === "from"
      ? "The stage starts from nothing: no files, no OS, no shell, no C library. Used for static binaries (Go, Rust) and minimal images; nothing is pulled."
      : "It has no files, so there is nothing to copy or mount from it; nothing is pulled.";
  return [[`**scratch** — the empty image`, use].join(BREAK)];
}

function unresolvableCard(ref: ImageRef): string[] {
  const lines = [`**${codeSpan(ref.raw)}**`];
  lines.push(`⚠ Can't tell which image this is: ${escapeProse(ref.unresolvable ?? "it has no fixed value")}`);
  const args = argsLine(ref.argsUsed);
  if (args !== undefined) lines.push(args);
  return [lines.join(BREAK)];
}

// ---- remote images ----------------------------------------------------------------------------

function remoteCard(ctx: FeatureContext, ref: ImageRef, resolved: string): string[] {
  const parsed = parseReference(resolved);
  if (!parsed.ok) {
    return [
      [
        `**${codeSpan(resolved)}**`,
        `⚠ Not a valid image reference: ${escapeProse(parsed.error.message)}`,
      ].join(BREAK),
    ];
  }
  const reference = parsed.value;
  const lookup = ctx.lookup(ref);
  const known =
    lookup.state === "resolved"
      ? { resolution: lookup.resolution, freshness: lookup.freshness }
      : lookup.state === "unknown"
        ? undefined
        : lookup.previous;
  const facts = known?.resolution.facts;

  const blocks = [headerBlock(reference, facts)];
  const origin: string[] = [];
  if (ref.kind === "syntax")
    origin.push("Dockerfile frontend (`# syntax`): BuildKit runs this image to read the Dockerfile.");
  if (ref.argsUsed.length > 0) {
    origin.push(`${codeSpan(ref.raw)} → ${codeSpan(resolved)}`);
    origin.push(argsLine(ref.argsUsed) ?? "");
  }
  blocks.push(origin.filter((l) => l !== "").join(BREAK));

  switch (lookup.state) {
    case "unknown":
      blocks.push("Not resolved yet.");
      return blocks;
    case "resolving":
      if (lookup.previous === undefined && lookup.digest !== undefined) {
        // The digest comes first; platforms, base OS and the rest follow.
        const pinned =
          lookup.digest.pin?.kind === "current"
            ? " ✓ The pinned digest is the one the tag points at now."
            : "";
        blocks.push(
          `**Digest** ${codeSpan(lookup.digest.tagDigest)}, checked ${formatAgo(lookup.digest.fetchedAt, ctx.now)}.${pinned}${BREAK}Resolving details…`,
        );
      } else {
        blocks.push(lookup.previous === undefined ? "Resolving…" : "Resolving… (showing the cached answer)");
      }
      break;
    case "error":
      blocks.push(...errorBlocks(ctx, lookup, reference));
      if (lookup.previous !== undefined) blocks.push("---\n\n*Last known answer:*");
      break;
    case "resolved":
      break;
  }
  if (known !== undefined)
    blocks.push(...factsBlocks(ctx, ref, reference, known.resolution, known.freshness));
  return blocks;
}

function headerBlock(reference: Reference, facts: ImageFacts | undefined): string {
  const shown = withoutDigest(reference);
  // Docker pulls :latest when nothing is written: say so.
  if (shown.tag === undefined && reference.digest === undefined) shown.tag = "latest";
  const title = `**${escapeMarkdown(formatReference(shown))}**`;
  const second: string[] = [];
  if (facts !== undefined) second.push(trustText(facts.trust));
  const page = imagePage(reference);
  if (page !== undefined) second.push(`[${page.label}](${page.url})`);
  return second.length === 0 ? title : [title, second.join(" · ")].join(BREAK);
}

function trustText(trust: TrustFact): string {
  const badge: Record<TrustFact["level"], string> = {
    official: "✓ Docker Official Image",
    "verified-publisher": "✓ Verified Publisher",
    "sponsored-oss": "✓ Sponsored OSS",
    community: "Community image (no Docker Hub badge)",
    unknown: "Unknown source",
  };
  // Say which host answered when it was not Docker Hub itself (a mirror from fromLens.registryMirrors).
  const mirror =
    trust.mirror === undefined
      ? ""
      : trust.mirror.checkedAgainstHub
        ? ` · via mirror ${codeSpan(trust.mirror.host)}`
        : `Served by mirror ${codeSpan(trust.mirror.host)}, not checked against Docker Hub`;
  const text =
    trust.mirror !== undefined && !trust.mirror.checkedAgainstHub ? mirror : badge[trust.level] + mirror;
  return text + (trust.trustedBySettings ? " · trusted by your settings" : "");
}

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

function argsLine(args: readonly ArgUse[]): string | undefined {
  if (args.length === 0) return undefined;
  const parts = args.map((a) => {
    const where = a.declaredAt === undefined ? "set by BuildKit" : `line ${a.declaredAt.start.line + 1}`;
    const via = a.via === undefined ? "" : `, via ${codeSpan(a.via)}`;
    const value =
      a.value === undefined
        ? `${codeSpan(a.name)} has no fixed value`
        : `${codeSpan(a.name)} = ${codeSpan(a.value)}`;
    return `${value} (${where}${via})`;
  });
  return `From ARG ${parts.join(" · ")}`;
}

function errorBlocks(
  ctx: FeatureContext,
  lookup: Lookup & { state: "error" },
  reference: Reference,
): string[] {
  const error = lookup.error;
  const login = loginCommand(reference.registry);
  let title: string;
  let action: string | undefined;
  switch (error.kind) {
    case "not-found": {
      const titles = {
        repository: "Repository not found",
        tag: "Tag not found",
        digest: "Digest not found",
        platform: "No image for this platform",
      } as const;
      title = titles[error.what];
      const suggestions =
        error.what === "tag" && reference.tag !== undefined
          ? closestNames(reference.tag, lookup.tags ?? [])
          : [];
      const tagsPage = imagePage(reference, true);
      if (suggestions.length > 0) action = `did you mean ${suggestions.map(codeSpan).join(" or ")}?`;
      else if (error.what === "tag" && tagsPage !== undefined)
        action = `see the tags on [${tagsPage.label}](${tagsPage.url}).`;
      else if (error.what === "repository") action = "check the image name and registry for typos.";
      break;
    }
    case "unauthorized":
      title = "Sign-in needed";
      action = `run ${codeSpan(login)}, then refresh.`;
      break;
    case "denied":
      title = "Access denied";
      action = `check the account you are logged in with (${codeSpan(login)}).`;
      break;
    case "rate-limited":
      if (lookup.digestOnly !== undefined) return pausedBlocks(error, lookup.digestOnly, reference, ctx.now);
      title =
        error.resetAt === undefined
          ? "Rate-limited"
          : `Rate-limited until ${error.resetIsEstimate === true ? "at the latest " : ""}${formatClock(error.resetAt)} (${formatRelative(error.resetAt, ctx.now)})`;
      action = isDockerHub(reference)
        ? `wait, or run ${codeSpan("docker login")} to raise Docker Hub's limit.`
        : "wait and refresh.";
      break;
    case "offline":
      title = "Offline";
      action = "check the connection and proxy, then refresh.";
      break;
    case "timeout":
      title = "Timed out";
      action = "refresh to try again.";
      break;
    case "network":
      if (error.proxy !== undefined && error.status === 407) {
        title = "Proxy credentials needed";
        action = `put them in the proxy URL (${codeSpan("http.proxy")} or ${codeSpan("HTTPS_PROXY")}), then refresh.`;
      } else if (error.proxy !== undefined) {
        title = "The proxy refused the connection";
        action = "check the proxy settings, then refresh.";
      } else {
        title = "Network error";
        action = "check the connection and proxy, then refresh.";
      }
      break;
    case "auth-misconfigured":
      title = "The registry's sign-in is misconfigured";
      action = "its token server answers 404; refresh once the registry is fixed.";
      break;
    case "bad-response":
      title = "Unexpected answer from the registry";
      break;
    case "cancelled":
      return ["Lookup cancelled."];
  }
  const head = `⚠ **${title}**${action === undefined ? "" : ` — ${action}`}`;
  return [head, escapeProse(error.message)];
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
function factsBlocks(
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
