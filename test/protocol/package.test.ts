/**
 * The packaged extension (dist/from-lens.vsix, made by `npm run package` before the tests) holds
 * only what ships: the bundles, the grammar, the manifest and docs — no sources, no tests, no
 * node_modules, no source maps.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as yauzl from "yauzl";
import { REPO_ROOT } from "../support/lsp";

const VSIX = join(REPO_ROOT, "dist", "from-lens.vsix");

function entries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

describe("the packaged .vsix", () => {
  it("exists (npm run package ran)", () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package`);
  });

  it("contains the bundled client, server and its worker, the grammar and the manifest", async () => {
    const names = await entries(VSIX);
    for (const needed of [
      "extension/package.json",
      "extension/dist/client.js",
      "extension/dist/server.js",
      // server.js is the entry; it runs the bundle through a V8 code cache.
      "extension/dist/serverMain.js",
      // Large documents are read on a worker thread: without it they would block the server.
      "extension/dist/refWorker.js",
      // undici, loaded on the first request (not parsed at start).
      "extension/dist/undici.js",
      // yaml, loaded on the first YAML document (not parsed at start).
      "extension/dist/yaml.js",
      "extension/syntaxes/image-reference.injection.tmLanguage.json",
      "extension/readme.md",
      "extension.vsixmanifest",
    ]) {
      assert.ok(
        names.some((n) => n.toLowerCase() === needed.toLowerCase()),
        `${needed} in ${names.join(", ")}`,
      );
    }
  });

  it("contains no sources, tests, source maps or dependencies", async () => {
    const names = await entries(VSIX);
    const unwanted = names.filter((n) =>
      /(^|\/)(node_modules|test|client\/src|server\/src|cli\/src|scripts|\.ci)\/|\.ts$|\.map$|tsconfig|eslint/.test(
        n,
      ),
    );
    assert.deepEqual(unwanted, []);
  });

  it("declares the activation, languages and commands a user relies on", () => {
    const p = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      main: string;
      engines: { vscode: string };
      activationEvents: string[];
      contributes: {
        languages: { filenames: string[]; filenamePatterns: string[] }[];
        commands: { command: string }[];
      };
    };
    assert.equal(p.main, "./dist/client.js");
    assert.match(
      p.engines.vscode,
      /^\^1\.(9[0-9]|[1-8][0-9])\./,
      "installs into VS Code 1.99 (code-server 4.99.4)",
    );
    assert.ok(p.activationEvents.includes("onLanguage:dockerfile"));
    const language = p.contributes.languages[0];
    assert.ok(language);
    for (const name of ["Dockerfile", "Containerfile"]) assert.ok(language.filenames.includes(name));
    for (const pattern of ["Dockerfile.*", "Containerfile.*", "*.Dockerfile"])
      assert.ok(language.filenamePatterns.includes(pattern));
    const commands = p.contributes.commands.map((c) => c.command);
    assert.ok(commands.includes("fromLens.restartServer"));
    assert.ok(commands.includes("fromLens.showOutput"));
  });
});
