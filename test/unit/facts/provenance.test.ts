/**
 * Provenance from OCI annotations, with real values from ../shared/realdata (kibana's, mariadb's
 * and arch's org.opencontainers.image.* labels, moved onto the index entry where Docker Official
 * Images carry them) — and what a label may not claim (ubuntu's version label, inherited by every
 * child image).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { deriveProvenance, parseSourceRepository } from "../../../server/src/facts/provenance";
import { Annotation, MediaType } from "../../../server/src/oci/types";
import { realdataRecord } from "../../support/realdata";
import { NOW, input } from "./helpers";

/** The record's org.opencontainers.image.* labels only. */
function ociLabels(id: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(realdataRecord(id).labels).filter(([k]) => k.startsWith("org.opencontainers.image.")),
  );
}

describe("deriveProvenance", () => {
  it("reads source, revision, created, version and url from the index entry (kibana's real values)", () => {
    const labels = ociLabels("kibana:9.5.3");
    const facts = deriveFacts(
      input({ repository: "library/kibana", tag: "9.5.3", entryAnnotations: labels }),
      NOW,
    );
    const p = facts.provenance;
    assert.ok(p !== undefined);
    assert.equal(p.source?.value, "https://github.com/elastic/kibana");
    assert.equal(p.source?.evidence, "index entry annotation org.opencontainers.image.source");
    assert.equal(p.source?.fromLabel, false);
    assert.equal(p.revision?.value, "2169f1de4c917fce03905cc3110f3f523e2184d2");
    assert.equal(p.created?.value, "2026-09-01T14:33:18.580Z");
    assert.equal(p.version?.value, "9.5.3");
    assert.equal(p.url?.value, "https://www.elastic.co/products/kibana");
    assert.deepEqual(p.repository, { host: "github.com", path: "elastic/kibana" });
  });

  it("takes source, revision and created from config labels, marked as possibly the base's", () => {
    const p = deriveProvenance([], realdataRecord("archlinux:base-devel").labels);
    assert.ok(p !== undefined);
    assert.equal(p.source?.value, "https://gitlab.archlinux.org/archlinux/archlinux-docker");
    assert.equal(p.source?.fromLabel, true);
    assert.match(p.source?.evidence ?? "", /config label .*may describe the base image/);
    assert.equal(p.revision?.value, "34b87485162b028c8d957bdcd2674359d883cd21");
    assert.equal(p.created?.value, "2026-08-23T00:09:32+00:00");
    // A version or URL label is as often the base image's: not provenance.
    assert.equal(p.version, undefined);
    assert.equal(p.url, undefined);
  });

  it("does not call ubuntu's inherited version label mongo's version", () => {
    const labels = realdataRecord("mongo:8").labels;
    assert.equal(labels[Annotation.version], "24.04");
    assert.equal(deriveProvenance([], labels), undefined);
  });

  it("prefers the index entry over the manifest and the index", () => {
    const p = deriveProvenance(
      [
        { where: "index entry annotation", annotations: { [Annotation.revision]: "aaaaaaa" } },
        {
          where: "manifest annotation",
          annotations: { [Annotation.revision]: "bbbbbbb", [Annotation.version]: "2" },
        },
        { where: "index annotation", annotations: { [Annotation.version]: "3" } },
      ],
      {},
    );
    assert.equal(p?.revision?.value, "aaaaaaa");
    assert.equal(p?.version?.value, "2");
    assert.equal(p?.version?.evidence, "manifest annotation org.opencontainers.image.version");
  });

  it("keeps the base name (mariadb's real label) and a well-formed base digest (ubuntu:noble's real index digest)", () => {
    const baseDigest = realdataRecord("ubuntu:noble").indexDigest;
    const p = deriveProvenance(
      [
        {
          where: "index entry annotation",
          annotations: {
            [Annotation.baseName]: ociLabels("mariadb:latest")[Annotation.baseName] ?? "",
            [Annotation.baseDigest]: baseDigest,
          },
        },
      ],
      {},
    );
    assert.equal(p?.baseName?.value, "docker.io/library/ubuntu:noble");
    assert.equal(p?.baseDigest?.value, baseDigest);
  });

  it("drops hostile or malformed values instead of showing them", () => {
    const p = deriveProvenance(
      [
        {
          where: "index entry annotation",
          annotations: {
            [Annotation.source]: "https://github.com/a/b\u202e",
            [Annotation.revision]: "x".repeat(301),
            [Annotation.created]: "yesterday",
            [Annotation.baseDigest]: "sha256:notadigest",
            [Annotation.version]: "1.0\u0007",
          },
        },
      ],
      {},
    );
    assert.equal(p, undefined);
  });

  it("keeps attestation entries out of the platforms, even with a real-looking platform", () => {
    const i = input({ entryAnnotations: ociLabels("kibana:9.5.3") });
    const index = i.resolved.manifest;
    assert.ok("manifests" in index);
    index.manifests.push({
      mediaType: MediaType.ociManifest,
      digest: `sha256:${"4".repeat(64)}`,
      size: 500,
      platform: { os: "linux", architecture: "amd64" },
      annotations: { [Annotation.dockerReferenceType]: "attestation-manifest" },
    });
    const facts = deriveFacts(i, NOW);
    assert.deepEqual(
      facts.platforms.map((p) => `${p.os}/${p.architecture}`),
      ["linux/amd64", "linux/arm64"],
    );
  });
});

describe("parseSourceRepository", () => {
  it("reads a Docker Official Images source URL: repository, commit and directory", () => {
    // bashbrew writes GitRepo.git#GitCommit:Directory (docker-library/bashbrew).
    assert.deepEqual(
      parseSourceRepository(
        "https://github.com/docker-library/python.git#3f2a9c1b5d0e8f7a6c4b3a2918e7d6c5b4a39281:3.12/slim-trixie",
      ),
      {
        host: "github.com",
        path: "docker-library/python",
        ref: "3f2a9c1b5d0e8f7a6c4b3a2918e7d6c5b4a39281",
        directory: "3.12/slim-trixie",
      },
    );
    assert.deepEqual(parseSourceRepository(ociLabels("xwiki:latest")[Annotation.source] ?? ""), {
      host: "github.com",
      path: "xwiki/xwiki-docker",
    });
  });

  it("refuses what is not an http(s) repository URL", () => {
    for (const s of [
      "javascript:alert(1)",
      "git@github.com:a/b.git",
      "https://user:pw@github.com/a/b",
      "https://github.com/",
      "https://github.com/a/b)[x](y",
      "not a url",
    ])
      assert.equal(parseSourceRepository(s), undefined, s);
  });
});
