/** Digests (sha256 / sha512): the form check, computing one, and verifying bytes against one. */
import { createHash } from "node:crypto";
import { badResponse, err, ok } from "./errors";
import type { Result } from "./errors";

const DIGEST_FORMS: Record<string, number> = { sha256: 64, sha512: 128 };

/** True for `sha256:<64 hex>` / `sha512:<128 hex>` (lower case, as OCI requires). */
export function isDigest(text: string): boolean {
  const colon = text.indexOf(":");
  if (colon < 0) return false;
  const length = DIGEST_FORMS[text.slice(0, colon)];
  return length !== undefined && new RegExp(`^[a-f0-9]{${length}}$`).test(text.slice(colon + 1));
}

export function computeDigest(bytes: Uint8Array, algorithm: "sha256" | "sha512" = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Hashes `bytes` with the algorithm of `expected` and compares. */
export function verifyDigest(bytes: Uint8Array, expected: string, host?: string): Result<void> {
  if (!isDigest(expected))
    return err(
      badResponse(
        "unsupported-digest",
        `The digest ${expected} is not a sha256 or sha512 digest FROM Lens can verify.`,
        host,
      ),
    );
  const algorithm = expected.slice(0, expected.indexOf(":")) as "sha256" | "sha512";
  const actual = computeDigest(bytes, algorithm);
  if (actual !== expected) {
    return err(
      badResponse(
        "digest-mismatch",
        `${host ?? "The registry"} sent content whose digest is ${actual}, not the ${expected} it was asked for. The content was discarded; the registry, a mirror or a proxy may be corrupting data.`,
        host,
      ),
    );
  }
  return ok(undefined);
}
