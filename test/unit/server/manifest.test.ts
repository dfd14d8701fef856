/** The extension manifest as the Marketplace and the Settings editor show it. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { isStandardCheck } from "../../../server/src/features/standardChecks";
import { REPO_ROOT } from "../../support/paths";

interface Setting {
  description?: string;
  markdownDescription?: string;
}
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  icon?: string;
  galleryBanner?: { color?: string; theme?: string };
  qna?: string;
  contributes: { configuration: { properties: Record<string, Setting> } };
};
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("extension manifest", () => {
  it("has a real PNG icon of at least 128×128, shipped in the .vsix", () => {
    assert.equal(manifest.icon, "images/icon.png");
    const png = readFileSync(join(REPO_ROOT, manifest.icon));
    assert.deepEqual(
      [...png.subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      "PNG signature",
    );
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 128 && width === height, `icon is ${width}×${height}`);
    assert.match(readFileSync(join(REPO_ROOT, ".vscodeignore"), "utf8"), /^!images\/icon\.png$/m);
  });

  it("has a gallery banner and a place for questions", () => {
    assert.match(manifest.galleryBanner?.color ?? "", /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.galleryBanner?.theme === "dark" || manifest.galleryBanner?.theme === "light");
    assert.match(manifest.qna ?? "", /^https:\/\//);
  });

  it("describes every setting for people, rules with a link to their README section", () => {
    for (const [key, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      const text = setting.markdownDescription ?? setting.description ?? "";
      assert.ok(text.length >= 20, `${key} has no real description`);
      assert.doesNotMatch(text, /^Severity (for|of)\b/, `${key}: "${text}"`);
      const rule = /^fromLens\.rules\.(.+)$/.exec(key)?.[1];
      if (rule !== undefined && isStandardCheck(rule)) {
        // Standard checks share one README section, a table row each.
        assert.ok(
          text.includes("(https://github.com/from-lens/from-lens#standard-checks)"),
          `${key} links it`,
        );
        assert.match(readme, new RegExp(`^\\| \`${rule}\` +\\|`, "m"), `README lists ${rule}`);
      } else if (rule !== undefined) {
        assert.ok(
          text.includes(`(https://github.com/from-lens/from-lens#${rule})`),
          `${key} links its section`,
        );
        assert.ok(readme.includes(`### \`${rule}\``), `README has a section for ${rule}`);
      }
    }
  });
});
