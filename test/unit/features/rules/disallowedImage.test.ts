/** disallowed-image: references outside fromLens.allowedImages (glob patterns). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  disallowedImage,
  globToRegExp,
  isAllowed,
  normalisePattern,
} from "../../../../server/src/features/rules/disallowedImage";
import { itBoth, settingsFrom } from "../fixtures";
import { run } from "./helpers";

const POLICY = settingsFrom({ allowedImages: ["docker.io/library/*", "registry.corp.example/**"] });

describe("disallowed-image", () => {
  itBoth(
    "flags images outside the allowed patterns, at once",
    [
      "# syntax=docker/dockerfile:1",
      "FROM python:3.12-slim AS build",
      "FROM registry.corp.example/base/debian:12",
      "COPY --from=ghcr.io/acme/tools:1 /bin/tool /usr/bin/tool",
      "FROM bitnami/python:3.12",
      "",
    ].join("\n"),
    { settings: POLICY },
    (c) => {
      const found = run(c, disallowedImage);
      assert.deepEqual(
        found.map((f) => f.text),
        ["docker/dockerfile:1", "ghcr.io/acme/tools:1", "bitnami/python:3.12"],
      );
      assert.equal(
        found[1]?.finding.message,
        "ghcr.io/acme/tools:1 (ghcr.io/acme/tools) is not an allowed image in this project: it matches none of " +
          "fromLens.allowedImages (docker.io/library/*, registry.corp.example/**). A policy that admits only those " +
          "images would reject what this builds. Use an allowed image, or have this one added to the list.",
      );
    },
  );

  itBoth(
    "stays quiet without a policy, and for stages, scratch and unresolvable ARGs",
    "ARG UNSET\nFROM ghcr.io/acme/tools:1 AS t\nFROM t\nFROM scratch\nFROM ${UNSET}\n",
    {},
    (c) => assert.deepEqual(run(c, disallowedImage), []),
  );

  itBoth(
    "stays quiet for stages, scratch and unresolvable ARGs under a policy",
    "ARG UNSET\nFROM python:3.12-slim AS t\nFROM t\nFROM scratch\nFROM ${UNSET}\n",
    { settings: POLICY },
    (c) => assert.deepEqual(run(c, disallowedImage), []),
  );

  it("patterns: * stays in one segment, ** crosses them, Docker Hub names normalise", () => {
    assert.equal(normalisePattern("python"), "docker.io/library/python");
    assert.equal(normalisePattern("library/*"), "docker.io/library/*");
    assert.equal(normalisePattern("myorg/**"), "docker.io/myorg/**");
    assert.equal(normalisePattern("index.docker.io/library/*"), "docker.io/library/*");
    assert.equal(normalisePattern("docker.io/python"), "docker.io/library/python");
    assert.equal(normalisePattern("ghcr.io"), "ghcr.io/**");
    assert.equal(normalisePattern("https://registry.corp.example/team/"), "registry.corp.example/team");
    assert.equal(globToRegExp("docker.io/library/*").test("docker.io/library/python"), true);
    assert.equal(globToRegExp("docker.io/library/*").test("docker.io/library/a/b"), false);
    assert.equal(globToRegExp("registry.corp.example/**").test("registry.corp.example/a/b/c"), true);
    assert.equal(globToRegExp("registry.corp.example/**").test("registry.corp.example.evil.com/a"), false);
    assert.equal(globToRegExp("**/python").test("docker.io/library/python"), true);
    assert.equal(isAllowed("ghcr.io/acme/app", ["ghcr.io/*/app"]), true);
    assert.equal(isAllowed("ghcr.io/acme/team/app", ["ghcr.io/*/app"]), false);
    assert.equal(isAllowed("localhost:5000/app", ["localhost:5000/*"]), true);
    assert.equal(isAllowed("docker.io/library/python", ["**"]), true);
    assert.equal(isAllowed("Registry.Corp.Example/app", ["registry.corp.example/*"]), true);
  });
});
