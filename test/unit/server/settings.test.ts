import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_SETTINGS, normalizeSettings } from "../../../server/src/settings";

interface ManifestProperty {
  default: unknown;
  enum?: unknown[];
}
const manifest = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, ManifestProperty> } };
};
const properties = manifest.contributes.configuration.properties;

/** The value at a dotted path below `fromLens.` in a settings object. */
function lookup(settings: unknown, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], settings);
}

describe("settings", () => {
  it("gives the defaults for nothing, null, or a non-object", () => {
    for (const raw of [undefined, null, 42, "x", []])
      assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS);
  });

  it("keeps valid values and replaces each malformed one with its default", () => {
    const s = normalizeSettings({
      logLevel: "debug",
      validate: { instructionCasing: "error", directiveCasing: "loud", emptyContinuationLine: null },
      format: { ignoreMultilineInstructions: "yes" },
    });
    assert.equal(s.logLevel, "debug");
    assert.equal(s.validate.instructionCasing, "error");
    assert.equal(s.validate.directiveCasing, "warning");
    assert.equal(s.validate.emptyContinuationLine, "warning");
    assert.equal(s.format.ignoreMultilineInstructions, false);
  });

  it("matches package.json: every contributed fromLens.* setting has the same default and values", () => {
    for (const [key, property] of Object.entries(properties)) {
      if (key === "fromLens.trace.server") continue; // read by vscode-languageclient, not the server
      const path = key.slice("fromLens.".length);
      assert.deepEqual(lookup(DEFAULT_SETTINGS, path), property.default, key);
      for (const value of property.enum ?? []) {
        assert.deepEqual(
          lookup(normalizeSettings(setAt(path, value)), path),
          value === "ignore" ? "off" : value, // the older standard-check settings' word for off
          `${key} accepts ${String(value)}`,
        );
      }
    }
  });

  it("contributes every setting the server reads", () => {
    const leaves: string[] = [];
    const walk = (value: unknown, prefix: string): void => {
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
      } else leaves.push(prefix);
    };
    walk(DEFAULT_SETTINGS, "");
    for (const leaf of leaves)
      assert.ok(properties[`fromLens.${leaf}`], `fromLens.${leaf} is in package.json`);
  });
});

function setAt(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split(".");
  const root: Record<string, unknown> = {};
  let node = root;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) node[key] = value;
    else {
      const child: Record<string, unknown> = {};
      node[key] = child;
      node = child;
    }
  });
  return root;
}
