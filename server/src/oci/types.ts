/**
 * The JSON shapes and media types of the OCI image spec and Docker's image manifest v2 schema 2,
 * as registries serve them. Pure types and constants, outside registry/ so that the layers that
 * read these documents without fetching them (facts/, resolver/, features/) need no registry code:
 * the registry client fetches and verifies them, facts/ derives ImageFacts from them.
 * Sources: opencontainers/image-spec (image-index.md, manifest.md, config.md, annotations.md)
 * and distribution's docs/spec/manifest-v2-2.md.
 */

export const MediaType = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  /** Schema 1 (signed and unsigned): long deprecated, rejected with a clear bad-response. */
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** The Accept list sent when resolving a tag: every manifest type we understand, indexes first. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
];

export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociIndex,
  MediaType.dockerManifestList,
]);
export const IMAGE_MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest,
  MediaType.dockerManifest,
]);

export interface Platform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** OCI image index or Docker manifest list. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** OCI image manifest or Docker schema 2 manifest. */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image configuration blob (`docker image inspect` shows most of it). */
export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  "os.version"?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object>;
    Volumes?: Record<string, object>;
    StopSignal?: string;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** Annotation keys that matter to us (image-spec annotations.md; BuildKit attestations). */
export const Annotation = {
  baseName: "org.opencontainers.image.base.name",
  baseDigest: "org.opencontainers.image.base.digest",
  refName: "org.opencontainers.image.ref.name",
  version: "org.opencontainers.image.version",
  created: "org.opencontainers.image.created",
  source: "org.opencontainers.image.source",
  revision: "org.opencontainers.image.revision",
  url: "org.opencontainers.image.url",
  /** BuildKit marks attestation manifests in an index with this annotation. */
  dockerReferenceType: "vnd.docker.reference.type",
  dockerReferenceDigest: "vnd.docker.reference.digest",
} as const;

/** An index entry that is a BuildKit attestation (SBOM / provenance), not a runnable platform. */
export function isAttestationDescriptor(d: Descriptor): boolean {
  if (d.annotations?.[Annotation.dockerReferenceType] === "attestation-manifest") return true;
  return d.platform?.os === "unknown" && d.platform.architecture === "unknown";
}
