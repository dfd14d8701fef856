import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findAliases, mostSpecificTag, sortMostSpecificFirst } from "../../../server/src/facts/aliases";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const OTHER = `sha256:${"cd".repeat(32)}`;

describe("aliases", () => {
  it("sorts most specific first: 3.12.8-slim-bookworm, 3.12-slim, 3-slim, slim", () => {
    assert.deepEqual(
      sortMostSpecificFirst([
        "slim",
        "3-slim",
        "3.12.8-slim-bookworm",
        "3.12-slim",
        "3.12.8-slim",
        "3.12-slim-bookworm",
      ]),
      ["3.12.8-slim-bookworm", "3.12.8-slim", "3.12-slim-bookworm", "3.12-slim", "3-slim", "slim"],
    );
  });

  it("puts latest last", () => {
    assert.deepEqual(sortMostSpecificFirst(["latest", "alpine", "3"]), ["3", "alpine", "latest"]);
  });

  it("picks the most specific tag, ignoring signature tags", () => {
    assert.equal(mostSpecificTag(["3-slim", "3.12.8-slim-bookworm", "3.12-slim"]), "3.12.8-slim-bookworm");
    assert.equal(mostSpecificTag([`sha256-${"ab".repeat(32)}.sig`, "latest"]), "latest");
    assert.equal(mostSpecificTag([]), undefined);
  });

  it("finds the other tags with the same index digest, with evidence", () => {
    const aliases = findAliases("3.12-slim", DIGEST, [
      { name: "3.12-slim", digest: DIGEST },
      { name: "3-slim", digest: DIGEST },
      { name: "3.12.8-slim-bookworm", digest: DIGEST },
      { name: "3.11-slim", digest: OTHER },
      { name: "nightly", digest: null },
      { name: `sha256-${"ab".repeat(32)}.att`, digest: DIGEST },
    ]);
    assert.deepEqual(
      aliases.map((a) => a.tag),
      ["3.12.8-slim-bookworm", "3-slim"],
    );
    assert.match(
      aliases[0]?.evidence ?? "",
      /^Docker Hub tag list: 3\.12\.8-slim-bookworm also points to sha256:abababababab…$/,
    );
  });
});
