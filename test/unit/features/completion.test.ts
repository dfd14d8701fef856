/**
 * provideTagCompletions: tags after `name:` (most specific first, "same image as" where the
 * digest matches) and the current digest after `@`, from what the resolver already knows.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import { platformsDetail, provideTagCompletions } from "../../../server/src/features/completion";
import { parseHubTag } from "../../../server/src/registry/hub";
import { summarizeHubTag } from "../../../server/src/resolver/hubTags";
import { notFoundError } from "../../../server/src/registry/errors";
import type { Lookup, TagSummary } from "../../../server/src/resolver/types";
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

/** The tag summaries the resolver makes of Docker Hub's tag list (test/fixtures/hub, the API's shape). */
function hubSummaries(repository: string): Record<string, TagSummary> {
  const file = path.resolve(__dirname, "../../fixtures/hub", `${repository.replace("/", "__")}.json`);
  const raw = JSON.parse(readFileSync(file, "utf8")) as { tags: unknown[] };
  const tags = raw.tags.map(parseHubTag).filter((t) => t !== undefined);
  return Object.fromEntries(tags.map((t) => [t.name, summarizeHubTag(t)]));
}
const PYTHON_SUMMARIES = hubSummaries("library/python");

const LOOKUPS: Record<string, Lookup> = {
  "python:3.12-slim": resolved("python:3.12-slim", PYTHON, {
    tags: PYTHON_TAGS,
    tagSummaries: PYTHON_SUMMARIES,
  }),
  python: resolved("python", PYTHON, { tags: PYTHON_TAGS, tagSummaries: PYTHON_SUMMARIES }),
  "python:3.1": failed(notFoundError("tag", "docker.io/library/python:3.1", "registry-1.docker.io"), {
    tags: PYTHON_TAGS,
    tagSummaries: PYTHON_SUMMARIES,
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
      // Short enough to share the suggest widget's line with the label.
      const platforms = "linux amd64, arm64 +6";
      assert.equal(detail["3.12.13-slim"], `same image as 3.12-slim · ${platforms}`);
      assert.equal(detail["3.12-slim-trixie"], `same image as 3.12-slim · ${platforms}`);
      assert.equal(detail["3.12-slim"], `as written · ${platforms}`);
      assert.equal(detail["3.13-alpine"], platforms);
    },
  );

  itBoth(
    "names each tag's platforms and OS, with the full list, digest and push date in the documentation",
    "FROM python:|\n",
    { lookups: LOOKUPS },
    (c) => {
      const items = complete(c) ?? [];
      const windows = items.find((i) => i.label === "3.13-windowsservercore-ltsc2022");
      assert.equal(windows?.detail, "windows amd64");
      const alpine = items.find((i) => i.label === "3.13-alpine");
      assert.deepEqual(alpine?.documentation, {
        kind: "markdown",
        value:
          "**python:3.13-alpine**  \n" +
          "Pushed 4 months ago (2026-08-07) · `sha256:79e7a9b9ff1c`  \n" +
          "**Platforms** linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/386, linux/ppc64le, " +
          "linux/riscv64, linux/s390x",
      });
    },
  );

  itBoth(
    "still names platforms while the tag being typed does not exist yet",
    "FROM python:3.1|\n",
    { lookups: LOOKUPS },
    (c) => {
      const items = complete(c) ?? [];
      assert.match(items.find((i) => i.label === "3.13-alpine")?.detail ?? "", /^linux amd64, arm64 \+6/);
    },
  );

  itBoth(
    "on a registry that lists names only, gives the written tag the platforms it resolved to",
    "FROM python:3.12-sl|im\n",
    { lookups: { "python:3.12-slim": resolved("python:3.12-slim", PYTHON, { tags: PYTHON_TAGS }) } },
    (c) => {
      const detail = Object.fromEntries((complete(c) ?? []).map((i) => [i.label, i.detail]));
      assert.equal(detail["3.12-slim"], "as written · linux amd64, arm64 +6");
      assert.equal(detail["3.13-alpine"], undefined);
      const written = (complete(c) ?? []).find((i) => i.label === "3.12-slim");
      assert.deepEqual(written?.documentation, {
        kind: "markdown",
        value:
          "**python:3.12-slim**  \n`sha256:229a2c5bfa27`  \n" +
          "**Platforms** linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64/v8, linux/386, linux/ppc64le, " +
          "linux/riscv64, linux/s390x",
      });
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

describe("platformsDetail", () => {
  it("groups by OS, amd64 and arm64 first, and counts what it leaves out", () => {
    assert.equal(platformsDetail(["linux/amd64"]), "linux amd64");
    assert.equal(
      platformsDetail([
        "linux/386",
        "linux/arm/v7",
        "linux/arm64/v8",
        "linux/amd64",
        "linux/s390x",
        "linux/ppc64le",
      ]),
      "linux amd64, arm64 +4",
    );
    assert.equal(
      platformsDetail(["windows/amd64", "linux/amd64", "linux/arm64"]),
      "windows amd64; linux amd64, arm64",
    );
    assert.equal(platformsDetail([]), "");
  });
});
