/**
 * `--platform` against real indexes in the CNCF registry on loopback, through the language
 * server's own Engine: the registry picks the index entry and the facts describe that same entry
 * (oci/platform.ts matches for both), so the card's OS and runtimes are the build's.
 */
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../../../server/src/engine";
import { provideHover } from "../../../server/src/features/hover";
import { DEFAULT_SETTINGS, type FromLensSettings } from "../../../server/src/settings";
import { buildImage, pushImage, type PlatformSpec } from "../../support/images";
import { startRegistry, type Registry } from "../../support/registry";
import { tempDirFor } from "../../support/tmp";

const QUIET = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

const python = (version: string, p: Omit<PlatformSpec, "env">): PlatformSpec => ({
  ...p,
  env: ["PATH=/usr/local/bin:/usr/bin:/bin", `PYTHON_VERSION=${version}`],
});

let registry: Registry;
before(async () => {
  registry = await startRegistry({ auth: "none" });
  // The arm64 entry names no variant, as many indexes do (containerd reads it as arm64/v8).
  await pushImage(
    registry,
    "acme/python",
    "3.12",
    buildImage({
      format: "oci",
      attestation: true,
      platforms: [
        python("3.12.8", { os: "linux", architecture: "amd64" }),
        python("3.12.9", { os: "linux", architecture: "arm64" }),
      ],
    }),
  );
  await pushImage(
    registry,
    "acme/python",
    "3.12-arm",
    buildImage({
      format: "docker",
      platforms: [
        python("3.12.5", { os: "linux", architecture: "arm", variant: "v6" }),
        python("3.12.7", { os: "linux", architecture: "arm", variant: "v7" }),
      ],
    }),
  );
});
after(async () => {
  await registry.stop();
});

async function resolve(t: TestContext, from: string) {
  const settings: FromLensSettings = { ...DEFAULT_SETTINGS, defaultPlatform: "linux/amd64" };
  const storagePath = await tempDirFor(t, "from-lens-platform");
  const engine = new Engine(settings, { storagePath }, QUIET, () => undefined);
  t.after(() => engine.close());
  const doc = TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, `FROM ${from}\n`);
  const [ref] = engine.workspace.update(doc, settings, "visible");
  assert.ok(ref);
  await engine.workspace.waitFor(ref, settings, 15_000);
  const lookup = engine.workspace.lookup(ref, settings);
  assert.equal(lookup.state, "resolved", JSON.stringify(lookup));
  assert.ok(lookup.state === "resolved");
  const character = `FROM ${from}`.lastIndexOf("/") + 1;
  const h = provideHover(engine.workspace.context(doc, settings), { line: 0, character });
  const hover = h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "";
  return { resolution: lookup.resolution, hover };
}

describe("--platform and index entries", () => {
  it("--platform=linux/arm64/v8 describes an arm64 entry that names no variant: its runtimes come out", async (t) => {
    const { resolution, hover } = await resolve(
      t,
      `--platform=linux/arm64/v8 ${registry.host}/acme/python:3.12`,
    );
    assert.equal(resolution.platform.offered, true);
    assert.equal(resolution.facts.describedPlatform?.architecture, "arm64");
    assert.deepEqual(
      resolution.facts.runtimes.map((r) => `${r.name} ${r.version}`),
      ["python 3.12.9"],
    );
    assert.doesNotMatch(hover, /No linux\/arm64\/v8 image/);
    assert.match(hover, /\*\*Platforms\*\* linux: \*\*arm64\*\* ← build/);
    assert.match(hover, /\*Base OS: no base-OS marker found; libc: /, "why the OS is unknown, as a sentence");
  });

  it("--platform=linux/arm describes arm/v7, the entry the registry picks, not the first arm entry", async (t) => {
    const { resolution } = await resolve(t, `--platform=linux/arm ${registry.host}/acme/python:3.12-arm`);
    assert.equal(resolution.platform.offered, true);
    assert.equal(resolution.facts.describedPlatform?.variant, "v7");
    assert.deepEqual(
      resolution.facts.runtimes.map((r) => `${r.name} ${r.version}`),
      ["python 3.12.7"],
    );
  });
});
