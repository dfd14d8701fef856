/**
 * "What changed" when a pin is stale: from the pinned digest's facts and the facts of what the
 * tag points at now — build dates, runtime versions, the base OS point release, the base image
 * digest, the source revision (with a compare link for GitHub / GitLab sources), platforms added
 * or removed, and the size change of the described platform. Pure; a fact missing on either side
 * is not compared (never "unknown → x" guessed into a change).
 */
import { parseSourceRepository, provenanceRevision } from "../facts/provenance";
import type { ImageFacts, PlatformFacts } from "../facts/types";
import { codeSpan, escapeMarkdown, formatBytes, shortDigest } from "./prose";
import { capText, compareUrl, isoDay, link, shortRevision } from "./provenance";

export interface Change {
  /** "built", "python", "base OS", "base image", "source", "platforms", "size". */
  what: string;
  /** One line of plain text: "python 3.12.7 → 3.12.8". */
  plain: string;
  /** The same in Markdown, with links where there are any. */
  markdown: string;
}

function platformName(p: PlatformFacts): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== "").join("/");
}

function arrow(from: string, to: string): string {
  return `${from} → ${to}`;
}

function created(f: ImageFacts): string | undefined {
  return f.describedPlatform?.created ?? f.provenance?.created?.value;
}

function osVersion(f: ImageFacts): { label: string; value: string } | undefined {
  const os = f.os;
  if (os.status !== "known") return undefined;
  const value = [os.version, os.codename].filter((s): s is string => s !== null && s !== "").join(" ");
  return value === "" ? undefined : { label: os.name, value };
}

function signedSize(delta: number): string {
  return `${delta >= 0 ? "+" : "−"}${formatBytes(Math.abs(delta))}`;
}

/** The changes from `before` (the pinned image) to `after` (the tag's image now), most telling first. */
export function whatChanged(before: ImageFacts, after: ImageFacts): Change[] {
  const changes: Change[] = [];
  const add = (what: string, plain: string, markdown = escapeMarkdown(plain)): void => {
    changes.push({ what, plain, markdown });
  };

  for (const now of after.runtimes) {
    const was = before.runtimes.find((r) => r.name === now.name);
    if (was === undefined || was.version === now.version) continue;
    add(now.name, `${capText(now.name, 40)} ${arrow(capText(was.version, 40), capText(now.version, 40))}`);
  }

  const osBefore = osVersion(before);
  const osAfter = osVersion(after);
  if (osBefore !== undefined && osAfter !== undefined && osBefore.value !== osAfter.value) {
    const name = osBefore.label === osAfter.label ? osAfter.label : `${osBefore.label} → ${osAfter.label}`;
    add("base OS", `${name} ${arrow(osBefore.value, osAfter.value)}`);
  }

  const baseBefore = before.provenance?.baseDigest?.value;
  const baseAfter = after.provenance?.baseDigest?.value;
  if (baseBefore !== undefined && baseAfter !== undefined && baseBefore !== baseAfter) {
    const name = after.provenance?.baseName?.value;
    const label = name === undefined ? "base image" : `base ${capText(name, 60)}`;
    changes.push({
      what: "base image",
      plain: `${label} ${arrow(shortDigest(baseBefore), shortDigest(baseAfter))}`,
      markdown: `${escapeMarkdown(label)} ${codeSpan(shortDigest(baseBefore))} → ${codeSpan(shortDigest(baseAfter))}`,
    });
  }

  const revBefore = before.provenance === undefined ? undefined : provenanceRevision(before.provenance);
  const revAfter = after.provenance === undefined ? undefined : provenanceRevision(after.provenance);
  if (revBefore !== undefined && revAfter !== undefined && revBefore !== revAfter) {
    const source = after.provenance?.source?.value;
    const repo = source === undefined ? undefined : parseSourceRepository(source);
    const sameRepo =
      repo !== undefined &&
      before.provenance?.source?.value !== undefined &&
      parseSourceRepository(before.provenance.source.value)?.path === repo.path;
    const url = repo !== undefined && sameRepo ? compareUrl(repo, revBefore, revAfter) : undefined;
    const text = `source ${arrow(shortRevision(revBefore), shortRevision(revAfter))}`;
    changes.push({
      what: "source",
      plain: url === undefined ? text : `${text} (${url})`,
      markdown: url === undefined ? escapeMarkdown(text) : link(text, url),
    });
  }

  const was = created(before);
  const now = created(after);
  const dayWas = was === undefined ? undefined : isoDay(was);
  const dayNow = now === undefined ? undefined : isoDay(now);
  if (dayWas !== undefined && dayNow !== undefined && was !== now)
    add("built", `built ${arrow(dayWas, dayNow)}`);

  const namesBefore = new Set(before.platforms.map(platformName));
  const namesAfter = new Set(after.platforms.map(platformName));
  const added = [...namesAfter].filter((n) => !namesBefore.has(n));
  const removed = [...namesBefore].filter((n) => !namesAfter.has(n));
  if (added.length > 0) add("platforms", `platforms added: ${added.map((n) => capText(n, 40)).join(", ")}`);
  if (removed.length > 0)
    add("platforms", `platforms removed: ${removed.map((n) => capText(n, 40)).join(", ")}`);

  const p = before.describedPlatform;
  const q = p === undefined ? undefined : after.platforms.find((x) => platformName(x) === platformName(p));
  if (p?.size !== undefined && q?.size !== undefined && p.size !== q.size) {
    add(
      "size",
      `${platformName(q)} size ${formatBytes(p.size)} → ${formatBytes(q.size)} (${signedSize(q.size - p.size)})`,
    );
  }
  return changes;
}

/** "python 3.12.7 → 3.12.8; Debian 13.1 → 13.2; …" for a title or a tooltip (at most `max` changes). */
export function changeSummary(changes: readonly Change[], max = 4): string {
  const shown = changes.slice(0, max).map((c) => c.plain.replace(/ \(https?:[^)]*\)$/, ""));
  const more = changes.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; +${more} more` : "");
}
