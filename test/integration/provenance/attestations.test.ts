/**
 * BuildKit attestations end to end: images pushed to the CNCF registry on loopback with an
 * attestation manifest holding a SLSA provenance statement (and an SPDX SBOM), read by the built
 * server through a counting proxy. The attestation manifest is fetched only on request ("Show
 * provenance") unless `fromLens.provenance.fetchAttestations` is "always".
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ExecuteCommandRequest, HoverRequest, type MarkupContent } from "vscode-languageserver-protocol";
import { startFaultServer, type FaultServer } from "../../support/faultServer";
import { buildImage, presetFromRealdata, pushImage, type BuiltImage } from "../../support/images";
import { startServer, type TestServer } from "../../support/lsp";
import { startRegistry, type Registry } from "../../support/registry";
import { slsaV1Statement, slsaV02Statement, spdxStatement, type SlsaSpec } from "../../support/slsa";

let registry: Registry;
let proxy: FaultServer;
let storage: string;
let signed: BuiltImage;

const COMMIT = "3f2a9c1b5d0e8f7a6c4b3a2918e7d6c5b4a39281";
const BASE_SHA = "b".repeat(64);

function spec(subjectDigest: string): SlsaSpec {
  return {
    subjectDigest,
    builderId: "https://github.com/docker-library/meta/actions/runs/1234",
    sourceUri: "https://github.com/docker-library/python.git#refs/heads/master",
    sourceCommit: COMMIT,
    dockerfile: "3.12/slim-trixie/Dockerfile",
    materials: [
      { uri: "pkg:docker/debian@trixie-slim?platform=linux%2Famd64", sha256: BASE_SHA },
      { uri: "pkg:docker/docker/dockerfile@1", sha256: "c".repeat(64) },
    ],
    startedOn: "2026-11-28T08:00:01Z",
    finishedOn: "2026-11-28T08:04:59Z",
  };
}

before(async () => {
  registry = await startRegistry({ auth: "none" });
  const preset = presetFromRealdata("python:3.12-slim");
  signed = buildImage({
    format: "oci",
    attestation: true,
    attestationStatements: (subject) => [
      { predicateType: "https://spdx.dev/Document", statement: spdxStatement(subject.digest) },
      { predicateType: "https://slsa.dev/provenance/v1", statement: slsaV1Statement(spec(subject.digest)) },
    ],
    platforms: [preset, { ...preset, architecture: "arm64", variant: "v8" }],
  });
  await pushImage(registry, "library/python", "3.12-slim", signed);
  // A statement about another image: its provenance must not be shown as this one's.
  const other = buildImage({
    format: "oci",
    attestation: true,
    attestationStatements: () => [
      {
        predicateType: "https://slsa.dev/provenance/v0.2",
        statement: slsaV02Statement(spec(`sha256:${"e".repeat(64)}`)),
      },
    ],
    platforms: [{ ...preset, created: "2026-11-29T00:00:00Z" }],
  });
  await pushImage(registry, "library/python", "3.12-other", other);
  proxy = await startFaultServer({ upstream: registry.url });
  storage = mkdtempSync(join(tmpdir(), "from-lens-attest-"));
});
after(async () => {
  await proxy.stop();
  await registry.stop();
  rmSync(storage, { recursive: true, force: true });
});

function launch(settings: Record<string, unknown>, dir: string): Promise<TestServer> {
  return startServer({
    initializationOptions: { storagePath: dir },
    settings: { defaultPlatform: "linux/amd64", hover: { waitMs: 15_000 }, ...settings },
  });
}

async function hoverText(server: TestServer, uri: string): Promise<string> {
  const hover = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: 0, character: 8 },
  });
  return (hover?.contents as MarkupContent | undefined)?.value ?? "";
}

function attestationDigest(image: BuiltImage): string {
  const found = image.manifests.find(
    (m) =>
      m.attestation &&
      m.descriptor.annotations?.["vnd.docker.reference.digest"] === image.manifests[0]?.digest,
  );
  assert.ok(found);
  return found.digest;
}

const PROVENANCE_LINES = [
  "**Provenance** (SLSA v1) · builder `https://github.com/docker-library/meta/actions/runs/1234` · built 2026-11-28 · SBOM attached",
  `**Config source** [github.com/docker-library/python](https://github.com/docker-library/python/tree/${COMMIT}) @ [3f2a9c1](https://github.com/docker-library/python/commit/${COMMIT}) · \`3.12/slim-trixie/Dockerfile\``,
  `**Built on** \`debian:trixie-slim\`@\`sha256:${BASE_SHA.slice(0, 12)}\``,
];

describe("BuildKit attestations", () => {
  it("are fetched only on Show Provenance, then shown on the card with builder, source, base and SBOM", async () => {
    const server = await launch({}, join(storage, "on-request"));
    try {
      const uri = "file:///work/attest/Dockerfile";
      await server.open(uri, `FROM ${proxy.host}/library/python:3.12-slim\n`);
      proxy.resetRequests();
      const before = await hoverText(server, uri);
      assert.match(
        before,
        /\*\*Attestation\*\* attached \(BuildKit\), not fetched — run \*FROM Lens: Show Provenance\*/,
      );
      const att = attestationDigest(signed);
      assert.equal(proxy.count({ path: new RegExp(`/manifests/${att}$`) }), 0, "no attestation GET on hover");

      const result = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: "fromLens.server.showProvenance",
        arguments: [{ uri, position: { line: 0, character: 8 } }],
      })) as { ok: boolean; provenance?: { markdown: string; reference: string } };
      assert.equal(result.ok, true, JSON.stringify(result));
      const markdown = result.provenance?.markdown ?? "";
      for (const line of PROVENANCE_LINES) assert.ok(markdown.includes(line), `${line}\n---\n${markdown}`);
      assert.doesNotMatch(markdown, /docker\/dockerfile/, "the # syntax frontend is not a base image");
      assert.equal(proxy.count({ method: "GET", path: new RegExp(`/manifests/${att}$`) }), 1);

      const afterCard = await hoverText(server, uri);
      for (const line of PROVENANCE_LINES) assert.ok(afterCard.includes(line), afterCard);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('with fetchAttestations "always", the hover reads them; a statement about another image is not shown', async () => {
    const server = await launch({ provenance: { fetchAttestations: "always" } }, join(storage, "always"));
    try {
      const uri = "file:///work/attest-always/Dockerfile";
      await server.open(uri, `FROM ${proxy.host}/library/python:3.12-slim\n`);
      const card = await hoverText(server, uri);
      for (const line of PROVENANCE_LINES) assert.ok(card.includes(line), card);

      const other = "file:///work/attest-other/Dockerfile";
      await server.open(other, `FROM ${proxy.host}/library/python:3.12-other\n`);
      const otherCard = await hoverText(server, other);
      assert.match(otherCard, /\*\*Provenance\*\* ⚠ the attestation's statement is about another image/);
      assert.doesNotMatch(otherCard, /\*\*Config source\*\*/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
