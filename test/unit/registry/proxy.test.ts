import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bypassesProxy, isLoopbackHost, proxyFor } from "../../../server/src/registry/proxy";

const u = (s: string): URL => new URL(s);

describe("NO_PROXY matching (Go httpproxy rules)", () => {
  const cases: [string, string, boolean][] = [
    // [NO_PROXY, URL, bypasses?]
    ["", "https://registry-1.docker.io/v2/", false],
    ["*", "https://registry-1.docker.io/v2/", true],
    ["docker.io", "https://docker.io/v2/", true],
    ["docker.io", "https://registry-1.docker.io/v2/", true],
    ["docker.io", "https://notdocker.io/v2/", false],
    [".docker.io", "https://registry-1.docker.io/v2/", true],
    [".docker.io", "https://docker.io/v2/", false],
    ["*.docker.io", "https://auth.docker.io/token", true],
    ["*.docker.io", "https://docker.io/", false],
    ["ghcr.io:443", "https://ghcr.io/v2/", true],
    ["ghcr.io:8443", "https://ghcr.io/v2/", false],
    ["registry.local:5000", "http://registry.local:5000/v2/", true],
    ["registry.local:5000", "http://registry.local:5001/v2/", false],
    ["10.0.0.5", "http://10.0.0.5:5000/v2/", true],
    ["10.0.0.0/8", "http://10.1.2.3:5000/v2/", true],
    ["10.0.0.0/8", "http://11.1.2.3:5000/v2/", false],
    ["192.168.0.0/16", "https://registry.example/", false],
    ["fd00::/8", "http://[fd12::1]:5000/v2/", true],
    ["[2001:db8::1]:5000", "http://[2001:db8::1]:5000/", true],
    ["a.example, b.example ,C.EXAMPLE", "https://c.example/", true],
    ["a.example b.example", "https://b.example/", true],
    // Loopback is never proxied, whatever NO_PROXY says.
    ["", "http://127.0.0.1:5000/v2/", true],
    ["", "http://localhost:5000/v2/", true],
    ["", "http://[::1]:5000/v2/", true],
  ];
  for (const [noProxy, url, expected] of cases) {
    it(`${expected ? "bypasses" : "proxies"} ${url} with NO_PROXY=${JSON.stringify(noProxy)}`, () => {
      assert.equal(bypassesProxy(u(url), noProxy), expected);
    });
  }
});

describe("choosing the proxy", () => {
  it("uses HTTPS_PROXY for https and HTTP_PROXY for http", () => {
    const env = { HTTPS_PROXY: "http://secure-proxy:3128", HTTP_PROXY: "http://plain-proxy:3128" };
    assert.equal(proxyFor(u("https://ghcr.io/v2/"), { env }), "http://secure-proxy:3128");
    assert.equal(proxyFor(u("http://registry.lan:5000/v2/"), { env }), "http://plain-proxy:3128");
  });

  it("reads the lower-case variables too, upper case first", () => {
    assert.equal(
      proxyFor(u("https://ghcr.io/"), { env: { https_proxy: "http://lower:1" } }),
      "http://lower:1",
    );
    assert.equal(
      proxyFor(u("https://ghcr.io/"), {
        env: { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" },
      }),
      "http://upper:1",
    );
  });

  it("prefers the editor's proxy setting over the environment", () => {
    assert.equal(
      proxyFor(u("https://ghcr.io/"), {
        proxy: "http://vscode-proxy:8080",
        env: { HTTPS_PROXY: "http://env:1" },
      }),
      "http://vscode-proxy:8080",
    );
  });

  it("applies NO_PROXY and the editor's noProxy list to every proxy source", () => {
    assert.equal(
      proxyFor(u("https://ghcr.io/"), { proxy: "http://p:1", env: { NO_PROXY: "ghcr.io" } }),
      undefined,
    );
    assert.equal(
      proxyFor(u("https://ghcr.io/"), { proxy: "http://p:1", noProxy: ["ghcr.io"], env: {} }),
      undefined,
    );
    assert.equal(
      proxyFor(u("https://quay.io/"), { proxy: "http://p:1", noProxy: ["ghcr.io"], env: {} }),
      "http://p:1",
    );
  });

  it("adds http:// to a proxy given without a scheme", () => {
    assert.equal(
      proxyFor(u("https://ghcr.io/"), { env: { HTTPS_PROXY: "proxy.corp:3128" } }),
      "http://proxy.corp:3128",
    );
  });

  it("connects directly when no proxy is configured", () => {
    assert.equal(proxyFor(u("https://ghcr.io/"), { env: {} }), undefined);
  });

  it("knows loopback hosts", () => {
    for (const h of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "registry.localhost"])
      assert.equal(isLoopbackHost(h), true, h);
    for (const h of ["10.0.0.1", "example.com", "::2", "localhost.example.com"])
      assert.equal(isLoopbackHost(h), false, h);
  });
});
