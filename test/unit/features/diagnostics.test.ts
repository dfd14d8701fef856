/**
 * provideDiagnostics: the active rules from the settings, suppression comments, no repeats of
 * the standard validation, and the LSP shape (source, code, link, severity).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validate } from "dockerfile-utils";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { activeRules, provideDiagnostics } from "../../../server/src/features/diagnostics";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  PYTHON_SLIM_DIGEST,
  itBoth,
  pythonSlimFacts,
  realFactsAs,
  resolved,
  resolving,
  settingsFrom,
  type FeatureCase,
} from "./fixtures";

const UBUNTU_LATEST = realFactsAs("ubuntu:noble", "latest");
const LOOKUPS: Record<string, Lookup> = {
  ubuntu: resolved("ubuntu", UBUNTU_LATEST),
  "python:3.12-slim": resolved("python:3.12-slim", pythonSlimFacts()),
};

function codes(c: FeatureCase, options?: Parameters<typeof provideDiagnostics>[1]): [number, string][] {
  return provideDiagnostics(c.ctx, options).map((d) => [d.range.start.line, String(d.code)]);
}

describe("provideDiagnostics", () => {
  itBoth(
    "gives each diagnostic its source, code, README link and severity",
    "FROM ubuntu\n",
    { lookups: LOOKUPS },
    (c) => {
      const [diagnostic, ...rest] = provideDiagnostics(c.ctx);
      assert.equal(rest.length, 0);
      assert.deepEqual(diagnostic, {
        range: { start: { line: 0, character: 5 }, end: { line: 0, character: 11 } },
        severity: DiagnosticSeverity.Warning,
        code: "implicit-latest",
        codeDescription: { href: "https://github.com/from-lens/from-lens#implicit-latest" },
        source: "FROM Lens",
        message:
          'ubuntu has no tag, so Docker pulls ubuntu:latest. "latest" moves to every new release, so a rebuild can ' +
          "switch to a new major version of the program or of the base OS without anyone noticing. Write a version " +
          "tag. Today it is the same image as the tag 24.04.",
      } satisfies Diagnostic);
    },
  );

  itBoth(
    "uses the severity the settings give each code, and drops codes set to off",
    "FROM ubuntu\nFROM python:3.12-slim\n",
    {
      lookups: LOOKUPS,
      settings: settingsFrom({
        rules: { "implicit-latest": "error", unpinned: "info", "floating-tag": "off" },
      }),
    },
    (c) => {
      assert.deepEqual(
        provideDiagnostics(c.ctx).map((d) => [d.range.start.line, d.code, d.severity]),
        [
          [0, "implicit-latest", DiagnosticSeverity.Error],
          [0, "unpinned", DiagnosticSeverity.Information],
          [1, "unpinned", DiagnosticSeverity.Information],
        ],
      );
    },
  );

  it("builds the active list from the settings in one place", () => {
    const defaults = activeRules(DEFAULT_SETTINGS).map((a) => a.rule.code);
    assert.ok(
      !defaults.includes("unpinned") &&
        !defaults.includes("untrusted-source") &&
        !defaults.includes("musl-variant"),
    );
    assert.ok(defaults.includes("stale-pin"));
    const hint = activeRules(DEFAULT_SETTINGS).find((a) => a.rule.code === "floating-tag");
    assert.equal(hint?.severity, DiagnosticSeverity.Hint);
  });

  itBoth(
    "shows local rules at once and registry rules only when facts land",
    "FROM ubuntu:latest\nFROM python:3.12-slim\n",
    { lookups: { "ubuntu:latest": resolving(), "python:3.12-slim": resolving() } },
    (c) => assert.deepEqual(codes(c), [[0, "latest-tag"]]),
  );

  itBoth(
    "once facts land, registry rules join",
    "FROM ubuntu:latest\nFROM python:3.12-slim\n",
    { lookups: { ...LOOKUPS, "ubuntu:latest": resolved("ubuntu:latest", UBUNTU_LATEST) } },
    (c) =>
      assert.deepEqual(codes(c), [
        [0, "latest-tag"],
        [1, "floating-tag"],
      ]),
  );

  itBoth(
    "honours # from-lens-ignore on the line above, stacked, with lists and reasons",
    [
      "# from-lens-ignore latest-tag",
      "FROM ubuntu:latest AS a",
      "",
      "# from-lens-ignore implicit-latest, unpinned -- the base is chosen by CI",
      "# another comment",
      "FROM ubuntu AS b",
      "",
      "# from-lens-ignore unpinned",
      "FROM ubuntu AS c",
      "",
    ].join("\n"),
    { settings: settingsFrom({ rules: { unpinned: "warning" } }) },
    (c) => {
      assert.deepEqual(codes(c), [
        [1, "unpinned"],
        [8, "implicit-latest"],
      ]);
    },
  );

  itBoth(
    "applies a line comment to the instruction's first line, whatever line the image is on",
    "# from-lens-ignore implicit-latest\nFROM --platform=linux/amd64 \\\n    ubuntu \\\n    AS base\n",
    {},
    (c) => assert.deepEqual(codes(c), []),
  );

  itBoth(
    "a line comment separated by a blank line or an instruction does not count",
    "# from-lens-ignore implicit-latest\n\nFROM ubuntu\n# from-lens-ignore implicit-latest\nRUN true\nFROM alpine\n",
    {},
    (c) =>
      assert.deepEqual(codes(c), [
        [2, "implicit-latest"],
        [5, "implicit-latest"],
      ]),
  );

  itBoth(
    "honours # from-lens-ignore-file anywhere, for the syntax directive too",
    "# syntax=docker/dockerfile\n# from-lens-ignore-file implicit-latest\nFROM ubuntu\nFROM alpine:latest\n",
    {},
    (c) => assert.deepEqual(codes(c), [[3, "latest-tag"]]),
  );

  itBoth(
    "never repeats the standard validation's reference errors",
    "FROM python:\nFROM $UNDECLARED\nFROM python:3.12@sha256:\n",
    {},
    (c) => {
      const standard = validate(c.text).map((d) => [d.range.start.line, d.message]);
      assert.deepEqual(standard, [
        [0, "invalid reference format"],
        [1, "base name ($UNDECLARED) should not be blank"],
        [2, "invalid reference format"],
      ]);
      assert.deepEqual(codes(c), []);
      assert.deepEqual(codes(c, { standardDiagnostics: validate(c.text) }), []);
    },
  );

  itBoth(
    "still reports what the standard validation lets through",
    "ARG BASE\nFROM $BASE\nFROM Python:3.12\nFROM python:3.12@sha256:abc\n",
    {},
    (c) => {
      assert.deepEqual(validate(c.text), []);
      assert.deepEqual(codes(c), [
        [1, "unresolvable-arg"],
        [2, "invalid-reference"],
        [3, "invalid-reference"],
      ]);
    },
  );

  itBoth(
    "reports a realistic multi-stage Dockerfile in document order",
    [
      "# syntax=docker/dockerfile:1",
      "ARG NODE_TAG",
      "FROM node:${NODE_TAG} AS assets",
      "RUN npm ci && npm run build",
      "",
      "FROM python:3.12-slim AS app",
      `COPY --from=python@${PYTHON_SLIM_DIGEST} /usr/local/bin/python3 /opt/py`,
      "COPY --from=assets /app/dist /srv/static",
      "",
    ].join("\n"),
    { lookups: LOOKUPS },
    (c) => {
      assert.deepEqual(codes(c), [
        [2, "unresolvable-arg"],
        [5, "floating-tag"],
        [6, "digest-only"],
      ]);
    },
  );
});
