/**
 * The `from-lens` command line (dist/cli.js, as shipped): `check` and `pin` against a real registry
 * on loopback, through the same engine as the language server.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT } from "../support/lsp";
import { startRegistry, type Registry } from "../support/registry";
import { pushSampleImages, SAMPLE_IMAGES, type PushedSample } from "../support/sampleImages";

const CLI = join(REPO_ROOT, "dist", "cli.js");
let registry: Registry;
let pushed: PushedSample[];
let dir: string;

before(async () => {
  registry = await startRegistry({ auth: "none" });
  pushed = await pushSampleImages(
    registry,
    SAMPLE_IMAGES.filter((s) => s.record === "python:3.12-slim"),
  );
  dir = mkdtempSync(join(tmpdir(), "from-lens-cli-"));
});
after(async () => {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  args: string[],
  cacheDir = join(dir, "cache"),
): { status: number | null; stdout: string; stderr: string } {
  // FROM_LENS_DOCKER_HUB_URL: docker.io is the loopback registry, so nothing reaches the internet.
  const r = spawnSync(
    process.execPath,
    [CLI, ...args, "--cache-dir", cacheDir, "--platform", "linux/amd64"],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, FROM_LENS_DOCKER_HUB_URL: registry.url },
      timeout: 60_000,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("from-lens (command line)", () => {
  it("check reports problems with file:line:column and exits 1 on an error", () => {
    writeFileSync(join(dir, "Dockerfile"), "FROM python:3.12-slimm\nFROM python:latest AS other\n");
    const r = cli(["check"]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^Dockerfile:1:13: error unknown-tag: python has no tag 3\.12-slimm/m);
    assert.match(r.stdout, /^Dockerfile:2:\d+: warning latest-tag: /m);
    assert.match(r.stdout, /^\d+ problems in 1 file$/m);
  });

  it("check --format json gives the diagnostics per file, and exits 0 with nothing at error", () => {
    writeFileSync(join(dir, "ok.Dockerfile"), "FROM python:3.12-slim\n");
    const r = cli(["check", "--format", "json", "ok.Dockerfile"]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { file: string; diagnostics: { code?: string }[] }[];
    assert.equal(report[0]?.file, "ok.Dockerfile");
    assert.ok(report[0]?.diagnostics.every((d) => d.code !== "unknown-tag"));
  });

  it("pin writes the index digest after the tag, leaving stages alone", () => {
    const file = join(dir, "pin.Dockerfile");
    writeFileSync(file, "FROM python:3.12-slim AS build\r\nFROM build\r\n");
    const r = cli(["pin", "pin.Dockerfile"]);
    assert.equal(r.status, 0, r.stderr);
    const digest = pushed[0]?.image.digest ?? "";
    assert.equal(readFileSync(file, "utf8"), `FROM python:3.12-slim@${digest} AS build\r\nFROM build\r\n`);
    assert.match(r.stdout, /pinned 1 image/);
  });

  it("check --offline with an empty cache says which images were not checked; --require-resolved fails", () => {
    writeFileSync(
      join(dir, "offline.Dockerfile"),
      "FROM python:3.12-slim AS build\nFROM build\nFROM scratch\nCOPY --from=alpine:3.22 / /\n",
    );
    const empty = join(dir, "empty-cache");
    const r = cli(["check", "--offline", "offline.Dockerfile"], empty);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^offline\.Dockerfile:1:6: not checked: python:3\.12-slim: offline and not in the cache$/m,
    );
    assert.match(
      r.stdout,
      /^offline\.Dockerfile:4:13: not checked: alpine:3\.22: offline and not in the cache$/m,
    );
    assert.match(
      r.stderr,
      /2 of 2 images not checked: offline and not in the cache \(2\)\. Run without --offline to look them up\. Add --require-resolved to fail on this\./,
    );

    const strict = cli(["check", "--offline", "--require-resolved", "offline.Dockerfile"], empty);
    assert.equal(strict.status, 3, strict.stderr);
    const json = cli(["check", "--offline", "--format", "json", "offline.Dockerfile"], empty);
    const report = JSON.parse(json.stdout) as { unchecked: { image: string; reason: string }[] }[];
    assert.deepEqual(
      report[0]?.unchecked.map((u) => u.image),
      ["python:3.12-slim", "alpine:3.22"],
    );
  });

  it("check --require-resolved passes once the images are in the cache, also offline", () => {
    writeFileSync(join(dir, "cached.Dockerfile"), "FROM python:3.12-slim\n");
    const cache = join(dir, "warm-cache");
    assert.equal(cli(["check", "--require-resolved", "cached.Dockerfile"], cache).status, 0);
    const r = cli(["check", "--offline", "--require-resolved", "cached.Dockerfile"], cache);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /not checked/);
  });

  it("says what is wrong with its arguments and exits 2", () => {
    const r = cli(["chek"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "chek"/);
    const missing = cli(["check", "nope.Dockerfile"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read nope\.Dockerfile/);
  });
});
