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
import type { ImageFacts, TrustFact } from "../facts/types";
import {
  formatReference,
  isDockerHub,
  loginCommand,
  parseReference,
  withoutDigest,
  type Reference,
} from "../reference";
import type { Lookup } from "../resolver/types";
import type { FeatureContext } from "./context";
import { BREAK, factsBlocks, imagePage } from "./hoverFacts";
import {
  closestNames,
  codeSpan,
  escapeMarkdown,
  escapeProse,
  formatAgo,
  formatClock,
  formatRelative,
} from "./prose";
import { rangeContains } from "../ranges";
import { markdownToPlainText } from "./plainText";
import { pausedBlocks } from "./rateLimitPause";
import { lookupErrorText } from "./lookupError";

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
      if ("proxy" in error && error.proxy !== undefined && error.status === 407) {
        title = "Proxy credentials needed";
        action = `put them in the proxy URL (${codeSpan("http.proxy")} or ${codeSpan("HTTPS_PROXY")}), then refresh.`;
      } else if ("proxy" in error && error.proxy !== undefined) {
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
  return [head, escapeProse(lookupErrorText(error))];
}
