/**
 * Signature checks on request: the OCI referrers of the image's digest (the API, else the
 * `sha256-<hex>` tag), cosign's `sha256-<hex>.sig` tag, and the payload blobs of what was found;
 * then facts/signature.ts verifies against the user's keys. Run with Show Provenance, with
 * `fromLens.provenance.fetchAttestations: "always"`, and when signatures are required; `lookup`
 * answers synchronously for the card and the `unsigned-image` rule. The verdict depends on the
 * keys, so it is kept per (digest, keys); what was found is kept in memory only (a signature can
 * be added to an image at any time).
 */
import { createHash } from "node:crypto";
import { formatReference, type Reference } from "../reference";
import type { FetchedBlob } from "../registry/blob";
import type { ResolveError, Result } from "../registry/errors";
import type { FetchedManifest } from "../registry/manifest";
import type { Descriptor } from "../oci/types";
import type { Referrers } from "../registry/referrers";
import {
  MAX_PAYLOAD_BYTES,
  SignatureMediaType,
  cosignLayers,
  signatureVerdict,
  type CosignCandidate,
  type SignatureVerdict,
  type TrustedKey,
} from "../facts/signature";

export interface SignatureSource {
  referrers(ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<Referrers>>;
  cosignSignature(
    ref: Reference,
    digest: string,
    opts?: { signal?: AbortSignal },
  ): Promise<Result<FetchedManifest | undefined>>;
  manifest(ref: Reference, digest: string, opts?: { signal?: AbortSignal }): Promise<Result<FetchedManifest>>;
  blob(
    ref: Reference,
    digest: string,
    opts?: { signal?: AbortSignal; maxBytes?: number },
  ): Promise<Result<FetchedBlob>>;
}

export type SignatureLookup =
  | { state: "unchecked" }
  | { state: "checking" }
  | { state: "checked"; verdict: SignatureVerdict }
  | { state: "error"; error: ResolveError };

function keysId(keys: readonly TrustedKey[]): string {
  return createHash("sha256")
    .update(JSON.stringify(keys.map((k) => [k.name, k.pem])))
    .digest("hex")
    .slice(0, 16);
}

function keyOf(ref: Reference, digest: string, keys: readonly TrustedKey[]): string {
  return `${ref.registry}/${ref.repository}@${digest} ${keysId(keys)}`;
}

export class SignatureStore {
  private readonly states = new Map<string, SignatureLookup>();
  private readonly inflight = new Map<string, Promise<SignatureLookup>>();

  constructor(
    private readonly options: {
      source: SignatureSource;
      onDidChange?: () => void;
      log?: (m: string) => void;
    },
  ) {}

  lookup(ref: Reference, digest: string, keys: readonly TrustedKey[]): SignatureLookup {
    return this.states.get(keyOf(ref, digest, keys)) ?? { state: "unchecked" };
  }

  /** Looks for signatures of `digest` (the index digest a reference resolves to) and verifies them. */
  check(
    ref: Reference,
    digest: string,
    keys: readonly TrustedKey[],
    signal?: AbortSignal,
  ): Promise<SignatureLookup> {
    const key = keyOf(ref, digest, keys);
    const running = this.inflight.get(key);
    if (running !== undefined) return running;
    const known = this.states.get(key);
    if (known?.state === "checked") return Promise.resolve(known);
    this.states.set(key, { state: "checking" });
    const run = this.find(ref, digest, signal).then((found) => {
      const result: SignatureLookup =
        "error" in found
          ? { state: "error", error: found.error }
          : { state: "checked", verdict: signatureVerdict(found, digest, keys) };
      this.inflight.delete(key);
      this.states.set(key, result);
      this.options.log?.(
        `signatures of ${formatReference(ref)}@${digest}: ${result.state === "checked" ? result.verdict.status : result.error.message}`,
      );
      this.options.onDidChange?.();
      return result;
    });
    this.inflight.set(key, run);
    return run;
  }

  clear(): void {
    this.states.clear();
  }

  private async candidates(
    ref: Reference,
    manifest: FetchedManifest,
    where: string,
    signal: AbortSignal | undefined,
  ): Promise<CosignCandidate[]> {
    if (manifest.kind !== "image") return [];
    const out: CosignCandidate[] = [];
    for (const layer of cosignLayers(manifest.manifest).slice(0, 8)) {
      if (layer.payload.size > MAX_PAYLOAD_BYTES) {
        out.push({
          layer,
          where,
          problem: `its payload is ${layer.payload.size} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`,
        });
        continue;
      }
      const b = await this.options.source.blob(ref, layer.payload.digest, {
        maxBytes: MAX_PAYLOAD_BYTES,
        ...(signal ? { signal } : {}),
      });
      out.push(b.ok ? { layer, where, payload: b.value.bytes } : { layer, where, problem: b.error.message });
    }
    return out;
  }

  private async find(
    ref: Reference,
    digest: string,
    signal: AbortSignal | undefined,
  ): Promise<
    { cosign: CosignCandidate[]; referrers: Descriptor[]; looked: string } | { error: ResolveError }
  > {
    const opts = signal ? { signal } : {};
    const cosign: CosignCandidate[] = [];
    const sig = await this.options.source.cosignSignature(ref, digest, opts);
    if (!sig.ok) return { error: sig.error };
    if (sig.value !== undefined)
      cosign.push(...(await this.candidates(ref, sig.value, "tag sha256-<hex>.sig", signal)));
    const referrers = await this.options.source.referrers(ref, digest, opts);
    if (!referrers.ok) return { error: referrers.error };
    for (const d of referrers.value.descriptors.slice(0, 16)) {
      if (d.artifactType !== SignatureMediaType.cosignArtifact) continue;
      const m = await this.options.source.manifest(ref, d.digest, opts);
      if (m.ok) cosign.push(...(await this.candidates(ref, m.value, "OCI referrer", signal)));
    }
    const via =
      referrers.value.via === "api"
        ? "referrers API"
        : referrers.value.via === "tag"
          ? "referrers tag sha256-<hex>"
          : "referrers API and tag (none)";
    return {
      cosign,
      referrers: referrers.value.descriptors,
      looked: `cosign tag sha256-<hex>.sig${sig.value === undefined ? " (none)" : ""}, ${via}`,
    };
  }
}
