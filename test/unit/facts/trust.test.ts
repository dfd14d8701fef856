import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveTrust, matchTrustedRegistry } from "../../../server/src/facts/trust";

describe("trust", () => {
  it("calls library/ images Docker Official Images", () => {
    const t = deriveTrust({ registry: "docker.io", repository: "library/python" });
    assert.equal(t.level, "official");
    assert.equal(t.trustedBySettings, false);
    assert.match(t.evidence, /library\/ namespace/);
  });

  it("reads Verified Publisher and Sponsored OSS from the Hub search badge", () => {
    assert.equal(
      deriveTrust({
        registry: "docker.io",
        repository: "bitnami/redis",
        hub: { badge: "verified_publisher" },
      }).level,
      "verified-publisher",
    );
    const oss = deriveTrust({
      registry: "docker.io",
      repository: "grafana/grafana",
      hub: { badge: "open_source" },
    });
    assert.equal(oss.level, "sponsored-oss");
    assert.match(oss.evidence, /Sponsored OSS/);
  });

  it("calls a Hub image without a badge community, and unknown when the badge was not looked up", () => {
    assert.equal(
      deriveTrust({ registry: "docker.io", repository: "someone/tool", hub: { badge: "none" } }).level,
      "community",
    );
    assert.equal(
      deriveTrust({ registry: "docker.io", repository: "someone/tool", hub: { badge: null } }).level,
      "community",
    );
    const t = deriveTrust({ registry: "docker.io", repository: "someone/tool" });
    assert.equal(t.level, "unknown");
    assert.match(t.evidence, /did not say which trust badge/);
  });

  it("reads a badge Hub may add later as unknown, naming it", () => {
    const t = deriveTrust({
      registry: "docker.io",
      repository: "someone/tool",
      hub: { badge: "docker_sponsored" },
    });
    assert.equal(t.level, "unknown");
    assert.match(t.evidence, /badge "docker_sponsored" for someone\/tool, which FROM Lens does not know/);
  });

  it("has no badge for other registries and says how to trust them", () => {
    const t = deriveTrust({ registry: "ghcr.io", repository: "my-org/app" });
    assert.equal(t.level, "unknown");
    assert.equal(t.trustedBySettings, false);
    assert.match(t.evidence, /fromLens\.trustedRegistries/);
  });

  it("marks references covered by trustedRegistries, by host or host/namespace prefix", () => {
    const t = deriveTrust({
      registry: "ghcr.io",
      repository: "my-org/app",
      trustedRegistries: ["ghcr.io/my-org"],
    });
    assert.equal(t.trustedBySettings, true);
    assert.match(t.evidence, /trusted by your setting fromLens\.trustedRegistries \("ghcr\.io\/my-org"\)/);
    assert.equal(
      matchTrustedRegistry("registry.example.com:5000", "team/app", ["registry.example.com:5000"]),
      "registry.example.com:5000",
    );
  });

  it("matches whole path segments only", () => {
    assert.equal(matchTrustedRegistry("ghcr.io", "my-organisation/app", ["ghcr.io/my-org"]), undefined);
    assert.equal(matchTrustedRegistry("ghcr.io.evil.example", "x/y", ["ghcr.io"]), undefined);
  });

  it("treats Docker Hub's host names alike and ignores a scheme or trailing slash", () => {
    assert.equal(
      matchTrustedRegistry("docker.io", "bitnami/redis", ["https://index.docker.io/bitnami/"]),
      "https://index.docker.io/bitnami/",
    );
    assert.equal(
      matchTrustedRegistry("docker.io", "bitnami/redis", ["registry-1.docker.io"]),
      "registry-1.docker.io",
    );
  });
});

describe("trust of what a registry mirror served", () => {
  const digest = `sha256:${"ab".repeat(32)}`;
  it("claims no Hub trust level for an unchecked mirror's answer", () => {
    const t = deriveTrust({
      registry: "docker.io",
      repository: "library/python",
      mirror: { host: "mirror.example", digest },
    });
    assert.equal(t.level, "unknown");
    assert.deepEqual(t.mirror, { host: "mirror.example", checkedAgainstHub: false });
    assert.match(t.evidence, /Served by mirror mirror\.example, not checked against Docker Hub/);
  });

  it("keeps it when Docker Hub's tag data names the same digest, and not when it names another", () => {
    const checked = deriveTrust({
      registry: "docker.io",
      repository: "library/python",
      hub: { tag: { name: "3.12", digest } },
      mirror: { host: "mirror.example", digest },
    });
    assert.equal(checked.level, "official");
    assert.deepEqual(checked.mirror, { host: "mirror.example", checkedAgainstHub: true });
    const other = deriveTrust({
      registry: "docker.io",
      repository: "bitnami/redis",
      hub: { badge: "verified_publisher", tag: { name: "7", digest: `sha256:${"cd".repeat(32)}` } },
      mirror: { host: "mirror.example", digest },
    });
    assert.equal(other.level, "unknown");
    assert.match(other.evidence, /Docker Hub names another digest/);
  });
});
