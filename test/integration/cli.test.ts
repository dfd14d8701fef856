/**
 * The `from-lens` command line (dist/cli.js, as shipped) against a real registry on loopback
 * standing in for docker.io: every exit code, each output format (SARIF checked against the
 * official schema), GitHub annotations, byte-exact pinning, --dry-run diffs, pin --check,
 * inspect --json, offline runs with and without a cache, file discovery, and bad input.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type * as Sarif from "sarif";
import { buildSample, pushSampleImages, SAMPLE_IMAGES, type PushedSample } from "../support/sampleImages";
import { pushImage } from "../support/images";
import { REPO_ROOT } from "../support/lsp";
import { startRegistry, type Registry } from "../support/registry";
import { makeTempDirSync } from "../support/tmp";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const require = createRequire(__filename);
const sarifSchema = JSON.parse(
  readFileSync(
    join(dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json")), "sarif-2.1.0.json"),
    "utf8",
  ),
) as object;

let registry: Registry;
let pushed: PushedSample[];
let dir: string;
let cache: string;

before(async () => {
  registry = await startRegistry({ auth: "none" });
  pushed = await pushSampleImages(
    registry,
    SAMPLE_IMAGES.filter((s) => s.record === "python:3.12-slim" || s.record === "alpine:3.22"),
  );
  // alpine:latest exists too, so a latest-tag warning comes without an unknown-tag error.
  const alpine = pushed.find((p) => p.sample.record === "alpine:3.22");
  if (alpine) await pushImage(registry, "library/alpine", "latest", alpine.image);
  dir = makeTempDirSync("from-lens-cli-");
  cache = join(dir, ".cache");
});
after(async () => {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs dist/cli.js in `cwd` with docker.io on the loopback registry and Hub's web API closed. */
function cli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; cacheDir?: string } = {},
): Result {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      ...args,
      "--cache-dir",
      opts.cacheDir ?? cache,
      "--platform",
      "linux/amd64",
      "--hub-api-url",
      "http://127.0.0.1:9",
    ],
    {
      cwd: opts.cwd ?? dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GITHUB_ACTIONS: "",
        NO_COLOR: "",
        FROM_LENS_DOCKER_HUB_URL: registry.url,
        ...opts.env,
      },
      timeout: 60_000,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh project folder under the test dir, with files written as given (exact bytes). */
function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function digestOf(record: string): string {
  const p = pushed.find((x) => x.sample.record === record);
  assert.ok(p, record);
  return p.image.digest;
}

describe("from-lens check", () => {
  it("reports problems as file:line:column and exits 1 on an error", () => {
    const root = project("check-text", {
      Dockerfile: "FROM python:3.12-slimm\nFROM python:latest AS other\n",
    });
    const r = cli(["check"], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^Dockerfile:1:13: error unknown-tag: python has no tag 3\.12-slimm/m);
    assert.match(r.stdout, /^Dockerfile:2:\d+: warning latest-tag: /m);
    assert.match(r.stdout, /^\d+ problems in 1 file$/m);
  });

  it("exits 0 below --fail-on, 1 at it, and never with --fail-on none", () => {
    const root = project("check-levels", { Dockerfile: "FROM alpine:latest\n" });
    assert.equal(cli(["check"], { cwd: root }).status, 0);
    assert.equal(cli(["check", "--fail-on", "warning"], { cwd: root }).status, 1);
    assert.equal(cli(["check", "--fail-on", "none"], { cwd: root }).status, 0);
  });

  it("finds the files itself, honouring .gitignore and .from-lens-ignore", () => {
    const root = project("check-discover", {
      Dockerfile: "FROM python:3.12-slim\n",
      "api/api.Dockerfile": "FROM alpine:3.22\n",
      "vendor/Dockerfile": "FROM python:3.12-slimm\n",
      "old/Dockerfile": "FROM python:3.12-slimm\n",
      ".gitignore": "vendor/\n",
      ".from-lens-ignore": "old/\n",
    });
    const r = cli(["check", "--format", "json"], { cwd: root });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as {
      file: string;
      diagnostics: { code?: string }[];
      unchecked: unknown[];
    }[];
    assert.deepEqual(
      report.map((f) => f.file),
      ["Dockerfile", "api/api.Dockerfile"],
    );
    assert.ok(report.every((f) => f.unchecked.length === 0));
    assert.match(
      r.stderr,
      /^0 problems in 2 files$/m,
      "with a json report on stdout the summary goes to stderr",
    );
  });

  it("writes SARIF 2.1.0 that the official schema accepts, with rule metadata and locations", () => {
    const root = project("check-sarif", {
      "build/app.Dockerfile": "FROM python:3.12-slimm\nFROM python:latest\n",
    });
    const r = cli(["check", "--format", "sarif"], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const run = log.runs[0];
    assert.equal(run?.tool.driver.name, "FROM Lens");
    const result = run?.results?.find((x) => x.ruleId === "unknown-tag");
    assert.equal(result?.level, "error");
    assert.deepEqual(result?.locations?.[0]?.physicalLocation?.artifactLocation, {
      uri: "build/app.Dockerfile",
      uriBaseId: "%SRCROOT%",
    });
    assert.equal(result?.locations?.[0]?.physicalLocation?.region?.startLine, 1);
    const rule = run?.tool.driver.rules?.[result?.ruleIndex ?? -1];
    assert.equal(rule?.id, "unknown-tag");
    assert.equal(rule?.helpUri, "https://github.com/from-lens/from-lens#unknown-tag");
  });

  it("writes the report to --output and GitHub annotations to stdout under GitHub Actions", () => {
    const root = project("check-gha", { Dockerfile: "FROM python:3.12-slimm\n" });
    const r = cli(["check", "--format", "sarif", "--output", "from-lens.sarif"], {
      cwd: root,
      env: { GITHUB_ACTIONS: "true" },
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^::error file=Dockerfile,line=1,col=13,endLine=1,endColumn=\d+,title=FROM Lens unknown-tag::python has no tag/m,
    );
    const log = JSON.parse(readFileSync(join(root, "from-lens.sarif"), "utf8")) as Sarif.Log;
    assert.equal(log.version, "2.1.0");
    // A sarif report on stdout keeps stdout clean: no annotations mixed in.
    const plain = cli(["check", "--format", "sarif"], { cwd: root, env: { GITHUB_ACTIONS: "true" } });
    assert.doesNotThrow(() => JSON.parse(plain.stdout));
  });

  it("offline with an empty cache says how many images were not checked, and --require-resolved fails on it", () => {
    const root = project("check-offline", { Dockerfile: "FROM python:3.12-slim\nFROM alpine:3.22\n" });
    const empty = join(dir, "empty-cache");
    const r = cli(["check", "--offline"], { cwd: root, cacheDir: empty });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 problems in 1 file; 2 images not checked \(offline, not in the cache\)/);
    assert.match(r.stderr, /not checked: Dockerfile:1: python:3\.12-slim/);
    const strict = cli(["check", "--offline", "--require-resolved"], { cwd: root, cacheDir: empty });
    assert.equal(strict.status, 1);
    // Once cached, offline runs check everything.
    const warm = join(dir, "warm-cache");
    assert.equal(cli(["check"], { cwd: root, cacheDir: warm }).status, 0);
    const offline = cli(["check", "--offline", "--require-resolved"], { cwd: root, cacheDir: warm });
    assert.equal(offline.status, 0, offline.stdout + offline.stderr);
    assert.match(offline.stdout, /^0 problems in 1 file$/m);
  });

  it("exits 2 with a clear message for bad usage, missing paths, unmatched globs and unreadable files", () => {
    const usage = cli(["chek"]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown command "chek"/);
    const missing = cli(["check", "nope.Dockerfile"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.Dockerfile: no such file/);
    const glob = cli(["check", "**/*.containerfile"], {
      cwd: project("check-glob", { Dockerfile: "FROM alpine:3.22\n" }),
    });
    assert.equal(glob.status, 2);
    assert.match(glob.stderr, /\*\*\/\*\.containerfile: no file matches/);
    const root = project("check-unreadable", { Dockerfile: "FROM alpine:3.22\n" });
    symlinkSync(join(root, "gone"), join(root, "broken.Dockerfile"));
    const unreadable = cli(["check"], { cwd: root });
    assert.equal(unreadable.status, 2);
    assert.match(unreadable.stderr, /cannot read broken\.Dockerfile: no such file/);
    assert.match(unreadable.stdout, /0 problems in 1 file/, "the readable files are still checked");
    const settings = cli(["check", "--settings", "nope.json"]);
    assert.equal(settings.status, 2);
    assert.match(settings.stderr, /cannot read settings from nope\.json/);
  });

  it("reads settings from the nearest .from-lens.json, dotted keys too, unless --no-config", () => {
    const root = project("check-config", {
      ".git/HEAD": "ref: refs/heads/main\n",
      ".from-lens.json": JSON.stringify({ "fromLens.rules.latest-tag": "error" }),
      "app/Dockerfile": "FROM alpine:latest\n",
    });
    const r = cli(["check"], { cwd: join(root, "app") });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /error latest-tag/);
    assert.equal(cli(["check", "--no-config"], { cwd: join(root, "app") }).status, 0);
  });
});

describe("from-lens pin", () => {
  const slim = (): string => digestOf("python:3.12-slim");

  it("pins in place, keeping every other byte: CRLF, tabs, continuations, comments, directives", () => {
    const before =
      "# syntax=docker/dockerfile:1\r\n" +
      "# escape=\\\r\n" +
      "ARG BASE=alpine:3.22\r\n" +
      "FROM\tpython:3.12-slim AS build   # the build stage\r\n" +
      "RUN echo hi \\\r\n" +
      "\t&& echo there\r\n" +
      "FROM --platform=linux/amd64 \\\r\n" +
      "    alpine:3.22\r\n" +
      "COPY --from=build /x /x\r\n" +
      "FROM ${BASE}\r\n";
    const root = project("pin-bytes", { Dockerfile: before });
    const r = cli(["pin"], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    const alpine = digestOf("alpine:3.22");
    const expected = before
      .replace("python:3.12-slim AS", `python:3.12-slim@${slim()} AS`)
      .replace("    alpine:3.22\r\n", `    alpine:3.22@${alpine}\r\n`)
      .replace("ARG BASE=alpine:3.22\r\n", `ARG BASE=alpine:3.22@${alpine}\r\n`);
    assert.equal(readFileSync(join(root, "Dockerfile"), "utf8"), expected);
    assert.match(r.stdout, /pinned 3 images/);
  });

  it("--dry-run prints a unified diff and writes nothing", () => {
    const before = "FROM python:3.12-slim\nRUN true\n";
    const root = project("pin-dry", { Dockerfile: before });
    const r = cli(["pin", "--dry-run"], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(root, "Dockerfile"), "utf8"), before);
    assert.equal(
      r.stdout,
      `--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n-FROM python:3.12-slim\n+FROM python:3.12-slim@${slim()}\n RUN true\n`,
    );
    assert.match(r.stderr, /would pin 1 image/);
  });

  it("--check exits 1 for unpinned images and stale pins, 0 when everything is pinned and current", async () => {
    const root = project("pin-check", { Dockerfile: "FROM python:3.12-slim\n" });
    const unpinned = cli(["pin", "--check"], { cwd: root });
    assert.equal(unpinned.status, 1);
    assert.match(unpinned.stdout, /^Dockerfile:1: unpinned: python:3\.12-slim$/m);
    assert.equal(cli(["pin"], { cwd: root }).status, 0);
    const current = cli(["pin", "--check"], { cwd: root });
    assert.equal(current.status, 0, current.stdout + current.stderr);
    assert.match(current.stdout, /0 unpinned, 0 stale in 1 file/);

    // The tag moves: a new image is pushed under it. A zero TTL makes the CLI ask again.
    const ttl = join(root, "ttl.json");
    writeFileSync(ttl, JSON.stringify({ cache: { tagTtl: 0 } }));
    const moved = buildSample({ ...SAMPLE_IMAGES[0]!, record: "python:3.13-alpine" });
    await pushImage(registry, "library/python", "3.12-slim-moving", moved);
    writeFileSync(join(root, "Dockerfile"), `FROM python:3.12-slim-moving@${slim()}\n`);
    const stale = cli(["pin", "--check", "--settings", ttl], { cwd: root });
    assert.equal(stale.status, 1, stale.stdout + stale.stderr);
    assert.match(
      stale.stdout,
      new RegExp(
        `stale pin: python:3\\.12-slim-moving@${slim()} \\(the tag now points to ${moved.digest}\\)`,
      ),
    );
    // --update moves it; --check --update then passes.
    const updated = cli(["pin", "--update", "--settings", ttl], { cwd: root });
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(
      readFileSync(join(root, "Dockerfile"), "utf8"),
      `FROM python:3.12-slim-moving@${moved.digest}\n`,
    );
    assert.equal(cli(["pin", "--check", "--update", "--settings", ttl], { cwd: root }).status, 0);
  });

  it("exits 1 when nothing could be pinned (offline, not cached)", () => {
    const root = project("pin-offline", { Dockerfile: "FROM python:3.12-slim\n" });
    const r = cli(["pin", "--offline"], { cwd: root, cacheDir: join(dir, "pin-empty-cache") });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Dockerfile:1: not pinned: /);
    assert.equal(readFileSync(join(root, "Dockerfile"), "utf8"), "FROM python:3.12-slim\n");
  });
});

describe("from-lens over a mixed repository", () => {
  it("checks and pins Compose, Kubernetes, workflow, Helm and dev container files beside Dockerfiles", () => {
    const slim = digestOf("python:3.12-slim");
    const root = project("mixed", {
      Dockerfile: "FROM python:3.12-slim\n",
      "compose.yaml":
        'services:\r\n  web:\r\n    image: "python:3.12-slim" # web\r\n  bad:\r\n    image: python:3.12-slimm\r\n',
      "k8s/deploy.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: alpine:3.22\n",
      "k8s/notes.yaml": "title: not a manifest\nimage: python:3.12-slimm\n",
      ".github/workflows/ci.yml": "jobs:\n  t:\n    container: python:3.12-slim\n",
      "chart/values.yaml": "image:\n  repository: python\n  tag: 3.12-slim\n",
      ".devcontainer/devcontainer.json": '{\n  // dev\n  "image": "alpine:3.22",\n}\n',
    });
    const r = cli(["check", "--format", "json"], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      file: string;
      diagnostics: { code?: string; range: { start: { line: number } } }[];
    }[];
    assert.deepEqual(
      report.map((f) => f.file),
      [
        ".devcontainer/devcontainer.json",
        ".github/workflows/ci.yml",
        "Dockerfile",
        "chart/values.yaml",
        "compose.yaml",
        "k8s/deploy.yaml",
      ],
    );
    const compose = report.find((f) => f.file === "compose.yaml");
    assert.deepEqual(
      compose?.diagnostics.filter((d) => d.code === "unknown-tag").map((d) => d.range.start.line),
      [4],
    );
    // No Dockerfile checks on YAML: nothing but image findings.
    assert.ok(
      report.every(
        (f) =>
          f.file === "Dockerfile" ||
          f.diagnostics.every((d) => typeof d.code === "string" && /^[a-z-]+$/.test(d.code)),
      ),
    );

    const pin = cli(["pin"], { cwd: root });
    assert.equal(
      readFileSync(join(root, "compose.yaml"), "utf8").split("\r\n")[2],
      `    image: "python:3.12-slim@${slim}" # web`,
    );
    assert.equal(
      readFileSync(join(root, "chart/values.yaml"), "utf8"),
      `image:\n  repository: python\n  tag: 3.12-slim\n  digest: ${slim}\n`,
    );
    assert.match(
      readFileSync(join(root, ".devcontainer/devcontainer.json"), "utf8"),
      /"image": "alpine:3\.22@sha256:[0-9a-f]{64}",/,
    );
    assert.match(
      readFileSync(join(root, "k8s/deploy.yaml"), "utf8"),
      /image: alpine:3\.22@sha256:[0-9a-f]{64}\n$/,
    );
    assert.match(pin.stderr, /compose\.yaml:5: not pinned/);
  });
});

describe("from-lens inspect", () => {
  it("--json gives the documented shape: digest, platforms, OS, libc, runtime, trust, each with evidence", () => {
    const r = cli(["inspect", "--json", "python:3.12-slim"]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown> & {
      platforms: { platform: string; digest: string; size?: number }[];
      os: { status: string; distro?: string; codename?: string; evidence: string };
      libc: { value: string; evidence: string };
      runtimes: { name: string; version: string; evidence: string }[];
      trust: { level: string; evidence: string };
      aliases: string[];
    };
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.reference, "python:3.12-slim");
    assert.equal(j.canonical, "docker.io/library/python:3.12-slim");
    assert.equal(j.resolved, true);
    assert.equal(j.digest, digestOf("python:3.12-slim"));
    assert.deepEqual(
      j.platforms.map((p) => p.platform),
      ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"],
    );
    assert.ok(j.platforms.every((p) => /^sha256:[0-9a-f]{64}$/.test(p.digest)));
    // The platform described had its manifest read: its size is known.
    assert.equal(typeof j.platforms[0]?.size, "number");
    assert.equal(j.os.distro, "debian");
    assert.equal(j.os.codename, "trixie");
    assert.ok(j.os.evidence.length > 0);
    assert.equal(j.libc.value, "glibc");
    assert.equal(j.runtimes[0]?.name, "python");
    assert.match(j.runtimes[0]?.version ?? "", /^3\.12\./);
    assert.ok(typeof j.trust.level === "string" && j.trust.evidence.length > 0);
  });

  it("prints the facts as text, and exits 1 with the reason when the image cannot be resolved", () => {
    const r = cli(["inspect", "python:3.12-slim"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^docker\.io\/library\/python:3\.12-slim$/m);
    assert.match(r.stdout, /^base OS +Debian 13 \(trixie\)/m);
    assert.match(r.stdout, /^libc +glibc$/m);
    assert.match(r.stdout, /^runtime +python 3\.12\./m);
    assert.match(r.stdout, /^ +↳ /m);
    assert.ok(!r.stdout.includes("\u001b["), "no colours when piped");
    const missing = cli(["inspect", "python:3.12-slimm"]);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /✗ Tag not found/);
    const bad = cli(["inspect", "Python:3"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /is not an image reference/);
  });
});
