/**
 * deriveFacts: the registry's documents (+ Hub data, + /etc/os-release) → ImageFacts. Pure: no
 * I/O, no clock (`now` decides EOL status and the default resolvedAt).
 *
 * Base OS sources, in order of trust: the platform (Windows os.version), base-image annotations,
 * config labels, config history, config Env, the tag name, /etc/os-release; then weak fallbacks
 * (a scratch-shaped history, the busybox repository, Chainguard's registry, the package manager
 * the build runs on an unnamed base).
 */
import { formatPlatform } from "../oci/platform";
import type { Descriptor, ImageConfig, ImageManifest } from "../oci/types";
import { findAliases } from "./aliases";
import { envMap, historyLines, labelsOf } from "./config";
import type { FactsInput } from "./input";
import { deriveLibc } from "./libc";
import { distro, type OsCandidate } from "./os/candidate";
import { deriveBaseOs } from "./os/deriveOs";
import { osFromAnnotations, type AnnotationSet } from "./os/fromAnnotations";
import {
  osFromEnv,
  osFromHistory,
  osFromPackageManager,
  osReleaseVersionFromHistory,
  scratchFromHistory,
} from "./os/fromHistory";
import { osFromLabels, osFromRedHatLabels } from "./os/fromLabels";
import { osFromPlatform } from "./os/fromPlatform";
import { osFromTag } from "./os/fromTag";
import { osFromOsRelease, parseOsRelease } from "./os/osRelease";
import { attestationEntries } from "./attestation";
import { deriveProvenance } from "./provenance";
import { choosePlatform, derivePlatforms, isIndex } from "./platforms";
import { deriveRuntimes } from "./runtimes";
import { repositoryName } from "./tagTokens";
import { deriveTrust } from "./trust";
import type { ImageFacts, PlatformFacts } from "./types";
import { explainTagVariants } from "./variants";

/** The OCI annotation an image describes itself with. */
const DESCRIPTION_ANNOTATION = "org.opencontainers.image.description";

interface Described {
  platform: PlatformFacts | undefined;
  descriptor: Descriptor | undefined;
  manifest: ImageManifest | undefined;
  config: ImageConfig | undefined;
}

function describe(input: FactsInput, platforms: readonly PlatformFacts[]): Described {
  const platform = choosePlatform(platforms, input.platform);
  const doc = input.resolved.manifest;
  const digest = platform?.digest;
  const config = digest === undefined ? undefined : input.configs?.[digest];
  if (!isIndex(doc, input.resolved.mediaType))
    return { platform, descriptor: undefined, manifest: doc, config };
  return {
    platform,
    descriptor: doc.manifests.find((d) => d.digest === digest),
    manifest: digest === undefined ? undefined : input.manifests?.[digest],
    config,
  };
}

function annotationSets(input: FactsInput, d: Described): AnnotationSet[] {
  const doc = input.resolved.manifest;
  return [
    { where: "index entry annotation", annotations: d.descriptor?.annotations },
    { where: "manifest annotation", annotations: d.manifest?.annotations },
    {
      where: isIndex(doc, input.resolved.mediaType) ? "index annotation" : "manifest annotation",
      annotations: doc.annotations,
    },
  ];
}

/** Fallbacks that count only when no real source names an OS. */
function weakOsCandidates(input: FactsInput, lines: readonly string[]): (OsCandidate | undefined)[] {
  const { registry, repository } = input.reference;
  return [
    scratchFromHistory(lines),
    repositoryName(repository) === "busybox"
      ? {
          kind: "no-distro",
          evidence: "the busybox image is a BusyBox binary on an empty root, with no distro userland",
        }
      : undefined,
    registry.toLowerCase() === "cgr.dev"
      ? distro("wolfi", "registry cgr.dev: Chainguard's images are built on Wolfi")
      : undefined,
    osFromPackageManager(lines),
  ];
}

function checkedSummary(input: FactsInput, d: Described, lines: readonly string[]): string {
  const parts = ["annotations"];
  if (d.config === undefined) {
    parts.push(
      d.platform === undefined && input.platform !== undefined
        ? `no image config (the image has no ${formatPlatform(input.platform)} platform)`
        : "no image config (not fetched)",
    );
  } else {
    parts.push(`config labels, Env and ${lines.length} history lines`);
  }
  if (input.reference.tag !== undefined) parts.push(`tag name "${input.reference.tag}"`);
  parts.push(input.osRelease === undefined ? "/etc/os-release not read" : "/etc/os-release");
  return parts.join(", ");
}

export function deriveFacts(input: FactsInput, now: Date): ImageFacts {
  const { reference, resolved } = input;
  const hubTag = input.hub?.tag;
  const platforms = derivePlatforms({
    resolved,
    manifests: input.manifests,
    configs: input.configs,
    hubImages: hubTag?.images ?? undefined,
  });
  const d = describe(input, platforms);
  const lines = historyLines(d.config);
  const env = envMap(d.config);
  const labels = labelsOf(d.config);

  const os = deriveBaseOs(
    {
      ordered: [
        osFromPlatform(d.platform, d.config),
        osFromAnnotations(annotationSets(input, d)),
        osFromLabels(labels),
        osFromHistory(lines),
        osFromRedHatLabels(labels),
        osFromEnv(env),
        osFromTag(reference.repository, reference.tag),
        input.osRelease === undefined ? undefined : osFromOsRelease(parseOsRelease(input.osRelease)),
      ],
      weak: weakOsCandidates(input, lines),
      checked: checkedSummary(input, d, lines),
      versionHint: osReleaseVersionFromHistory(lines),
    },
    now,
  );

  const facts: ImageFacts = {
    indexDigest: resolved.digest,
    mediaType: resolved.mediaType,
    platforms,
    os,
    libc: deriveLibc({ os, historyLines: lines, tag: reference.tag, platformOs: d.platform?.os }),
    runtimes: deriveRuntimes({ env, labels, historyLines: lines, repository: reference.repository, os }),
    trust: deriveTrust({
      registry: reference.registry,
      repository: reference.repository,
      hub: input.hub,
      trustedRegistries: input.settings?.trustedRegistries,
      ...(input.servedByMirror !== undefined
        ? { mirror: { host: input.servedByMirror, digest: resolved.digest } }
        : {}),
    }),
    // An untagged, unpinned FROM pulls `latest`: that is its own tag, not an alias of it.
    aliases: findAliases(
      reference.tag ?? (reference.digest === undefined ? "latest" : undefined),
      resolved.digest,
      input.hub?.tags ?? [],
    ),
    tagVariants: explainTagVariants(reference.tag),
    resolvedAt: input.resolvedAt ?? now.toISOString(),
    source: input.source ?? "network",
  };
  if (d.platform !== undefined) facts.describedPlatform = d.platform;
  const description = resolved.manifest.annotations?.[DESCRIPTION_ANNOTATION]?.replace(/\s+/g, " ").trim();
  if (description !== undefined && description !== "") facts.description = description;
  const provenance = deriveProvenance(annotationSets(input, d), labels);
  if (provenance !== undefined) facts.provenance = provenance;
  if (isIndex(resolved.manifest, resolved.mediaType)) {
    const attestations = attestationEntries(resolved.manifest);
    if (attestations.length > 0) facts.attestations = attestations;
  }
  const pushedAt = hubTag?.lastPushed ?? hubTag?.lastUpdated;
  if (pushedAt != null) facts.pushedAt = pushedAt;
  return facts;
}
