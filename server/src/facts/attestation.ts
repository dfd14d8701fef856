/**
 * BuildKit attestations: an index entry typed `vnd.docker.reference.type: attestation-manifest`
 * points at an OCI manifest whose layers are in-toto statements (SLSA provenance, SPDX SBOM),
 * each named by its `in-toto.io/predicate-type` annotation. This module finds the attestation
 * manifest of a platform, tells which statements it carries, and reads a SLSA provenance
 * predicate (v0.2 and v1: builder, build type, config source, base-image materials, build time).
 * Pure: bytes and documents in, facts out; the resolver fetches them.
 *
 * Sources: in-toto attestation spec (Statement v0.1 / v1), slsa.dev/provenance/v0.2 and /v1,
 * moby/buildkit docs/attestations/slsa-definitions.md and attestation-storage.md.
 */
import { Annotation, type Descriptor, type ImageIndex, type ImageManifest } from "../oci/types";

export const PredicateType = {
  slsaV02: "https://slsa.dev/provenance/v0.2",
  slsaV1: "https://slsa.dev/provenance/v1",
  spdx: "https://spdx.dev/Document",
  cyclonedx: "https://cyclonedx.org/bom",
} as const;

/** The annotation on an attestation manifest's layer naming its predicate type. */
export const PREDICATE_TYPE_ANNOTATION = "in-toto.io/predicate-type";

/** An in-toto statement is read only up to this size (BuildKit's max-mode provenance runs to a few 100 kB). */
export const MAX_STATEMENT_BYTES = 2 * 1024 * 1024;

/** An index entry that is an attestation manifest, and the image manifest it describes. */
export interface AttestationEntry {
  digest: string;
  size: number;
  /** `vnd.docker.reference.digest`: the platform manifest it is about. */
  subject?: string;
}

/** Attestation entries of an index (BuildKit's marking; no unknown/unknown guessing here). */
export function attestationEntries(index: ImageIndex): AttestationEntry[] {
  return index.manifests
    .filter((d) => d.annotations?.[Annotation.dockerReferenceType] === "attestation-manifest")
    .map((d) => {
      const e: AttestationEntry = { digest: d.digest, size: d.size };
      const subject = d.annotations?.[Annotation.dockerReferenceDigest];
      if (subject !== undefined) e.subject = subject;
      return e;
    });
}

/** What an attestation manifest carries, by its layers' predicate-type annotations. */
export interface AttestationContents {
  /** The provenance statement's layer (the first SLSA one), if any. */
  provenance?: Descriptor;
  /** An SBOM (SPDX or CycloneDX) statement is attached. */
  sbom: boolean;
  predicateTypes: string[];
}

export function attestationContents(manifest: ImageManifest): AttestationContents {
  const types: string[] = [];
  let provenance: Descriptor | undefined;
  let sbom = false;
  for (const layer of manifest.layers) {
    const type = layer.annotations?.[PREDICATE_TYPE_ANNOTATION];
    if (type === undefined) continue;
    types.push(type);
    if ((type === PredicateType.slsaV02 || type === PredicateType.slsaV1) && provenance === undefined)
      provenance = layer;
    if (type === PredicateType.spdx || type.startsWith(PredicateType.cyclonedx)) sbom = true;
  }
  return { ...(provenance !== undefined ? { provenance } : {}), sbom, predicateTypes: types };
}

/** A material (resolved dependency) of the build: base images are `pkg:docker/…` URIs. */
export interface BuildMaterial {
  uri: string;
  /** "sha256:…" when the statement gives a sha256. */
  digest?: string;
}

export interface SlsaProvenance {
  predicateType: string;
  /** "v0.2" or "v1". */
  version: "v0.2" | "v1";
  builderId?: string;
  buildType?: string;
  configSource?: { uri?: string; digest?: string; entryPoint?: string };
  /** Build frontend (`dockerfile.v0`, a `# syntax` image). */
  frontend?: string;
  materials: BuildMaterial[];
  startedOn?: string;
  finishedOn?: string;
  /** The subject digests (sha256) the statement is about. */
  subjects: string[];
}

export type ProvenanceParse = { ok: true; value: SlsaProvenance } | { ok: false; reason: string };

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

const MAX_STRING = 500;
const MAX_MATERIALS = 50;

function str(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  // eslint-disable-next-line no-control-regex
  return s === "" || s.length > MAX_STRING || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)
    ? undefined
    : s;
}

function digestOf(v: unknown): string | undefined {
  const d = record(v);
  const sha256 = str(d?.sha256);
  if (sha256 !== undefined && /^[a-f0-9]{64}$/.test(sha256)) return `sha256:${sha256}`;
  const sha1 = str(d?.sha1);
  if (sha1 !== undefined && /^[a-f0-9]{40}$/.test(sha1)) return sha1;
  return undefined;
}

function materialsOf(v: unknown): BuildMaterial[] {
  if (!Array.isArray(v)) return [];
  const out: BuildMaterial[] = [];
  for (const item of v.slice(0, MAX_MATERIALS)) {
    const m = record(item);
    const uri = str(m?.uri);
    if (uri === undefined) continue;
    const digest = digestOf(m?.digest);
    out.push(digest === undefined ? { uri } : { uri, digest });
  }
  return out;
}

function configSourceOf(v: unknown, entryKey: string): SlsaProvenance["configSource"] | undefined {
  const c = record(v);
  if (c === undefined) return undefined;
  const out: NonNullable<SlsaProvenance["configSource"]> = {};
  const uri = str(c.uri);
  const digest = digestOf(c.digest);
  const entryPoint = str(c[entryKey]);
  if (uri !== undefined) out.uri = uri;
  if (digest !== undefined) out.digest = digest;
  if (entryPoint !== undefined) out.entryPoint = entryPoint;
  return Object.keys(out).length === 0 ? undefined : out;
}

function dateOf(v: unknown): string | undefined {
  const s = str(v);
  return s !== undefined && Number.isFinite(Date.parse(s)) ? s : undefined;
}

/** Reads a SLSA provenance in-toto statement (v0.2 or v1). Never throws. */
export function parseProvenanceStatement(bytes: Uint8Array): ProvenanceParse {
  if (bytes.length > MAX_STATEMENT_BYTES)
    return { ok: false, reason: `the statement is larger than ${MAX_STATEMENT_BYTES} bytes` };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return { ok: false, reason: "the statement is not valid JSON" };
  }
  const statement = record(data);
  const type = str(statement?._type);
  if (statement === undefined || type === undefined || !type.startsWith("https://in-toto.io/Statement/"))
    return { ok: false, reason: "it is not an in-toto statement" };
  const predicateType = str(statement.predicateType);
  const predicate = record(statement.predicate);
  if (
    predicate === undefined ||
    (predicateType !== PredicateType.slsaV02 && predicateType !== PredicateType.slsaV1)
  )
    return {
      ok: false,
      reason: `its predicate type ${predicateType ?? "(none)"} is not SLSA provenance v0.2 or v1`,
    };
  const subjects = Array.isArray(statement.subject)
    ? statement.subject
        .map((s) => digestOf(record(s)?.digest))
        .filter((d): d is string => d !== undefined && d.startsWith("sha256:"))
    : [];
  const p: SlsaProvenance = {
    predicateType,
    version: predicateType === PredicateType.slsaV02 ? "v0.2" : "v1",
    materials: [],
    subjects,
  };
  const set = <K extends keyof SlsaProvenance>(key: K, value: SlsaProvenance[K] | undefined): void => {
    if (value !== undefined) p[key] = value;
  };
  if (p.version === "v0.2") {
    set("builderId", str(record(predicate.builder)?.id));
    set("buildType", str(predicate.buildType));
    const invocation = record(predicate.invocation);
    set("configSource", configSourceOf(invocation?.configSource, "entryPoint"));
    set("frontend", str(record(invocation?.parameters)?.frontend));
    p.materials = materialsOf(predicate.materials);
    const metadata = record(predicate.metadata);
    set("startedOn", dateOf(metadata?.buildStartedOn));
    set("finishedOn", dateOf(metadata?.buildFinishedOn));
  } else {
    const definition = record(predicate.buildDefinition);
    const run = record(predicate.runDetails);
    set("builderId", str(record(run?.builder)?.id));
    set("buildType", str(definition?.buildType));
    const external = record(definition?.externalParameters);
    // BuildKit's v1: externalParameters.configSource { uri, digest, path }.
    set("configSource", configSourceOf(external?.configSource, "path"));
    set("frontend", str(record(external?.request)?.frontend));
    p.materials = materialsOf(definition?.resolvedDependencies);
    const metadata = record(run?.metadata);
    set("startedOn", dateOf(metadata?.startedOn));
    set("finishedOn", dateOf(metadata?.finishedOn));
  }
  return { ok: true, value: p };
}

/** `pkg:docker/debian@trixie-slim?platform=linux%2Famd64` → "debian:trixie-slim" (base images only). */
export function dockerMaterialName(uri: string): string | undefined {
  const m = /^pkg:docker\/([^@?#]+)(?:@([^?#]+))?/.exec(uri);
  if (m === null || m[1] === undefined) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  const version = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  if (version === undefined) return name;
  return version.startsWith("sha256:") ? `${name}@${version}` : `${name}:${version}`;
}
