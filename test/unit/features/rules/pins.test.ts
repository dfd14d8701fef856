/**
 * unpinned, stale-pin, digest-only and platform-pin: digests in references, and their quick
 * fixes (pinning goes through pin.ts's pinEdits, so a platform pin is updated on its platform).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { deriveFacts } from "../../../../server/src/facts/derive";
import { digestOnly } from "../../../../server/src/features/rules/digestOnly";
import { platformPin } from "../../../../server/src/features/rules/platformPin";
import { stalePin } from "../../../../server/src/features/rules/stalePin";
import { unpinned } from "../../../../server/src/features/rules/unpinned";
import type { Lookup } from "../../../../server/src/resolver/types";
import {
  NOW,
  PYTHON_SLIM_AMD64,
  PYTHON_SLIM_DIGEST,
  PYTHON_SLIM_OLD_AMD64,
  PYTHON_SLIM_OLD_DIGEST,
  failed,
  hubFixture,
  itBoth,
  pinnedPythonLookups,
  pythonSlimFacts,
  realInput,
  resolved,
  settingsWith,
} from "../fixtures";
import { notFoundError } from "../../../../server/src/registry/errors";
import { applyFix, fixesOf, only, run } from "./helpers";

const PYTHON = pythonSlimFacts();

/** python@<3.12-slim's digest>: no tag, so every tag of that digest is an alias (test/fixtures/hub). */
function digestOnlyFacts(): ReturnType<typeof deriveFacts> {
  const input = realInput("python:3.12-slim");
  input.reference = { registry: "docker.io", repository: "library/python", digest: PYTHON_SLIM_DIGEST };
  input.hub = hubFixture("library/python");
  return deriveFacts(input, NOW);
}

const LOOKUPS: Record<string, Lookup> = {
  "python:3.12-slim": resolved("python:3.12-slim", PYTHON),
  python: resolved("python", PYTHON),
  // The current amd64 manifest of python:3.12-slim (real, from repo-info).
  [`python:3.12-slim@${PYTHON_SLIM_AMD64}`]: resolved(`python:3.12-slim@${PYTHON_SLIM_AMD64}`, PYTHON, {
    pin: {
      kind: "platform-manifest",
      platform: "linux/amd64",
      indexDigest: PYTHON_SLIM_DIGEST,
      platformDigestNow: PYTHON_SLIM_AMD64,
    },
  }),
  [`python@${PYTHON_SLIM_DIGEST}`]: resolved(`python@${PYTHON_SLIM_DIGEST}`, digestOnlyFacts(), {
    pin: { kind: "unchecked", why: "no-tag" },
  }),
  ...pinnedPythonLookups({ tagMissing: digestOnlyFacts() }),
};

describe("unpinned", () => {
  itBoth("flags a reference without a digest", "FROM python:3.12-slim\n", { lookups: LOOKUPS }, (c) => {
    assert.equal(
      only(c, unpinned).message,
      "python:3.12-slim is not pinned to a digest: the tag can point to a different image at the next build, so " +
        "builds are not repeatable and a replaced image would be used without review. Pin it (name:tag@sha256:…); " +
        "tools such as Renovate or Dependabot keep pins up to date.",
    );
  });

  itBoth(
    "fix: pins the index digest through pinEdits, keeping the tag",
    "FROM python:3.12-slim AS app\n",
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, unpinned);
      assert.deepEqual(
        fixesOf(c, unpinned, finding).map((f) => f.title),
        ["Pin python:3.12-slim to sha256:229a2c5bfa27"],
      );
      assert.equal(
        applyFix(c, unpinned, finding),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS app\n`),
      );
    },
  );

  itBoth("no fix until the digest is known", "FROM python:3.12-slim\n", {}, (c) => {
    assert.deepEqual(fixesOf(c, unpinned, only(c, unpinned)), []);
  });

  itBoth(
    "stays quiet for pinned references, stages and scratch",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS base\nFROM base\nFROM scratch\nCOPY --from=base /a /b\n`,
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, unpinned), []),
  );

  itBoth(
    "stays quiet when pinning is turned off",
    "FROM python:3.12-slim\n",
    { settings: settingsWith({ pin: { enabled: false } }) },
    (c) => {
      assert.deepEqual(run(c, unpinned), []);
    },
  );
});

describe("stale-pin", () => {
  itBoth(
    "flags a pin whose tag moved, on the digest",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, stalePin);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, PYTHON_SLIM_OLD_DIGEST);
      assert.equal(
        found?.finding.message,
        `The pinned digest of python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST} is out of date: the tag 3.12-slim has moved ` +
          "on 2026-11-18 to sha256:229a2c5bfa27. The pinned image misses every fix published since, security " +
          "updates included. Update the pin, or keep the old image on purpose and suppress this warning.",
      );
    },
  );

  itBoth(
    "fix: updates the pin to the tag's index digest",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST} AS app\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        applyFix(c, stalePin, only(c, stalePin)),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS app\n`),
      );
    },
  );

  itBoth(
    "a deliberate platform pin is updated on its platform",
    `FROM --platform=linux/amd64 python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, stalePin);
      assert.match(finding.message, /has moved to sha256:[0-9a-f]{12} \(its linux\/amd64 image\)/);
      assert.equal(
        applyFix(c, stalePin, finding),
        c.lines(`FROM --platform=linux/amd64 python:3.12-slim@${PYTHON_SLIM_AMD64}\n`),
      );
    },
  );

  itBoth(
    "stays quiet for current pins, unpinned tags, digests without tags and while unresolved",
    [
      `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}`,
      "FROM python:3.12-slim",
      `FROM python@${PYTHON_SLIM_DIGEST}`,
      `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST.replace("5eed", "5eef")}`,
      "",
    ].join("\n"),
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, stalePin), []),
  );

  itBoth(
    "flags a pin whose tag is gone from the registry, on the tag, naming the tag the digest has now",
    `FROM python:3.12.9-slim@${PYTHON_SLIM_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, stalePin);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "3.12.9-slim");
      assert.equal(
        found?.finding.message,
        `The tag 3.12.9-slim of python:3.12.9-slim@${PYTHON_SLIM_DIGEST} no longer exists on Docker Hub. The build ` +
          "still works (the digest decides what is pulled), but the pin can no longer be checked or updated. This " +
          "digest is the tag 3.12.13-slim now: write that.",
      );
    },
  );

  itBoth(
    "fix for a gone tag: writes the tag that points to the digest, keeping the digest",
    `FROM python:3.12.9-slim@${PYTHON_SLIM_DIGEST} AS app\n`,
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, stalePin);
      assert.deepEqual(
        fixesOf(c, stalePin, finding).map((f) => f.title),
        ["Change the tag to 3.12.13-slim (it points to this digest)"],
      );
      assert.equal(
        applyFix(c, stalePin, finding),
        c.lines(`FROM python:3.12.13-slim@${PYTHON_SLIM_DIGEST} AS app\n`),
      );
    },
  );

  itBoth(
    "stays quiet when the tag no longer exists (not-found has no usable cache)",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}\n`,
    {
      lookups: {
        [`python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`]: failed(
          notFoundError("tag", "docker.io/library/python:3.12-slim", "registry-1.docker.io"),
          { previous: LOOKUPS[`python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`] },
        ),
      },
    },
    (c) => assert.deepEqual(run(c, stalePin), []),
  );
});

describe("digest-only", () => {
  itBoth(
    "hints at a digest without a tag, naming the tag it is",
    `FROM python@${PYTHON_SLIM_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        only(c, digestOnly).message,
        `python@${PYTHON_SLIM_DIGEST} is pinned by digest alone: readers cannot tell which version it is, and update ` +
          "tools (Renovate, Dependabot) have no tag to follow. Write the tag before the digest (name:tag@sha256:…); " +
          "the digest still decides what is pulled. This digest is the tag 3.12.13-slim.",
      );
    },
  );

  itBoth(
    "fix: adds the most specific tag that points to the digest",
    `FROM python@${PYTHON_SLIM_DIGEST} AS app\n`,
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, digestOnly);
      assert.deepEqual(
        fixesOf(c, digestOnly, finding).map((f) => f.title),
        ["Add tag 3.12.13-slim (it points to this digest)"],
      );
      assert.equal(
        applyFix(c, digestOnly, finding),
        c.lines(`FROM python:3.12.13-slim@${PYTHON_SLIM_DIGEST} AS app\n`),
      );
    },
  );

  itBoth(
    "is local: shown before resolution, without a fix",
    `FROM python@${PYTHON_SLIM_DIGEST}\n`,
    {},
    (c) => {
      const finding = only(c, digestOnly);
      assert.ok(!finding.message.includes("This digest is"));
      assert.deepEqual(fixesOf(c, digestOnly, finding), []);
    },
  );

  itBoth(
    "stays quiet for tag@digest, plain tags and stages",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS a\nFROM python:3.12-slim\nFROM a\n`,
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, digestOnly), []),
  );
});

describe("platform-pin", () => {
  itBoth(
    "names the platform a pinned manifest is",
    `FROM python:3.12-slim@${PYTHON_SLIM_AMD64}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, platformPin);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, PYTHON_SLIM_AMD64);
      assert.equal(
        found?.finding.message,
        `The digest pinned in python:3.12-slim@${PYTHON_SLIM_AMD64} is the linux/amd64 image inside the ` +
          "multi-platform tag 3.12-slim, not its index. A build on any other platform (arm64 on Apple silicon or " +
          'Graviton, for example) still pulls this linux/amd64 image and fails with "exec format error". Pin the ' +
          "index digest sha256:229a2c5bfa27 instead, which serves every platform; to build for linux/amd64 only, say " +
          "so with --platform=linux/amd64.",
      );
    },
  );

  itBoth(
    "fix: pins the index digest instead",
    `FROM python:3.12-slim@${PYTHON_SLIM_AMD64} AS app\n`,
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, platformPin);
      assert.deepEqual(
        fixesOf(c, platformPin, finding).map((f) => [f.title, f.isPreferred === true]),
        [
          ["Pin the index digest sha256:229a2c5bfa27 (every platform)", true],
          ["Keep the linux/amd64 pin: build this stage with --platform=linux/amd64", false],
        ],
      );
      assert.equal(
        applyFix(c, platformPin, finding),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS app\n`),
      );
      assert.equal(
        applyFix(
          c,
          platformPin,
          finding,
          "Keep the linux/amd64 pin: build this stage with --platform=linux/amd64",
        ),
        c.lines(`FROM --platform=linux/amd64 python:3.12-slim@${PYTHON_SLIM_AMD64} AS app\n`),
      );
    },
  );

  itBoth(
    "fires with the stale pin when a platform pin's tag moved",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(run(c, platformPin).length, 1);
      assert.equal(run(c, stalePin).length, 1);
      assert.equal(
        applyFix(c, platformPin, only(c, platformPin)),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`),
      );
    },
  );

  itBoth(
    "stays quiet for a deliberate pin (--platform names the same platform) and for index pins",
    `FROM --platform=linux/amd64 python:3.12-slim@${PYTHON_SLIM_AMD64}\nFROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, platformPin), []),
  );
});
