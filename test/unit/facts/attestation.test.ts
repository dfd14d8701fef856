/** Reading BuildKit attestations: which statements an attestation manifest holds, and SLSA v0.2 / v1 provenance. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MAX_STATEMENT_BYTES,
  attestationContents,
  attestationEntries,
  dockerMaterialName,
  parseProvenanceStatement,
} from "../../../server/src/facts/attestation";
import { slsaV02Statement, slsaV1Statement, type SlsaSpec } from "../../support/slsa";
import { realdataRecord } from "../../support/realdata";
import { input } from "./helpers";

const SUBJECT = realdataRecord("python:3.12-slim").amd64.digest;
const SPEC: SlsaSpec = {
  subjectDigest: SUBJECT,
  builderId: "https://github.com/docker-library/meta/actions/runs/1234",
  sourceUri: "https://github.com/docker-library/python.git#refs/heads/master",
  sourceCommit: "3f2a9c1b5d0e8f7a6c4b3a2918e7d6c5b4a39281",
  dockerfile: "3.12/slim-trixie/Dockerfile",
  materials: [
    { uri: "pkg:docker/debian@trixie-slim?platform=linux%2Famd64", sha256: "b".repeat(64) },
    { uri: "pkg:docker/docker/dockerfile@1", sha256: "c".repeat(64) },
  ],
  startedOn: "2026-11-28T08:00:01Z",
  finishedOn: "2026-11-28T08:04:59Z",
};

const bytes = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));

describe("parseProvenanceStatement", () => {
  for (const [version, make] of [
    ["v0.2", slsaV02Statement],
    ["v1", slsaV1Statement],
  ] as const) {
    it(`reads builder, config source, materials and build time of SLSA ${version}`, () => {
      const r = parseProvenanceStatement(bytes(make(SPEC)));
      assert.ok(r.ok, JSON.stringify(r));
      const p = r.value;
      assert.equal(p.version, version);
      assert.equal(p.builderId, SPEC.builderId);
      assert.deepEqual(p.configSource, {
        uri: SPEC.sourceUri,
        digest: SPEC.sourceCommit,
        entryPoint: SPEC.dockerfile,
      });
      assert.equal(p.frontend, "dockerfile.v0");
      assert.deepEqual(
        p.materials.map((m) => [m.uri, m.digest]),
        SPEC.materials.map((m) => [m.uri, `sha256:${m.sha256}`]),
      );
      assert.equal(p.startedOn, SPEC.startedOn);
      assert.equal(p.finishedOn, SPEC.finishedOn);
      assert.deepEqual(p.subjects, [SUBJECT]);
    });
  }

  it("refuses what is not SLSA provenance, with the reason", () => {
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from("{not json"), /not valid JSON/],
      [bytes({ predicateType: "https://slsa.dev/provenance/v1" }), /not an in-toto statement/],
      [
        bytes({
          _type: "https://in-toto.io/Statement/v1",
          predicateType: "https://spdx.dev/Document",
          predicate: {},
        }),
        /not SLSA provenance/,
      ],
      [new Uint8Array(MAX_STATEMENT_BYTES + 1), /larger than/],
    ];
    for (const [b, reason] of cases) {
      const r = parseProvenanceStatement(b);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, reason);
    }
  });

  it("drops strings with control characters and ignores malformed digests", () => {
    const statement = slsaV1Statement({ ...SPEC, builderId: "evil\u001b[31m" }) as {
      predicate: { buildDefinition: { resolvedDependencies: { digest: unknown }[] } };
    };
    const first = statement.predicate.buildDefinition.resolvedDependencies[0];
    if (first) first.digest = { sha256: "zz" };
    const r = parseProvenanceStatement(bytes(statement));
    assert.ok(r.ok);
    assert.equal(r.value.builderId, undefined);
    assert.equal(r.value.materials[0]?.digest, undefined);
  });
});

describe("attestation manifests", () => {
  it("finds the attestation entries of an index with the manifest each is about", () => {
    const index = input({}).resolved.manifest;
    assert.ok("manifests" in index);
    assert.deepEqual(attestationEntries(index), [
      { digest: `sha256:${"3".repeat(64)}`, size: 800, subject: `sha256:${"1".repeat(64)}` },
    ]);
  });

  it("tells provenance and SBOM layers apart by their predicate-type annotation", () => {
    const layer = (type: string, d: string) => ({
      mediaType: "application/vnd.in-toto+json",
      digest: `sha256:${d.repeat(64)}`,
      size: 10,
      annotations: { "in-toto.io/predicate-type": type },
    });
    const c = attestationContents({
      schemaVersion: 2,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${"0".repeat(64)}`,
        size: 2,
      },
      layers: [layer("https://spdx.dev/Document", "d"), layer("https://slsa.dev/provenance/v0.2", "e")],
    });
    assert.equal(c.sbom, true);
    assert.equal(c.provenance?.digest, `sha256:${"e".repeat(64)}`);
    assert.deepEqual(c.predicateTypes, ["https://spdx.dev/Document", "https://slsa.dev/provenance/v0.2"]);
  });

  it("names base images from pkg:docker material URIs", () => {
    assert.equal(
      dockerMaterialName("pkg:docker/debian@trixie-slim?platform=linux%2Famd64"),
      "debian:trixie-slim",
    );
    assert.equal(
      dockerMaterialName("pkg:docker/docker.io/library/alpine@3.22"),
      "docker.io/library/alpine:3.22",
    );
    assert.equal(dockerMaterialName("https://example.com/x.tar.gz"), undefined);
  });
});
