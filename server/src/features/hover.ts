/**
 * The hover card of an image reference (FROM, COPY --from, RUN --mount from=, # syntax): what the
 * reference resolves to, what is inside (base OS, libc, runtimes, platforms) and where each fact
 * came from, in Markdown that reads in two seconds and works in any theme and any LSP editor
 * (no HTML, no theme icons). Pure: the card is built from the resolver's synchronous answer.
 *
 * Outside an image reference the answer is null, and the server shows the instruction docs.
 */
import { MarkupKind, type Hover, type Position, type Range } from "vscode-languageserver";
import type { ArgUse, ImageRef } from "../dockerfile";
import type { ImageFacts, KnownOs, Libc, PlatformFacts, TrustFact } from "../facts/types";
import {
  familiarName,
  formatReference,
  isDockerHub,
  isOfficialImageName,
  parseReference,
  withoutDigest,
  type Reference,
} from "../reference";
import { loginCommand } from "../registry/errors";
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
} from "./format";
import { pinStatus } from "./pin";
import { markdownToPlainText } from "./plainText";
import { pausedBlocks } from "./rateLimitPause";

/** Lines of one paragraph are joined with a Markdown hard break; paragraphs with a blank line. */
const BREAK = "  \n";
const MAX_ALIASES = 5;
const MAX_PLATFORM_ROWS = 12;

/** `format` is what the client shows (`hover.contentFormat`): Markdown, or the same card as plain text. */
export function provideHover(
  ctx: FeatureContext,
  position: Position,
  format: MarkupKind = MarkupKind.Markdown,
): Hover | null {
  const ref = ctx.refs.find((r) => contains(r.range, position));
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

function contains(range: Range, p: Position): boolean {
  const afterStart =
    p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd =
    p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
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
  return badge[trust.level] + (trust.trustedBySettings ? " · trusted by your settings" : "");
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
      title = "Network error";
      action = "check the connection and proxy, then refresh.";
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

function factsBlocks(
  ctx: FeatureContext,
  ref: ImageRef,
  reference: Reference,
  resolution: Resolution,
  freshness: Freshness,
): string[] {
  const facts = resolution.facts;
  const blocks: string[] = [];
  const pin = pinBlock(ctx, reference, resolution);
  if (pin !== undefined) blocks.push(pin);

  const when = facts.pushedAt ?? facts.describedPlatform?.created;
  const summary = [
    `**Digest** ${codeSpan(shortDigest(facts.indexDigest))}`,
    when === undefined
      ? undefined
      : `${facts.pushedAt !== undefined ? "pushed" : "built"} ${formatAgo(when, ctx.now)}`,
    freshnessText(freshness, ctx.now),
  ].filter((s): s is string => s !== undefined);
  blocks.push([summary.join(" · "), codeSpan(facts.indexDigest)].join(BREAK));

  const about: string[] = [`**Base OS** ${osText(facts, ctx.now)}`];
  const libc = libcText(facts.libc.value);
  if (libc !== undefined) about.push(`**libc** ${libc}`);
  if (facts.runtimes.length > 0) {
    about.push(
      `**Runtime** ${facts.runtimes.map((r) => escapeMarkdown(`${r.name} ${r.version}`)).join(" · ")}`,
    );
  }
  if (facts.aliases.length > 0) {
    const shown = facts.aliases.slice(0, MAX_ALIASES).map((a) => codeSpan(a.tag));
    const more = facts.aliases.length - shown.length;
    about.push(`**Also tagged** ${shown.join(" ")}${more > 0 ? ` +${more} more` : ""}`);
  }
  blocks.push(about.join(BREAK));

  blocks.push(platformsBlock(facts.platforms, wantedPlatform(ref, ctx.defaultPlatform)));

  const notes = facts.tagVariants.map((v) => {
    const prefix = `${v.token}: `;
    const text = v.text.startsWith(prefix) ? v.text.slice(prefix.length) : v.text;
    return `**${escapeMarkdown(v.token)}** — ${escapeProse(text)}`;
  });
  const codename = codenameNote(facts, reference);
  if (codename !== undefined) notes.push(codename);
  if (notes.length > 0) blocks.push(notes.join(BREAK));

  blocks.push(`---\n\n${smallPrint(facts, wantedPlatform(ref, ctx.defaultPlatform)).join(BREAK)}`);
  return blocks;
}

function pinBlock(ctx: FeatureContext, reference: Reference, resolution: Resolution): string | undefined {
  if (reference.digest === undefined) return undefined;
  const status = pinStatus(reference, resolution);
  const tag = reference.tag === undefined ? undefined : codeSpan(reference.tag);
  const lines: string[] = [];
  switch (status.kind) {
    case "unpinned":
      return undefined;
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
      `⚠ This digest is the ${pin.platform} manifest, not the index: builds for other platforms cannot use it. Index digest ${codeSpan(shortDigest(pin.indexDigest))}.`,
    );
  }
  return lines.join(BREAK);
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
      return "musl — binaries built for glibc (most prebuilt downloads, manylinux wheels) won't run";
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

/** A tag that does not name its Debian/Ubuntu codename moves to the next release when the image does. */
function codenameNote(facts: ImageFacts, reference: Reference): string | undefined {
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
  const advice = stay === undefined ? `add ${codeSpan(`-${codename}`)} to the tag` : `use ${codeSpan(stay)}`;
  return `*The tag does not name ${escapeMarkdown(codename)}: it moves to the next ${os.name} release when the image does; ${advice} to stay on ${escapeMarkdown(codename)}.*`;
}

function platformName(p: PlatformFacts): string {
  const name = [p.os, p.architecture, p.variant]
    .filter((s): s is string => s !== undefined && s !== "")
    .join("/");
  return p.osVersion === undefined ? name : `${name} ${p.osVersion}`;
}

/** "linux/arm64" matches linux/arm64/v8; a wanted variant must match, arm64's v8 being its default. */
function matchesPlatform(p: PlatformFacts, wanted: string): boolean {
  const [os, arch, variant] = wanted.split("/");
  if (p.os !== os || p.architecture !== arch) return false;
  if (variant === undefined || variant === "") return true;
  const have = p.variant ?? (p.architecture === "arm64" ? "v8" : undefined);
  return have === variant;
}

function platformsBlock(platforms: readonly PlatformFacts[], wanted: string): string {
  if (platforms.length === 0) return "";
  const wantedIndex = platforms.findIndex((p) => matchesPlatform(p, wanted));
  const missing =
    wantedIndex === -1
      ? `⚠ **No ${escapeMarkdown(wanted)} image** — a build for ${escapeMarkdown(wanted)} stops with "no match for platform in manifest"; set \`--platform\` or \`fromLens.defaultPlatform\` if you build for another platform.`
      : undefined;
  const size = (p: PlatformFacts): string => (p.size === undefined ? "—" : formatBytes(p.size));
  const only = platforms.length === 1 ? platforms[0] : undefined;
  if (only !== undefined) {
    const parts = [`**Platform** ${escapeMarkdown(platformName(only))}`, codeSpan(shortDigest(only.digest))];
    if (only.size !== undefined) parts.push(size(only));
    const line = parts.join(" · ");
    return missing === undefined ? line : [line, missing].join(BREAK);
  }
  // One line per platform rather than a table: Markdown tables show as raw pipes in the many
  // LSP editors that do not render them, and lines also read as plain text. A size of dashes says
  // nothing: left out when no size is known.
  const withSizes = platforms.some((p) => p.size !== undefined);
  const rows = platforms
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => i < MAX_PLATFORM_ROWS || i === wantedIndex)
    .map(({ p, i }) => {
      const wantedRow = i === wantedIndex;
      const name = escapeMarkdown(platformName(p));
      const cells = [wantedRow ? `**${name}** ← build` : name, codeSpan(shortDigest(p.digest))];
      if (withSizes) cells.push(wantedRow && p.size !== undefined ? `**${size(p)}**` : size(p));
      return cells.join(" · ");
    });
  const hidden = platforms.length - rows.length;
  const lines = [
    `**Platforms** (${platforms.length})`,
    ...rows,
    ...(hidden > 0 ? [`…and ${hidden} more platforms`] : []),
    ...(missing === undefined ? [] : [missing]),
  ];
  return lines.join(BREAK);
}

function smallPrint(facts: ImageFacts, wanted: string): string[] {
  const lines: string[] = [];
  const os = facts.os;
  const eolNote = os.status === "known" && os.eolNote !== "" ? ` ${os.eolNote}` : "";
  lines.push(`*Base OS: ${escapeMarkdown(sentence(os.evidence) + eolNote)}*`);
  if (facts.libc.value !== "not-applicable") {
    // The libc is often inferred from the base OS: don't repeat the OS evidence.
    const libc = facts.libc.evidence.startsWith(os.evidence)
      ? facts.libc.evidence.slice(os.evidence.length).replace(/^[;,.]\s*/, "")
      : facts.libc.evidence;
    if (libc !== "") lines.push(`*libc: ${escapeMarkdown(sentence(libc))}*`);
  }
  const described = facts.describedPlatform;
  if (described !== undefined && !matchesPlatform(described, wanted)) {
    lines.push(
      `*Base OS, libc and runtime were read from the ${escapeMarkdown(platformName(described))} image.*`,
    );
  }
  return lines;
}

/** Text ending in a full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
