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
 * Facts for a repository with the badge Docker Hub's recorded search answers give it
 * (../shared/hub-recordings: ebusinessdocker/disney none, airbyte/source-gmail Verified Publisher,
 * athenz/athenz Sponsored OSS). The documents are python:3.12-slim's (realdata); only trust matters.
 */
function factsFor(registry: string, repository: string, tag: string): ImageFacts {
  const input = realInput("python:3.12-slim");
  input.reference = { registry, repository, tag };
  if (registry === "docker.io") input.hub = hubFixture(repository, tag);
  return deriveFacts(input, NOW);
}

const LOOKUPS: Record<string, Lookup> = {
  "ebusinessdocker/disney:latest": resolved(
    "ebusinessdocker/disney:latest",
    factsFor("docker.io", "ebusinessdocker/disney", "latest"),
  ),
  "airbyte/source-gmail:1.0": resolved(
    "airbyte/source-gmail:1.0",
    factsFor("docker.io", "airbyte/source-gmail", "1.0"),
  ),
  "athenz/athenz:1.0": resolved("athenz/athenz:1.0", factsFor("docker.io", "athenz/athenz", "1.0")),
  "ghcr.io/acme/app:1": resolved("ghcr.io/acme/app:1", factsFor("ghcr.io", "acme/app", "1")),
  "python:3.12-slim": resolved("python:3.12-slim", realFactsWithHub("python:3.12-slim")),
};

describe("untrusted-source", () => {
  itBoth(
    "flags community images and unlisted registries, saying what to add to the setting",
    "FROM ebusinessdocker/disney:latest\nFROM ghcr.io/acme/app:1\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, untrustedSource).map((f) => f.finding.message),
        [
          "ebusinessdocker/disney is a community image on Docker Hub: no Docker programme (Official Image, Verified " +
            "Publisher, Sponsored OSS) vouches for its publisher, and fromLens.trustedRegistries does not list it. " +
            "Anyone can publish such images; check who maintains it before building on it, then add " +
            "docker.io/ebusinessdocker to fromLens.trustedRegistries.",
          "ghcr.io/acme/app is from ghcr.io, which no Docker programme covers, and fromLens.trustedRegistries does " +
            "not list it. Anyone can publish such images; check who maintains it before building on it, then add " +
            "ghcr.io/acme to fromLens.trustedRegistries.",
        ],
      );
    },
  );

  itBoth(
    "stays quiet for Official, Verified Publisher and Sponsored OSS images, and before facts land",
    "FROM python:3.12-slim\nFROM airbyte/source-gmail:1.0\nFROM athenz/athenz:1.0\nFROM other/thing:2\n",
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, untrustedSource), []),
  );

  itBoth(
    "stays quiet for what fromLens.trustedRegistries lists, read from the current settings",
    "FROM ebusinessdocker/disney:latest\nFROM ghcr.io/acme/app:1\n",
    {
      lookups: LOOKUPS,
      settings: settingsFrom({ trustedRegistries: ["docker.io/ebusinessdocker", "ghcr.io"] }),
    },
    (c) => assert.deepEqual(run(c, untrustedSource), []),
  );
});
