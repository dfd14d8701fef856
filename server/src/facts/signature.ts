/**
 * Image signatures as registries carry them today (Docker Content Trust is retired): cosign's
 * signature manifests (tag `sha256-<hex>.sig`, or an OCI 1.1 referrer), Sigstore bundles, and
 * Notation signatures (referrers of artifact type `application/vnd.cncf.notary.signature`).
 *
 * Only cosign key-based signatures are verified here: the simple-signing payload must name the
 * image's digest, and its ECDSA P-256 / SHA-256 signature must check against one of the public
 * keys the user configured. Keyless (Sigstore: Fulcio certificate + Rekor log) and Notation
 * (X.509 trust store + trust policy) signatures are reported as present but not verified, with the
 * reason. Nothing is ever called verified that was not. Pure apart from node:crypto's CPU work.
 *
 * Sources: sigstore/cosign specs/SIGNATURE_SPEC.md, containers/image docs/containers-signature.5.md
 * (simple signing), notaryproject/specifications signature-specification.md, OCI distribution 1.1.
 */
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import type { Descriptor, ImageManifest } from "../oci/types";

export const SignatureMediaType = {
  cosignSimpleSigning: "application/vnd.dev.cosign.simplesigning.v1+json",
  /** The artifactType cosign gives a signature pushed as an OCI 1.1 referrer. */
  cosignArtifact: "application/vnd.dev.cosign.artifact.sig.v1+json",
  notation: "application/vnd.cncf.notary.signature",
  /** Prefix of `application/vnd.dev.sigstore.bundle.v0.3+json` and friends. */
  sigstoreBundlePrefix: "application/vnd.dev.sigstore.bundle",
} as const;

export const CosignAnnotation = {
  signature: "dev.cosignproject.cosign/signature",
  certificate: "dev.sigstore.cosign/certificate",
  bundle: "dev.sigstore.cosign/bundle",
} as const;

/** A simple-signing payload is a small JSON document. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** A public key the user trusts (setting `fromLens.trust.publicKeys`). */
export interface TrustedKey {
  name: string;
  pem: string;
}

/** One signature in a cosign signature manifest: the payload blob and its base64 signature. */
export interface CosignLayer {
  payload: Descriptor;
  signature?: string;
  /** Keyless: a Fulcio certificate (or a Rekor bundle) instead of a key. */
  keyless: boolean;
}

export function cosignLayers(manifest: ImageManifest): CosignLayer[] {
  return manifest.layers
    .filter((l) => l.mediaType === SignatureMediaType.cosignSimpleSigning)
    .map((l) => {
      const signature = l.annotations?.[CosignAnnotation.signature];
      const keyless =
        l.annotations?.[CosignAnnotation.certificate] !== undefined ||
        l.annotations?.[CosignAnnotation.bundle] !== undefined;
      return { payload: l, ...(signature !== undefined ? { signature } : {}), keyless };
    });
}

/** How a referrer descriptor signs, if it is a signature at all. */
export function referrerScheme(d: Descriptor): "cosign" | "sigstore-bundle" | "notation" | undefined {
  const type = d.artifactType ?? "";
  if (type === SignatureMediaType.notation) return "notation";
  if (type === SignatureMediaType.cosignArtifact) return "cosign";
  if (type.startsWith(SignatureMediaType.sigstoreBundlePrefix)) return "sigstore-bundle";
  return undefined;
}

export type SignatureVerdict =
  | { status: "verified"; scheme: "cosign"; signer: string; evidence: string }
  | {
      status: "unverified";
      scheme: "cosign" | "sigstore-bundle" | "notation";
      reason: string;
      evidence: string;
    }
  | { status: "unsigned"; evidence: string };

/** The user's keys, parsed; a key that does not parse is reported, never silently trusted or dropped. */
export function parseTrustedKeys(keys: readonly TrustedKey[]): {
  keys: { name: string; key: KeyObject }[];
  problems: string[];
} {
  const out: { name: string; key: KeyObject }[] = [];
  const problems: string[] = [];
  for (const k of keys) {
    try {
      const key = createPublicKey(k.pem);
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (key.asymmetricKeyType !== "ec" || curve !== "prime256v1") {
        problems.push(`key "${k.name}" is not an ECDSA P-256 public key`);
        continue;
      }
      out.push({ name: k.name, key });
    } catch {
      problems.push(`key "${k.name}" is not a PEM public key`);
    }
  }
  return { keys: out, problems };
}

/** "sha256:1f2e…" of a key's DER (SubjectPublicKeyInfo), to name keys without a name. */
export function keyFingerprint(pem: string): string | undefined {
  try {
    const der = createPublicKey(pem).export({ type: "spki", format: "der" });
    return `sha256:${createHash("sha256").update(der).digest("hex").slice(0, 16)}`;
  } catch {
    return undefined;
  }
}

type PayloadCheck = { ok: true } | { ok: false; reason: string };

/** The simple-signing payload must be a cosign signature naming exactly this image's digest. */
export function checkPayload(payload: Uint8Array, subjectDigest: string): PayloadCheck {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return { ok: false, reason: "the signed payload is not JSON" };
  }
  const critical = (data as { critical?: { type?: unknown; image?: { "docker-manifest-digest"?: unknown } } })
    .critical;
  if (critical?.type !== "cosign container image signature")
    return { ok: false, reason: "the signed payload is not a cosign container image signature" };
  const signed = critical.image?.["docker-manifest-digest"];
  if (signed !== subjectDigest)
    return {
      ok: false,
      reason: `the signature is for ${typeof signed === "string" ? signed.slice(0, 19) : "another image"}, not this digest`,
    };
  return { ok: true };
}

/** Which trusted key, if any, made `signatureB64` over `payload` (ECDSA, DER-encoded, SHA-256). */
export function verifyWithKeys(
  payload: Uint8Array,
  signatureB64: string,
  keys: readonly { name: string; key: KeyObject }[],
): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64.trim())) return undefined;
  const signature = Buffer.from(signatureB64.trim(), "base64");
  for (const { name, key } of keys) {
    try {
      if (verify("sha256", payload, { key, dsaEncoding: "der" }, signature)) return name;
    } catch {
      // a malformed signature for this key type: not verified by it
    }
  }
  return undefined;
}

const KEYLESS_REASON =
  "it is a keyless (Sigstore) signature; verifying it needs the Fulcio certificate chain and the Rekor transparency log, which FROM Lens does not check offline";
const NOTATION_REASON =
  "it is a Notation signature; verifying it needs an X.509 trust store and trust policy, which FROM Lens does not read";

/** What is known of one cosign signature, payload bytes included (the resolver fetched them). */
export interface CosignCandidate {
  layer: CosignLayer;
  payload?: Uint8Array;
  /** Why the payload could not be read. */
  problem?: string;
  /** "tag sha256-<hex>.sig" or "OCI referrer". */
  where: string;
}

/**
 * The verdict over everything found: a verified cosign signature wins; else the first present
 * signature with why it is not verified; else unsigned (saying where was looked).
 */
export function signatureVerdict(
  found: { cosign: readonly CosignCandidate[]; referrers: readonly Descriptor[]; looked: string },
  subjectDigest: string,
  trusted: readonly TrustedKey[],
): SignatureVerdict {
  const { keys, problems } = parseTrustedKeys(trusted);
  const reasons: { scheme: "cosign" | "sigstore-bundle" | "notation"; reason: string; evidence: string }[] =
    [];
  for (const c of found.cosign) {
    const evidence = `cosign signature (${c.where})`;
    if (c.payload === undefined) {
      reasons.push({ scheme: "cosign", reason: c.problem ?? "its payload could not be read", evidence });
      continue;
    }
    const check = checkPayload(c.payload, subjectDigest);
    if (!check.ok) {
      reasons.push({ scheme: "cosign", reason: check.reason, evidence });
      continue;
    }
    if (c.layer.signature === undefined) {
      reasons.push({ scheme: "cosign", reason: "the layer carries no signature annotation", evidence });
      continue;
    }
    const signer = verifyWithKeys(c.payload, c.layer.signature, keys);
    if (signer !== undefined) return { status: "verified", scheme: "cosign", signer, evidence };
    const why =
      c.layer.keyless && keys.length === 0
        ? KEYLESS_REASON
        : keys.length === 0
          ? `no public key is configured (fromLens.trust.publicKeys)${problems.length > 0 ? `; ${problems.join("; ")}` : ""}`
          : `it does not verify with any configured key (${keys.map((k) => k.name).join(", ")})${c.layer.keyless ? `; ${KEYLESS_REASON}` : ""}`;
    reasons.push({ scheme: "cosign", reason: why, evidence });
  }
  for (const d of found.referrers) {
    const scheme = referrerScheme(d);
    if (scheme === "notation")
      reasons.push({
        scheme,
        reason: NOTATION_REASON,
        evidence: `OCI referrer ${d.digest} (${SignatureMediaType.notation})`,
      });
    else if (scheme === "sigstore-bundle")
      reasons.push({
        scheme,
        reason: KEYLESS_REASON,
        evidence: `OCI referrer ${d.digest} (${d.artifactType ?? ""})`,
      });
  }
  const first = reasons[0];
  if (first !== undefined) return { status: "unverified", ...first };
  return { status: "unsigned", evidence: `no signature found (${found.looked})` };
}
