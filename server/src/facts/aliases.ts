/**
 * Aliases: other tags that point at the same index digest right now (python:3.12-slim is also
 * 3.12.8-slim-bookworm, 3-slim, slim …), most specific first, so pinning can offer the tag that
 * will move least.
 */
import { isVersionToken, tagTokens } from "./tagTokens";
import type { AliasFact } from "./types";

export interface TagDigest {
  name: string;
  digest?: string | null;
}

/** Signature and attestation tags (cosign's sha256-<hex>.sig) are not aliases anyone would pin. */
const ARTIFACT_TAG = /^sha256-[0-9a-f]{64}(?:\.\w+)?$/;

interface Specificity {
  /** Dotted version components in the tag: "3.12.8-slim" → 3. */
  versionParts: number;
  /** Words in the tag: "3.12-slim-bookworm" → 3; "latest" counts as none. */
  words: number;
}

export function tagSpecificity(tag: string): Specificity {
  if (tag === "latest") return { versionParts: 0, words: 0 };
  const tokens = tagTokens(tag);
  const versionParts = tokens.filter(isVersionToken).reduce((n, t) => n + t.split(".").length, 0);
  return { versionParts, words: tokens.length };
}

/** Sort order: more version components, then more words, then longer, then by name. */
export function compareTagSpecificity(a: string, b: string): number {
  const sa = tagSpecificity(a);
  const sb = tagSpecificity(b);
  return (
    sb.versionParts - sa.versionParts ||
    sb.words - sa.words ||
    b.length - a.length ||
    (a < b ? -1 : a > b ? 1 : 0)
  );
}

export function sortMostSpecificFirst(tags: readonly string[]): string[] {
  return [...tags].sort(compareTagSpecificity);
}

/** The most specific of the given tags ("3.12.8-slim-bookworm" of 3.12-slim, 3-slim, …). */
export function mostSpecificTag(tags: readonly string[]): string | undefined {
  return sortMostSpecificFirst(tags.filter((t) => !ARTIFACT_TAG.test(t)))[0];
}

function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, "$1…");
}

/**
 * Tags other than `tag` whose digest is `indexDigest`, most specific first. `listName` names
 * where the list came from, for the evidence.
 */
export function findAliases(
  tag: string | undefined,
  indexDigest: string,
  tags: readonly TagDigest[],
  listName = "Docker Hub tag list",
): AliasFact[] {
  const names = tags
    .filter((t) => t.digest === indexDigest && t.name !== tag && !ARTIFACT_TAG.test(t.name))
    .map((t) => t.name);
  return sortMostSpecificFirst([...new Set(names)]).map((name) => ({
    tag: name,
    evidence: `${listName}: ${name} also points to ${shortDigest(indexDigest)}`,
  }));
}
