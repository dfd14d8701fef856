/** Builders for hand-written FactsInputs: one linux/amd64 image (or a given platform list) with a config. */
import type { FactsInput } from "../../../server/src/facts/input";
import {
  Annotation,
  MediaType,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
} from "../../../server/src/oci/types";

export const INDEX_DIGEST = `sha256:${"a".repeat(64)}`;
export const AMD64_DIGEST = `sha256:${"1".repeat(64)}`;
export const ARM64_DIGEST = `sha256:${"2".repeat(64)}`;
export const ATTESTATION_DIGEST = `sha256:${"3".repeat(64)}`;

export interface ImageSpec {
  repository?: string;
  registry?: string;
  tag?: string;
  history?: string[];
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Annotations on the linux/amd64 index entry. */
  entryAnnotations?: Record<string, string>;
  os?: string;
  osVersion?: string;
  osRelease?: string;
}

export function config(spec: ImageSpec): ImageConfig {
  const c: ImageConfig = {
    architecture: "amd64",
    os: spec.os ?? "linux",
    created: "2026-08-01T10:00:00Z",
    config: {
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels ?? {},
    },
    history: (spec.history ?? []).map((created_by) => ({ created_by })),
  };
  if (spec.osVersion !== undefined) c["os.version"] = spec.osVersion;
  return c;
}

export function index(spec: ImageSpec): ImageIndex {
  const amd64: Descriptor = {
    mediaType: MediaType.ociManifest,
    digest: AMD64_DIGEST,
    size: 1000,
    platform: { os: spec.os ?? "linux", architecture: "amd64" },
  };
  if (spec.osVersion !== undefined && amd64.platform) amd64.platform["os.version"] = spec.osVersion;
  if (spec.entryAnnotations !== undefined) amd64.annotations = spec.entryAnnotations;
  return {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      amd64,
      {
        mediaType: MediaType.ociManifest,
        digest: ATTESTATION_DIGEST,
        size: 800,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: {
          [Annotation.dockerReferenceType]: "attestation-manifest",
          [Annotation.dockerReferenceDigest]: AMD64_DIGEST,
        },
      },
      {
        mediaType: MediaType.ociManifest,
        digest: ARM64_DIGEST,
        size: 1000,
        platform: { os: spec.os ?? "linux", architecture: "arm64", variant: "v8" },
      },
    ],
  };
}

export function input(spec: ImageSpec): FactsInput {
  const i: FactsInput = {
    reference: {
      registry: spec.registry ?? "docker.io",
      repository: spec.repository ?? "library/example",
      ...(spec.tag !== undefined ? { tag: spec.tag } : {}),
    },
    resolved: { digest: INDEX_DIGEST, mediaType: MediaType.ociIndex, manifest: index(spec) },
    configs: { [AMD64_DIGEST]: config(spec) },
  };
  if (spec.osRelease !== undefined) i.osRelease = spec.osRelease;
  return i;
}

export const NOW = new Date("2026-11-23T12:00:00Z");
