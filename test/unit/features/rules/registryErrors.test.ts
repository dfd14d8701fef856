/**
 * unauthorized, auth-misconfigured, rate-limited and registry-unreachable: one diagnostic per
 * reference, in the registry error's own words, plus what FROM Lens still shows from its cache.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { authMisconfigured } from "../../../../server/src/features/rules/authMisconfigured";
import { rateLimited } from "../../../../server/src/features/rules/rateLimited";
import { registryUnreachable } from "../../../../server/src/features/rules/registryUnreachable";
import { unauthorized } from "../../../../server/src/features/rules/unauthorized";
import { unknownDigest } from "../../../../server/src/features/rules/unknownDigest";
import { unknownRepository } from "../../../../server/src/features/rules/unknownRepository";
import { unknownTag } from "../../../../server/src/features/rules/unknownTag";
import {
  RegistryError,
  cancelledError,
  fromNetworkError,
  rateLimitedError,
  timeoutError,
  toResolveError,
  tokenRealmNotFoundError,
} from "../../../../server/src/registry/errors";
import type { Lookup } from "../../../../server/src/resolver/types";
import { HOUR, NOW, failed, fresh, itBoth, pythonSlimFacts, resolved, settingsFrom } from "../fixtures";
import { run } from "./helpers";

const HUB = "registry-1.docker.io";

function http(status: number, url: string, body = ""): RegistryError {
  return new RegistryError({ status, method: "HEAD", url, body });
}

const UNAUTHORIZED = toResolveError(
  http(
    401,
    "https://registry-1.docker.io/v2/someuser/private/manifests/1.0",
    '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
  ),
  { subject: "docker.io/someuser/private:1.0", host: HUB, target: "manifest" },
);
const DENIED = toResolveError(http(403, "https://ghcr.io/v2/acme/app/manifests/1"), {
  subject: "ghcr.io/acme/app:1",
  host: "ghcr.io",
  target: "manifest",
});
const REALM_404 = tokenRealmNotFoundError(
  "registry.corp.example",
  new URL("https://auth.corp.example/v2/token?account=ci"),
  404,
);
const RESET = new Date(NOW.getTime() + 2 * HOUR);
const RATE_LIMITED = rateLimitedError(HUB, RESET);
const CACHED = resolved("python:3.12-slim", pythonSlimFacts(), { freshness: fresh(3 * HOUR) });

const LOOKUPS: Record<string, Lookup> = {
  "someuser/private:1.0": failed(UNAUTHORIZED),
  "ghcr.io/acme/app:1": failed(DENIED),
  "python:3.12-slim": failed(RATE_LIMITED, { previous: CACHED }),
  "nginx:1.27": failed(RATE_LIMITED),
  "registry.corp.example/base/debian:12": failed(
    fromNetworkError({ code: "ENOTFOUND" }, "registry.corp.example"),
  ),
  "quay.io/acme/tool:2": failed(timeoutError("headers", "quay.io", 10_000)),
  "alpine:3.22": failed(cancelledError(HUB)),
  "registry.corp.example/team/app:2": failed(REALM_404),
};

describe("unauthorized", () => {
  itBoth(
    "says the registry wants credentials, in plain words",
    "FROM someuser/private:1.0\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, unauthorized);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "someuser/private:1.0");
      assert.equal(
        found?.finding.message,
        "FROM Lens cannot read this image: registry-1.docker.io asks for credentials to read " +
          "docker.io/someuser/private:1.0 (HTTP 401). The image may be private, or the repository may not exist " +
          "(Docker Hub answers 401 for both). Log in with `docker login` or check the name. FROM Lens uses the same " +
          "credentials as the docker CLI.",
      );
    },
  );

  itBoth("covers refused credentials (403)", "FROM ghcr.io/acme/app:1\n", { lookups: LOOKUPS }, (c) => {
    assert.match(
      run(c, unauthorized)[0]?.finding.message ?? "",
      /ghcr\.io refused access to ghcr\.io\/acme\/app:1 \(HTTP 403\)/,
    );
  });
});

describe("auth-misconfigured", () => {
  itBoth(
    "says the registry's token server is misconfigured, naming the realm host, not that the image is missing",
    "FROM registry.corp.example/team/app:2\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, authMisconfigured);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "registry.corp.example/team/app:2");
      assert.equal(
        found?.finding.message,
        "FROM Lens could not look this image up: The token server auth.corp.example, where registry.corp.example " +
          "sends clients for a token, answered HTTP 404 (not found) at https://auth.corp.example/v2/token: the " +
          "registry's authentication is misconfigured, so FROM Lens cannot tell whether the image exists. This is " +
          "a problem on the registry's side (or of a proxy in between); tell its administrator.",
      );
      for (const rule of [unknownRepository, unknownTag, unknownDigest, unauthorized, registryUnreachable])
        assert.deepEqual(run(c, rule), [], rule.code);
    },
  );
});

describe("rate-limited", () => {
  itBoth(
    "says when FROM Lens asks again, and what it shows from the cache",
    "FROM python:3.12-slim\nFROM nginx:1.27\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, rateLimited).map((f) => f.finding.message),
        [
          `registry-1.docker.io rate limit reached (HTTP 429): FROM Lens stops asking it until ${RESET.toISOString()}. ` +
            "Logging in (`docker login`) raises Docker Hub's pull limit; a registry mirror avoids it. FROM Lens " +
            "shows what it cached 3 h ago.",
          `registry-1.docker.io rate limit reached (HTTP 429): FROM Lens stops asking it until ${RESET.toISOString()}. ` +
            "Logging in (`docker login`) raises Docker Hub's pull limit; a registry mirror avoids it.",
        ],
      );
    },
  );
});

describe("registry-unreachable", () => {
  itBoth(
    "reports unreachable hosts and timeouts once per reference; never a cancelled request",
    "FROM registry.corp.example/base/debian:12\nFROM quay.io/acme/tool:2\nFROM alpine:3.22\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, registryUnreachable).map((f) => f.finding.message),
        [
          "FROM Lens could not look this image up: Cannot reach registry.corp.example (ENOTFOUND): you may be " +
            "offline, behind a proxy FROM Lens does not know about, or the registry name is wrong.",
          "FROM Lens could not look this image up: quay.io is not answering (no response after 10000 ms). " +
            "It may be down, or the network may drop what is sent to it.",
        ],
      );
    },
  );

  itBoth(
    "in offline mode, stays quiet about images not in the cache (the status bar says offline, once)",
    "FROM registry.corp.example/base/debian:12\n",
    { lookups: LOOKUPS, settings: settingsFrom({ offline: true }) },
    (c) => {
      assert.deepEqual(run(c, registryUnreachable), []);
    },
  );

  itBoth(
    "the three rules never report the same reference, nor stages, scratch or unresolved ones",
    "FROM someuser/private:1.0 AS a\nFROM a\nFROM scratch\nFROM python:3.12-slim\nFROM ubuntu:noble\n",
    { lookups: LOOKUPS },
    (c) => {
      const lines = [unauthorized, rateLimited, registryUnreachable].flatMap((rule) =>
        run(c, rule).map((f) => f.finding.range.start.line),
      );
      assert.deepEqual(lines, [0, 3]);
    },
  );
});
