/**
 * Prose helpers shared by the features (hover, lenses, diagnostics, pinning): sizes, relative
 * times, short digests, "did you mean" for tags, and Markdown escaping. Pure: the clock is always
 * a parameter, never read here.
 */
import { editDistance } from "./editDistance";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Epoch ms of a Date, epoch-ms number or ISO 8601 string; undefined for an unreadable date. */
export function toEpochMs(value: Date | number | string): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A compressed size the way Docker Hub and `docker images` write it: decimal units, one decimal
 * below 100 ("29.8 MB", "812 kB", "1.2 GB", "512 B").
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ["kB", "MB", "GB", "TB"] as const;
  let value = bytes / 1000;
  let unit: string = units[0];
  for (let i = 1; i < units.length && value >= 999.95; i++) {
    value /= 1000;
    unit = units[i] ?? unit;
  }
  const shown = value < 99.95 ? value.toFixed(1) : Math.round(value).toString();
  return `${shown} ${unit}`;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A duration in the largest unit that fits: "12 min", "3 h", "5 days", "2 months", "1 year". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) return `${Math.max(1, Math.round(abs / MINUTE))} min`;
  if (abs < DAY) return `${Math.round(abs / HOUR)} h`;
  const days = Math.round(abs / DAY);
  if (days < 31) return plural(days, "day");
  const months = Math.round(abs / (30.44 * DAY));
  if (months < 12) return plural(months, "month");
  return plural(Math.round(abs / (365.25 * DAY)), "year");
}

/**
 * When `then` was (or will be) seen from `now`: "just now", "12 min ago", "3 days ago",
 * "in 25 min". Unreadable dates give "at an unknown time".
 */
export function formatRelative(then: Date | number | string, now: Date): string {
  const ms = toEpochMs(then);
  if (ms === undefined) return "at an unknown time";
  const delta = now.getTime() - ms;
  if (Math.abs(delta) < 45_000) return "just now";
  return delta > 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(delta)}`;
}

/** Like formatRelative for past events; a time slightly in the future (clock skew) reads "just now". */
export function formatAgo(then: Date | number | string, now: Date): string {
  const ms = toEpochMs(then);
  if (ms === undefined) return "at an unknown time";
  return formatRelative(Math.min(ms, now.getTime()), now);
}

/** Local wall-clock time "14:05" (the user's machine is where the server runs). */
export function formatClock(when: Date): string {
  const pad = (n: number): string => n.toString().padStart(2, "0");
  return `${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

/** `sha256:229a2c5bfa27` (12 hex digits, as the docker CLI shortens image IDs); other text unchanged. */
export function shortDigest(digest: string): string {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-fA-F0-9]{12})[a-fA-F0-9]+$/.exec(digest);
  return m === null ? digest : `${m[1]}:${m[2]}`;
}

/**
 * Known names close to a mistyped one, closest first ("3.12-slim" for "3.12-slimm", "bookworm"
 * for "bookwork"): at most a third of the name may differ, and never more than 3 edits.
 */
export function closestNames(wanted: string, known: readonly string[], max = 3): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  const lower = wanted.toLowerCase();
  return [...new Set(known)]
    .filter((name) => name !== wanted)
    .map((name) => ({ name, distance: editDistance(lower, name.toLowerCase()) }))
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.name.length - b.name.length || (a.name < b.name ? -1 : 1))
    .slice(0, max)
    .map((c) => c.name);
}

/** Characters a quoted code span keeps at most (digests of every algorithm fit). */
export const MAX_CODE_CHARS = 200;
/** Characters of escaped prose (an error message, an evidence sentence) kept at most. */
export const MAX_PROSE_CHARS = 1000;

// Line breaks of every kind; other control characters; bidirectional overrides ("trojan source").
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Any text FROM Lens did not write itself (what a registry, a mirror, an image's config or the
 * document supplies) as one line of at most `max` characters: line breaks show as "⏎", tabs as a
 * space, other control and bidi-override characters as "�", and a longer text ends in
 * "… (N more characters)". The one place every quoted string passes through, so none can start a
 * line of its own (a heading, a list, a fake verdict) or fill the screen.
 */
export function oneLine(text: string, max: number = MAX_PROSE_CHARS): string {
  let out = text.replace(LINE_BREAKS, " ⏎ ").replace(/\t/g, " ").replace(CONTROLS, "\ufffd");
  if (out.length > max) {
    const keep = Math.max(1, max - 1);
    // Never cut a surrogate pair in half.
    const cut = /[\ud800-\udbff]/.test(out.charAt(keep - 1)) ? keep - 1 : keep;
    out = `${out.slice(0, cut)}… (${out.length - cut} more characters)`;
  }
  return out;
}

/** Backslash-escapes the characters that start inline markup (or an HTML entity). */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/**
 * Escapes a heading, list or setext marker at the start (`>` is escaped by escapeInline). Only the
 * start matters: `oneLine` leaves no other line start.
 */
function escapeLineStart(text: string): string {
  // "\1" is no escape in Markdown: an ordered-list marker is broken at its "." or ")".
  return text.replace(/^(\s*)([-+=#])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/**
 * Text safe to put in Markdown prose: on one line (see `oneLine`), capped, and characters that
 * would start markup are escaped — also a `#`, `>`, list or setext marker at its start.
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStart(escapeInline(oneLine(text, MAX_PROSE_CHARS)));
}

/**
 * Prose written for the user that may quote commands in backticks (error messages): on one line,
 * capped, Markdown escaped except balanced backticks, which stay code spans.
 */
export function escapeProse(text: string): string {
  const line = oneLine(text, MAX_PROSE_CHARS);
  const backticks = (line.match(/`/g) ?? []).length;
  if (backticks % 2 !== 0) return escapeLineStart(escapeInline(line));
  return escapeLineStart(
    line
      .split(/(`[^`]*`)/)
      .map((part) =>
        part.startsWith("`") && part.endsWith("`") && part.length > 1 ? part : escapeInline(part),
      )
      .join(""),
  );
}

/**
 * An inline code span holding `text` exactly, whatever backticks it contains — on one line and at
 * most MAX_CODE_CHARS characters (see `oneLine`): the form for every registry-supplied string (tag names,
 * Env values, labels, annotations, hosts).
 */
export function codeSpan(text: string): string {
  const shown = oneLine(text, MAX_CODE_CHARS);
  const runs = shown.match(/`+/g) ?? [];
  const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
  const fence = "`".repeat(longest + 1);
  const pad = shown.startsWith("`") || shown.endsWith("`") ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}
