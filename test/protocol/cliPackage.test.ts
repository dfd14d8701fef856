/**
 * What `npm pack` ships for the command line (pre-commit and `npx github:…` install it that way):
 * the bundled CLI named by `bin`, built by the `prepare` script; and the pre-commit hooks in
 * .pre-commit-hooks.yaml run real commands on the files FROM Lens reads.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseArgs } from "../../cli/src/args";
import { isDockerfileName } from "../../cli/src/discover";
import { REPO_ROOT } from "../support/lsp";
import { makeTempDir, removeTempDir } from "../support/tmp";

describe("the command line as npm packs it", () => {
  it("ships dist/cli.js as the from-lens bin, built by prepare", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.bin["from-lens"], "./dist/cli.js");
    assert.match(pkg.scripts.prepare ?? "", /scripts\/build\.mjs/);
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const [packed] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
    const files = (packed?.files ?? []).map((f) => f.path).sort();
    assert.deepEqual(files, [
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "dist/cli.js",
      "dist/undici.js",
      "dist/yaml.js",
      "package.json",
    ]);
    const version = spawnSync(process.execPath, [join(REPO_ROOT, "dist", "cli.js"), "--version"], {
      encoding: "utf8",
    });
    assert.equal(version.stdout.trim(), pkg.version);
  });

  it("runs from the packed files alone: registry requests and YAML files work", async () => {
    // The packed CLI once lacked dist/undici.js: every lookup failed with MODULE_NOT_FOUND,
    // reported as a network error. Pack for real, unpack elsewhere, check a Compose file whose
    // image is on a closed loopback port: the answer must be that port's refusal.
    const dir = await makeTempDir("from-lens-cli-pack-");
    try {
      const packed = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      assert.equal(packed.status, 0, packed.stderr);
      const tarball = packed.stdout.trim().split("\n").pop() ?? "";
      const untar = spawnSync("tar", ["xzf", tarball], { cwd: dir, encoding: "utf8" });
      assert.equal(untar.status, 0, untar.stderr);
      writeFileSync(join(dir, "compose.yaml"), "services:\n  app:\n    image: 127.0.0.1:1/x/y:1\n");
      const run = spawnSync(
        process.execPath,
        [join(dir, "package", "dist", "cli.js"), "check", "compose.yaml"],
        {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, HOME: dir, XDG_CACHE_HOME: join(dir, "cache") },
          timeout: 30_000,
        },
      );
      const out = `${run.stdout}${run.stderr}`;
      assert.match(out, /compose\.yaml:3:12: .*registry-unreachable.*ECONNREFUSED/, out);
      assert.doesNotMatch(out, /MODULE_NOT_FOUND|Cannot find module/, out);
    } finally {
      await removeTempDir(dir);
    }
  });
});

describe("the pre-commit hooks", () => {
  const text = readFileSync(join(REPO_ROOT, ".pre-commit-hooks.yaml"), "utf8");
  const hooks = text
    .split(/^- /m)
    .slice(1)
    .map((block) => ({
      id: /^id: (.+)$/m.exec(block)?.[1],
      entry: /^ {2}entry: (.+)$/m.exec(block)?.[1],
      files: /^ {2}files: (.+)$/m.exec(block)?.[1],
    }));

  it("run from-lens commands that parse", () => {
    assert.deepEqual(
      hooks.map((h) => h.id),
      ["from-lens-check", "from-lens-pin-check", "from-lens-pin"],
    );
    for (const hook of hooks) {
      const [bin, ...argv] = (hook.entry ?? "").split(" ");
      assert.equal(bin, "from-lens");
      // pre-commit appends the staged file names.
      assert.equal(parseArgs([...argv, "Dockerfile"]).kind, "run", hook.entry);
    }
  });

  it("select exactly the files FROM Lens reads", () => {
    const paths = [
      "Dockerfile",
      "a/b/Dockerfile.prod",
      "api.Dockerfile",
      "x/Containerfile",
      "c/app.containerfile",
      "README.md",
      "Dockerfile-old/x.txt",
      "docs/dockerfiles.md",
      "x/dockerfile.md",
      "dockerfile",
    ];
    for (const hook of hooks) {
      const files = new RegExp(hook.files ?? "^$");
      for (const path of paths) {
        const name = path.split("/").pop() ?? path;
        assert.equal(files.test(path), isDockerfileName(name), `${hook.id}: ${path}`);
      }
    }
  });
});
