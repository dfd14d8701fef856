/**
 * One row of lenses above each remote image reference: "Pin to digest", "Update pin (tag moved
 * 5 days ago)", a quiet "Pinned ✓ current", "Resolving…", or what went wrong. Every lens runs a
 * command (a lens without one is dead text in VS Code): edits go through the server's applyEdits
 * command, status lenses refresh, error lenses open the output channel in a client that has that
 * command (VS Code's) and look the image up again elsewhere, so any LSP editor can run every lens.
 * Stage references and scratch never get a lens. Pure: built from the resolver's synchronous answers.
 */
import type { CodeLens, Command } from "vscode-languageserver";
import type { ImageRef } from "../dockerfile";
import { loginCommand, parseReference, type Reference } from "../reference";
import type { ApplyEditsArgs, RefreshArgs } from "../protocol";
import { ClientCommand, ServerCommand } from "../protocol";
import type { LookupError } from "../resolver/types";
import type { FeatureContext } from "./context";
import { formatAgo, formatClock, formatRelative, shortDigest } from "./prose";
import { digestFirstStatus, knownResolution, pinEdits, pinStatus, type PinMode } from "./pin";
import { changeSummary, whatChanged } from "./whatChanged";
import { lookupErrorText } from "./lookupError";

/** The client command that shows the "FROM Lens" output channel. */
export const SHOW_OUTPUT_COMMAND = ClientCommand.showOutput;

export interface CodeLensOptions {
  /** Client-side commands the client can run; lenses use no other client command. */
  clientCommands?: ReadonlySet<string>;
}

export function provideCodeLenses(ctx: FeatureContext, options: CodeLensOptions = {}): CodeLens[] {
  const lenses: CodeLens[] = [];
  const showOutput = options.clientCommands?.has(SHOW_OUTPUT_COMMAND) === true;
  for (const ref of ctx.refs) {
    if (ref.isStageRef || ref.isScratch || ref.resolved === undefined) continue;
    const parsed = parseReference(ref.resolved);
    if (!parsed.ok) continue;
    for (const command of commandsFor(ctx, ref, parsed.value, showOutput))
      lenses.push({ range: ref.range, command });
  }
  return lenses;
}

function refresh(ctx: FeatureContext, title: string, tooltip: string): Command {
  const args: RefreshArgs = { uri: ctx.doc.uri };
  return { title, tooltip, command: ServerCommand.refresh, arguments: [args] };
}

/**
 * The lens that pins (or updates the pin of) `ref`; when the text cannot take a digest (the name
 * is built from ARGs and other text, say), a lens saying so, with the reason in its tooltip,
 * instead of no lens at all.
 */
function editCommand(ctx: FeatureContext, ref: ImageRef, mode: PinMode, title: string): Command {
  const plan = pinEdits(ctx, ref, mode);
  if ("error" in plan) {
    const args = [...new Set(ref.argsUsed.filter((a) => a.via === undefined).map((a) => a.name))];
    const why = args.length === 0 ? "" : ` (built from ARG ${args.join(", ")})`;
    return refresh(
      ctx,
      `${mode === "pin" ? "Can't pin here" : "Can't update the pin here"}${why}`,
      plan.error,
    );
  }
  const args: ApplyEditsArgs = {
    uri: ctx.doc.uri,
    version: ctx.doc.version,
    edits: plan.edits,
    label: plan.label,
  };
  const viaArg = plan.viaArg === undefined ? "" : ` (in ARG ${plan.viaArg})`;
  return {
    title: `${title}${viaArg}`,
    tooltip: plan.label,
    command: ServerCommand.applyEdits,
    arguments: [args],
  };
}

function commandsFor(
  ctx: FeatureContext,
  ref: ImageRef,
  reference: Reference,
  showOutput: boolean,
): Command[] {
  const { settings } = ctx;
  const lookup = ctx.lookup(ref);
  const commands: Command[] = [];
  const known = knownResolution(lookup);
  // The digest is published before the facts: the Pin lens can be offered already.
  const status =
    known !== undefined ? pinStatus(reference, known.resolution) : digestFirstStatus(reference, lookup);
  if (status !== undefined) {
    const pinning = settings.pin.enabled;
    switch (status.kind) {
      case "unpinned":
        if (pinning && settings.codeLens.pin) {
          commands.push(editCommand(ctx, ref, "pin", "Pin to digest"));
        }
        break;
      case "moved":
        if (pinning && settings.codeLens.updatePin) {
          const when = status.movedAt === undefined ? "" : ` ${formatAgo(status.movedAt, ctx.now)}`;
          const platform = status.platform === undefined ? "" : `${status.platform}, `;
          const c = editCommand(ctx, ref, "update", `Update pin (${platform}tag moved${when})`);
          const movedTo = known?.resolution.movedTo;
          const changes =
            known === undefined || movedTo === undefined ? [] : whatChanged(known.resolution.facts, movedTo);
          if (c !== undefined && changes.length > 0)
            c.tooltip = `${c.tooltip ?? ""} — ${changeSummary(changes)}`;
          if (c !== undefined) commands.push(c);
        }
        break;
      case "current":
        if (settings.codeLens.status) {
          const title =
            status.platform === undefined ? "Pinned ✓ current" : `Pinned ✓ current (${status.platform} only)`;
          commands.push(
            refresh(
              ctx,
              title,
              `The tag still points at ${shortDigest(reference.digest ?? "")}. Click to check again.`,
            ),
          );
        }
        break;
      case "platform-missing":
        if (settings.codeLens.status) {
          commands.push(
            refresh(
              ctx,
              `⚠ Pinned to ${status.platform}: the tag has no ${status.platform} image now`,
              "Click to check again.",
            ),
          );
        }
        break;
      case "tag-missing":
        if (settings.codeLens.status) {
          commands.push(
            refresh(
              ctx,
              `⚠ Pinned: tag ${reference.tag ?? "latest"} no longer exists`,
              "The digest still pulls, but nothing follows the tag now. Click to check again.",
            ),
          );
        }
        break;
      case "unchecked":
        if (settings.codeLens.status)
          commands.push(refresh(ctx, "Pinned (tag not checked)", `${status.reason} Click to check again.`));
        break;
    }
  }
  if (!settings.codeLens.status) return commands;
  if (lookup.state === "resolving" && lookup.previous === undefined) {
    commands.push(
      lookup.digest === undefined
        ? refresh(ctx, "Resolving…", "FROM Lens is looking this image up. Click to look it up again.")
        : refresh(
            ctx,
            "Resolving details…",
            `The tag points at ${shortDigest(lookup.digest.tagDigest)}; FROM Lens is reading its platforms and config. Click to look it up again.`,
          ),
    );
  } else if (lookup.state === "error" && lookup.error.kind !== "cancelled") {
    const title = errorTitle(lookup.error, reference, ctx.now);
    commands.push(
      showOutput
        ? { title, tooltip: lookupErrorText(lookup.error), command: SHOW_OUTPUT_COMMAND }
        : refresh(ctx, title, `${lookupErrorText(lookup.error)} Click to look it up again.`),
    );
  }
  return commands;
}

/** A short lens title for an error: what happened and the one thing to do. */
export function errorTitle(error: LookupError, reference: Reference, now: Date): string {
  switch (error.kind) {
    case "not-found": {
      const what = { repository: "Repository", tag: "Tag", digest: "Digest", platform: "Platform" }[
        error.what
      ];
      return error.what === "platform"
        ? "⚠ No image for this platform"
        : `⚠ ${what} not found — check the name`;
    }
    case "unauthorized":
      return `⚠ Unauthorized — ${loginCommand(reference.registry)}`;
    case "denied":
      return `⚠ Access denied — check your ${loginCommand(reference.registry)} account`;
    case "rate-limited":
      return error.resetAt === undefined
        ? "⚠ Rate-limited"
        : `⚠ Rate-limited until ${formatClock(error.resetAt)} (${formatRelative(error.resetAt, now)})`;
    case "offline":
      return "⚠ Offline";
    case "timeout":
      return "⚠ Registry timed out";
    case "network":
      if ("proxy" in error && error.proxy !== undefined)
        return error.status === 407 ? "⚠ Proxy wants credentials" : "⚠ Proxy refused the connection";
      return "⚠ Registry unreachable";
    case "auth-misconfigured":
      return "⚠ Registry sign-in misconfigured";
    case "bad-response":
      return "⚠ Unexpected registry answer";
    case "cancelled":
      return "Lookup cancelled";
  }
}
