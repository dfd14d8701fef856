/** platform-unavailable: the image has no variant for the platform the build asks for. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { platformUnavailable } from "../../../../server/src/features/rules/platformUnavailable";
import { notFoundError } from "../../../../server/src/registry/errors";
import type { Lookup } from "../../../../server/src/resolver/types";
import { failed, itBoth, realFactsWithHub, resolved, resolving } from "../fixtures";
import { run } from "./helpers";

const WINDOWS = "python:3.13-windowsservercore-ltsc2022";
const TEMURIN = "eclipse-temurin:21-jre-alpine";

const LOOKUPS: Record<string, Lookup> = {
  [WINDOWS]: resolved(WINDOWS, realFactsWithHub(WINDOWS), { offered: false }),
  [TEMURIN]: resolved(TEMURIN, realFactsWithHub(TEMURIN), { wanted: "linux/s390x", offered: false }),
  "ubuntu:noble": resolved("ubuntu:noble", realFactsWithHub("ubuntu:noble")),
  "golang:1.25-bookworm": failed(
    notFoundError("platform", "docker.io/library/golang:1.25-bookworm", "registry-1.docker.io"),
  ),
};

describe("platform-unavailable", () => {
  itBoth(
    "says the image is not published for the default platform",
    `FROM ${WINDOWS}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, platformUnavailable);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, WINDOWS);
      assert.equal(
        found?.finding.message,
        `${WINDOWS} has no linux/amd64 image, the platform builds use by default (fromLens.defaultPlatform); it is ` +
          'published for windows/amd64. Building it for linux/amd64 fails with "no match for platform in manifest". ' +
          "Choose a tag published for linux/amd64, or build for a platform it offers with --platform.",
      );
    },
  );

  itBoth(
    "names the --platform asked for and lists what is offered",
    `FROM --platform=linux/s390x ${TEMURIN}\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        run(c, platformUnavailable)[0]?.finding.message,
        `${TEMURIN} has no linux/s390x image, the platform --platform asks for; it is published for linux/amd64 and ` +
          'linux/arm64/v8. Building it for linux/s390x fails with "no match for platform in manifest". Choose a tag ' +
          "published for linux/s390x, or build for a platform it offers with --platform.",
      );
    },
  );

  itBoth(
    "reports the registry's platform not-found too",
    "FROM --platform=linux/mips64le golang:1.25-bookworm\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.match(run(c, platformUnavailable)[0]?.finding.message ?? "", /published for other platforms/);
    },
  );

  itBoth(
    "stays quiet for offered platforms, the syntax frontend, stages and while resolving",
    `# syntax=${WINDOWS}\nFROM ubuntu:noble AS base\nFROM base\nFROM ${TEMURIN}\n`,
    { lookups: { ...LOOKUPS, [TEMURIN]: resolving() } },
    (c) => assert.deepEqual(run(c, platformUnavailable), []),
  );
});
