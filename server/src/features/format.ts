/**
 * Small formatters shared by the features (hover, lenses, diagnostics, pinning): sizes, relative
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

/** Text safe to put in Markdown prose: characters that would start markup are escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (ch) => `\\${ch}`);
}

/**
 * Prose written for the user that may quote commands in backticks (error messages): Markdown is
 * escaped except balanced backticks, which stay code spans.
 */
export function escapeProse(text: string): string {
  const backticks = (text.match(/`/g) ?? []).length;
  if (backticks % 2 !== 0) return escapeMarkdown(text);
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith("`") && part.endsWith("`") && part.length > 1 ? part : escapeMarkdown(part),
    )
    .join("");
}

/** An inline code span holding `text` exactly, whatever backticks it contains. */
export function codeSpan(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}
