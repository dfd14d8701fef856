import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { expandDottedKeys, findConfigFile, loadSettings } from "../../../cli/src/config";
import type { CommonOptions } from "../../../cli/src/args";
import { makeTempDirSync, removeTempDir } from "../../support/tmp";

const root = makeTempDirSync("from-lens-config-");
after(() => removeTempDir(root));

function options(cwd: string, extra: Partial<CommonOptions> = {}): CommonOptions {
  return {
    flagSettings: {},
    noConfig: false,
    timeoutMs: 1000,
    verbose: false,
    quiet: false,
    color: false,
    cwd,
    ...extra,
  };
}

describe("CLI settings", () => {
  it("reads settings.json-style dotted keys, with or without the fromLens prefix, beside nested ones", () => {
    assert.deepEqual(
      JSON.parse(
        JSON.stringify(
          expandDottedKeys({
            "fromLens.rules.latest-tag": "off",
            "rules.unpinned": "warning",
            cache: { tagTtl: 5 },
            "cache.maxSizeMB": 10,
          }),
        ),
      ),
      { rules: { "latest-tag": "off", unpinned: "warning" }, cache: { tagTtl: 5, maxSizeMB: 10 } },
    );
  });

  it("finds the nearest .from-lens.json up to the repository root, not above it", () => {
    const repo = join(root, "outer", "repo");
    mkdirSync(join(repo, ".git"), { recursive: true });
    mkdirSync(join(repo, "a", "b"), { recursive: true });
    writeFileSync(join(root, "outer", ".from-lens.json"), "{}");
    assert.equal(findConfigFile(join(repo, "a", "b")), undefined);
    writeFileSync(
      join(repo, ".from-lens.json"),
      JSON.stringify({ offline: true, "rules.latest-tag": "error" }),
    );
    assert.equal(findConfigFile(join(repo, "a", "b")), join(repo, ".from-lens.json"));
    const loaded = loadSettings(options(join(repo, "a")));
    assert.ok(loaded.ok);
    assert.equal(loaded.settings.offline, true);
    assert.equal(loaded.settings.rules["latest-tag"], "error");
    // Flags win over the file; --no-config ignores it.
    const flags = loadSettings(options(repo, { flagSettings: { offline: false } }));
    assert.equal(flags.ok && flags.settings.offline, false);
    const none = loadSettings(options(repo, { noConfig: true }));
    assert.equal(none.ok && none.settings.rules["latest-tag"], "warning");
  });

  it("says what is wrong with a settings file", () => {
    writeFileSync(join(root, "bad.json"), "{ offline: true }");
    writeFileSync(join(root, "list.json"), "[]");
    const bad = loadSettings(options(root, { settingsFile: "bad.json" }));
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.message, /^bad\.json is not valid JSON/);
    const list = loadSettings(options(root, { settingsFile: "list.json" }));
    assert.match(list.ok ? "" : list.message, /must hold a JSON object/);
    const missing = loadSettings(options(root, { settingsFile: "nope.json" }));
    assert.match(missing.ok ? "" : missing.message, /cannot read settings from nope\.json: no such file/);
  });
});
