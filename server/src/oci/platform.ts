/**
 * Platforms — `os/architecture[/variant]` — in one place, so that the registry (which picks an
 * index entry for `--platform`), facts/ (which describe that entry), the hover and the rules
 * agree on what "the image has this platform" means.
 *
 * Normalisation follows containerd's `platforms.Normalize`: architecture aliases (x86_64 → amd64,
 * aarch64 → arm64, armhf → arm/v7, armel → arm/v6, i386 → 386) and default variants (arm64 is
 * v8, arm is v7, amd64 is v1, arm's "7" is v7). Matching is containerd's `OnlyStrict`: equal after
 * normalisation, so `linux/arm64/v8` matches an index entry `linux/arm64` with no variant. The
 * looser `Only` (amd64 also running 386, arm64 also arm/v8…v5, arm/v7 also v6) is not applied:
 * FROM Lens says what an image publishes for exactly the platform asked for.
 */
import { isAttestationDescriptor, type Descriptor, type Platform } from "./types";

/** What this module reads of a platform: OCI platforms, PlatformFacts and Hub images all fit. */
export interface PlatformLike {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

/** A platform with containerd's canonical spelling; `variant` is "" where there is none. */
export interface NormalisedPlatform {
  os: string;
  architecture: string;
  variant: string;
}

/** `linux/arm64/v8` → `{os, architecture, variant}`; `os.version` is not in the text form. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split("/");
  const [os, architecture, variant] = parts;
  if (!os || !architecture || parts.length > 3) return undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `linux/arm/v7`, `linux/amd64`: the text form, as written (not normalised). */
export function formatPlatform(p: PlatformLike): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** containerd's normalisation (platforms.Normalize): architecture aliases and default variants. */
export function normalisePlatform(p: PlatformLike): NormalisedPlatform {
  let os = p.os.toLowerCase();
  if (os === "macos") os = "darwin";
  let architecture = p.architecture.toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  switch (architecture) {
    case "i386":
      architecture = "386";
      variant = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      architecture = "amd64";
      if (variant === "v1") variant = "";
      break;
    case "aarch64":
    case "arm64":
      architecture = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = "";
      else if (variant === "9" || variant === "9.0" || variant === "v9.0") variant = "v9";
      break;
    case "armhf":
      architecture = "arm";
      variant = "v7";
      break;
    case "armel":
      architecture = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === "" || variant === "7") variant = "v7";
      else if (variant === "5" || variant === "6" || variant === "8") variant = `v${variant}`;
      break;
  }
  return { os, architecture, variant };
}

/** True when `candidate` is the platform `wanted` names (containerd's OnlyStrict). */
export function platformMatches(candidate: PlatformLike, wanted: PlatformLike): boolean {
  const a = normalisePlatform(candidate);
  const b = normalisePlatform(wanted);
  return a.os === b.os && a.architecture === b.architecture && a.variant === b.variant;
}

/** `platformMatches` for a wanted platform in text form; false when the text is not a platform. */
export function platformMatchesText(candidate: PlatformLike, wanted: string): boolean {
  const w = parsePlatform(wanted);
  return w !== undefined && platformMatches(candidate, w);
}

/** The index entry for `wanted`, attestations never chosen; the first match wins as in docker. */
export function selectPlatform(
  platforms: readonly Descriptor[],
  wanted: PlatformLike,
): Descriptor | undefined {
  return platforms.find(
    (d) => d.platform !== undefined && !isAttestationDescriptor(d) && platformMatches(d.platform, wanted),
  );
}

/**
 * The entry to describe when no platform is asked for: linux/amd64 (any variant), else
 * windows/amd64, else the first.
 */
export function defaultPlatformEntry<T>(
  entries: readonly T[],
  platformOf: (entry: T) => PlatformLike | undefined,
): T | undefined {
  const isOsArch = (os: string, architecture: string) => (entry: T) => {
    const p = platformOf(entry);
    if (p === undefined) return false;
    const n = normalisePlatform(p);
    return n.os === os && n.architecture === architecture;
  };
  return entries.find(isOsArch("linux", "amd64")) ?? entries.find(isOsArch("windows", "amd64")) ?? entries[0];
}
