/**
 * ImageFacts: what FROM Lens knows about one image reference at one time (DESIGN.md "Core types").
 * Every derived fact carries `evidence`, a short sentence for the user saying where it came from
 * ("config history line \"RUN # debian.sh --arch 'amd64' out/ 'trixie' …\""); the hover shows it
 * and tests assert it. A fact we cannot establish is reported as unknown with the reason, never
 * guessed.
 */
import type { AttestationEntry } from "./attestation";
import type { ProvenanceFact } from "./provenance";

/** Where the facts came from: fetched now, read from the cache, or an expired cache entry shown offline. */
export type FactsSource = "network" | "cache" | "stale-cache";

/** One runnable platform of an image (attestation manifests are not platforms). */
export interface PlatformFacts {
  os: string;
  architecture: string;
  variant?: string;
  /** Windows build, e.g. "10.0.20348.5622" (`platform["os.version"]`). */
  osVersion?: string;
  /** Digest of the platform's image manifest. */
  digest: string;
  /** Compressed size in bytes: the sum of the layers plus the config blob, when the manifest is known. */
  size?: number;
  /** Where `size` came from: the platform's image manifest, or Docker Hub's tag listing. */
  sizeSource?: "manifest" | "hub";
  /** The image config's `created` time (ISO 8601), when its config is known. */
  created?: string;
}

/** Support status of a release on a given day; "eol-soon" means within EOL_SOON_DAYS. */
export type EolStatus = "supported" | "eol-soon" | "eol" | "unknown";

/** The base operating system, when it could be established. */
export interface KnownOs {
  status: "known";
  /** Lowercase distro id: debian, ubuntu, alpine, oraclelinux, almalinux, rockylinux, fedora, photon, amazonlinux, wolfi, windows, … */
  distro: string;
  /** Display name: "Debian", "Alpine Linux", "Windows Server". */
  name: string;
  /** As precise as the evidence allows: "13", "3.22.6", "24.04", "10.0.20348.5622"; null when only the distro is known. */
  version: string | null;
  /** The release line the version belongs to in the distro tables ("3.22" for 3.22.6, "ltsc2022"), if found. */
  release: string | null;
  /** Tag-style codename ("bookworm", "noble", "ltsc2022"); null for distros without codenames. */
  codename: string | null;
  /** Last day of free security support (ISO date), or "unknown". */
  eol: string;
  eolStatus: EolStatus;
  /** What the EOL date means for this distro and what comes after it (LTS, ESM, extended support). */
  eolNote: string;
  evidence: string;
}

/** No base OS: `no-distro` = there is none to find (scratch, a static BusyBox); `unknown` = none was found. */
export interface UnknownOs {
  status: "no-distro" | "unknown";
  evidence: string;
}

export type OsFact = KnownOs | UnknownOs;

/** Which C library binaries in the image link against. Windows has none of these: "not-applicable". */
export type Libc = "glibc" | "musl" | "uclibc" | "none" | "not-applicable" | "unknown";

export interface LibcFact {
  value: Libc;
  evidence: string;
}

/** A language runtime or server the image is built around ("python 3.12.13", "postgres 17.11-1.pgdg13+2"). */
export interface RuntimeFact {
  name: string;
  version: string;
  evidence: string;
}

/** Docker Hub's trust programmes: Docker Official Image, Verified Publisher, Sponsored OSS; else community. */
export type TrustLevel = "official" | "verified-publisher" | "sponsored-oss" | "community" | "unknown";

export interface TrustFact {
  level: TrustLevel;
  /** True when the reference matches an entry of the `trustedRegistries` setting. */
  trustedBySettings: boolean;
  /**
   * The registry mirror that answered instead of Docker Hub, and whether Docker Hub's own data
   * names the digest it served (only then does a Hub trust level stand).
   */
  mirror?: { host: string; checkedAgainstHub: boolean };
  evidence: string;
}

/** Another tag that points at the same index digest. */
export interface AliasFact {
  tag: string;
  evidence: string;
}

export type VariantKind =
  | "slim"
  | "alpine"
  | "musl"
  | "glibc"
  | "windowsservercore"
  | "nanoserver"
  | "windows-ltsc"
  | "codename"
  | "latest"
  | "distroless"
  | "static"
  | "jdk"
  | "jre"
  | "fpm"
  | "cli"
  | "apache";

/** What one token of the tag means ("slim", "alpine3.20", "bookworm", "latest"), in words for the user. */
export interface VariantExplanation {
  kind: VariantKind;
  /** The tag token explained, e.g. "alpine3.20". */
  token: string;
  text: string;
}

export interface ImageFacts {
  /** Digest of what the tag points at: the index (manifest list) for multi-platform images, else the manifest. */
  indexDigest: string;
  mediaType: string;
  /** Runnable platforms in index order; BuildKit attestation entries are left out. */
  platforms: PlatformFacts[];
  /** The platform that os / libc / runtimes describe (the one whose config was read). */
  describedPlatform?: PlatformFacts;
  os: OsFact;
  libc: LibcFact;
  /** Primary runtime first. */
  runtimes: RuntimeFact[];
  trust: TrustFact;
  /** Other tags with the same index digest, most specific first. */
  aliases: AliasFact[];
  /** When the tag was last pushed (Docker Hub), ISO 8601. */
  pushedAt?: string;
  /**
   * What the image says it is: the `org.opencontainers.image.description` annotation of the
   * index (or single manifest), as written — the publisher's words, not a checked fact.
   */
  description?: string;
  /** What the tag's variant words mean (slim, alpine, nanoserver, codenames, latest). */
  tagVariants: VariantExplanation[];
  resolvedAt: string;
  source: FactsSource;
  /** Where the image was built from and on (OCI annotations; some config labels), when it says. */
  provenance?: ProvenanceFact;
  /** BuildKit attestation manifests in the index (not platforms), with the manifest each is about. */
  attestations?: AttestationEntry[];
}
