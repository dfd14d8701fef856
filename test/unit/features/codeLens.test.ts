/**
 * Lenses above remote image references: pin, update, status, resolving and error lenses, each
 * with a command (never a dead lens), none for stages, scratch or unresolvable references, and
 * each one switchable in the settings.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { CodeLens } from "vscode-languageserver";
import { provideCodeLenses, SHOW_OUTPUT_COMMAND } from "../../../server/src/features/codeLens";
import { ServerCommand, type ApplyEditsArgs } from "../../../server/src/protocol";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  HOUR,
  MINUTE,
  NOW,
  PYTHON_SLIM,
  PYTHON_SLIM_AMD64,
  PYTHON_SLIM_DIGEST,
  PYTHON_SLIM_OLD_AMD64,
  PYTHON_SLIM_OLD_DIGEST,
  failed,
  itBoth,
  pythonSlimFacts,
  realFacts,
  resolved,
  resolving,
  settingsWith,
  type CaseOptions,
  type FeatureCase,
  pinnedPythonLookups,
} from "./fixtures";

process.env.TZ = "UTC";

const PYTHON = pythonSlimFacts();
const ALPINE = realFacts("alpine:3.22");

const LOOKUPS: Record<string, Lookup> = {
  [PYTHON_SLIM]: resolved(PYTHON_SLIM, PYTHON),
  "alpine:3.22": resolved("alpine:3.22", ALPINE),
  "golang:1.25-bookworm": resolving(),
  "ghcr.io/acme/private:1.0": failed({
    kind: "unauthorized",
    host: "ghcr.io",
    message:
      "ghcr.io asks for credentials to read ghcr.io/acme/private:1.0 (HTTP 401). Log in with `docker login ghcr.io` or check the name.",
  }),
  ...pinnedPythonLookups(),
};

const opts: CaseOptions = { lookups: LOOKUPS };
/** What the VS Code client declares in its initializationOptions. */
const VSCODE = { clientCommands: new Set([SHOW_OUTPUT_COMMAND]) };

/** "line: title → command" for each lens, in order. */
function rows(lenses: readonly CodeLens[]): string[] {
  return lenses.map(
    (l) => `${l.range.start.line}: ${l.command?.title ?? "(no command)"} → ${l.command?.command ?? ""}`,
  );
}

function applyArgs(lens: CodeLens | undefined): ApplyEditsArgs {
  assert.equal(lens?.command?.command, ServerCommand.applyEdits);
  const args = lens?.command?.arguments?.[0] as ApplyEditsArgs | undefined;
  assert.ok(args !== undefined, "applyEdits needs its arguments");
  return args;
}

function only(c: FeatureCase): CodeLens {
  const lenses = provideCodeLenses(c.ctx);
  assert.equal(lenses.length, 1, rows(lenses).join("\n"));
  return lenses[0] as CodeLens;
}

describe("code lenses", () => {
  itBoth(
    "offers to pin an unpinned image, with the edit ready",
    "FROM python:3.12-slim AS base\n",
    opts,
    (c) => {
      const lens = only(c);
      assert.equal(lens.command?.title, "Pin to digest");
      assert.equal(lens.command?.tooltip, "Pin python:3.12-slim to sha256:229a2c5bfa27");
      assert.deepEqual(lens.range, c.ref("python:3.12-slim").range);
      const args = applyArgs(lens);
      assert.equal(args.uri, "file:///work/Dockerfile");
      assert.equal(args.version, 7);
      assert.equal(args.label, "Pin python:3.12-slim to sha256:229a2c5bfa27");
      assert.equal(c.apply(args.edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST} AS base\n`));
    },
  );

  itBoth(
    "offers to update a pin whose tag moved, saying when",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}\n`,
    opts,
    (c) => {
      const lens = only(c);
      assert.equal(lens.command?.title, "Update pin (tag moved 5 days ago)");
      assert.equal(c.apply(applyArgs(lens).edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`));
    },
  );

  itBoth(
    "keeps a platform-manifest pin on its platform",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}\n`,
    opts,
    (c) => {
      const lens = only(c);
      assert.equal(lens.command?.title, "Update pin (linux/amd64, tag moved)");
      assert.equal(c.apply(applyArgs(lens).edits), c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_AMD64}\n`));
    },
  );

  itBoth(
    "shows a quiet status for a current pin that refreshes",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`,
    opts,
    (c) => {
      const lens = only(c);
      assert.equal(lens.command?.title, "Pinned ✓ current");
      assert.equal(lens.command?.command, ServerCommand.refresh);
      assert.deepEqual(lens.command?.arguments, [{ uri: "file:///work/Dockerfile" }]);
    },
  );

  itBoth(
    "warns that a pin's tag is gone, and offers no update",
    `FROM python:3.12.9-slim@${PYTHON_SLIM_DIGEST}\n`,
    opts,
    (c) => {
      const lens = only(c);
      assert.equal(lens.command?.title, "⚠ Pinned: tag 3.12.9-slim no longer exists");
      assert.equal(lens.command?.command, ServerCommand.refresh);
    },
  );

  itBoth(
    "shows resolving and error lenses that do something",
    "FROM golang:1.25-bookworm AS build\nFROM ghcr.io/acme/private:1.0\n",
    opts,
    (c) => {
      const lenses = provideCodeLenses(c.ctx, VSCODE);
      assert.deepEqual(rows(lenses), [
        `0: Resolving… → ${ServerCommand.refresh}`,
        `1: ⚠ Unauthorized — docker login ghcr.io → ${SHOW_OUTPUT_COMMAND}`,
      ]);
      assert.match(lenses[1]?.command?.tooltip ?? "", /asks for credentials/);
    },
  );

  itBoth(
    "gives an editor without the output command an error lens that looks the image up again",
    "FROM golang:1.25-bookworm AS build\nFROM ghcr.io/acme/private:1.0\n",
    opts,
    (c) => {
      const lenses = provideCodeLenses(c.ctx);
      assert.deepEqual(rows(lenses), [
        `0: Resolving… → ${ServerCommand.refresh}`,
        `1: ⚠ Unauthorized — docker login ghcr.io → ${ServerCommand.refresh}`,
      ]);
      assert.deepEqual(lenses[1]?.command?.arguments, [{ uri: c.ctx.doc.uri }]);
      assert.match(lenses[1]?.command?.tooltip ?? "", /asks for credentials.*Click to look it up again/);
    },
  );

  itBoth(
    "says until when Docker Hub's rate limit lasts",
    "FROM alpine:3.22\n",
    {
      lookups: {
        "alpine:3.22": failed({
          kind: "rate-limited",
          host: "registry-1.docker.io",
          resetAt: new Date(NOW.getTime() + 25 * MINUTE),
          message: "registry-1.docker.io rate limit reached (HTTP 429).",
        }),
      },
    },
    (c) => {
      assert.equal(only(c).command?.title, "⚠ Rate-limited until 12:25 (in 25 min)");
    },
  );

  itBoth(
    "still offers the pin from the cache while offline, next to the error",
    "FROM python:3.12-slim\n",
    {
      lookups: {
        [PYTHON_SLIM]: failed(
          {
            kind: "offline",
            host: "registry-1.docker.io",
            message: "Cannot reach registry-1.docker.io (ENOTFOUND).",
          },
          {
            previous: resolved(PYTHON_SLIM, PYTHON, {
              freshness: { kind: "offline", fetchedAt: NOW.getTime() - 3 * HOUR, reason: "ENOTFOUND" },
            }),
          },
        ),
      },
    },
    (c) => {
      assert.deepEqual(rows(provideCodeLenses(c.ctx, VSCODE)), [
        `0: Pin to digest → ${ServerCommand.applyEdits}`,
        `0: ⚠ Offline → ${SHOW_OUTPUT_COMMAND}`,
      ]);
    },
  );

  itBoth(
    "puts no lens on stages, scratch, unresolvable or unknown references",
    [
      "ARG V",
      "FROM alpine:3.22 AS build",
      "FROM build AS test",
      "FROM python:${V}",
      "FROM scratch",
      "COPY --from=build /out /",
      "COPY --from=0 /out /",
      "FROM nginx:1.27",
      "",
    ].join("\n"),
    opts,
    (c) => {
      assert.deepEqual(rows(provideCodeLenses(c.ctx)), [`1: Pin to digest → ${ServerCommand.applyEdits}`]);
    },
  );

  itBoth(
    "pins through an ARG default, and says why a template cannot be pinned",
    "ARG BASE=python:3.12-slim\nARG PYTHON_VERSION=3.12\nFROM $BASE AS a\nFROM python:${PYTHON_VERSION}-slim AS b\n",
    opts,
    (c) => {
      const [lens, template, ...rest] = provideCodeLenses(c.ctx);
      assert.equal(rest.length, 0);
      assert.ok(lens !== undefined && template !== undefined);
      assert.equal(lens.range.start.line, 2, "the lens sits on the FROM line");
      assert.equal(lens.command?.title, "Pin to digest (in ARG BASE)");
      assert.equal(
        c.apply(applyArgs(lens).edits),
        c.lines(
          `ARG BASE=python:3.12-slim@${PYTHON_SLIM_DIGEST}\nARG PYTHON_VERSION=3.12\nFROM $BASE AS a\nFROM python:\${PYTHON_VERSION}-slim AS b\n`,
        ),
      );
      // python:${PYTHON_VERSION}-slim has no single place for a digest: the lens says so instead of
      // being missing (a missing lens looked like FROM Lens had not seen the line).
      assert.equal(template.range.start.line, 3);
      assert.equal(template.command?.title, "Can't pin here (built from ARG PYTHON_VERSION)");
      assert.equal(template.command?.command, ServerCommand.refresh, "no edit");
      assert.match(
        template.command?.tooltip ?? "",
        /^The image name is built from PYTHON_VERSION and other text, so there is no single place for a digest; pin it by writing the whole image in one ARG default/,
      );
    },
  );

  itBoth(
    "puts lenses on COPY --from and RUN --mount images too",
    "FROM python:3.12-slim\nCOPY --from=alpine:3.22 /etc/os-release /tmp/\nRUN --mount=type=bind,from=alpine:3.22,target=/a true\n",
    opts,
    (c) => {
      assert.deepEqual(
        provideCodeLenses(c.ctx).map((l) => [l.range.start.line, l.command?.title]),
        [
          [0, "Pin to digest"],
          [1, "Pin to digest"],
          [2, "Pin to digest"],
        ],
      );
    },
  );

  const ALL_STATES = [
    "FROM python:3.12-slim",
    `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}`,
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`,
    "FROM golang:1.25-bookworm",
    "FROM ghcr.io/acme/private:1.0",
    "",
  ].join("\n");

  itBoth("turns off with the settings", ALL_STATES, opts, (c) => {
    const titles = (settings: CaseOptions["settings"]): string[] =>
      provideCodeLenses({ ...c.ctx, ...(settings !== undefined ? { settings } : {}) }).map(
        (l) => l.command?.title ?? "",
      );
    assert.deepEqual(titles(undefined), [
      "Pin to digest",
      "Pinned ✓ current",
      "Update pin (tag moved 5 days ago)",
      "Resolving…",
      "⚠ Unauthorized — docker login ghcr.io",
    ]);
    assert.deepEqual(titles(settingsWith({ pin: { enabled: false } })), [
      "Pinned ✓ current",
      "Resolving…",
      "⚠ Unauthorized — docker login ghcr.io",
    ]);
    assert.deepEqual(titles(settingsWith({ codeLens: { pin: false } })), [
      "Pinned ✓ current",
      "Update pin (tag moved 5 days ago)",
      "Resolving…",
      "⚠ Unauthorized — docker login ghcr.io",
    ]);
    assert.deepEqual(titles(settingsWith({ codeLens: { updatePin: false } })), [
      "Pin to digest",
      "Pinned ✓ current",
      "Resolving…",
      "⚠ Unauthorized — docker login ghcr.io",
    ]);
    assert.deepEqual(titles(settingsWith({ codeLens: { status: false } })), [
      "Pin to digest",
      "Update pin (tag moved 5 days ago)",
    ]);
  });

  itBoth(
    "runs nothing but server commands for a client that lists no client command",
    ALL_STATES,
    opts,
    (c) => {
      const serverCommands: string[] = Object.values(ServerCommand);
      for (const lens of provideCodeLenses(c.ctx)) {
        assert.ok(serverCommands.includes(lens.command?.command ?? ""), JSON.stringify(lens));
      }
    },
  );

  itBoth("never returns a dead lens", ALL_STATES, opts, (c) => {
    for (const lens of provideCodeLenses(c.ctx, VSCODE)) {
      const command = lens.command;
      assert.ok(
        command !== undefined && command.command !== "" && command.title !== "",
        JSON.stringify(lens),
      );
      if (command.command !== SHOW_OUTPUT_COMMAND)
        assert.ok((command.arguments ?? []).length > 0, command.title);
    }
  });
});
