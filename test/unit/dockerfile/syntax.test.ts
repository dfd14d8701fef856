/**
 * The `# syntax=` parser directive: the frontend image BuildKit runs, found the way its
 * DetectSyntax finds it (leading directive lines only, after an optional shebang).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { assertRangesMatchRaw, itBoth } from "./helpers";

describe("# syntax= directive", () => {
  itBoth("is an image reference of kind syntax", "# syntax=docker/dockerfile:1\nFROM alpine:3.22\n", (c) => {
    const ref = c.ref("docker/dockerfile:1");
    assert.equal(ref.kind, "syntax");
    assert.equal(ref.resolved, "docker/dockerfile:1");
    assert.equal(ref.stageIndex, -1);
    assert.equal(ref.isStageRef, false);
    assert.equal(ref.isScratch, false);
    assert.deepEqual(ref.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 28 } });
    assert.equal(c.refs[1]?.raw, "alpine:3.22");
  });

  itBoth(
    "allows spaces, any letter case and a digest",
    "#   SYNTAX =  docker.io/docker/dockerfile:1.7@sha256:2edbbc5dc405e9612ba3584ce95480277e3eb374407b5505fe26f17df77c7dbc  \nFROM alpine\n",
    (c) => {
      const ref = c.ofKind("syntax")[0];
      assert.equal(
        ref?.raw,
        "docker.io/docker/dockerfile:1.7@sha256:2edbbc5dc405e9612ba3584ce95480277e3eb374407b5505fe26f17df77c7dbc",
      );
      assertRangesMatchRaw(c);
    },
  );

  itBoth("takes the first word of the value", "# syntax=docker/dockerfile:1 foo=bar\nFROM alpine\n", (c) => {
    assert.equal(c.ofKind("syntax")[0]?.raw, "docker/dockerfile:1");
  });

  itBoth(
    "is found after other directives and after a shebang",
    "#!/usr/bin/env -S docker build -f\n# escape=`\n# check=error=true\n#syntax=docker/dockerfile:1\nFROM alpine\n",
    (c) => {
      const ref = c.ofKind("syntax")[0];
      assert.equal(ref?.raw, "docker/dockerfile:1");
      assert.equal(ref?.range.start.line, 3);
      assertRangesMatchRaw(c);
    },
  );

  itBoth(
    "is not a directive after a comment, a blank line or an instruction",
    "# hello\n# syntax=docker/dockerfile:1\n",
    (c) => {
      assert.equal(c.ofKind("syntax").length, 0);
    },
  );
  itBoth("is not a directive after a blank line", "\n# syntax=docker/dockerfile:1\nFROM alpine\n", (c) => {
    assert.equal(c.ofKind("syntax").length, 0);
  });
  itBoth("is not a directive after an instruction", "FROM alpine\n# syntax=docker/dockerfile:1\n", (c) => {
    assert.equal(c.ofKind("syntax").length, 0);
  });
  itBoth(
    "is not a directive with leading blanks before #",
    "  # syntax=docker/dockerfile:1\nFROM alpine\n",
    (c) => {
      assert.equal(c.ofKind("syntax").length, 0);
    },
  );

  itBoth(
    "uses the first of two syntax directives",
    "# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1.4\nFROM alpine\n",
    (c) => {
      assert.deepEqual(
        c.ofKind("syntax").map((r) => r.raw),
        ["docker/dockerfile:1"],
      );
    },
  );

  itBoth("skips a byte-order mark", "\uFEFF# syntax=docker/dockerfile:1\nFROM alpine\n", (c) => {
    const ref = c.ofKind("syntax")[0];
    assert.equal(ref?.raw, "docker/dockerfile:1");
    assertRangesMatchRaw(c);
  });

  itBoth(
    "does not substitute ARGs in the directive",
    "# syntax=docker/dockerfile:${V}\nARG V=1\nFROM alpine\n",
    (c) => {
      assert.equal(c.ofKind("syntax")[0]?.resolved, "docker/dockerfile:${V}");
    },
  );
});
