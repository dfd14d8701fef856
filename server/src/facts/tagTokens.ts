/** How official-image tags are built: "<version>-<variant>-<os>", e.g. "3.12.8-slim-bookworm". */

/** The tag split at "-": "3.12-slim-bookworm" → ["3.12", "slim", "bookworm"]. */
export function tagTokens(tag: string): string[] {
  return tag
    .toLowerCase()
    .split("-")
    .filter((t) => t !== "");
}

const VERSION_TOKEN = /^v?\d+(?:\.\d+)*$/;

export function isVersionToken(token: string): boolean {
  return VERSION_TOKEN.test(token);
}

/** The version a tag starts with ("3.12.8-slim" → "3.12.8"), if any. */
export function leadingVersion(tag: string): string | undefined {
  const first = tagTokens(tag)[0];
  return first !== undefined && isVersionToken(first) ? first.replace(/^v/, "") : undefined;
}

/** The last path segment of a repository: "library/python" → "python", "windows/servercore" → "servercore". */
export function repositoryName(repository: string): string {
  const parts = repository.toLowerCase().split("/");
  return parts[parts.length - 1] ?? repository;
}

/**
 * Split an image name as written in a label or annotation ("docker.io/library/ubuntu:noble",
 * "debian:bookworm-slim@sha256:…") into repository and tag. Not a full reference parser: enough
 * to read base-image annotations.
 */
export function splitImageName(name: string): { repository: string; tag?: string } {
  const noDigest = name.trim().split("@")[0] ?? "";
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  if (colon > slash) return { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { repository: noDigest };
}
