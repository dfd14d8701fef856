import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import type { FactsInput } from "../../../server/src/facts/input";
import { AMD64_DIGEST, ARM64_DIGEST, INDEX_DIGEST, NOW, config, input } from "./helpers";

const PYTHON = {
  repository: "library/python",
  tag: "3.12-slim",
  history: [
    "# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'",
    "ENV PYTHON_VERSION=3.12.8",
    'CMD ["python3"]',
  ],
  env: { PYTHON_VERSION: "3.12.8", LANG: "C.UTF-8" },
};

function withHub(i: FactsInput): FactsInput {
  return {
    ...i,
    hub: {
      tag: {
        name: "3.12-slim",
        digest: INDEX_DIGEST,
        lastPushed: "2026-11-20T08:00:00.000000Z",
        images: [{ architecture: "arm64", variant: "v8", digest: ARM64_DIGEST, size: 42_000_000 }],
      },
      tags: [
        { name: "3.12-slim", digest: INDEX_DIGEST },
        { name: "3-slim", digest: INDEX_DIGEST },
        { name: "3.12.8-slim-bookworm", digest: INDEX_DIGEST },
        { name: "3.11-slim", digest: `sha256:${"9".repeat(64)}` },
      ],
    },
  };
}

describe("deriveFacts", () => {
  it("combines platforms, base OS, libc, runtime, trust, aliases and variants for python:3.12-slim", () => {
    const facts = deriveFacts(withHub(input(PYTHON)), NOW);
    assert.equal(facts.indexDigest, INDEX_DIGEST);
    assert.equal(facts.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(
      facts.platforms.map(
        (p) => `${p.os}/${p.architecture}${p.variant === undefined ? "" : `/${p.variant}`}`,
      ),
      ["linux/amd64", "linux/arm64/v8"],
    );
    assert.equal(facts.platforms[1]?.size, 42_000_000);
    assert.equal(facts.describedPlatform?.digest, AMD64_DIGEST);
    assert.equal(facts.describedPlatform?.created, "2026-08-01T10:00:00Z");

    assert.equal(facts.os.status, "known");
    if (facts.os.status === "known") {
      assert.equal(
        `${facts.os.distro} ${facts.os.version ?? ""} ${facts.os.codename ?? ""}`,
        "debian 12 bookworm",
      );
      assert.equal(facts.os.eol, "2028-06-30");
      assert.equal(facts.os.eolStatus, "supported");
      assert.match(facts.os.eolNote ?? "", /Debian LTS/);
    }
    assert.equal(facts.libc.value, "glibc");
    assert.deepEqual(facts.runtimes, [
      { name: "python", version: "3.12.8", evidence: "config Env PYTHON_VERSION=3.12.8" },
    ]);
    assert.equal(facts.trust.level, "official");
    assert.deepEqual(
      facts.aliases.map((a) => a.tag),
      ["3.12.8-slim-bookworm", "3-slim"],
    );
    assert.equal(facts.pushedAt, "2026-11-20T08:00:00.000000Z");
    assert.deepEqual(
      facts.tagVariants.map((v) => v.kind),
      ["slim"],
    );
    assert.equal(facts.resolvedAt, NOW.toISOString());
    assert.equal(facts.source, "network");
  });

  it("judges EOL against the given now, never the clock", () => {
    const later = deriveFacts(input(PYTHON), new Date("2028-05-01T00:00:00Z"));
    const after = deriveFacts(input(PYTHON), new Date("2028-07-01T00:00:00Z"));
    assert.equal(later.os.status === "known" ? later.os.eolStatus : "", "eol-soon");
    assert.equal(after.os.status === "known" ? after.os.eolStatus : "", "eol");
  });

  it("passes through source and resolvedAt for cached facts", () => {
    const facts = deriveFacts(
      { ...input(PYTHON), source: "stale-cache", resolvedAt: "2026-11-01T00:00:00Z" },
      NOW,
    );
    assert.equal(facts.source, "stale-cache");
    assert.equal(facts.resolvedAt, "2026-11-01T00:00:00Z");
  });

  it("describes the wanted platform from its own config", () => {
    const i = input(PYTHON);
    i.platform = { os: "linux", architecture: "arm64" };
    i.configs = {
      ...i.configs,
      [ARM64_DIGEST]: config({
        history: ["ADD alpine-minirootfs-3.20.3-aarch64.tar.gz / # buildkit"],
        env: { PYTHON_VERSION: "3.12.7" },
      }),
    };
    const facts = deriveFacts(i, NOW);
    assert.equal(facts.describedPlatform?.digest, ARM64_DIGEST);
    assert.equal(facts.os.status === "known" ? facts.os.distro : "", "alpine");
    assert.equal(facts.runtimes[0]?.version, "3.12.7");
  });

  it("still reads the tag when no config was fetched", () => {
    const i: FactsInput = { ...input({ repository: "library/golang", tag: "1.25-alpine3.22" }), configs: {} };
    const facts = deriveFacts(i, NOW);
    assert.equal(
      facts.os.status === "known" ? `${facts.os.distro} ${facts.os.version ?? ""}` : "",
      "alpine 3.22",
    );
    assert.equal(facts.libc.value, "musl");
    assert.deepEqual(facts.runtimes, []);
  });

  it("keeps the index's own description, on one line, and none when it has none", () => {
    const i = input(PYTHON);
    const described: FactsInput = {
      ...i,
      resolved: {
        ...i.resolved,
        manifest: {
          ...i.resolved.manifest,
          annotations: { "org.opencontainers.image.description": "  A sample image:\n  not the real one. " },
        },
      },
    };
    assert.equal(deriveFacts(described, NOW).description, "A sample image: not the real one.");
    assert.equal(deriveFacts(i, NOW).description, undefined);
  });

  it("marks images from a trusted registry", () => {
    const i: FactsInput = {
      ...input({ registry: "ghcr.io", repository: "my-org/app", tag: "1.0" }),
      settings: { trustedRegistries: ["ghcr.io/my-org"] },
    };
    const facts = deriveFacts(i, NOW);
    assert.equal(facts.trust.trustedBySettings, true);
    assert.equal(facts.trust.level, "unknown");
  });

  it("gives every derived fact evidence", () => {
    const facts = deriveFacts(withHub(input(PYTHON)), NOW);
    for (const e of [
      facts.os.evidence,
      facts.libc.evidence,
      facts.trust.evidence,
      ...facts.runtimes.map((r) => r.evidence),
      ...facts.aliases.map((a) => a.evidence),
    ]) {
      assert.ok(e.length > 10, e);
    }
  });
});
