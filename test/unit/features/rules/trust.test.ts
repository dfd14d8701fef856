/** untrusted-source: images no Docker programme vouches for, outside fromLens.trustedRegistries. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { deriveFacts } from "../../../../server/src/facts/derive";
import type { ImageFacts } from "../../../../server/src/facts/types";
import { untrustedSource } from "../../../../server/src/features/rules/untrustedSource";
import type { Lookup } from "../../../../server/src/resolver/types";
import { NOW, hubFixture, itBoth, realFactsWithHub, realInput, resolved, settingsFrom } from "../fixtures";
import { run } from "./helpers";

/**
 * Facts for a repository with its test/fixtures/hub badge (invented repositories there: someuser,
 * examplecorp, exampleoss). The documents are python:3.12-slim's (realdata); only trust matters.
 */
function factsFor(registry: string, repository: string, tag: string): ImageFacts {
  const input = realInput("python:3.12-slim");
  input.reference = { registry, repository, tag };
  if (registry === "docker.io") input.hub = hubFixture(repository, tag);
  return deriveFacts(input, NOW);
}

const LOOKUPS: Record<string, Lookup> = {
  "someuser/webapp:1.0": resolved("someuser/webapp:1.0", factsFor("docker.io", "someuser/webapp", "1.0")),
  "examplecorp/webserver:1.0": resolved(
    "examplecorp/webserver:1.0",
    factsFor("docker.io", "examplecorp/webserver", "1.0"),
  ),
  "exampleoss/toolkit:1.0": resolved(
    "exampleoss/toolkit:1.0",
    factsFor("docker.io", "exampleoss/toolkit", "1.0"),
  ),
  "ghcr.io/acme/app:1": resolved("ghcr.io/acme/app:1", factsFor("ghcr.io", "acme/app", "1")),
  "python:3.12-slim": resolved("python:3.12-slim", realFactsWithHub("python:3.12-slim")),
};

describe("untrusted-source", () => {
  itBoth(
    "flags community images and unlisted registries, saying what to add to the setting",
    "FROM someuser/webapp:1.0\nFROM ghcr.io/acme/app:1\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, untrustedSource).map((f) => f.finding.message),
        [
          "someuser/webapp is a community image on Docker Hub: no Docker programme (Official Image, Verified " +
            "Publisher, Sponsored OSS) vouches for its publisher, and fromLens.trustedRegistries does not list it. " +
            "Anyone can publish such images; check who maintains it before building on it, then add " +
            "docker.io/someuser to fromLens.trustedRegistries.",
          "ghcr.io/acme/app is from ghcr.io, which no Docker programme covers, and fromLens.trustedRegistries does " +
            "not list it. Anyone can publish such images; check who maintains it before building on it, then add " +
            "ghcr.io/acme to fromLens.trustedRegistries.",
        ],
      );
    },
  );

  itBoth(
    "stays quiet for Official, Verified Publisher and Sponsored OSS images, and before facts land",
    "FROM python:3.12-slim\nFROM examplecorp/webserver:1.0\nFROM exampleoss/toolkit:1.0\nFROM other/thing:2\n",
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, untrustedSource), []),
  );

  itBoth(
    "stays quiet for what fromLens.trustedRegistries lists, read from the current settings",
    "FROM someuser/webapp:1.0\nFROM ghcr.io/acme/app:1\n",
    { lookups: LOOKUPS, settings: settingsFrom({ trustedRegistries: ["docker.io/someuser", "ghcr.io"] }) },
    (c) => assert.deepEqual(run(c, untrustedSource), []),
  );
});
