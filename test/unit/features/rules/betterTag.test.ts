/**
 * eol-base's "better tag" fix: the newest listed tag of the same variant family whose own OS word
 * names a supported release; never a tag whose base would be a guess.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../../server/src/facts/derive";
import { eolBase } from "../../../../server/src/features/rules/eolBase";
import { betterTag } from "../../../../server/src/features/rules/support/betterTag";
import type { KnownOs } from "../../../../server/src/facts/types";
import { input } from "../../facts/helpers";
import { NOW, itBoth, resolved } from "../fixtures";
import { fixesOf, only } from "./helpers";

const BUSTER = deriveFacts(
  input({
    repository: "library/python",
    tag: "3.8-slim-buster",
    history: ["# debian.sh --arch 'amd64' out/ 'buster' '@1719792000'", 'CMD ["python3"]'],
    env: { PYTHON_VERSION: "3.8.20" },
  }),
  NOW,
);
const OS = BUSTER.os as KnownOs;

/** Tag names of the shape docker-library publishes (illustrative list). */
const TAGS = [
  "3.8-slim-buster",
  "3.8-slim-bullseye",
  "3.8-slim-bookworm",
  "3.8-bookworm",
  "3.8-alpine3.20",
  "3.8-slim",
  "3.13-slim-trixie",
  "3.8.20-slim-trixie",
  "2.7-slim-trixie",
];

describe("betterTag", () => {
  it("keeps the family and the runtime version, and takes a supported release named in the tag", () => {
    const better = betterTag("3.8-slim-buster", OS, TAGS, NOW);
    assert.equal(better?.tag, "3.8-slim-bookworm");
    assert.match(better?.os ?? "", /^Debian 12 bookworm, supported until \d{4}-\d{2}-\d{2}$/);
  });

  it("moves within the runtime major when the version has no supported tag, never to a tag that names no OS", () => {
    const better = betterTag(
      "3.8-slim-buster",
      OS,
      ["3.8-slim", "3.8-slim-bullseye", "3.13-slim-trixie", "4.0-slim-trixie"],
      NOW,
    );
    assert.equal(better?.tag, "3.13-slim-trixie");
    assert.equal(
      betterTag("3.8-slim-buster", OS, ["3.8-slim", "3.8-alpine3.22", "3.8-bookworm"], NOW),
      undefined,
    );
  });
});

describe("eol-base fix", () => {
  itBoth(
    "offers the better tag with its facts in the title",
    "FROM python:3.8-slim-buster\n",
    {
      lookups: {
        "python:3.8-slim-buster": resolved("python:3.8-slim-buster", BUSTER, {
          tags: TAGS,
          tagSummaries: {
            "3.8-slim-bookworm": { platforms: ["linux/amd64"], pushedAt: "2026-11-20T09:30:00Z" },
          },
        }),
      },
    },
    (c) => {
      const [fix] = fixesOf(c, eolBase, only(c, eolBase));
      assert.match(
        fix?.title ?? "",
        /^Use tag 3\.8-slim-bookworm \(Debian 12 bookworm, supported until \d{4}-\d{2}-\d{2}; pushed 2026-11-20; its OS is named in the tag\)$/,
      );
      assert.equal(fix?.edits[0]?.newText, "3.8-slim-bookworm");
    },
  );
});
