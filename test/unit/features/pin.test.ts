/**
 * Pinning: the edits that write `name:tag@sha256:<index digest>`, update moved pins (keeping a
 * deliberate platform pin on its platform), pin through an ARG default, and refuse templates —
 * leaving every other character of the Dockerfile (directives, comments, continuations, CRLF)
 * exactly as it was.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { pinAllEdits, pinEdits, type PinPlan } from "../../../server/src/features/pin";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  PYTHON_SLIM,
  PYTHON_SLIM_AMD64,
  PYTHON_SLIM_DIGEST,
  PYTHON_SLIM_OLD_AMD64,
  PYTHON_SLIM_OLD_DIGEST,
  failed,
  itBoth,
  realFacts,
  resolved,
  settingsWith,
  ubuntuNobleFacts,
  type FeatureCase,
  pinnedPythonLookups,
} from "./fixtures";
import { pythonSlimFacts } from "./fixtures";

const PYTHON = pythonSlimFacts();
const UBUNTU = ubuntuNobleFacts();
const ALPINE = realFacts("alpine:3.22");
const UBUNTU_DIGEST = UBUNTU.indexDigest;
const ALPINE_DIGEST = ALPINE.indexDigest;
const DOCKERFILE_FRONTEND_DIGEST = `sha256:${"4c68".repeat(16)}`; // illustrative

const LOOKUPS: Record<string, Lookup> = {
  [PYTHON_SLIM]: resolved(PYTHON_SLIM, PYTHON),
  python: resolved("python", PYTHON),
  "ubuntu:noble": resolved("ubuntu:noble", UBUNTU),
  "alpine:3.22": resolved("alpine:3.22", ALPINE),
  "docker/dockerfile:1": resolved("docker/dockerfile:1", {
    ...ALPINE,
    indexDigest: DOCKERFILE_FRONTEND_DIGEST,
  }),
  ...pinnedPythonLookups(),
};

function edits(c: FeatureCase, raw: string, mode: "pin" | "update" = "pin"): PinPlan {
  const plan = pinEdits(c.ctx, c.ref(raw), mode);
  if ("error" in plan) assert.fail(`expected edits, got: ${plan.error}`);
  return plan;
}

function refusal(c: FeatureCase, raw: string, mode: "pin" | "update" = "pin"): string {
  const plan = pinEdits(c.ctx, c.ref(raw), mode);
  if (!("error" in plan)) assert.fail(`expected a refusal, got ${JSON.stringify(plan)}`);
  return plan.error;
}

describe("pinEdits", () => {
  itBoth(
    "never pins an image named after the build platform: a digest would force one platform",
    "FROM binaries-$TARGETOS AS binaries\nARG BASE=alpine:3.22-${TARGETARCH}\n",
    { lookups: LOOKUPS },
    (c) => {
      const message = refusal(c, "binaries-$TARGETOS");
      assert.match(
        message,
        /depends on the build's platform \(TARGETOS\): it is binaries-linux for this platform/,
      );
      assert.doesNotMatch(message, /ARG BASE=|--build-arg/);
    },
  );

  itBoth(
    "refuses to update a pin whose tag is gone, saying why",
    `FROM python:3.12.9-slim@${PYTHON_SLIM_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        refusal(c, `python:3.12.9-slim@${PYTHON_SLIM_DIGEST}`, "update"),
        `python:3.12.9-slim@${PYTHON_SLIM_DIGEST}: the tag no longer exists, so there is nothing to update the pin to.`,
      );
    },
  );

  itBoth(
    "pins the index digest, keeping the tag",
    "FROM python:3.12-slim AS base\n",
    { lookups: LOOKUPS },
    (c) => {
      const plan = edits(c, "python:3.12-slim");
      assert.equal(c.apply(plan.edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS base\n`));
      assert.equal(plan.label, "Pin python:3.12-slim to sha256:229a2c5bfa27");
      assert.deepEqual(plan.edits, [
        {
          range: { start: { line: 0, character: 21 }, end: { line: 0, character: 21 } },
          newText: `@${PYTHON_SLIM_DIGEST}`,
        },
      ]);
    },
  );

  itBoth(
    "leaves parser directives, comments, continuations and line endings intact",
    [
      "# syntax=docker/dockerfile:1",
      "# escape=\\",
      "# check=skip=JSONArgsRecommended",
      "# The base image; keep in step with CI.",
      "FROM --platform=$BUILDPLATFORM \\",
      "    ubuntu:noble \\",
      "    AS build   # trailing words are arguments, not a comment",
      "RUN apt-get update \\",
      "  && apt-get install -y curl",
      "",
    ].join("\n"),
    { lookups: LOOKUPS },
    (c) => {
      const plan = edits(c, "ubuntu:noble");
      const expected = c.text.replace("ubuntu:noble \\", `ubuntu:noble@${UBUNTU_DIGEST} \\`);
      assert.equal(c.apply(plan.edits), expected);
      assert.equal(expected.split(c.eol).length, c.text.split(c.eol).length);
      assert.ok(c.eol === "\n" || !/[^\r]\n/.test(c.apply(plan.edits)), "no bare LF in a CRLF file");
    },
  );

  itBoth(
    "keeps a backtick escape directive and its continuations",
    "# escape=`\nFROM alpine:3.22 `\n  AS base\nRUN echo `\n  done\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        c.apply(edits(c, "alpine:3.22").edits),
        c.lines(`# escape=\`\nFROM alpine:3.22@${ALPINE_DIGEST} \`\n  AS base\nRUN echo \`\n  done\n`),
      );
    },
  );

  itBoth(
    "places the digest after a tag split by a line continuation",
    "FROM python:3.12\\\n-slim AS base\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        c.apply(edits(c, "python:3.12-slim").edits),
        c.lines(`FROM python:3.12\\\n-slim@${PYTHON_SLIM_DIGEST} AS base\n`),
      );
    },
  );

  itBoth("writes the digest inside quotes", 'FROM "python:3.12-slim"\n', { lookups: LOOKUPS }, (c) => {
    assert.equal(
      c.apply(edits(c, '"python:3.12-slim"').edits),
      c.lines(`FROM "python:3.12-slim@${PYTHON_SLIM_DIGEST}"\n`),
    );
  });

  itBoth("makes the implicit latest tag explicit", "FROM python\n", { lookups: LOOKUPS }, (c) => {
    const plan = edits(c, "python");
    assert.equal(c.apply(plan.edits), c.lines(`FROM python:latest@${PYTHON_SLIM_DIGEST}\n`));
    assert.equal(plan.label, "Pin python:latest to sha256:229a2c5bfa27");
  });

  itBoth(
    "pins COPY --from and RUN --mount from= images in place",
    "FROM ubuntu:noble\nCOPY --from=alpine:3.22 /etc/os-release /alpine\nRUN --mount=type=bind,from=python:3.12-slim,target=/py true\n",
    { lookups: LOOKUPS },
    (c) => {
      const both = [...edits(c, "alpine:3.22").edits, ...edits(c, "python:3.12-slim").edits];
      assert.equal(
        c.apply(both),
        c.lines(
          `FROM ubuntu:noble\nCOPY --from=alpine:3.22@${ALPINE_DIGEST} /etc/os-release /alpine\nRUN --mount=type=bind,from=python:3.12-slim@${PYTHON_SLIM_DIGEST},target=/py true\n`,
        ),
      );
    },
  );

  itBoth(
    "pins the # syntax frontend and leaves the other directives alone",
    "# syntax=docker/dockerfile:1\n# check=error=true\nFROM scratch\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        c.apply(edits(c, "docker/dockerfile:1").edits),
        c.lines(
          `# syntax=docker/dockerfile:1@${DOCKERFILE_FRONTEND_DIGEST}\n# check=error=true\nFROM scratch\n`,
        ),
      );
    },
  );

  itBoth(
    "updates a moved pin to the tag's new index digest",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST} AS base\n`,
    { lookups: LOOKUPS },
    (c) => {
      const plan = edits(c, `python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`, "update");
      assert.equal(c.apply(plan.edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS base\n`));
      assert.equal(plan.label, "Update python:3.12-slim pin to sha256:229a2c5bfa27");
    },
  );

  itBoth(
    "updates a platform-manifest pin to the same platform's new manifest",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}\n`,
    { lookups: LOOKUPS },
    (c) => {
      const plan = edits(c, `python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}`, "update");
      assert.equal(c.apply(plan.edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_AMD64}\n`));
      assert.equal(plan.label, "Update python:3.12-slim pin to sha256:d657ab0ade19 (linux/amd64)");
    },
  );

  itBoth(
    "pins through the ARG default that holds the whole reference",
    "ARG BASE=python:3.12-slim\n# comment\nFROM $BASE AS a\nFROM ${BASE} AS b\n",
    { lookups: LOOKUPS },
    (c) => {
      const plan = edits(c, "$BASE");
      assert.equal(plan.viaArg, "BASE");
      assert.equal(plan.label, "Pin python:3.12-slim to sha256:229a2c5bfa27 in ARG BASE");
      assert.equal(
        c.apply(plan.edits),
        c.lines(
          `ARG BASE=python:3.12-slim@${PYTHON_SLIM_DIGEST}\n# comment\nFROM $BASE AS a\nFROM \${BASE} AS b\n`,
        ),
      );
      assert.deepEqual(edits(c, "${BASE}").edits, plan.edits);
    },
  );

  itBoth(
    "pins inside a quoted ARG default",
    'ARG BASE="python:3.12-slim"\nFROM $BASE\n',
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        c.apply(edits(c, "$BASE").edits),
        c.lines(`ARG BASE="python:3.12-slim@${PYTHON_SLIM_DIGEST}"\nFROM $BASE\n`),
      );
    },
  );

  itBoth(
    "never writes a digest into a template",
    "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim\n",
    { lookups: LOOKUPS },
    (c) => {
      const reason = refusal(c, "python:${PYTHON_VERSION}-slim");
      assert.match(reason, /built from PYTHON_VERSION/);
      assert.match(reason, /whole image in one ARG default/);
    },
  );

  itBoth(
    "refuses an ARG default that is itself built from ARGs",
    "ARG PY=3.12\nARG BASE=python:${PY}-slim\nFROM $BASE\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.match(refusal(c, "$BASE"), /The default of ARG BASE on line 2 is built from PY/);
    },
  );

  itBoth(
    "says why an unresolvable reference can't be pinned",
    "ARG V\nFROM python:${V}\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.match(refusal(c, "python:${V}"), /ARG V has no default value/);
    },
  );

  itBoth(
    "does nothing to pins that are current, or to unpinned images in update mode",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM alpine:3.22\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.match(refusal(c, `python:3.12-slim@${PYTHON_SLIM_DIGEST}`, "update"), /the pin is current/);
      assert.match(refusal(c, `python:3.12-slim@${PYTHON_SLIM_DIGEST}`, "pin"), /already pinned/);
      assert.match(refusal(c, "alpine:3.22", "update"), /is not pinned/);
    },
  );

  itBoth(
    "does not pin stages, scratch, or images that are not resolved",
    "FROM scratch AS empty\nFROM empty\nFROM ghcr.io/acme/private:1.0\nFROM redis:7\nFROM nginx:1.27\n",
    {
      lookups: {
        "ghcr.io/acme/private:1.0": failed({
          kind: "unauthorized",
          host: "ghcr.io",
          message: "ghcr.io asks for credentials to read ghcr.io/acme/private:1.0 (HTTP 401).",
        }),
        "redis:7": { state: "resolving" },
      },
    },
    (c) => {
      assert.match(refusal(c, "scratch"), /empty image/);
      assert.match(refusal(c, "empty"), /build stage/);
      assert.match(refusal(c, "ghcr.io/acme/private:1.0"), /asks for credentials/);
      assert.match(refusal(c, "redis:7"), /still being resolved/);
      assert.match(refusal(c, "nginx:1.27"), /not been resolved/);
    },
  );

  itBoth(
    "uses the cached answer while offline, but never a tag that no longer exists",
    "FROM python:3.12-slim\nFROM alpine:3.22\n",
    {
      lookups: {
        [PYTHON_SLIM]: failed(
          { kind: "offline", host: "registry-1.docker.io", message: "Cannot reach registry-1.docker.io." },
          { previous: resolved(PYTHON_SLIM, PYTHON) },
        ),
        "alpine:3.22": failed(
          {
            kind: "not-found",
            what: "tag",
            host: "registry-1.docker.io",
            message: "The tag of alpine:3.22 does not exist.",
          },
          { previous: resolved("alpine:3.22", ALPINE) },
        ),
      },
    },
    (c) => {
      assert.equal(
        c.apply(edits(c, "python:3.12-slim").edits),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM alpine:3.22\n`),
      );
      assert.match(refusal(c, "alpine:3.22"), /does not exist/);
    },
  );

  itBoth(
    "respects fromLens.pin.enabled",
    "FROM python:3.12-slim\n",
    { lookups: LOOKUPS, settings: settingsWith({ pin: { enabled: false } }) },
    (c) => {
      assert.match(refusal(c, "python:3.12-slim"), /fromLens\.pin\.enabled/);
      const all = pinAllEdits(c.ctx, "pin");
      assert.deepEqual(all.edits, []);
      assert.match(all.error ?? "", /turned off/);
    },
  );
});

describe("pinAllEdits", () => {
  const MULTI_STAGE = [
    "# syntax=docker/dockerfile:1",
    "ARG BASE=python:3.12-slim",
    "ARG PYTHON_VERSION=3.12",
    "FROM golang:1.25-bookworm AS build",
    "COPY --from=alpine:3.22 /etc/os-release /tmp/",
    "FROM $BASE AS app",
    "FROM ${BASE} AS test",
    "FROM python:${PYTHON_VERSION}-slim AS templated",
    "FROM scratch AS final",
    "COPY --from=build /out /app",
    "COPY --from=0 /out /app2",
    `FROM ubuntu:noble@${UBUNTU_DIGEST} AS pinned`,
    "",
  ].join("\n");

  itBoth(
    "pins every remote image and leaves stages, scratch and pins alone",
    MULTI_STAGE,
    {
      lookups: {
        ...LOOKUPS,
        [`ubuntu:noble@${UBUNTU_DIGEST}`]: resolved(`ubuntu:noble@${UBUNTU_DIGEST}`, UBUNTU, {
          pin: { kind: "current" },
        }),
      },
    },
    (c) => {
      const plan = pinAllEdits(c.ctx, "pin");
      const expected = c.text
        .replace("# syntax=docker/dockerfile:1", `# syntax=docker/dockerfile:1@${DOCKERFILE_FRONTEND_DIGEST}`)
        .replace("ARG BASE=python:3.12-slim", `ARG BASE=python:3.12-slim@${PYTHON_SLIM_DIGEST}`)
        .replace("COPY --from=alpine:3.22 ", `COPY --from=alpine:3.22@${ALPINE_DIGEST} `);
      assert.equal(c.apply(plan.edits), expected);
      assert.equal(plan.changed, 4, "syntax, alpine and both FROMs through ARG BASE");
      assert.equal(plan.edits.length, 3, "one edit for the ARG both FROMs use");
      assert.deepEqual(
        plan.skipped.map((s) => [s.line, s.ref.raw]),
        [
          [3, "golang:1.25-bookworm"],
          [7, "python:${PYTHON_VERSION}-slim"],
        ],
      );
      assert.match(plan.skipped[0]?.reason ?? "", /not been resolved/);
      assert.match(plan.skipped[1]?.reason ?? "", /built from PYTHON_VERSION/);
      assert.equal(plan.label, "Pin 4 images to digests");
    },
  );

  itBoth(
    "updates only the pins whose tag moved",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}\nFROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM alpine:3.22\n`,
    { lookups: LOOKUPS },
    (c) => {
      const plan = pinAllEdits(c.ctx, "update");
      assert.equal(
        c.apply(plan.edits),
        c.lines(
          `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\nFROM alpine:3.22\n`,
        ),
      );
      assert.equal(plan.changed, 1);
      assert.deepEqual(plan.skipped, []);
      assert.equal(plan.label, "Update 1 pinned image");
    },
  );
});
