/** invalid-reference: references Docker cannot parse, narrowed to the part at fault. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { invalidReference } from "../../../../server/src/features/rules/invalidReference";
import { itBoth } from "../fixtures";
import { run } from "./helpers";

describe("invalid-reference", () => {
  itBoth("narrows to an uppercase repository", "FROM Python:3.12\n", {}, (c) => {
    const [found, ...rest] = run(c, invalidReference);
    assert.equal(rest.length, 0);
    assert.equal(found?.text, "Python");
    assert.equal(
      found?.finding.message,
      'Repository names must be lowercase: use `python`, not `Python`. Docker stops the build with "invalid ' +
        'reference format".',
    );
  });

  itBoth("narrows to a digest of the wrong length", "FROM python:3.12@sha256:229a2c5bfa27\n", {}, (c) => {
    const [found] = run(c, invalidReference);
    assert.equal(found?.text, "sha256:229a2c5bfa27");
    assert.match(
      found?.finding.message ?? "",
      /^A sha256 digest has 64 hex digits after `sha256:`; this one has 12\./,
    );
  });

  itBoth(
    "says what an ARG made of the reference, on the whole reference",
    "ARG IMG=Python\nFROM ${IMG}:3.12 AS app\n",
    {},
    (c) => {
      const [found] = run(c, invalidReference);
      assert.equal(found?.text, "${IMG}:3.12");
      assert.match(
        found?.finding.message ?? "",
        /^\$\{IMG\}:3\.12 reads as Python:3\.12\. Repository names must be lowercase/,
      );
    },
  );

  itBoth(
    "checks COPY --from images and the syntax directive too",
    "# syntax=docker/Dockerfile:1\nFROM alpine:3.22\nCOPY --from=ghcr.io/Acme/tools:1 /a /b\n",
    {},
    (c) =>
      assert.deepEqual(
        run(c, invalidReference).map((f) => f.finding.ref.kind),
        ["syntax", "copy-from"],
      ),
  );

  itBoth(
    "stays quiet for valid references, stages (any case), scratch, unset ARGs and comments",
    "ARG UNSET\nFROM python:3.12-slim AS Builder\nFROM builder\nCOPY --from=Builder /a /b\nFROM scratch\nFROM ${UNSET}\n# FROM Python\n",
    {},
    (c) => assert.deepEqual(run(c, invalidReference), []),
  );
});
