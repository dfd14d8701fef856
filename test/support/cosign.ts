/**
 * Cosign-shaped signatures made in the test (sigstore/cosign specs/SIGNATURE_SPEC.md): a
 * simple-signing payload naming the image digest, signed with an ECDSA P-256 key generated here,
 * as the layer of a signature manifest pushed under the tag `sha256-<hex>.sig`.
 */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { buildArtifact, type BuiltImage } from "./images";

export interface TestKey {
  publicPem: string;
  privateKey: KeyObject;
}

export function generateTestKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey };
}

export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { "docker-reference": dockerReference },
        image: { "docker-manifest-digest": digest },
        type: "cosign container image signature",
      },
      optional: null,
    }),
  );
}

export function signPayload(payload: Buffer, key: TestKey): string {
  return sign("sha256", payload, { key: key.privateKey, dsaEncoding: "der" }).toString("base64");
}

/** The signature manifest cosign pushes; `payload` may differ from what was signed (tampering). */
export function cosignSignatureImage(
  payload: Buffer,
  signature: string,
  extra: Record<string, string> = {},
): BuiltImage {
  return buildArtifact({
    configMediaType: "application/vnd.oci.image.config.v1+json",
    config: JSON.stringify({
      architecture: "",
      os: "",
      config: {},
      rootfs: { type: "layers", diff_ids: [] },
    }),
    layers: [
      {
        mediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
        content: payload,
        annotations: { "dev.cosignproject.cosign/signature": signature, ...extra },
      },
    ],
  });
}
