/** content-trust: DOCKER_CONTENT_TRUST=1 makes official-image pulls fail since August 2025. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { contentTrust } from "../../../../server/src/features/rules/contentTrust";
import { itBoth } from "../fixtures";
import { run } from "./helpers";

describe("content-trust", () => {
  itBoth(
    "says it once, on the first official image",
    "FROM ghcr.io/o/tool:1 AS t\nFROM python:3.12-slim\nFROM ubuntu:noble\n",
    {},
    (c) => {
      const findings = run({ ...c, ctx: { ...c.ctx, contentTrust: true } }, contentTrust);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.finding.ref.raw, "python:3.12-slim");
      assert.match(
        findings[0]?.finding.message ?? "",
        /^DOCKER_CONTENT_TRUST=1 is set where VS Code runs\. .*retired .* August 2025.*Unset DOCKER_CONTENT_TRUST/,
      );
    },
  );

  itBoth("stays quiet without DOCKER_CONTENT_TRUST", "FROM python:3.12-slim\n", {}, (c) => {
    assert.deepEqual(run(c, contentTrust), []);
  });

  itBoth("stays quiet when no official image is used", "FROM ghcr.io/o/tool:1\nFROM scratch\n", {}, (c) => {
    assert.deepEqual(run({ ...c, ctx: { ...c.ctx, contentTrust: true } }, contentTrust), []);
  });
});
