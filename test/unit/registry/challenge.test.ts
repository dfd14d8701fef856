import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseChallenges,
  pickChallenge,
  toBearerChallenge,
} from "../../../server/src/registry/auth/challenge";
import { pullScope, splitScopes } from "../../../server/src/registry/auth/scope";

describe("WWW-Authenticate parsing", () => {
  const cases: {
    name: string;
    header: string | string[];
    expected: { scheme: string; params: Record<string, string>; token68?: string }[];
  }[] = [
    {
      name: "Docker Hub on a repository path (renovate common.ts comment)",
      header:
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:library/python:pull",
          },
        },
      ],
    },
    {
      name: "Docker Hub on /v2/ (realm and service only)",
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://auth.docker.io/token", service: "registry.docker.io" },
        },
      ],
    },
    {
      name: "token.md example: a comma inside the quoted scope",
      header:
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:samalba/my-app:pull,push",
          },
        },
      ],
    },
    {
      name: "GHCR",
      header: 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:user/image:pull" },
        },
      ],
    },
    {
      name: "GCR",
      header:
        'Bearer realm="https://gcr.io/v2/token",service="gcr.io",scope="repository:google-containers/pause:pull"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://gcr.io/v2/token",
            service: "gcr.io",
            scope: "repository:google-containers/pause:pull",
          },
        },
      ],
    },
    {
      name: "ECR (Basic with a realm URL and a service)",
      header:
        'Basic realm="https://123456789012.dkr.ecr.eu-central-1.amazonaws.com/",service="ecr.amazonaws.com"',
      expected: [
        {
          scheme: "basic",
          params: {
            realm: "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com/",
            service: "ecr.amazonaws.com",
          },
        },
      ],
    },
    {
      name: "Quay",
      header: 'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
      expected: [{ scheme: "bearer", params: { realm: "https://quay.io/v2/auth", service: "quay.io" } }],
    },
    {
      name: "Azure Container Registry",
      header: 'Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://myregistry.azurecr.io/oauth2/token", service: "myregistry.azurecr.io" },
        },
      ],
    },
    {
      name: "Artifactory (Basic, realm is not a URL)",
      header: 'Basic realm="Artifactory Realm"',
      expected: [{ scheme: "basic", params: { realm: "Artifactory Realm" } }],
    },
    {
      name: "insufficient_scope from the CNCF registry",
      header:
        'Bearer realm="http://127.0.0.1:5001/token",service="test-registry",scope="repository:other:pull",error="insufficient_scope"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "http://127.0.0.1:5001/token",
            service: "test-registry",
            scope: "repository:other:pull",
            error: "insufficient_scope",
          },
        },
      ],
    },
    {
      name: "two challenges in one value (Codeberg / Forgejo)",
      header:
        'Bearer realm="https://codeberg.org/v2/token",service="container_registry",scope="*",Basic realm="https://codeberg.org/v2",service="container_registry",scope="*"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://codeberg.org/v2/token", service: "container_registry", scope: "*" },
        },
        {
          scheme: "basic",
          params: { realm: "https://codeberg.org/v2", service: "container_registry", scope: "*" },
        },
      ],
    },
    {
      name: "three challenges, one without parameters",
      header: 'Negotiate, Bearer realm="https://r.example/token",service="r", Basic realm="r"',
      expected: [
        { scheme: "negotiate", params: {} },
        { scheme: "bearer", params: { realm: "https://r.example/token", service: "r" } },
        { scheme: "basic", params: { realm: "r" } },
      ],
    },
    {
      name: "several header lines",
      header: ['Basic realm="a"', 'Bearer realm="https://b.example/token", service="b"'],
      expected: [
        { scheme: "basic", params: { realm: "a" } },
        { scheme: "bearer", params: { realm: "https://b.example/token", service: "b" } },
      ],
    },
    {
      name: "unquoted values, including a bare URL",
      header:
        "Bearer realm=https://auth.example.com/token,service=registry.example.com,scope=repository:a/b:pull",
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.example.com/token",
            service: "registry.example.com",
            scope: "repository:a/b:pull",
          },
        },
      ],
    },
    {
      name: "whitespace around = and commas, tabs",
      header: 'Bearer  realm = "https://x.example/token" ,\tservice= "x" ,scope ="repository:a:pull"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://x.example/token", service: "x", scope: "repository:a:pull" },
        },
      ],
    },
    {
      name: "escaped quotes and backslashes in a quoted value",
      header:
        'Bearer realm="https://x.example/token",error="invalid_token",error_description="the token \\"abc\\" expired \\\\ renew"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://x.example/token",
            error: "invalid_token",
            error_description: 'the token "abc" expired \\ renew',
          },
        },
      ],
    },
    {
      name: "scheme and parameter names are case-insensitive",
      header: 'BEARER Realm="https://x.example/token",SERVICE="x"',
      expected: [{ scheme: "bearer", params: { realm: "https://x.example/token", service: "x" } }],
    },
    {
      name: "token68 then another challenge",
      header: 'Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg==, Basic realm="r"',
      expected: [
        { scheme: "negotiate", params: {}, token68: "YIIBhwYGKwYBBQUCoIIBezCCAXeg==" },
        { scheme: "basic", params: { realm: "r" } },
      ],
    },
    {
      name: "stray commas are empty list elements",
      header: ',, Bearer realm="https://x.example/token",, service="x",,',
      expected: [{ scheme: "bearer", params: { realm: "https://x.example/token", service: "x" } }],
    },
    {
      name: "an empty quoted value",
      header: 'Bearer realm="https://renovate.com/v2/token",scope=""',
      expected: [{ scheme: "bearer", params: { realm: "https://renovate.com/v2/token", scope: "" } }],
    },
    {
      name: "the first of duplicated parameters wins",
      header: 'Bearer realm="https://first.example/token",realm="https://second.example/token"',
      expected: [{ scheme: "bearer", params: { realm: "https://first.example/token" } }],
    },
    {
      name: "an unterminated quoted value takes the rest",
      header: 'Bearer realm="https://x.example/token,service="x',
      expected: [{ scheme: "bearer", params: { realm: "https://x.example/token,service=" } }],
    },
    {
      name: "Harbor",
      header: 'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry"',
      expected: [
        {
          scheme: "bearer",
          params: { realm: "https://harbor.example.com/service/token", service: "harbor-registry" },
        },
      ],
    },
    {
      name: "GitLab",
      header:
        'Bearer realm="https://gitlab.com/jwt/auth",service="container_registry",scope="repository:group/project:pull"',
      expected: [
        {
          scheme: "bearer",
          params: {
            realm: "https://gitlab.com/jwt/auth",
            service: "container_registry",
            scope: "repository:group/project:pull",
          },
        },
      ],
    },
  ];

  for (const c of cases) {
    it(`parses ${c.name}`, () => {
      const got = parseChallenges(c.header).map((ch) =>
        ch.token68 === undefined ? { scheme: ch.scheme, params: ch.params } : ch,
      );
      assert.deepEqual(got, c.expected);
    });
  }

  it("returns nothing for a missing or empty header", () => {
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges(""), []);
    assert.deepEqual(parseChallenges("   "), []);
  });

  it("never throws on garbage", () => {
    for (const h of [
      '"',
      "=",
      "==,,==",
      'Bearer ="x"',
      "Bearer realm=",
      '\u0000Bearer realm="x"',
      "(){}[]",
      'Bearer realm="x" junk, service="y"',
    ]) {
      assert.doesNotThrow(() => parseChallenges(h), h);
    }
  });
});

describe("choosing and reading a challenge", () => {
  it("prefers Bearer over Basic and Negotiate", () => {
    const c = pickChallenge(
      parseChallenges('Negotiate, Basic realm="r", Bearer realm="https://t.example/token"'),
    );
    assert.equal(c?.scheme, "bearer");
  });

  it("falls back to Basic when Bearer has no realm", () => {
    const c = pickChallenge(parseChallenges('Bearer service="x", Basic realm="r"'));
    assert.equal(c?.scheme, "basic");
  });

  it("reads realm, service, scopes and error from a Bearer challenge", () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a:pull repository:b:pull,push",error="insufficient_scope"',
    );
    assert.ok(c);
    assert.deepEqual(toBearerChallenge(c), {
      realm: "https://auth.docker.io/token",
      service: "registry.docker.io",
      scopes: ["repository:a:pull", "repository:b:pull,push"],
      error: "insufficient_scope",
    });
  });

  it("has no Bearer challenge without a realm", () => {
    const [c] = parseChallenges('Bearer service="x"');
    assert.ok(c);
    assert.equal(toBearerChallenge(c), undefined);
  });

  it("splits scopes on whitespace only, keeping commas inside one scope", () => {
    assert.deepEqual(splitScopes(" repository:a:pull,push   repository:b:pull "), [
      "repository:a:pull,push",
      "repository:b:pull",
    ]);
    assert.deepEqual(splitScopes(undefined), []);
  });

  it("builds the pull scope of a repository", () => {
    assert.equal(pullScope("library/python"), "repository:library/python:pull");
  });
});
