/** End-of-life status of a release on a given day ("eol-soon" within EOL_SOON_DAYS), computed against a passed-in date, never the clock. */
import type { EolStatus } from "./types";

/** A release whose EOL is this close (or closer) is "eol-soon". */
export const EOL_SOON_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string | null | undefined): value is string {
  return value != null && ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/**
 * Support status of a release on `now`, given its EOL date (ISO "YYYY-MM-DD", or "unknown").
 * From the EOL date itself on (00:00 UTC) the release is "eol"; within EOL_SOON_DAYS before it,
 * "eol-soon". `now` is a parameter: pure functions never read the clock.
 */
export function eolStatus(eol: string | null | undefined, now: Date): EolStatus {
  if (!isIsoDate(eol)) return "unknown";
  const end = Date.parse(`${eol}T00:00:00Z`);
  const left = end - now.getTime();
  if (left <= 0) return "eol";
  if (left <= EOL_SOON_DAYS * DAY_MS) return "eol-soon";
  return "supported";
}

/** Whole days from `now` until `eol` (negative once past), or undefined when the date is unknown. */
export function daysUntil(eol: string | null | undefined, now: Date): number | undefined {
  if (!isIsoDate(eol)) return undefined;
  return Math.floor((Date.parse(`${eol}T00:00:00Z`) - now.getTime()) / DAY_MS);
}
