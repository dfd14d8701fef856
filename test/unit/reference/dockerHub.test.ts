import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDockerHub as isHubForTrust, matchTrustedRegistry } from "../../../server/src/facts/trust";
import { normalisePattern } from "../../../server/src/features/rules/disallowedImage";
import { apiHost, dockerHubHost, loginCommand, parseReference } from "../../../server/src/reference";
import { DOCKER_HUB_CONFIG_KEY, configKeyFor } from "../../../server/src/registry/credentials";

describe("Docker Hub host names", () => {
  it("names each Docker Hub host's role, and no other host's", () => {
    assert.equal(dockerHubHost("docker.io"), "name");
    assert.equal(dockerHubHost("index.docker.io"), "name");
    assert.equal(dockerHubHost("registry-1.docker.io"), "registry-api");
    assert.equal(dockerHubHost("registry.hub.docker.com"), "legacy-registry");
    assert.equal(dockerHubHost("auth.docker.io"), "service");
    assert.equal(dockerHubHost("hub.docker.com"), "service");
    for (const other of [
      "ghcr.io",
      "docker.io.evil.example",
      "mirror.gcr.io",
      "127.0.0.1:5000",
      "constructor",
    ])
      assert.equal(dockerHubHost(other), undefined, other);
    // References keep their case, as distribution/reference does: callers lower-case settings.
    assert.equal(dockerHubHost("Index.Docker.io"), undefined);
  });

  it("normalises only Docker Hub's names to docker.io, and sends their API to registry-1.docker.io", () => {
    const registry = (text: string) => {
      const r = parseReference(text);
      return r.ok ? r.value.registry : undefined;
    };
    assert.equal(registry("index.docker.io/python"), "docker.io");
    assert.equal(registry("registry-1.docker.io/python"), "registry-1.docker.io");
    assert.equal(registry("registry.hub.docker.com/library/python"), "registry.hub.docker.com");
    assert.equal(apiHost("docker.io"), "registry-1.docker.io");
    assert.equal(apiHost("index.docker.io"), "registry-1.docker.io");
    assert.equal(apiHost("registry.hub.docker.com"), "registry.hub.docker.com");
  });

  it("keeps Docker Hub's credentials under the docker CLI's key for its names and API host only", () => {
    for (const h of ["docker.io", "Index.Docker.io", "registry-1.docker.io"])
      assert.equal(configKeyFor(h), DOCKER_HUB_CONFIG_KEY, h);
    assert.equal(configKeyFor("registry.hub.docker.com"), "registry.hub.docker.com");
    assert.equal(configKeyFor("hub.docker.com"), "hub.docker.com");
  });

  it("gives Docker Hub's trust and policy patterns to its registry names, not its web services", () => {
    for (const h of ["docker.io", "index.docker.io", "registry-1.docker.io", "Registry.Hub.Docker.com"])
      assert.ok(isHubForTrust(h), h);
    assert.ok(!isHubForTrust("hub.docker.com"));
    assert.ok(!isHubForTrust("ghcr.io"));
    assert.equal(
      matchTrustedRegistry("docker.io", "acme/app", ["https://Index.Docker.io/acme"]),
      "https://Index.Docker.io/acme",
    );
    assert.equal(normalisePattern("registry.hub.docker.com/python"), "docker.io/library/python");
    assert.equal(normalisePattern("hub.docker.com/python"), "hub.docker.com/python");
  });

  it("asks for a plain `docker login` wherever the credentials are Docker Hub's", () => {
    for (const h of ["docker.io", "registry-1.docker.io", "auth.docker.io", "hub.docker.com"])
      assert.equal(loginCommand(h), "docker login", h);
    assert.equal(loginCommand("registry.hub.docker.com"), "docker login registry.hub.docker.com");
    assert.equal(loginCommand("ghcr.io"), "docker login ghcr.io");
  });
});
