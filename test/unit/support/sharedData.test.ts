/** Without ../shared beside the repository the tests say so once, with where to put it. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../../support/paths";

describe("missing shared test data", () => {
  it("stops the test runner with one message naming the folder and the override", () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "run-tests.mjs"), "test/unit/cli"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, FROM_LENS_REALDATA: "/nonexistent/realdata" },
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /the shared test data is missing:\n {2}\/nonexistent\/realdata\/tags\.json \(or set FROM_LENS_REALDATA\)/,
    );
    assert.match(r.stderr, /Put the project's shared\/ folder beside the repository/);
    assert.equal(r.stdout, "", "no test ran");
  });

  it("fails a realdata read with the same advice", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "-e", 'require("./test/support/realdata").realdataRecords()'],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, FROM_LENS_REALDATA: "/nonexistent/realdata" },
      },
    );
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /realdata: \/nonexistent\/realdata\/tags\.json is missing\. Put the project's shared\/ folder/,
    );
  });
});
