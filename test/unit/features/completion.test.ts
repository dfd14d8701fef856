/**
 * provideTagCompletions: tags after `name:` (most specific first, "same image as" where the
 * digest matches) and the current digest after `@`, from what the resolver already knows.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import { provideTagCompletions } from "../../../server/src/features/completion";
import { notFoundError } from "../../../server/src/registry/errors";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  failed,
  hubTagNames,
  itBoth,
  realFactsWithHub,
  resolved,
  resolving,
  type FeatureCase,
} from "./fixtures";

const PYTHON = realFactsWithHub("python:3.12-slim");
const PYTHON_TAGS = hubTagNames("library/python");

const LOOKUPS: Record<string, Lookup> = {
  "python:3.12-slim": resolved("python:3.12-slim", PYTHON, { tags: PYTHON_TAGS }),
  python: resolved("python", PYTHON, { tags: PYTHON_TAGS }),
  "python:3.1": failed(notFoundError("tag", "docker.io/library/python:3.1", "registry-1.docker.io"), {
    tags: PYTHON_TAGS,
  }),
};

function complete(c: FeatureCase): CompletionItem[] | undefined {
  return provideTagCompletions(c.ctx, c.cursor);
}

function replaced(c: FeatureCase, item: CompletionItem | undefined): string {
  const edit = item?.textEdit;
  assert.ok(edit !== undefined && "range" in edit);
  return c.apply([edit]);
}

describe("provideTagCompletions", () => {
  itBoth(
    "offers the repository's tags, most specific first, replacing the whole tag",
    "FROM python:3.12-sl|im AS app\n",
    { lookups: LOOKUPS },
    (c) => {
      const items = complete(c) ?? [];
      assert.deepEqual(
        items.map((i) => i.label),
        [
          // sortMostSpecificFirst: more version parts, then more words, then longer
          "3.12.13-slim",
          "3.13-windowsservercore-ltsc2022",
          "3.12-slim-trixie",
          "3.15-rc-slim",
          "3.13-alpine3.24",
          "3.13-alpine",
          "3.12-slim",
        ],
      );
      assert.deepEqual(
        items.map((i) => i.sortText),
        ["000000", "000001", "000002", "000003", "000004", "000005", "000006"],
      );
      assert.equal(items[0]?.kind, CompletionItemKind.Value);
      assert.equal(replaced(c, items[0]), c.lines("FROM python:3.12.13-slim AS app\n"));
    },
  );

  itBoth(
    "shows which tags are the same image as the one written",
    "FROM python:3.12-sl|im\n",
    { lookups: LOOKUPS },
    (c) => {
      const detail = Object.fromEntries((complete(c) ?? []).map((i) => [i.label, i.detail]));
      assert.equal(detail["3.12.13-slim"], "same image as 3.12-slim (sha256:229a2c5bfa27)");
      assert.equal(detail["3.12-slim-trixie"], "same image as 3.12-slim (sha256:229a2c5bfa27)");
      assert.equal(detail["3.12-slim"], "current: sha256:229a2c5bfa27");
      assert.equal(detail["3.13-alpine"], undefined);
    },
  );

  itBoth(
    "completes right after the colon from the repository's lookup",
    "FROM python:|\n",
    { lookups: LOOKUPS },
    (c) => {
      const items = complete(c) ?? [];
      assert.equal(items.length, PYTHON_TAGS.length);
      assert.equal(
        replaced(
          c,
          items.find((i) => i.label === "3.13-alpine"),
        ),
        c.lines("FROM python:3.13-alpine\n"),
      );
    },
  );

  itBoth(
    "completes a partly typed tag the registry does not know",
    "FROM python:3.1|\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(complete(c)?.length, PYTHON_TAGS.length);
    },
  );

  itBoth(
    "completes tags in COPY --from images too",
    "FROM alpine:3.22\nCOPY --from=python:|3.12-slim /a /b\n",
    { lookups: LOOKUPS },
    (c) => {
      assert.equal(complete(c)?.[0]?.label, "3.12.13-slim");
    },
  );

  itBoth(
    "offers the tag's current digest after @",
    "FROM python:3.12-slim@sha256:|\n",
    { lookups: LOOKUPS },
    (c) => {
      const [item, ...rest] = complete(c) ?? [];
      assert.equal(rest.length, 0);
      assert.equal(item?.label, PYTHON.indexDigest);
      assert.equal(item?.detail, "the current digest of python:3.12-slim");
      assert.equal(replaced(c, item), c.lines(`FROM python:3.12-slim@${PYTHON.indexDigest}\n`));
    },
  );

  itBoth(
    "answers with nothing (not the standard completion) while tags are unknown",
    "FROM nginx:|\n",
    { lookups: { nginx: resolving() } },
    (c) => {
      assert.deepEqual(complete(c), []);
    },
  );

  for (const [name, text] of [
    ["in the image name", "FROM pyt|hon:3.12-slim\n"],
    ["after the image", "FROM python:3.12-slim |AS app\n"],
    ["on another instruction", "FROM python:3.12-slim\nRUN echo python:|3\n"],
    ["in a tag built from an ARG", "ARG V=3.12\nFROM python:${V}|\n"],
    ["in a stage reference", "FROM python:3.12-slim AS base\nFROM base|\n"],
    ["in a comment", "# FROM python:|3.12\nFROM python:3.12-slim\n"],
  ] as const) {
    itBoth(`leaves the position to the standard completion ${name}`, text, { lookups: LOOKUPS }, (c) => {
      assert.equal(complete(c), undefined);
    });
  }
});
