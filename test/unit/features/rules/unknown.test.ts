/**
 * unknown-repository, unknown-tag and unknown-digest: the registry's not-found answers, with
 * "did you mean" from the repository's tag list (or the official image names) as quick fixes.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { unknownDigest } from "../../../../server/src/features/rules/unknownDigest";
import { unknownRepository } from "../../../../server/src/features/rules/unknownRepository";
import { unknownTag } from "../../../../server/src/features/rules/unknownTag";
import { notFoundError } from "../../../../server/src/registry/errors";
import type { Lookup } from "../../../../server/src/resolver/types";
import { PYTHON_SLIM_DIGEST, failed, hubTagNames, itBoth, resolving } from "../fixtures";
import { applyFix, fixesOf, only, run } from "./helpers";

const HUB = "registry-1.docker.io";
const PYTHON_TAGS = hubTagNames("library/python");
const GONE_DIGEST = `sha256:${"dead".repeat(16)}`; // illustrative: no image has it

const LOOKUPS: Record<string, Lookup> = {
  "python:3.12-slm": failed(notFoundError("tag", "docker.io/library/python:3.12-slm", HUB), {
    tags: PYTHON_TAGS,
  }),
  "python:3.99": failed(notFoundError("tag", "docker.io/library/python:3.99", HUB), { tags: PYTHON_TAGS }),
  "ghcr.io/acme/tools:v2": failed(notFoundError("tag", "ghcr.io/acme/tools:v2", "ghcr.io")),
  "pyhton:3.12": failed(notFoundError("repository", "docker.io/library/pyhton:3.12", HUB)),
  "ghcr.io/acme/toolz:1": failed(notFoundError("repository", "ghcr.io/acme/toolz:1", "ghcr.io")),
  [`python:3.12-slim@${GONE_DIGEST}`]: failed(
    notFoundError("digest", `docker.io/library/python:3.12-slim@${GONE_DIGEST}`, HUB),
  ),
  [`python@${GONE_DIGEST}`]: failed(notFoundError("digest", `docker.io/library/python@${GONE_DIGEST}`, HUB)),
};

describe("unknown-tag", () => {
  itBoth(
    "says the tag does not exist and suggests close tags",
    "FROM python:3.12-slm AS app\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, unknownTag);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "3.12-slm");
      assert.equal(
        found?.finding.message,
        "python has no tag 3.12-slm on Docker Hub, so the build fails when it pulls it. Did you mean 3.12-slim?",
      );
    },
  );

  itBoth(
    "fix: changes the tag to a suggestion",
    "FROM python:3.12-slm AS app\n",
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, unknownTag);
      assert.deepEqual(
        fixesOf(c, unknownTag, finding).map((f) => [f.title, f.isPreferred]),
        [["Change the tag to 3.12-slim", true]],
      );
      assert.equal(applyFix(c, unknownTag, finding), c.lines("FROM python:3.12-slim AS app\n"));
    },
  );

  itBoth(
    "without close tags or a tag list, says where to look",
    "FROM python:3.99\nFROM ghcr.io/acme/tools:v2\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, unknownTag).map((f) => f.finding.message),
        [
          "python has no tag 3.99 on Docker Hub, so the build fails when it pulls it. It may have been removed or " +
            "renamed; check the tags the image publishes.",
          "ghcr.io/acme/tools has no tag v2 on ghcr.io, so the build fails when it pulls it. It may have been removed " +
            "or renamed; check the tags the image publishes.",
        ],
      );
    },
  );

  itBoth(
    "never flashes while resolving",
    "FROM python:3.12-slm\n",
    { lookups: { "python:3.12-slm": resolving() } },
    (c) => {
      assert.deepEqual(run(c, unknownTag), []);
    },
  );
});

describe("unknown-repository", () => {
  itBoth(
    "names the missing repository and the official image it is close to",
    "FROM pyhton:3.12\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found] = run(c, unknownRepository);
      assert.equal(found?.text, "pyhton");
      assert.equal(
        found?.finding.message,
        "pyhton does not exist on Docker Hub, so the build fails when it pulls it. Check the image name and registry " +
          "for typos. Did you mean python?",
      );
      assert.equal(applyFix(c, unknownRepository, found.finding), c.lines("FROM python:3.12\n"));
    },
  );

  itBoth(
    "other registries: no official-image guess",
    "FROM ghcr.io/acme/toolz:1\n",
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, unknownRepository);
      assert.equal(
        finding.message,
        "ghcr.io/acme/toolz does not exist on ghcr.io, so the build fails when it pulls it. Check the image name and " +
          "registry for typos.",
      );
      assert.deepEqual(fixesOf(c, unknownRepository, finding), []);
    },
  );
});

describe("unknown-digest", () => {
  itBoth(
    "says the digest is gone, on the digest",
    `FROM python:3.12-slim@${GONE_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const [found] = run(c, unknownDigest);
      assert.equal(found?.text, GONE_DIGEST);
      assert.equal(
        found?.finding.message,
        "python has no image sha256:deaddeaddead on Docker Hub: it was deleted, or the digest belongs to another " +
          "repository. The build fails when it pulls it. Remove the digest and pin 3.12-slim again.",
      );
    },
  );

  itBoth(
    "fix: removes the digest, keeping the tag",
    `FROM python:3.12-slim@${GONE_DIGEST} AS app\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        applyFix(c, unknownDigest, only(c, unknownDigest)),
        c.lines("FROM python:3.12-slim AS app\n"),
      );
    },
  );

  itBoth("no fix for a digest without a tag", `FROM python@${GONE_DIGEST}\n`, { lookups: LOOKUPS }, (c) => {
    const finding = only(c, unknownDigest);
    assert.match(finding.message, /Copy the digest again from where it came from\.$/);
    assert.deepEqual(fixesOf(c, unknownDigest, finding), []);
  });

  itBoth(
    "stays quiet for references the registry knows and for other errors",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM python:3.12-slm\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(run(c, unknownDigest), []);
      assert.deepEqual(run(c, unknownRepository), []);
    },
  );
});

describe("not-found messages name the registry that answered", () => {
  // A registry mirror (or the demo's stand-in for Docker Hub) that lacks an image says nothing
  // about Docker Hub: the message names the mirror, never "does not exist on Docker Hub".
  const MIRROR = "mirror.example.internal:5000";
  const mirrorLookups: Record<string, Lookup> = {
    "node:20-alpine": failed(notFoundError("repository", "docker.io/library/node:20-alpine", MIRROR)),
    "python:3.99": failed(notFoundError("tag", "docker.io/library/python:3.99", MIRROR), {
      tags: PYTHON_TAGS,
    }),
    [`python@${GONE_DIGEST}`]: failed(
      notFoundError("digest", `docker.io/library/python@${GONE_DIGEST}`, MIRROR),
    ),
  };
  const answered = `on ${MIRROR} (answering for Docker Hub)`;

  itBoth("a mirror's unknown repository", "FROM node:20-alpine\n", { lookups: mirrorLookups }, (c) => {
    const finding = only(c, unknownRepository);
    assert.ok(
      finding.message.startsWith(`node does not exist ${answered}, so the build fails`),
      finding.message,
    );
    assert.doesNotMatch(finding.message, /on Docker Hub/);
  });

  itBoth("a mirror's unknown tag", "FROM python:3.99\n", { lookups: mirrorLookups }, (c) => {
    const finding = only(c, unknownTag);
    assert.ok(finding.message.startsWith(`python has no tag 3.99 ${answered}, so`), finding.message);
    assert.doesNotMatch(finding.message, /on Docker Hub/);
  });

  itBoth("a mirror's unknown digest", `FROM python@${GONE_DIGEST}\n`, { lookups: mirrorLookups }, (c) => {
    const finding = only(c, unknownDigest);
    assert.ok(finding.message.includes(answered), finding.message);
    assert.doesNotMatch(finding.message, /on Docker Hub/);
  });

  itBoth("Docker Hub's own answer still says Docker Hub", "FROM pyhton:3.12\n", { lookups: LOOKUPS }, (c) => {
    assert.match(only(c, unknownRepository).message, /^pyhton does not exist on Docker Hub,/);
  });
});
