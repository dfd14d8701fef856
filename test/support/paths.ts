/**
 * Locating the repository's files from test support code, whether it runs from sources (tsx)
 * or bundled into dist/: walk up from this file to the package.json named "from-lens".
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function findRepoRoot(): string {
  // __dirname is absent if this file is ever loaded as an ES module; cwd is the fallback.
  const here = typeof __dirname === "string" ? __dirname : process.cwd();
  const starts = [here, process.cwd()];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const manifest = join(dir, "package.json");
      if (existsSync(manifest)) {
        try {
          const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
          if (
            typeof parsed === "object" &&
            parsed !== null &&
            (parsed as { name?: unknown }).name === "from-lens"
          ) {
            return dir;
          }
        } catch {
          // not ours; keep walking
        }
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`test/support: cannot find the from-lens repository root above ${starts.join(" or ")}`);
}

/** Absolute path of the repository root (the folder holding package.json). */
export const REPO_ROOT = findRepoRoot();

/** Absolute path of a file under test/fixtures/. */
export function fixturePath(...segments: string[]): string {
  return join(REPO_ROOT, "test", "fixtures", ...segments);
}

/**
 * The shared reference data (docker-library/repo-info extract), beside the repository:
 * `<repo>/../shared/realdata`. Override with FROM_LENS_REALDATA.
 */
export function realdataPath(...segments: string[]): string {
  const base = process.env.FROM_LENS_REALDATA ?? join(REPO_ROOT, "..", "shared", "realdata");
  return join(base, ...segments);
}
