import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MAX_ERROR_BODY_CHARS,
  RegistryError,
  fromNetworkError,
  parseErrorEnvelope,
  redactText,
  redactUrl,
  toResolveError,
} from "../../../server/src/registry/errors";
import type { ErrorContext } from "../../../server/src/registry/errors";

const envelope = (code: string, message = "m", detail?: unknown): string =>
  JSON.stringify({ errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
const ctx: ErrorContext = { subject: "python:3.12", host: "registry-1.docker.io", target: "manifest" };

describe("RegistryError from the distribution error envelope", () => {
  it("reads code, message and detail", () => {
    const e = new RegistryError({
      status: 401,
      method: "GET",
      url: "https://registry-1.docker.io/v2/samalba/my-app/manifests/latest",
      body: envelope("UNAUTHORIZED", "access to the requested resource is not authorized", [
        { Type: "repository", Name: "samalba/my-app", Action: "pull" },
      ]),
    });
    assert.equal(e.code, "UNAUTHORIZED");
    assert.equal(e.errors[0]?.message, "access to the requested resource is not authorized");
    assert.deepEqual(e.errors[0]?.detail, [{ Type: "repository", Name: "samalba/my-app", Action: "pull" }]);
    assert.equal(e.temporary, false);
    assert.match(
      e.describe(),
      /^GET https:\/\/registry-1\.docker\.io\/v2\/samalba\/my-app\/manifests\/latest: 401 UNAUTHORIZED: access/,
    );
  });

  it("knows which codes and statuses are temporary (ggcr's table)", () => {
    assert.equal(
      new RegistryError({ status: 429, method: "GET", url: "https://x/", body: envelope("TOOMANYREQUESTS") })
        .temporary,
      true,
    );
    assert.equal(
      new RegistryError({ status: 503, method: "GET", url: "https://x/", body: envelope("UNAVAILABLE") })
        .temporary,
      true,
    );
    assert.equal(new RegistryError({ status: 502, method: "GET", url: "https://x/" }).temporary, true);
    assert.equal(
      new RegistryError({ status: 404, method: "GET", url: "https://x/", body: envelope("MANIFEST_UNKNOWN") })
        .temporary,
      false,
    );
    assert.equal(
      new RegistryError({ status: 500, method: "GET", url: "https://x/", body: envelope("DENIED") })
        .temporary,
      false,
      "a code overrides the status",
    );
  });

  it("caps the body it keeps", () => {
    const e = new RegistryError({ status: 500, method: "GET", url: "https://x/", body: "x".repeat(100_000) });
    assert.ok(e.body.length <= MAX_ERROR_BODY_CHARS + 1);
  });

  it("redacts the URL it keeps", () => {
    const e = new RegistryError({
      status: 403,
      method: "GET",
      url: "https://user:pw@cdn.example/blob?X-Amz-Signature=abc&digest=sha256:1",
    });
    assert.equal(e.url, "https://REDACTED@cdn.example/blob?X-Amz-Signature=REDACTED&digest=sha256%3A1");
  });

  it("ignores bodies that are not an error envelope", () => {
    assert.deepEqual(parseErrorEnvelope("<html>502 Bad Gateway</html>"), []);
    assert.deepEqual(parseErrorEnvelope('{"detail":"Rate limit exceeded","error":false}'), []);
    assert.deepEqual(parseErrorEnvelope('{"errors":[{"message":"no code"},{"code":"denied"}]}'), [
      { code: "DENIED", message: "" },
    ]);
    assert.deepEqual(parseErrorEnvelope(""), []);
  });
});

describe("mapping registry answers to ResolveError", () => {
  const map = (status: number, body?: string, c: Partial<ErrorContext> = {}) =>
    toResolveError(
      new RegistryError({
        status,
        method: "GET",
        url: "https://registry-1.docker.io/v2/library/python/manifests/3.12",
        ...(body !== undefined ? { body } : {}),
      }),
      { ...ctx, ...c },
    );

  it("NAME_UNKNOWN → not-found repository", () => {
    const e = map(404, envelope("NAME_UNKNOWN", "repository name not known to registry"));
    assert.equal(e.kind, "not-found");
    assert.equal(e.kind === "not-found" && e.what, "repository");
    assert.equal(e.cause?.code, "NAME_UNKNOWN");
  });

  it("MANIFEST_UNKNOWN by tag → not-found tag; by digest → not-found digest", () => {
    const byTag = map(404, envelope("MANIFEST_UNKNOWN"));
    assert.equal(byTag.kind === "not-found" && byTag.what, "tag");
    const byDigest = map(404, envelope("MANIFEST_UNKNOWN"), { byDigest: true });
    assert.equal(byDigest.kind === "not-found" && byDigest.what, "digest");
  });

  it("BLOB_UNKNOWN → not-found digest", () => {
    const e = map(404, envelope("BLOB_UNKNOWN"), { target: "blob" });
    assert.equal(e.kind === "not-found" && e.what, "digest");
  });

  it("a 404 on a tag list means the repository", () => {
    const e = map(404, undefined, { target: "tags" });
    assert.equal(e.kind === "not-found" && e.what, "repository");
  });

  it("401 → unauthorized, telling the user to log in and that Hub hides missing repositories", () => {
    const e = map(401, envelope("UNAUTHORIZED", "authentication required"));
    assert.equal(e.kind, "unauthorized");
    assert.match(e.message, /docker login/);
    assert.match(e.message, /may not exist/);
  });

  it("adds the credential note to unauthorized", () => {
    const e = map(401, undefined, { credentialNote: "(the credential helper timed out)" });
    assert.match(e.message, /credential helper timed out/);
  });

  it("403 / DENIED → denied", () => {
    assert.equal(map(403, envelope("DENIED", "requested access to the resource is denied")).kind, "denied");
  });

  it("429 / TOOMANYREQUESTS → rate-limited with the reset time", () => {
    const resetAt = new Date(Date.UTC(2025, 0, 1, 18));
    const e = map(
      429,
      envelope(
        "TOOMANYREQUESTS",
        "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
      ),
      { rateLimitResetAt: resetAt },
    );
    assert.equal(e.kind, "rate-limited");
    assert.equal(e.kind === "rate-limited" && e.resetAt?.getTime(), resetAt.getTime());
    assert.match(e.message, /2025-01-01T18:00:00/);
    assert.match(e.message, /docker login/);
  });

  it("a bare 429 (Hub's anti-abuse limit, HEAD without body) is still rate-limited", () => {
    assert.equal(map(429).kind, "rate-limited");
  });

  it("5xx → network with the status", () => {
    const e = map(503, envelope("UNAVAILABLE", "service unavailable"));
    assert.equal(e.kind, "network");
    assert.equal(e.kind === "network" && e.status, 503);
  });

  it("anything else → bad-response unexpected-status", () => {
    const e = map(418);
    assert.equal(e.kind === "bad-response" && e.reason, "unexpected-status");
  });

  it("maps thrown transport errors by code", () => {
    const coded = (code: string): Error => Object.assign(new Error("x"), { code });
    assert.equal(fromNetworkError(coded("UND_ERR_CONNECT_TIMEOUT"), "h").kind, "timeout");
    const headers = fromNetworkError(coded("UND_ERR_HEADERS_TIMEOUT"), "h", { headersMs: 50 });
    assert.equal(headers.kind === "timeout" && headers.phase, "headers");
    assert.match(headers.message, /50 ms/);
    const body = fromNetworkError(coded("UND_ERR_BODY_TIMEOUT"), "h");
    assert.equal(body.kind === "timeout" && body.phase, "body");
    assert.equal(fromNetworkError(coded("ENOTFOUND"), "h").kind, "offline");
    assert.equal(fromNetworkError(coded("EAI_AGAIN"), "h").kind, "offline");
    assert.equal(fromNetworkError(coded("ECONNREFUSED"), "h").kind, "network");
    assert.equal(
      fromNetworkError(Object.assign(new Error("fetch failed"), { cause: coded("ECONNRESET") }), "h").kind,
      "network",
    );
    const truncated = fromNetworkError(coded("UND_ERR_RES_CONTENT_LENGTH_MISMATCH"), "h");
    assert.equal(truncated.kind === "bad-response" && truncated.reason, "truncated");
  });

  it("names a proxy that refused the tunnel, and its status, instead of UND_ERR_ABORTED", () => {
    // What undici's ProxyAgent throws when CONNECT is not answered with 200.
    const tunnel = (status: number): Error =>
      Object.assign(new Error(`Proxy response (${status}) !== 200 when HTTP Tunneling`), {
        code: "UND_ERR_ABORTED",
      });
    const refused = fromNetworkError(tunnel(403), "ghcr.io", undefined, "http://user:pw@proxy.corp:3128");
    assert.equal(refused.kind, "network");
    assert.equal(refused.kind === "network" && refused.status, 403);
    assert.equal(refused.kind === "network" && refused.proxy, "proxy.corp:3128");
    assert.equal(
      refused.message,
      "The proxy proxy.corp:3128 refused to connect FROM Lens to ghcr.io (HTTP 403). Check the proxy's rules, " +
        "or add ghcr.io to NO_PROXY / VS Code's `http.noProxy` if it should be reached directly.",
    );
    assert.ok(!refused.message.includes("pw"));
    const wants = fromNetworkError(tunnel(407), "ghcr.io", undefined, "https://proxy.corp");
    assert.match(wants.message, /^The proxy proxy\.corp wants credentials \(HTTP 407/);
    assert.ok(wants.message.includes("`https://user:password@proxy.corp`"), wants.message);
    // Without a proxy the same words are just an abort.
    assert.doesNotMatch(fromNetworkError(tunnel(407), "ghcr.io").message, /proxy proxy/);
  });
});

describe("secret redaction", () => {
  it("keeps protocol query parameters and hides the rest (ggcr's allow-list)", () => {
    assert.equal(
      redactUrl(
        "https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/python:pull&account=bob&password=hunter2",
      ),
      "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpython%3Apull&account=REDACTED&password=REDACTED",
    );
    assert.equal(redactUrl("not a url"), "<invalid url>");
  });

  it("removes Authorization values, token fields and URL credentials from text", () => {
    const text = [
      "authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
      "Authorization: Basic dXNlcjpwYXNz",
      '{"token":"abc.def.ghi","access_token":"abc.def.ghi","expires_in":300}',
      '{"Username":"bob","Secret":"hunter2"}',
      "proxy http://alice:s3cret@proxy.example:3128",
      "POST body refresh_token=rt-123&grant_type=refresh_token",
    ].join("\n");
    const out = redactText(text);
    for (const secret of [
      "eyJhbGciOiJSUzI1NiJ9",
      "dXNlcjpwYXNz",
      "abc.def.ghi",
      "hunter2",
      "s3cret",
      "rt-123",
    ]) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
    assert.match(out, /expires_in":300/);
  });

  it("removes known secrets wherever they appear", () => {
    assert.equal(redactText("the password is p4ssw0rd-xyz!", ["p4ssw0rd-xyz"]), "the password is REDACTED!");
  });
});
