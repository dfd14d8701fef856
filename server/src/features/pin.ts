/**
 * Pinning: rewrite an image reference to `name:tag@sha256:<digest>`, keeping the tag for readers
 * and Renovate-style updates. The digest is the tag's index digest, so every platform stays
 * valid; a deliberate platform-manifest pin is updated to the same platform's new manifest
 * (Renovate's behaviour). Pure: the edits are computed here and applied by the server command.
 *
 * Edits touch only the reference's own characters (or the ARG default it comes from): parser
 * directives, comments, continuations, quotes and line endings around it stay as written. A
 * reference built from ARGs is never given a digest inside its template; it is pinned through
 * the ARG default when one ARG holds the whole reference, and refused with the reason otherwise.
 */
import type { Range, TextEdit } from "vscode-languageserver";
import { platformArgsOf, type ArgUse, type ImageRef, type SplitImage } from "../dockerfile";
import { parseReference, splitReferenceText, type Reference } from "../reference";
import type { Freshness, Lookup, Resolution, UncheckedPin } from "../resolver/types";
import type { FeatureContext } from "./context";
import { joinWords, shortDigest } from "./prose";
import { lookupErrorText } from "./lookupError";

export type PinMode = "pin" | "update";

export interface PinPlan {
  edits: TextEdit[];
  /** For the undo menu and previews: "Pin python:3.12-slim to sha256:229a2c5bfa27". */
  label: string;
  /** Set when the digest goes into an ARG default rather than the FROM line. */
  viaArg?: string;
}

export interface PinSkip {
  ref: ImageRef;
  /** Zero-based line of the reference. */
  line: number;
  reason: string;
}

export interface PinAllPlan {
  /** Non-overlapping edits for every reference that can be pinned (or updated). */
  edits: TextEdit[];
  label: string;
  /** How many references the edits pin or update (two FROMs sharing one ARG count twice). */
  changed: number;
  /** References that needed pinning (or updating) but could not be, with why. */
  skipped: PinSkip[];
  /** Why nothing at all can be done (pinning turned off). */
  error?: string;
}

/** How a pinned reference relates to its tag now; `unpinned` carries the digest a pin would write. */
export type PinStatus =
  | { kind: "unpinned"; digest: string }
  | { kind: "current"; platform?: string }
  /** `to` is the digest an update writes: the tag's new index, or the pinned platform's new manifest. */
  | { kind: "moved"; to: string; movedAt?: string; platform?: string }
  | { kind: "platform-missing"; platform: string; indexDigest: string }
  /** The tag written next to the digest is gone from the registry; the digest still pulls. */
  | { kind: "tag-missing" }
  | { kind: "unchecked"; reason: string };

/** The resolution a feature may act on: the current one, or what the cache had while refreshing or failing. */
export function knownResolution(
  lookup: Lookup,
): { resolution: Resolution; freshness: Freshness; previous: boolean } | undefined {
  if (lookup.state === "resolved") return { ...lookup, previous: false };
  if (lookup.state === "resolving" || lookup.state === "error") {
    // A tag that no longer exists must not be pinned to what it used to be.
    if (lookup.state === "error" && lookup.error.kind === "not-found") return undefined;
    if (lookup.previous !== undefined) return { ...lookup.previous, previous: true };
  }
  return undefined;
}

/**
 * What the tag's digest alone tells while the facts are still being fetched (the resolver
 * publishes it first): the digest to pin an unpinned reference to, or a pin that is that digest.
 * Undefined when it tells nothing yet (a different pin may be a platform manifest of the index).
 */
export function digestFirstStatus(reference: Reference, lookup: Lookup): PinStatus | undefined {
  if (lookup.state !== "resolving" || lookup.previous !== undefined || lookup.digest === undefined)
    return undefined;
  if (reference.digest === undefined) return { kind: "unpinned", digest: lookup.digest.tagDigest };
  return lookup.digest.pin?.kind === "current" ? { kind: "current" } : undefined;
}

/** Where a pinned reference stands, from the resolver's pin state (or its tag digest when it gave none). */
export function pinStatus(reference: Reference, resolution: Resolution): PinStatus {
  const written = reference.digest;
  if (written === undefined) {
    return { kind: "unpinned", digest: resolution.tagDigest ?? resolution.facts.indexDigest };
  }
  const pin = resolution.pin;
  if (pin === undefined) {
    if (reference.tag === undefined)
      return { kind: "unchecked", reason: "No tag is written next to the digest." };
    if (resolution.tagDigest === undefined)
      return { kind: "unchecked", reason: "The tag has not been checked." };
    return resolution.tagDigest === written
      ? { kind: "current" }
      : { kind: "moved", to: resolution.tagDigest };
  }
  switch (pin.kind) {
    case "current":
      return { kind: "current" };
    case "moved":
      return pin.currentDigest === written
        ? { kind: "current" }
        : {
            kind: "moved",
            to: pin.currentDigest,
            ...(pin.movedAt !== undefined ? { movedAt: pin.movedAt } : {}),
          };
    case "platform-manifest":
      if (pin.platformDigestNow === undefined)
        return { kind: "platform-missing", platform: pin.platform, indexDigest: pin.indexDigest };
      return pin.platformDigestNow === written
        ? { kind: "current", platform: pin.platform }
        : { kind: "moved", to: pin.platformDigestNow, platform: pin.platform };
    case "tag-missing":
      return { kind: "tag-missing" };
    case "unchecked":
      return { kind: "unchecked", reason: `${capitalised(uncheckedPinText(pin.why))}.` };
  }
}

/** Why a pin could not be compared with its tag, in words (after a colon, or as a sentence). */
export function uncheckedPinText(why: UncheckedPin): string {
  switch (why) {
    case "not-pinned":
      return "not pinned";
    case "tag-unchecked":
      return "the tag could not be checked";
    case "no-tag":
      return "no tag is written next to the digest";
    case "rate-limited":
      return "the manifests could not be downloaded (rate limit)";
  }
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** The text that holds a reference and where each of its characters sits in the document. */
interface Target {
  /** The reference as the builder reads it (quotes and continuations removed). */
  text: string;
  /** Document offset of each character of `text`. */
  offsets: number[];
  viaArg?: string;
}

const PINNING_OFF = "Pinning is turned off by the setting fromLens.pin.enabled.";

type Outcome =
  | { kind: "edit"; edit: TextEdit; label: string; viaArg?: string }
  /** Nothing to do: already pinned (mode pin), not pinned or current (mode update). */
  | { kind: "noop"; reason: string }
  | { kind: "blocked"; reason: string };

/**
 * Maps `expected` onto the document text in `range`, skipping only what the builder drops:
 * quotes and line continuations (escape, blanks, newline, blank or comment lines).
 */
function locate(ctx: FeatureContext, range: Range, expected: string): number[] | undefined {
  const start = ctx.doc.offsetAt(range.start);
  const written = ctx.doc.getText(range);
  const offsets: number[] = [];
  const skipped: string[] = [];
  let j = 0;
  let gap = "";
  for (let i = 0; i < expected.length; i++) {
    const ch = expected[i];
    while (j < written.length && written[j] !== ch) gap += written[j++] ?? "";
    if (j >= written.length) return undefined;
    skipped.push(gap);
    gap = "";
    offsets.push(start + j);
    j++;
  }
  skipped.push(gap + written.slice(j));
  const droppable = /^(?:["']|[\\`][ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*)*$/;
  return skipped.every((s) => droppable.test(s)) ? offsets : undefined;
}

function argLine(arg: ArgUse): string {
  return arg.declaredAt === undefined ? "" : ` on line ${arg.declaredAt.start.line + 1}`;
}

/** The text to rewrite for `ref`: its own, or the one ARG default that holds all of it. */
function target(ctx: FeatureContext, ref: ImageRef): Target | { error: string } {
  const resolved = ref.resolved;
  if (resolved === undefined) return { error: ref.unresolvable ?? `${ref.raw} has no fixed value.` };
  const platformArgs = platformArgsOf(ref);
  if (platformArgs.length > 0) {
    return {
      error: `The image name depends on the build's platform (${joinWords(platformArgs)}): it is ${resolved} for this platform and another image for others, so a digest would force one platform's image on every build; FROM Lens does not pin it.`,
    };
  }
  const cannotRewrite = (where: string): { error: string } => ({
    error: `${where} is written with quotes, escapes or comments inside it that FROM Lens cannot rewrite safely; write it on one line without them to pin it.`,
  });
  if (ref.argsUsed.length === 0) {
    const offsets = locate(ctx, ref.range, resolved);
    return offsets === undefined ? cannotRewrite(`The reference ${ref.raw}`) : { text: resolved, offsets };
  }
  const direct = ref.argsUsed.filter((a) => a.via === undefined);
  const names = direct.map((a) => a.name);
  const adviceExample =
    "pin it by writing the whole image in one ARG default (ARG BASE=python:3.12-slim, then FROM $BASE)";
  const only = direct[0];
  const wholeRef = /^["']?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))["']?$/.exec(
    ref.raw.trim(),
  );
  const wholeName = wholeRef?.[1] ?? wholeRef?.[2];
  if (direct.length !== 1 || only === undefined || wholeName !== only.name) {
    return {
      error: `The image name is built from ${joinWords(names)} and other text, so there is no single place for a digest; ${adviceExample}.`,
    };
  }
  const nested = ref.argsUsed.filter((a) => a.via !== undefined).map((a) => a.name);
  if (nested.length > 0) {
    return {
      error: `The default of ARG ${only.name}${argLine(only)} is built from ${joinWords(nested)}, so there is no single place for a digest; ${adviceExample}.`,
    };
  }
  if (only.valueRange === undefined || only.value === undefined || only.value !== resolved) {
    return {
      error: `ARG ${only.name} has no default value in this file to pin (it comes from --build-arg); write the image as its default to pin it.`,
    };
  }
  const offsets = locate(ctx, only.valueRange, resolved);
  if (offsets === undefined) return cannotRewrite(`The default of ARG ${only.name}`);
  return { text: resolved, offsets, viaArg: only.name };
}

function describeMissing(lookup: Lookup, what: string): string {
  switch (lookup.state) {
    case "error":
      return lookupErrorText(lookup.error);
    case "resolving":
      return `${what} is still being resolved; try again in a moment.`;
    default:
      return `${what} has not been resolved yet.`;
  }
}

/** Replaces the digest of `t` (or adds one after the tag) with `digest`. */
function digestEdit(
  ctx: FeatureContext,
  t: Target,
  digest: string,
): { edit: TextEdit; name: string } | undefined {
  const spans = splitReferenceText(t.text);
  const offsetAt = (i: number): number | undefined => t.offsets[i];
  let start: number | undefined;
  let end: number | undefined;
  let newText: string;
  if (spans.digest !== undefined) {
    start = offsetAt(spans.digest.start - 1);
    const last = offsetAt(spans.digest.end - 1);
    end = last === undefined ? undefined : last + 1;
    newText = `@${digest}`;
  } else {
    const after = spans.tag ?? spans.name;
    const last = offsetAt(after.end - 1);
    start = last === undefined ? undefined : last + 1;
    end = start;
    // Docker reads no tag as :latest; writing it keeps the tag checkable once pinned.
    newText = spans.tag === undefined ? `:latest@${digest}` : `@${digest}`;
  }
  if (start === undefined || end === undefined) return undefined;
  const nameEnd = spans.digest === undefined ? t.text.length : spans.digest.start - 1;
  const name = t.text.slice(0, nameEnd) + (spans.tag === undefined ? ":latest" : "");
  // Check the result is a valid reference before offering it.
  const parsed = parseReference(`${name}@${digest}`);
  if (!parsed.ok) return undefined;
  return {
    edit: { range: { start: ctx.doc.positionAt(start), end: ctx.doc.positionAt(end) }, newText },
    name,
  };
}

/** The digest to write for `reference` in `mode`, or why there is none to write. */
function decide(
  ctx: FeatureContext,
  ref: ImageRef,
  reference: Reference,
  mode: PinMode,
): { digest: string; verb: "Pin" | "Update"; status: PinStatus } | Outcome {
  const shown = ref.resolved ?? ref.raw;
  if (mode === "pin" && reference.digest !== undefined) {
    return { kind: "noop", reason: `${shown} is already pinned to a digest.` };
  }
  if (mode === "update" && reference.digest === undefined) {
    return { kind: "noop", reason: `${shown} is not pinned.` };
  }
  const lookup = ctx.lookup(ref);
  const known = knownResolution(lookup);
  const early = known === undefined ? digestFirstStatus(reference, lookup) : undefined;
  if (early?.kind === "unpinned") return { digest: early.digest, verb: "Pin", status: early };
  if (known === undefined) return { kind: "blocked", reason: describeMissing(lookup, shown) };
  const status = pinStatus(reference, known.resolution);
  switch (status.kind) {
    case "unpinned":
      return { digest: status.digest, verb: "Pin", status };
    case "moved":
      return { digest: status.to, verb: "Update", status };
    case "current":
      return { kind: "noop", reason: `${shown}: the pin is current.` };
    case "platform-missing":
      return {
        kind: "blocked",
        reason: `${shown} is pinned to its ${status.platform} image, and the tag no longer has a ${status.platform} image to update to.`,
      };
    case "tag-missing":
      return {
        kind: "blocked",
        reason: `${shown}: the tag no longer exists, so there is nothing to update the pin to.`,
      };
    case "unchecked":
      return { kind: "blocked", reason: `${shown}: ${status.reason}` };
  }
}

/** An image written in fields (Helm values, Kustomize): write or replace its digest field. */
function planSplit(ctx: FeatureContext, ref: ImageRef, split: SplitImage, mode: PinMode): Outcome {
  if (ref.resolved === undefined)
    return { kind: "blocked", reason: ref.unresolvable ?? `${ref.raw} has no fixed value.` };
  const parsed = parseReference(ref.resolved);
  if (!parsed.ok) return { kind: "blocked", reason: parsed.error.message };
  const decision = decide(ctx, ref, parsed.value, mode);
  if ("kind" in decision) return decision;
  const { digest, verb } = decision;
  let edit: TextEdit;
  if (split.digestRange !== undefined) {
    edit = { range: split.digestRange, newText: digest };
  } else {
    const eol = ctx.doc.getText().includes("\r\n") ? "\r\n" : "\n";
    const line = split.insertAt.line;
    const atEnd = line >= ctx.doc.lineCount;
    const position = atEnd ? ctx.doc.positionAt(ctx.doc.getText().length) : { line, character: 0 };
    const text = `${split.insertAt.indent}${split.digestKey}: ${digest}`;
    const endsWithNewline = /\r?\n$/.test(ctx.doc.getText());
    edit = {
      range: { start: position, end: position },
      newText: atEnd ? `${endsWithNewline ? "" : eol}${text}${eol}` : `${text}${eol}`,
    };
  }
  const name = ref.resolved.split("@")[0] ?? ref.resolved;
  const label =
    verb === "Pin"
      ? `Pin ${name} to ${shortDigest(digest)} (${split.digestKey}:)`
      : `Update ${name} pin to ${shortDigest(digest)}`;
  return { kind: "edit", edit, label };
}

function plan(ctx: FeatureContext, ref: ImageRef, mode: PinMode): Outcome {
  if (!ctx.settings.pin.enabled) {
    return { kind: "blocked", reason: PINNING_OFF };
  }
  if (ref.isStageRef)
    return { kind: "noop", reason: `${ref.raw} is a build stage of this Dockerfile, not an image to pin.` };
  if (ref.isScratch) return { kind: "noop", reason: "scratch is the empty image: there is nothing to pin." };
  if (ref.split !== undefined) return planSplit(ctx, ref, ref.split, mode);
  const where = target(ctx, ref);
  if ("error" in where) return { kind: "blocked", reason: where.error };
  const parsed = parseReference(where.text);
  if (!parsed.ok) return { kind: "blocked", reason: parsed.error.message };
  const shown = ref.resolved ?? ref.raw;
  const decision = decide(ctx, ref, parsed.value, mode);
  if ("kind" in decision) return decision;
  const { digest, verb, status } = decision;
  const change = digestEdit(ctx, where, digest);
  if (change === undefined) {
    return { kind: "blocked", reason: `${shown} cannot be rewritten with the digest ${digest}.` };
  }
  const platformNote =
    status.kind === "moved" && status.platform !== undefined ? ` (${status.platform})` : "";
  const argNote = where.viaArg === undefined ? "" : ` in ARG ${where.viaArg}`;
  const label =
    verb === "Pin"
      ? `Pin ${change.name} to ${shortDigest(digest)}${argNote}`
      : `Update ${change.name} pin to ${shortDigest(digest)}${platformNote}${argNote}`;
  return {
    kind: "edit",
    edit: change.edit,
    label,
    ...(where.viaArg !== undefined ? { viaArg: where.viaArg } : {}),
  };
}

/**
 * The edit that pins `ref` (mode "pin": unpinned → tag@index digest) or updates its pin (mode
 * "update": a pin whose tag moved), or why it can't or needn't be done.
 */
export function pinEdits(ctx: FeatureContext, ref: ImageRef, mode: PinMode): PinPlan | { error: string } {
  const outcome = plan(ctx, ref, mode);
  if (outcome.kind !== "edit") return { error: outcome.reason };
  return {
    edits: [outcome.edit],
    label: outcome.label,
    ...(outcome.viaArg !== undefined ? { viaArg: outcome.viaArg } : {}),
  };
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/**
 * Edits for every remote reference of the document that mode "pin" (or "update") applies to.
 * Stage references and scratch are left alone silently; references already pinned (or current)
 * need nothing; the rest that cannot be done are listed in `skipped` with the reason.
 */
export function pinAllEdits(ctx: FeatureContext, mode: PinMode): PinAllPlan {
  if (!ctx.settings.pin.enabled) {
    return { edits: [], label: "Pinning is off", changed: 0, skipped: [], error: PINNING_OFF };
  }
  const edits: TextEdit[] = [];
  const skipped: PinSkip[] = [];
  let changed = 0;
  for (const ref of ctx.refs) {
    if (ref.isStageRef || ref.isScratch) continue;
    const outcome = plan(ctx, ref, mode);
    if (outcome.kind === "noop") continue;
    if (outcome.kind === "blocked") {
      skipped.push({ ref, line: ref.range.start.line, reason: outcome.reason });
      continue;
    }
    changed++;
    // Two FROM lines using one ARG share its default: one edit.
    const same = edits.find((e) => sameRange(e.range, outcome.edit.range));
    if (same === undefined) edits.push(outcome.edit);
  }
  const noun = changed === 1 ? "image" : "images";
  const label = mode === "pin" ? `Pin ${changed} ${noun} to digests` : `Update ${changed} pinned ${noun}`;
  return { edits, label, changed, skipped };
}
