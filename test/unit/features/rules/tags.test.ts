/**
 * latest-tag, implicit-latest and floating-tag: tags that move. Each says which exact tag the
 * image is today (from the Docker Hub tag list's aliases) and offers to write it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { floatingTag, narrows } from "../../../../server/src/features/rules/floatingTag";
import { implicitLatest } from "../../../../server/src/features/rules/implicitLatest";
import { latestTag } from "../../../../server/src/features/rules/latestTag";
import type { Lookup } from "../../../../server/src/resolver/types";
import { itBoth, realFactsAs, realFactsWithHub, resolved, resolving } from "../fixtures";
import { applyFix, fixesOf, only, run } from "./helpers";

const UBUNTU_LATEST = realFactsAs("ubuntu:noble", "latest");
const PYTHON_SLIM = realFactsWithHub("python:3.12-slim");

const LOOKUPS: Record<string, Lookup> = {
  "ubuntu:latest": resolved("ubuntu:latest", UBUNTU_LATEST),
  ubuntu: resolved("ubuntu", UBUNTU_LATEST),
  "docker.io/library/ubuntu": resolved("docker.io/library/ubuntu", UBUNTU_LATEST),
  "python:3.12-slim": resolved("python:3.12-slim", PYTHON_SLIM),
  "python:3.13-alpine": resolved("python:3.13-alpine", realFactsWithHub("python:3.13-alpine")),
  "ubuntu:jammy": resolved("ubuntu:jammy", realFactsWithHub("ubuntu:jammy")),
};

describe("latest-tag", () => {
  itBoth(
    "flags an explicit :latest on the tag, naming today's exact tag",
    "FROM ubuntu:latest\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, latestTag);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "latest");
      assert.equal(
        found?.finding.message,
        'ubuntu:latest uses the tag "latest", which is not a version: it moves to every new release, so a rebuild ' +
          "can switch to a new major version of the program or of the base OS without anyone noticing. Name a " +
          "version tag (and pin its digest for repeatable builds). Today it is the same image as the tag 24.04.",
      );
    },
  );

  itBoth(
    "fix: replaces latest with the most specific alias",
    "FROM ubuntu:latest AS base\n",
    { lookups: LOOKUPS },
    (c) => {
      const finding = only(c, latestTag);
      assert.deepEqual(
        fixesOf(c, latestTag, finding).map((f) => [f.title, f.isPreferred]),
        [["Use tag 24.04 (the same image today)", true]],
      );
      assert.equal(applyFix(c, latestTag, finding), c.lines("FROM ubuntu:24.04 AS base\n"));
    },
  );

  itBoth(
    "appears before the image is resolved, without the alias and without a fix",
    "FROM ubuntu:latest\n",
    {},
    (c) => {
      const finding = only(c, latestTag);
      assert.ok(!finding.message.includes("Today"));
      assert.deepEqual(fixesOf(c, latestTag, finding), []);
    },
  );

  itBoth(
    "stays quiet for pinned latest, other tags, stage references, scratch, comments and unset ARGs",
    [
      "ARG UNSET",
      `FROM ubuntu:latest@${UBUNTU_LATEST.indexDigest} AS base`,
      "# FROM ubuntu:latest",
      "FROM base",
      "FROM scratch",
      "FROM ubuntu:${UNSET}",
      "COPY --from=base /a /b",
      "FROM python:3.12-slim",
      "",
    ].join("\n"),
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, latestTag), []),
  );

  itBoth(
    "flags latest built from an ARG default on the whole reference, with no text fix",
    "ARG TAG=latest\nFROM ubuntu:${TAG}\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found] = run(c, latestTag);
      assert.equal(found?.text, "ubuntu:${TAG}");
      assert.deepEqual(fixesOf(c, latestTag, found.finding), []);
    },
  );

  itBoth(
    "flags COPY --from and RUN --mount images too",
    "FROM python:3.12-slim\nCOPY --from=ubuntu:latest /etc/os-release /x\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(
        run(c, latestTag).map((f) => [f.text, f.finding.ref.kind]),
        [["latest", "copy-from"]],
      );
    },
  );
});

describe("implicit-latest", () => {
  itBoth("flags a reference without tag or digest", "FROM ubuntu\n", { lookups: LOOKUPS }, (c) => {
    const finding = only(c, implicitLatest);
    assert.equal(
      finding.message,
      'ubuntu has no tag, so Docker pulls ubuntu:latest. "latest" moves to every new release, so a rebuild can ' +
        "switch to a new major version of the program or of the base OS without anyone noticing. Write a version " +
        "tag. Today it is the same image as the tag 24.04.",
    );
  });

  itBoth(
    "fix: adds the most specific tag sharing the current digest",
    "FROM ubuntu AS base\nRUN true\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        applyFix(c, implicitLatest, only(c, implicitLatest)),
        c.lines("FROM ubuntu:24.04 AS base\nRUN true\n"),
      );
    },
  );

  itBoth("keeps the registry as written", "FROM docker.io/library/ubuntu\n", { lookups: LOOKUPS }, (c) => {
    assert.equal(
      applyFix(c, implicitLatest, only(c, implicitLatest)),
      c.lines("FROM docker.io/library/ubuntu:24.04\n"),
    );
  });

  itBoth(
    "uses the cached answer while the image is refreshed",
    "FROM ubuntu\n",
    { lookups: { ubuntu: resolving(LOOKUPS.ubuntu) } },
    (c) => {
      assert.equal(applyFix(c, implicitLatest, only(c, implicitLatest)), c.lines("FROM ubuntu:24.04\n"));
    },
  );

  itBoth(
    "stays quiet for tags, digests, stages, scratch and the stage-name lookalike",
    [
      "FROM ubuntu:jammy AS builder",
      `FROM ubuntu@${UBUNTU_LATEST.indexDigest}`,
      "FROM builder",
      "FROM scratch",
      "COPY --from=builder /a /b",
      "RUN --mount=type=cache,target=/root/.cache,from=builder true",
      "",
    ].join("\n"),
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, implicitLatest), []),
  );

  itBoth(
    "flags a # syntax directive without a tag",
    "# syntax=docker/dockerfile\nFROM ubuntu:jammy\n",
    {},
    (c) => {
      assert.deepEqual(
        run(c, implicitLatest).map((f) => [f.text, f.finding.ref.kind]),
        [["docker/dockerfile", "syntax"]],
      );
    },
  );
});

describe("floating-tag", () => {
  itBoth(
    "says which exact tag a floating tag is today",
    "FROM python:3.12-slim AS app\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, floatingTag);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "3.12-slim");
      assert.equal(
        found?.finding.message,
        "python:3.12-slim is a floating tag: it moves to each new release it covers, so the next build may get a " +
          "different version. Today it is the same image as the tag 3.12.13-slim. Write 3.12.13-slim to stay on this " +
          "version (it still receives rebuilds of that exact version), and pin the digest for fully repeatable builds.",
      );
      assert.equal(applyFix(c, floatingTag, found.finding), c.lines("FROM python:3.12.13-slim AS app\n"));
    },
  );

  itBoth(
    "waits for facts (a registry rule)",
    "FROM python:3.12-slim\n",
    { lookups: { "python:3.12-slim": resolving() } },
    (c) => {
      assert.deepEqual(run(c, floatingTag), []);
    },
  );

  itBoth(
    "stays quiet when no alias narrows the tag (codename vs number, variant words only), for latest and pins",
    "FROM ubuntu:jammy\nFROM python:3.13-alpine\nFROM ubuntu:latest\n",
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, floatingTag), []),
  );

  it("narrows: versions extended, every word kept", () => {
    assert.equal(narrows("3.12-slim", "3.12.13-slim"), true);
    assert.equal(narrows("3.12-slim", "3.12.13-slim-trixie"), true);
    assert.equal(narrows("slim", "1.97.1-slim-trixie"), true);
    assert.equal(narrows("3-alpine", "3.13.1-alpine3.21"), true);
    assert.equal(narrows("jammy", "22.04"), false);
    assert.equal(narrows("3.13-alpine", "3.13-alpine3.24"), false);
    assert.equal(narrows("3.12", "3.13.1"), false);
    assert.equal(narrows("3.12-slim", "3.12.13"), false);
    assert.equal(narrows("3.12.13-slim", "3.12.13-slim"), false);
  });
});
