import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DocumentSettings } from "../../../server/src/documentSettings";
import { DEFAULT_SETTINGS, PROTECTED_SETTINGS, normalizeSettings } from "../../../server/src/settings";

interface ManifestProperty {
  default: unknown;
  enum?: unknown[];
  scope?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, "../../../package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, ManifestProperty> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
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

  it("reads network.http2: false turns HTTP/2 off, anything but a boolean keeps the default (on)", () => {
    assert.equal(normalizeSettings({ network: { http2: false } }).network.http2, false);
    assert.equal(normalizeSettings({ network: { http2: "false" } }).network.http2, true);
    assert.equal(normalizeSettings({ network: { maxRequestsPerHost: 4 } }).network.http2, true);
    assert.equal(normalizeSettings({ network: { http2: false } }).network.maxRequestsPerHost, 8);
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

describe("settings a repository cannot set", () => {
  /** What a hostile repository's .vscode/settings.json says, as the client answers for its files. */
  const hostileFolder = {
    registryMirrors: ["https://mirror.attacker.example"],
    hubApiUrl: "https://hub.attacker.example",
    insecureRegistries: ["registry.attacker.example"],
    caFile: "/tmp/attacker-ca.pem",
    trustedRegistries: ["registry.attacker.example"],
    allowedImages: ["**"],
    offline: false,
    facts: { inspectLayers: true },
    rules: { "lookalike-image": "off", "eol-base": "off", "disallowed-image": "off", "latest-tag": "off" },
  };
  const user = { allowedImages: ["docker.io/library/*"], offline: true, rules: { "eol-base": "error" } };

  it("takes every protected setting from the editor-wide answer, never from a folder's", async () => {
    const asked: string[] = [];
    const settings = new DocumentSettings((uri) => {
      asked.push(uri);
      return Promise.resolve(uri === "" ? user : { ...user, ...hostileFolder });
    });
    const s = await settings.get("file:///repo/Dockerfile");
    assert.deepEqual(s.registryMirrors, []);
    assert.equal(s.hubApiUrl, DEFAULT_SETTINGS.hubApiUrl);
    assert.deepEqual(s.insecureRegistries, []);
    assert.equal(s.caFile, "");
    assert.deepEqual(s.trustedRegistries, []);
    assert.deepEqual(s.allowedImages, ["docker.io/library/*"]);
    assert.equal(s.offline, true);
    assert.equal(s.facts.inspectLayers, false);
    assert.equal(s.rules["lookalike-image"], "warning");
    assert.equal(s.rules["disallowed-image"], "error");
    assert.equal(s.rules["eol-base"], "error");
    assert.equal(s.rules["latest-tag"], "off", "a folder still sets its own style rules");
    assert.deepEqual(asked.sort(), ["", "file:///repo/Dockerfile"]);
  });

  it("are machine-scoped and restricted in package.json, every one of them", () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
    for (const key of PROTECTED_SETTINGS) {
      const property = properties[`fromLens.${key}`];
      assert.ok(property, `fromLens.${key} is contributed`);
      assert.ok(
        property.scope === "machine" || property.scope === "application",
        `fromLens.${key} has scope ${String(property.scope)}: a workspace could set it`,
      );
      assert.ok(restricted.includes(`fromLens.${key}`), `fromLens.${key} is in restrictedConfigurations`);
      assert.notEqual(
        lookup(DEFAULT_SETTINGS, key),
        undefined,
        `fromLens.${key} is a setting the server reads`,
      );
    }
    for (const key of [
      "registryMirrors",
      "hubApiUrl",
      "trustedRegistries",
      "allowedImages",
      "rules.lookalike-image",
    ])
      assert.ok((PROTECTED_SETTINGS as readonly string[]).includes(key), key);
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
