/**
 * Where the base OS image ends in a config's history, and what the image's own build above it
 * set. Labels and Env are inherited: Ubuntu's base sets org.opencontainers.image.version=24.04,
 * Red Hat's UBI sets name/version, and an image built on them keeps those values unless it
 * overrides them. A value counts as the image's own only when the base part of the history did
 * not set it. The base ends, as docker-library's bases are built, at:
 *   - a one-line imported root filesystem (debuerreotype's `# debian.sh …`, rockcraft's `umoci …`),
 *   - Windows' `Apply image` / `Install update` lines,
 *   - or the base Dockerfile's `CMD` (Alpine, Ubuntu, UBI, Fedora, Oracle Linux, Arch: `ADD …` then `CMD`).
 */

/** The instruction a history line runs ("RUN", "LABEL"), with the classic builder's prefix dropped. */
export function instructionOf(line: string): string | undefined {
  const clean = stripNop(line);
  return /^([A-Z]+)\b/.exec(clean)?.[1] ?? (/^\/bin\/sh -c /.test(clean) ? "RUN" : undefined);
}

/** A history line without the classic builder's "/bin/sh -c #(nop) " prefix. */
export function stripNop(line: string): string {
  return line.replace(/^\/bin\/sh -c #\(nop\)\s*/, "").trim();
}

const IMPORTED_ROOTFS = /debian\.sh\b|\bumoci\b|\bApply image\b|\bInstall update\b/;

/** Index of the first history line of the image's own build (0 when no base boundary is seen). */
export function ownBuildStart(lines: readonly string[]): number {
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (IMPORTED_ROOTFS.test(line)) {
      end = i + 1;
      continue;
    }
    if (instructionOf(line) === "CMD") return i + 1;
    if (end > 0) return end;
  }
  return end;
}

/** The lines of the base OS image (below ownBuildStart). */
export function baseLines(lines: readonly string[]): readonly string[] {
  return lines.slice(0, ownBuildStart(lines));
}

/** The lines of the image's own build (from ownBuildStart on). */
export function ownLines(lines: readonly string[]): readonly string[] {
  return lines.slice(ownBuildStart(lines));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether a LABEL line of the base (or rockcraft's `--config.label`) sets `key` to `value`,
 * quoted or not: `LABEL com.redhat.component="ubi9-minimal-container" … version="9.8"`.
 */
export function baseSetsLabel(lines: readonly string[], key: string, value: string): boolean {
  const pattern = new RegExp(`(?:^|\\s)${escapeRegExp(key)}=(["']?)${escapeRegExp(value)}\\1(?=\\s|$|\\[)`);
  return baseLines(lines).some((line) => /\bLABEL\b|--config\.label\b/.test(line) && pattern.test(line));
}
