/**
 * diverges-from-official: mirrors of Docker Official Images in other registries, compared with
 * Docker Hub's image for the same tag.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractImageRefs } from "../../../../server/src/dockerfile";
import { officialCounterpart } from "../../../../server/src/features/officialCounterpart";
import { divergesFromOfficial } from "../../../../server/src/features/rules/divergesFromOfficial";
import type { Lookup } from "../../../../server/src/resolver/types";
import { PYTHON_SLIM_DIGEST, itBoth, realFactsWithHub, resolved, resolving } from "../fixtures";
import { run } from "./helpers";

const PYTHON = realFactsWithHub("python:3.12-slim");
/** Illustrative: what a re-uploaded copy's index digest looks like (not a real image). */
const REUPLOADED = `sha256:${"c0ffee00".repeat(8)}`;

const LOOKUPS: Record<string, Lookup> = {
  "docker.io/library/python:3.12-slim": resolved("docker.io/library/python:3.12-slim", PYTHON),
  "mirror.gcr.io/library/python:3.12-slim": resolved("mirror.gcr.io/library/python:3.12-slim", PYTHON),
  "public.ecr.aws/docker/library/python:3.12-slim": resolved(
    "public.ecr.aws/docker/library/python:3.12-slim",
    PYTHON,
  ),
  "harbor.corp.example/library/python:3.12-slim": resolved(
    "harbor.corp.example/library/python:3.12-slim",
    { ...PYTHON, indexDigest: REUPLOADED },
    { tagDigest: REUPLOADED },
  ),
  "harbor.corp.example/library/myapp:1": resolved("harbor.corp.example/library/myapp:1", PYTHON),
};

describe("diverges-from-official", () => {
  itBoth(
    "says when a mirror serves exactly Docker Hub's official image",
    "FROM mirror.gcr.io/library/python:3.12-slim\nFROM public.ecr.aws/docker/library/python:3.12-slim\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, divergesFromOfficial).map((f) => f.finding.message),
        [
          "mirror.gcr.io/library/python:3.12-slim mirrors the Docker Official Image python:3.12-slim and serves " +
            "the same image as Docker Hub (sha256:229a2c5bfa27), so it keeps the official build's provenance.",
          "public.ecr.aws/docker/library/python:3.12-slim mirrors the Docker Official Image python:3.12-slim and " +
            "serves the same image as Docker Hub (sha256:229a2c5bfa27), so it keeps the official build's provenance.",
        ],
      );
    },
  );

  itBoth(
    "says when a mirror's image differs from Docker Hub's",
    "FROM harbor.corp.example/library/python:3.12-slim\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        run(c, divergesFromOfficial)[0]?.finding.message,
        "harbor.corp.example/library/python:3.12-slim mirrors the Docker Official Image python:3.12-slim, but serves " +
          "a different image: sha256:c0ffee00c0ff here, sha256:229a2c5bfa27 on Docker Hub. The mirror may not have " +
          "synced yet, or the image was re-uploaded (losing the official build chain: provenance and signatures) or " +
          "tampered with. Check with whoever runs harbor.corp.example before relying on it.",
      );
    },
  );

  itBoth(
    "stays quiet for Docker Hub itself, non-official names under library/, and until both sides are known",
    "FROM python:3.12-slim\nFROM harbor.corp.example/library/myapp:1\nFROM mirror.gcr.io/library/python:3.12-slim\n",
    {
      lookups: {
        ...LOOKUPS,
        "python:3.12-slim": resolved("python:3.12-slim", PYTHON),
        "docker.io/library/python:3.12-slim": resolving(),
      },
    },
    (c) => assert.deepEqual(run(c, divergesFromOfficial), []),
  );

  it("officialCounterpart: the Docker Hub reference to resolve alongside a mirror", () => {
    const [mirror, own, digestOnly] = extractImageRefs(
      `FROM --platform=linux/arm64 mirror.gcr.io/library/python:3.12-slim\nFROM harbor.corp.example/team/app:1\nFROM mirror.gcr.io/library/python@${PYTHON_SLIM_DIGEST}\n`,
    );
    const counterpart = officialCounterpart(mirror!);
    assert.equal(counterpart?.resolved, "docker.io/library/python:3.12-slim");
    assert.equal(counterpart?.platform?.resolved, "linux/arm64");
    assert.equal(officialCounterpart(own!), undefined);
    assert.equal(officialCounterpart(digestOnly!)?.resolved, "docker.io/library/python:latest");
  });
});
