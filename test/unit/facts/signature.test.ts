/** Verifying cosign key-based signatures made in the test with a generated key, and the honest verdicts for the rest. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cosignLayers, signatureVerdict, type CosignCandidate } from "../../../server/src/facts/signature";
import {
  cosignSignatureImage,
  generateTestKey,
  signPayload,
  simpleSigningPayload,
} from "../../support/cosign";
import { realdataRecord } from "../../support/realdata";

const DIGEST = realdataRecord("python:3.12-slim").indexDigest;
const KEY = generateTestKey();
const OTHER = generateTestKey();
const TRUSTED = [{ name: "release key", pem: KEY.publicPem }];

function candidate(payload: Buffer, signature: string, extra: Record<string, string> = {}): CosignCandidate {
  const image = cosignSignatureImage(payload, signature, extra);
  const manifest = image.manifests[0]?.json;
  assert.ok(manifest);
  const layer = cosignLayers(manifest)[0];
  assert.ok(layer);
  return { layer, payload, where: "tag sha256-<hex>.sig" };
}

const looked = "cosign tag sha256-<hex>.sig, referrers API";

describe("signatureVerdict", () => {
  const payload = simpleSigningPayload("docker.io/library/python", DIGEST);

  it("verifies a cosign signature made with a configured key", () => {
    const v = signatureVerdict(
      { cosign: [candidate(payload, signPayload(payload, KEY))], referrers: [], looked },
      DIGEST,
      TRUSTED,
    );
    assert.deepEqual(v, {
      status: "verified",
      scheme: "cosign",
      signer: "release key",
      evidence: "cosign signature (tag sha256-<hex>.sig)",
    });
  });

  it("refuses a tampered payload: the signature no longer matches", () => {
    const signature = signPayload(payload, KEY);
    const tampered = Buffer.from(payload.toString("utf8").replace('"optional":null', '"optional":{"x":1}'));
    const v = signatureVerdict(
      { cosign: [candidate(tampered, signature)], referrers: [], looked },
      DIGEST,
      TRUSTED,
    );
    assert.equal(v.status, "unverified");
    if (v.status === "unverified")
      assert.match(v.reason, /does not verify with any configured key \(release key\)/);
  });

  it("refuses a valid signature over another image's digest", () => {
    const other = simpleSigningPayload("docker.io/library/python", `sha256:${"e".repeat(64)}`);
    const v = signatureVerdict(
      { cosign: [candidate(other, signPayload(other, KEY))], referrers: [], looked },
      DIGEST,
      TRUSTED,
    );
    assert.equal(v.status, "unverified");
    if (v.status === "unverified") assert.match(v.reason, /is for sha256:eeeeeeeeeeee, not this digest/);
  });

  it("does not verify with another key, nor without any key", () => {
    const c = candidate(payload, signPayload(payload, OTHER));
    const v = signatureVerdict({ cosign: [c], referrers: [], looked }, DIGEST, TRUSTED);
    assert.equal(v.status, "unverified");
    const none = signatureVerdict({ cosign: [c], referrers: [], looked }, DIGEST, []);
    assert.equal(none.status, "unverified");
    if (none.status === "unverified") assert.match(none.reason, /no public key is configured/);
    const bad = signatureVerdict({ cosign: [c], referrers: [], looked }, DIGEST, [
      { name: "junk", pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" },
    ]);
    if (bad.status === "unverified") assert.match(bad.reason, /key "junk" is not a PEM public key/);
  });

  it("says a keyless signature is present but not verified, and why", () => {
    const c = candidate(payload, signPayload(payload, OTHER), {
      "dev.sigstore.cosign/certificate": "-----BEGIN CERTIFICATE-----…",
    });
    const v = signatureVerdict({ cosign: [c], referrers: [], looked }, DIGEST, []);
    assert.equal(v.status, "unverified");
    if (v.status === "unverified") assert.match(v.reason, /keyless \(Sigstore\).*Fulcio.*Rekor/);
  });

  it("reports a Notation referrer as present, not verified", () => {
    const v = signatureVerdict(
      {
        cosign: [],
        referrers: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: `sha256:${"f".repeat(64)}`,
            size: 700,
            artifactType: "application/vnd.cncf.notary.signature",
          },
        ],
        looked,
      },
      DIGEST,
      TRUSTED,
    );
    assert.equal(v.status, "unverified");
    if (v.status === "unverified") {
      assert.equal(v.scheme, "notation");
      assert.match(v.reason, /Notation signature; verifying it needs an X\.509 trust store/);
    }
  });

  it("says unsigned when nothing is found, naming where it looked", () => {
    assert.deepEqual(signatureVerdict({ cosign: [], referrers: [], looked }, DIGEST, TRUSTED), {
      status: "unsigned",
      evidence: `no signature found (${looked})`,
    });
  });
});
