/**
 * provideCodeActions: the quick fixes of FROM Lens' diagnostics (version-guarded edits), "fix
 * all" for a kind, and the ignore comments — each applied to the text and checked there.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from "vscode-languageserver";
import { provideCodeActions } from "../../../server/src/features/codeActions";
import { provideDiagnostics } from "../../../server/src/features/diagnostics";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  PYTHON_SLIM_DIGEST,
  PYTHON_SLIM_OLD_DIGEST,
  featureCase,
  itBoth,
  pythonSlimFacts,
  realFactsAs,
  resolved,
  type CaseOptions,
  type FeatureCase,
} from "./fixtures";

const UBUNTU_LATEST = realFactsAs("ubuntu:noble", "latest");
const PYTHON = pythonSlimFacts();
const LOOKUPS: Record<string, Lookup> = {
  ubuntu: resolved("ubuntu", UBUNTU_LATEST),
  "ubuntu:latest": resolved("ubuntu:latest", UBUNTU_LATEST),
  "python:3.12-slim": resolved("python:3.12-slim", PYTHON),
  [`python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`]: resolved(
    `python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`,
    PYTHON,
    {
      pin: { kind: "moved", currentDigest: PYTHON_SLIM_DIGEST },
    },
  ),
};

/** The code actions for the diagnostics on `line` (as an editor asks for them at the cursor). */
function actionsAt(c: FeatureCase, line: number): CodeAction[] {
  const diagnostics = provideDiagnostics(c.ctx).filter((d) => d.range.start.line === line);
  return provideCodeActions(
    c.ctx,
    { start: { line, character: 0 }, end: { line, character: 0 } },
    diagnostics,
  );
}

function editsOf(action: CodeAction | undefined): TextEdit[] {
  const change = action?.edit?.documentChanges?.[0];
  assert.ok(change !== undefined && "edits" in change, "a versioned text document edit");
  return change.edits.filter((e): e is TextEdit => "range" in e);
}

function applied(c: FeatureCase, line: number, title: string): string {
  const actions = actionsAt(c, line);
  const action = actions.find((a) => a.title === title);
  assert.ok(action !== undefined, `no action ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
  return c.apply(editsOf(action));
}

describe("provideCodeActions", () => {
  itBoth(
    "offers a diagnostic's quick fix first, guarded by the document version",
    "FROM ubuntu AS base\n",
    { lookups: LOOKUPS },
    (c) => {
      const actions = actionsAt(c, 0);
      assert.deepEqual(
        actions.map((a) => [a.title, a.kind, a.isPreferred === true]),
        [
          ["Use tag 24.04 (the same image today)", CodeActionKind.QuickFix, true],
          ["Ignore implicit-latest on this line", CodeActionKind.QuickFix, false],
          ["Ignore implicit-latest in this file", CodeActionKind.QuickFix, false],
        ],
      );
      const change = actions[0]?.edit?.documentChanges?.[0];
      assert.ok(change !== undefined && "textDocument" in change);
      assert.deepEqual(change.textDocument, { uri: "file:///work/Dockerfile", version: 7 });
      assert.equal(actions[0]?.diagnostics?.[0]?.code, "implicit-latest");
      assert.equal(c.apply(editsOf(actions[0])), c.lines("FROM ubuntu:24.04 AS base\n"));
    },
  );

  itBoth(
    "sends plain changes to clients without versioned edits",
    "FROM ubuntu\n",
    { lookups: LOOKUPS },
    (c) => {
      const diagnostics = provideDiagnostics(c.ctx);
      const [first] = provideCodeActions(c.ctx, diagnostics[0]!.range, diagnostics, {
        documentChanges: false,
      });
      assert.deepEqual(Object.keys(first?.edit?.changes ?? {}), ["file:///work/Dockerfile"]);
      assert.equal(first?.edit?.documentChanges, undefined);
    },
  );

  itBoth(
    "answers only FROM Lens diagnostics that still match a finding (code and range)",
    "FROM ubuntu\n",
    { lookups: LOOKUPS },
    (c) => {
      const [ours] = provideDiagnostics(c.ctx);
      const range = ours!.range;
      const foreign: Diagnostic = { range, message: "x", source: "dockerfile-utils", code: 26 };
      const moved: Diagnostic = {
        ...ours!,
        range: { start: range.start, end: { ...range.end, character: 9 } },
      };
      const renamed: Diagnostic = { ...ours!, code: "latest-tag" };
      assert.deepEqual(provideCodeActions(c.ctx, range, [foreign, moved, renamed]), []);
    },
  );

  itBoth(
    "updates a stale pin through pinEdits",
    `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}\n`,
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        applied(c, 0, "Update python:3.12-slim pin to sha256:229a2c5bfa27"),
        c.lines(`FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`),
      );
    },
  );

  itBoth(
    "fixes every diagnostic of a kind in the file at once",
    "FROM ubuntu AS a\nRUN true\nFROM ubuntu:latest AS b\nFROM ubuntu AS c\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(
        applied(c, 0, "Add the exact tag to every reference without one"),
        c.lines("FROM ubuntu:24.04 AS a\nRUN true\nFROM ubuntu:latest AS b\nFROM ubuntu:24.04 AS c\n"),
      );
      const fixAll = actionsAt(c, 0).find((a) => a.title.startsWith("Add the exact tag"));
      assert.deepEqual(
        fixAll?.diagnostics?.map((d) => d.range.start.line),
        [0, 3],
      );
    },
  );

  itBoth("offers no fix-all for a single diagnostic", "FROM ubuntu\n", { lookups: LOOKUPS }, (c) => {
    assert.ok(!actionsAt(c, 0).some((a) => a.title.startsWith("Add the exact tag")));
  });
});

describe("ignore comments", () => {
  const options: CaseOptions = { lookups: LOOKUPS };

  itBoth(
    "ignores on this line: a comment above the instruction, with its indentation and line ending",
    "FROM python:3.12-slim AS build\n  FROM ubuntu AS app\n",
    options,
    (c) => {
      const text = applied(c, 1, "Ignore implicit-latest on this line");
      assert.equal(
        text,
        c.lines(
          "FROM python:3.12-slim AS build\n  # from-lens-ignore implicit-latest\n  FROM ubuntu AS app\n",
        ),
      );
      assert.deepEqual(
        provideDiagnostics(featureCase(text, c.eol, options).ctx).map((d) => d.code),
        ["floating-tag"],
      );
    },
  );

  itBoth(
    "puts the comment above a continued instruction's first line",
    "FROM --platform=linux/amd64 \\\n    ubuntu \\\n    AS base\n",
    options,
    (c) => {
      assert.equal(
        applied(c, 1, "Ignore implicit-latest on this line"),
        c.lines(
          "# from-lens-ignore implicit-latest\nFROM --platform=linux/amd64 \\\n    ubuntu \\\n    AS base\n",
        ),
      );
    },
  );

  itBoth(
    "adds the code to an ignore comment already above, before its reason",
    "# from-lens-ignore unpinned -- CI pins\nFROM ubuntu\n",
    options,
    (c) => {
      assert.equal(
        applied(c, 1, "Ignore implicit-latest on this line"),
        c.lines("# from-lens-ignore unpinned, implicit-latest -- CI pins\nFROM ubuntu\n"),
      );
    },
  );

  itBoth(
    "ignores in this file after the parser directives, never before them",
    "# syntax=docker/dockerfile:1\n# escape=\\\n# check=skip=JSONArgsRecommended\n# Our base image\nFROM ubuntu\n",
    options,
    (c) => {
      const text = applied(c, 4, "Ignore implicit-latest in this file");
      assert.equal(
        text,
        c.lines(
          "# syntax=docker/dockerfile:1\n# escape=\\\n# check=skip=JSONArgsRecommended\n" +
            "# from-lens-ignore-file implicit-latest\n# Our base image\nFROM ubuntu\n",
        ),
      );
      assert.deepEqual(provideDiagnostics(featureCase(text, c.eol, options).ctx), []);
    },
  );

  itBoth(
    "ignores in this file at the very top when there are no directives",
    "FROM ubuntu\n",
    options,
    (c) => {
      assert.equal(
        applied(c, 0, "Ignore implicit-latest in this file"),
        c.lines("# from-lens-ignore-file implicit-latest\nFROM ubuntu\n"),
      );
    },
  );

  itBoth(
    "adds the code to an existing file-level comment",
    "# syntax=docker/dockerfile:1\n# from-lens-ignore-file unpinned\nFROM ubuntu\n",
    options,
    (c) => {
      assert.equal(
        applied(c, 2, "Ignore implicit-latest in this file"),
        c.lines(
          "# syntax=docker/dockerfile:1\n# from-lens-ignore-file unpinned, implicit-latest\nFROM ubuntu\n",
        ),
      );
    },
  );

  itBoth(
    "offers only the file-level comment for the # syntax directive",
    "# syntax=docker/dockerfile\nFROM ubuntu:24.04\n",
    options,
    (c) => {
      assert.deepEqual(
        actionsAt(c, 0).map((a) => a.title),
        ["Ignore implicit-latest in this file"],
      );
      assert.equal(
        applied(c, 0, "Ignore implicit-latest in this file"),
        c.lines("# syntax=docker/dockerfile\n# from-lens-ignore-file implicit-latest\nFROM ubuntu:24.04\n"),
      );
    },
  );

  itBoth("keeps a byte order mark first", "\uFEFFFROM ubuntu\n", options, (c) => {
    assert.equal(
      applied(c, 0, "Ignore implicit-latest on this line"),
      c.lines("\uFEFF# from-lens-ignore implicit-latest\nFROM ubuntu\n"),
    );
    assert.equal(
      applied(c, 0, "Ignore implicit-latest in this file"),
      c.lines("\uFEFF# from-lens-ignore-file implicit-latest\nFROM ubuntu\n"),
    );
  });

  it("writes the file comment on its own line when the directives end the file without a line break", () => {
    const c = featureCase("# syntax=docker/dockerfile", "\r\n", options);
    assert.equal(
      applied(c, 0, "Ignore implicit-latest in this file"),
      "# syntax=docker/dockerfile\n# from-lens-ignore-file implicit-latest\n",
    );
  });
});
