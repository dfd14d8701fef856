/**
 * What the card says while a rate limit pauses manifest downloads but the tag's digest still
 * answered (Docker Hub counts GETs of manifests as pulls, not HEADs): what still works, until when
 * the rest is paused, and what to do. Pure: lookup in, Markdown blocks out.
 */
import type { Reference } from "../reference";
import { isDockerHub } from "../reference";
import type { ResolveError } from "../registry/errors";
import type { DigestOnly } from "../resolver/types";
import { codeSpan, escapeProse, formatAgo, formatClock, formatRelative, shortDigest } from "./prose";
import { uncheckedPinText } from "./pin";

const BREAK = "  \n";

type RateLimited = ResolveError & { kind: "rate-limited" };

/** "until 14:05 (in 3 h)", "until at the latest 14:05 (in 6 h)", or "" when the reset is unknown. */
export function untilText(error: RateLimited, now: Date): string {
  if (error.resetAt === undefined) return "";
  const latest = error.resetIsEstimate === true ? "at the latest " : "";
  return ` until ${latest}${formatClock(error.resetAt)} (${formatRelative(error.resetAt, now)})`;
}

export function pausedBlocks(
  error: RateLimited,
  digestOnly: DigestOnly,
  reference: Reference,
  now: Date,
): string[] {
  const head = `⚠ **Digest current; details paused${untilText(error, now)} — rate limit**`;
  const lines = [
    `**Digest** ${codeSpan(shortDigest(digestOnly.tagDigest))}, checked ${formatAgo(digestOnly.fetchedAt, now)} ` +
      "(a HEAD request, which does not count as a pull).",
  ];
  const pin = digestOnly.pin;
  if (pin?.kind === "current") lines.push("✓ The pinned digest is the one the tag points at now.");
  else if (pin?.kind === "tag-missing")
    lines.push("The tag written next to the digest does not exist; the build pulls by digest.");
  else if (pin?.kind === "unchecked")
    lines.push(
      `The pinned digest differs from the tag's; whether it is one platform's image of it is paused: ${escapeProse(uncheckedPinText(pin.why))}.`,
    );
  lines.push(
    "Paused: platforms, base OS, runtimes, sizes (they need the manifests, whose downloads count against the pull limit).",
  );
  const wait = error.resetAt === undefined ? "wait" : `wait until ${formatClock(error.resetAt)}`;
  lines.push(
    isDockerHub(reference)
      ? `**What to do:** run ${codeSpan("docker login")} (a Docker account has a higher pull limit), then **Refresh**; or ${wait}: FROM Lens asks again then.`
      : `**What to do:** ${wait}, or **Refresh** to ask once more.`,
  );
  return [head, lines.join(BREAK)];
}
