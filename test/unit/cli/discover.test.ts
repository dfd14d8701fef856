import { strict as assert } from "node:assert";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DOCKERFILE_GLOBS, DOCKERFILE_NAMES, discover, isDockerfileName } from "../../../cli/src/discover";
import { REPO_ROOT } from "../../support/paths";
import { makeTempDirSync, removeTempDir } from "../../support/tmp";

const root = makeTempDirSync("from-lens-discover-");
after(() => removeTempDir(root));

function write(rel: string, text = "FROM alpine:3.22\n"): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

write("Dockerfile");
write("Containerfile.dev");
write("api/api.Dockerfile");
write("api/README.md", "# not a Dockerfile\n");
write("api/.gitignore", "generated/\n!keep.Dockerfile\n");
write("api/generated/gen.Dockerfile");
write("build/Dockerfile.prod");
write("build/keep.Dockerfile");
write("vendor/Dockerfile");
write("tmp/scratch.dockerfile");
write(".gitignore", "vendor/\n*.log\n");
write(".from-lens-ignore", "tmp/\nbuild/keep.Dockerfile\n");
write(".git/Dockerfile");
symlinkSync(join(root, "missing-target"), join(root, "build", "broken.Dockerfile"));

describe("which files check and pin read", () => {
  it("finds every Dockerfile below the current folder, honouring .gitignore and .from-lens-ignore at every level", () => {
    const found = discover([], root);
    assert.deepEqual(found.problems, []);
    assert.deepEqual(found.files, [
      "Containerfile.dev",
      "Dockerfile",
      "api/api.Dockerfile",
      "build/Dockerfile.prod",
      "build/broken.Dockerfile",
    ]);
  });

  it("reads a file named on the command line even when ignored, and walks a named folder", () => {
    const found = discover(["vendor/Dockerfile", "api"], root);
    assert.deepEqual(found.files, ["vendor/Dockerfile", "api/api.Dockerfile"]);
  });

  it("matches globs against the files below the current folder, still honouring the ignore files", () => {
    assert.deepEqual(discover(["**/*.Dockerfile"], root).files, [
      "api/api.Dockerfile",
      "build/broken.Dockerfile",
    ]);
    assert.deepEqual(discover(["./build/Dockerfile.*"], root).files, ["build/Dockerfile.prod"]);
  });

  it("reports paths that name nothing and globs that match nothing", () => {
    const found = discover(["nope/Dockerfile", "**/*.containerfile"], root);
    assert.deepEqual(found.files, []);
    assert.deepEqual(found.problems, [
      "nope/Dockerfile: no such file",
      "**/*.containerfile: no file matches",
    ]);
  });

  it("knows the same file names as the extension's dockerfile language", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      contributes: {
        languages: { id: string; filenames?: string[]; filenamePatterns?: string[]; extensions?: string[] }[];
      };
    };
    const lang = pkg.contributes.languages.find((l) => l.id === "dockerfile");
    assert.ok(lang);
    assert.deepEqual([...DOCKERFILE_NAMES].sort(), [...(lang.filenames ?? [])].sort());
    const fromExtensions = (lang.extensions ?? []).map((e) => `*${e}`);
    assert.deepEqual(
      [...DOCKERFILE_GLOBS].sort(),
      [...new Set([...(lang.filenamePatterns ?? []), ...fromExtensions])].sort(),
    );
    for (const name of ["Dockerfile", "Dockerfile.prod", "api.Dockerfile", "x.containerfile"])
      assert.equal(isDockerfileName(name), true, name);
    for (const name of ["README.md", "Dockerfile-old", "dockerfile.md.bak~"])
      assert.equal(isDockerfileName(name), false, name);
  });
});
