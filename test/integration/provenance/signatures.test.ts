/**
 * Signatures end to end on the loopback CNCF registry: a cosign signature made in the test with
 * a generated key (pushed under `sha256-<hex>.sig`), a tampered one, a Notation-typed referrer
 * (found through the referrers API or the `sha256-<hex>` referrers tag) and an unsigned image;
 * the built server says which is which on the card and in `unsigned-image`.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ExecuteCommandRequest } from "vscode-languageserver-protocol";
import { MediaType } from "../../../server/src/oci/types";
import {
  cosignSignatureImage,
  generateTestKey,
  signPayload,
  simpleSigningPayload,
} from "../../support/cosign";
import {
  buildArtifact,
  buildImage,
  presetFromRealdata,
  pushImage,
  pushManifest,
  type BuiltImage,
} from "../../support/images";
import { REPO_ROOT, startServer, type TestServer } from "../../support/lsp";
import { startRegistry, type Registry } from "../../support/registry";

let registry: Registry;
let storage: string;
const KEY = generateTestKey();
const images: Record<string, BuiltImage> = {};

function image(created: string): BuiltImage {
  const preset = presetFromRealdata("alpine:3.22");
  return buildImage({ format: "oci", platforms: [{ ...preset, created }] });
}

const tagOf = (digest: string): string => digest.replace(":", "-");

before(async () => {
  registry = await startRegistry({ auth: "none" });
  storage = mkdtempSync(join(tmpdir(), "from-lens-signatures-"));
  const repo = "team/app";
  for (const [tag, created] of [
    ["signed", "2026-11-01T00:00:00Z"],
    ["tampered", "2026-11-02T00:00:00Z"],
    ["notation", "2026-11-03T00:00:00Z"],
    ["unsigned", "2026-11-04T00:00:00Z"],
  ] as const) {
    images[tag] = image(created);
    await pushImage(registry, repo, tag, images[tag]);
  }
  const host = new URL(registry.url).host;
  const signedDigest = images.signed!.digest;
  const payload = simpleSigningPayload(`${host}/${repo}`, signedDigest);
  await pushImage(
    registry,
    repo,
    `${tagOf(signedDigest)}.sig`,
    cosignSignatureImage(payload, signPayload(payload, KEY)),
  );

  const tamperedDigest = images.tampered!.digest;
  const good = simpleSigningPayload(`${host}/${repo}`, tamperedDigest);
  const forged = Buffer.from(good.toString("utf8").replace(`"${host}/${repo}"`, `"${host}/team/other"`));
  await pushImage(
    registry,
    repo,
    `${tagOf(tamperedDigest)}.sig`,
    cosignSignatureImage(forged, signPayload(good, KEY)),
  );

  // A Notation signature as a referrer: the artifact by digest, listed in the referrers tag index.
  const notation = buildArtifact({
    artifactType: "application/vnd.cncf.notary.signature",
    layers: [{ mediaType: "application/jose+json", content: '{"payload":"e30","signatures":[]}' }],
  });
  await pushImage(registry, repo, notation.digest, notation);
  const referrers = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: notation.digest,
          size: notation.bytes.length,
          artifactType: "application/vnd.cncf.notary.signature",
        },
      ],
    }),
  );
  await pushManifest(registry, repo, tagOf(images.notation!.digest), referrers, MediaType.ociIndex);
});
after(async () => {
  await registry.stop();
  rmSync(storage, { recursive: true, force: true });
});

async function provenanceCard(server: TestServer, uri: string): Promise<string> {
  const r = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
    command: "fromLens.server.showProvenance",
    arguments: [{ uri, position: { line: 0, character: 8 } }],
  })) as { ok: boolean; provenance?: { markdown: string }; message?: string };
  assert.equal(r.ok, true, r.message);
  return r.provenance?.markdown ?? "";
}

describe("signatures", () => {
  it("verifies the cosign signature, refuses the tampered one, and tells Notation and unsigned apart", async () => {
    const server = await startServer({
      initializationOptions: { storagePath: storage },
      settings: {
        defaultPlatform: "linux/amd64",
        hover: { waitMs: 15_000 },
        trust: { publicKeys: [{ name: "release key", key: KEY.publicPem }] },
        rules: { "unsigned-image": "warning" },
      },
    });
    try {
      const host = new URL(registry.url).host;
      const cards: Record<string, string> = {};
      for (const tag of ["signed", "tampered", "notation", "unsigned"]) {
        const uri = `file:///work/sig-${tag}/Dockerfile`;
        await server.open(uri, `FROM ${host}/team/app:${tag}\n`);
        cards[tag] = await provenanceCard(server, uri);
      }
      assert.match(cards.signed ?? "", /\*\*Signature\*\* ✓ signed by release key \(verified, cosign\)/);
      assert.match(
        cards.tampered ?? "",
        /\*\*Signature\*\* present, not verified: it does not verify with any configured key \(release key\)/,
      );
      assert.doesNotMatch(cards.tampered ?? "", /verified, cosign/);
      assert.match(
        cards.notation ?? "",
        /\*\*Signature\*\* present, not verified: it is a Notation signature/,
      );
      assert.match(
        cards.unsigned ?? "",
        /\*\*Signature\*\* unsigned \*\(looked at the cosign tag sha256-\\<hex\\>\.sig \(none\), referrers API and tag \(none\)\)\*/,
      );

      const flagged = await server.diagnostics("file:///work/sig-unsigned/Dockerfile", (p) =>
        p.diagnostics.some((d) => d.code === "unsigned-image"),
      );
      assert.match(
        JSON.stringify(flagged.diagnostics.find((d) => d.code === "unsigned-image")?.message),
        /has no signature/,
      );
      const ok = await server.diagnostics("file:///work/sig-signed/Dockerfile", () => true);
      assert.equal(ok.diagnostics.filter((d) => d.code === "unsigned-image").length, 0);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("from-lens check reports unsigned-image for the images without a verified signature", () => {
    const root = join(storage, "cli");
    mkdirSync(root, { recursive: true });
    const host = new URL(registry.url).host;
    writeFileSync(join(root, "Dockerfile"), `FROM ${host}/team/app:signed\nFROM ${host}/team/app:unsigned\n`);
    writeFileSync(
      join(root, "settings.json"),
      JSON.stringify({
        rules: { "unsigned-image": "warning" },
        trust: { publicKeys: [{ name: "release key", key: KEY.publicPem }] },
      }),
    );
    const r = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, "dist", "cli.js"),
        "check",
        "--settings",
        "settings.json",
        "--cache-dir",
        join(root, ".cache"),
        "--platform",
        "linux/amd64",
        "--no-config",
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "" }, timeout: 60_000 },
    );
    const flagged = r.stdout.split("\n").filter((l) => l.includes("unsigned-image"));
    assert.equal(flagged.length, 1, r.stdout + r.stderr);
    assert.match(flagged[0] ?? "", /^Dockerfile:2:/);
  });
});
