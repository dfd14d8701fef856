/**
 * Loads ../shared/realdata/tags.json (docker-library/repo-info records; see its README) and turns
 * a record into the FactsInput the registry layer would build: an index whose entries are the
 * record's platforms (attestations marked as BuildKit marks them), and a config for the amd64
 * entry with the record's history lines as `created_by`, its Env and its labels.
 * Digests the record did not copy are replaced by labelled placeholders.
 */
import {
  Annotation,
  MediaType,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
} from "../../../server/src/oci/types";
import type { FactsInput } from "../../../server/src/facts/input";
import { realdataRecords, type RealdataPlatform, type RealdataRecord } from "../../support/realdata";

export type RealPlatform = RealdataPlatform;
export type RealRecord = RealdataRecord;

/** Every record of tags.json (test/support/realdata reads it from ../shared/realdata). */
export function loadRecords(): RealRecord[] {
  return realdataRecords();
}

/** A stand-in for a digest the record does not carry (not a real image). */
function placeholderDigest(n: number): string {
  return `sha256:${n.toString(16).padStart(64, "0")}`;
}

function descriptor(p: RealPlatform, i: number, indexMediaType: string): Descriptor {
  const d: Descriptor = {
    mediaType: indexMediaType === MediaType.ociIndex ? MediaType.ociManifest : MediaType.dockerManifest,
    digest: p.digest ?? placeholderDigest(i + 1),
    size: 1024,
    platform: { os: p.os, architecture: p.architecture },
  };
  if (p.variant !== null && d.platform) d.platform.variant = p.variant;
  if (p.osVersion !== undefined && d.platform) d.platform["os.version"] = p.osVersion;
  if (p.isAttestation) d.annotations = { [Annotation.dockerReferenceType]: "attestation-manifest" };
  return d;
}

export function recordToInput(rec: RealRecord): FactsInput {
  const manifests = rec.platforms.map((p, i) => descriptor(p, i, rec.indexMediaType));
  const index: ImageIndex = { schemaVersion: 2, mediaType: rec.indexMediaType, manifests };
  const described = rec.platforms.find((p) => p.digest === rec.amd64.digest);
  const config: ImageConfig = {
    architecture: described?.architecture ?? "amd64",
    os: described?.os ?? "linux",
    config: {
      Env: Object.entries(rec.env).map(([k, v]) => `${k}=${v}`),
      Labels: rec.labels,
      Entrypoint: rec.amd64.entrypoint,
      Cmd: rec.amd64.cmd,
    },
    history: rec.amd64.historyExcerpt.map((line) => ({ created_by: line })),
  };
  if (described?.osVersion !== undefined) config["os.version"] = described.osVersion;
  return {
    reference: { registry: "docker.io", repository: `library/${rec.image}`, tag: rec.tag },
    resolved: { digest: rec.indexDigest, mediaType: rec.indexMediaType, manifest: index },
    configs: { [rec.amd64.digest]: config },
  };
}
