/**
 * BuildKit attestations on request: fetching an attestation manifest is a manifest GET (Docker Hub
 * counts it as a pull), so it happens when the user asks ("Show provenance") or when
 * `fromLens.provenance.fetchAttestations` is "always" — never on every hover by default. The
 * answer is content-addressed (keyed by the attestation manifest's digest), so it is kept on disk
 * for good; `lookup` answers synchronously from memory and disk for the card.
 */
import { formatReference, type Reference } from "../reference";
import type { FetchedBlob } from "../registry/blob";
import type { ResolveError, Result } from "../registry/errors";
import type { FetchedManifest } from "../registry/manifest";
import {
  MAX_STATEMENT_BYTES,
  attestationContents,
  parseProvenanceStatement,
  type AttestationEntry,
  type SlsaProvenance,
} from "../facts/attestation";
import type { ImageFacts } from "../facts/types";
import type { DiskCache } from "./cache";

/** The registry calls this needs (RegistryClient has both). */
export interface AttestationSource {
  manifest(ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<FetchedManifest>>;
  blob(
    ref: Reference,
    digest: string,
    opts?: { signal?: AbortSignal; maxBytes?: number },
  ): Promise<Result<FetchedBlob>>;
}

/** What was read from one attestation manifest (cached by its digest: it cannot change). */
export interface AttestationRead {
  attestationDigest: string;
  predicateTypes: string[];
  sbom: boolean;
  provenance?: SlsaProvenance;
  /** Why no provenance is shown although one may be there (too large, malformed, not SLSA). */
  problem?: string;
  /** The statement names the described platform's manifest as its subject. */
  subjectMatches?: boolean;
}

export type AttestationLookup =
  /** The image has no BuildKit attestation for the described platform. */
  | { state: "absent" }
  /** There is one; it has not been fetched (the setting says on request). */
  | { state: "available"; entry: AttestationEntry }
  | { state: "fetching"; entry: AttestationEntry }
  | { state: "fetched"; read: AttestationRead }
  | { state: "error"; entry: AttestationEntry; error: ResolveError };

const NAMESPACE = "attestation";

/** The attestation entry of the platform the facts describe (its `vnd.docker.reference.digest`). */
export function attestationFor(facts: ImageFacts): AttestationEntry | undefined {
  const subject = facts.describedPlatform?.digest;
  if (subject === undefined) return undefined;
  return facts.attestations?.find((a) => a.subject === subject);
}

export class AttestationStore {
  private readonly states = new Map<string, AttestationLookup>();
  private readonly inflight = new Map<string, Promise<AttestationLookup>>();

  constructor(
    private readonly options: {
      source: AttestationSource;
      cache: DiskCache;
      now?: () => number;
      onDidChange?: () => void;
      log?: (message: string) => void;
    },
  ) {}

  /** What is known now about the described platform's attestation, without any request. */
  lookup(facts: ImageFacts): AttestationLookup {
    const entry = attestationFor(facts);
    if (entry === undefined) return { state: "absent" };
    const known = this.states.get(entry.digest);
    if (known !== undefined) return known;
    const cached = this.options.cache.getEntry<AttestationRead>(NAMESPACE, entry.digest);
    if (cached !== undefined) {
      const read: AttestationLookup = { state: "fetched", read: cached.value };
      this.states.set(entry.digest, read);
      return read;
    }
    return { state: "available", entry };
  }

  /** Fetches (once; concurrent calls share it) and reads the described platform's attestation. */
  fetch(ref: Reference, facts: ImageFacts, signal?: AbortSignal): Promise<AttestationLookup> {
    const now = this.lookup(facts);
    if (now.state !== "available" && now.state !== "error") {
      return now.state === "fetching"
        ? (this.inflight.get(now.entry.digest) ?? Promise.resolve(now))
        : Promise.resolve(now);
    }
    const entry = now.entry;
    const subject = facts.describedPlatform?.digest;
    this.states.set(entry.digest, { state: "fetching", entry });
    const run = this.read(ref, entry, subject, signal).then((result) => {
      this.inflight.delete(entry.digest);
      this.states.set(entry.digest, result);
      if (result.state === "fetched")
        this.options.cache.putEntry(NAMESPACE, entry.digest, result.read, this.options.now?.() ?? Date.now());
      this.options.onDidChange?.();
      return result;
    });
    this.inflight.set(entry.digest, run);
    return run;
  }

  clear(): void {
    this.states.clear();
  }

  private async read(
    ref: Reference,
    entry: AttestationEntry,
    subject: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AttestationLookup> {
    const opts = signal === undefined ? {} : { signal };
    const m = await this.options.source.manifest(ref, entry.digest, opts);
    if (!m.ok) return { state: "error", entry, error: m.error };
    if (m.value.kind !== "image") {
      return {
        state: "fetched",
        read: {
          attestationDigest: entry.digest,
          predicateTypes: [],
          sbom: false,
          problem: "the attestation entry points at an index, not an attestation manifest",
        },
      };
    }
    const contents = attestationContents(m.value.manifest);
    const read: AttestationRead = {
      attestationDigest: entry.digest,
      predicateTypes: contents.predicateTypes,
      sbom: contents.sbom,
    };
    const layer = contents.provenance;
    if (layer === undefined) return { state: "fetched", read };
    if (layer.size > MAX_STATEMENT_BYTES) {
      read.problem = `the provenance statement is ${layer.size} bytes, over the ${MAX_STATEMENT_BYTES}-byte limit, so it was not read`;
      return { state: "fetched", read };
    }
    const b = await this.options.source.blob(ref, layer.digest, { ...opts, maxBytes: MAX_STATEMENT_BYTES });
    if (!b.ok) {
      // An oversize or mismatching body is the registry's answer for good; a network failure is not.
      if (b.error.kind !== "bad-response") return { state: "error", entry, error: b.error };
      read.problem = `the provenance statement could not be read: ${b.error.message}`;
      return { state: "fetched", read };
    }
    const parsed = parseProvenanceStatement(b.value.bytes);
    if (!parsed.ok) {
      read.problem = `the provenance statement could not be read: ${parsed.reason}`;
    } else {
      read.provenance = parsed.value;
      if (subject !== undefined) read.subjectMatches = parsed.value.subjects.includes(subject);
    }
    this.options.log?.(
      `attestation ${entry.digest} of ${formatReference(ref)}: ${read.predicateTypes.join(", ") || "no statements"}`,
    );
    return { state: "fetched", read };
  }
}
