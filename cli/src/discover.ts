/**
 * Which files `check` and `pin` read. With no path: every file FROM Lens reads under the current
 * directory — Dockerfiles, Compose files, Kubernetes manifests (YAML with apiVersion and kind),
 * Helm values, Kustomizations, GitHub and GitLab pipelines, dev containers, Bake JSON. A folder: the same under it. A glob (`build/**\/*.Dockerfile`): the files under the
 * current directory it matches. A file: that file, whatever its name. Walks honour `.gitignore`
 * and `.from-lens-ignore` files (gitignore syntax, each applying below its own folder) and skip
 * `.git`; a file named explicitly is read even when ignored.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import picomatch from "picomatch";
import { sourceKindOf } from "../../server/src/sources";
import { isGlob } from "./args";
import { describe } from "./config";

export const IGNORE_FILES = [".gitignore", ".from-lens-ignore"] as const;

/**
 * The file names FROM Lens reads: the same as the extension's `dockerfile` language
 * (package.json contributes.languages; a unit test keeps them in step).
 */
export const DOCKERFILE_NAMES: readonly string[] = [
  "Dockerfile",
  "Containerfile",
  "dockerfile",
  "containerfile",
];
export const DOCKERFILE_GLOBS: readonly string[] = [
  "Dockerfile.*",
  "Containerfile.*",
  "*.Dockerfile",
  "*.Containerfile",
  "*.dockerfile",
  "*.containerfile",
];

const matchesPattern = picomatch(DOCKERFILE_GLOBS as string[], { dot: true });

/** True for a base name FROM Lens reads (Dockerfile, Dockerfile.prod, api.Dockerfile, …). */
export function isDockerfileName(name: string): boolean {
  return DOCKERFILE_NAMES.includes(name) || matchesPattern(name);
}

const SNIFF_BYTES = 64 * 1024;

/** True for a file FROM Lens reads images from (YAML without a telling name is sniffed for apiVersion/kind). */
export function isImageFile(rel: string, absolute: string): boolean {
  const name = rel.split("/").pop() ?? rel;
  if (isDockerfileName(name)) return true;
  if (sourceKindOf(rel) !== undefined) return true;
  if (!/\.ya?ml$/.test(name)) return false;
  try {
    const fd = openSync(absolute, "r");
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const n = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
      return sourceKindOf(rel, undefined, buffer.subarray(0, n).toString("utf8")) !== undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export interface Discovered {
  /** Paths to read, relative to the current directory when below it (as they are reported). */
  files: string[];
  /** Arguments that named nothing: a missing path, or a glob without a match. */
  problems: string[];
}

interface Level {
  /** Folder of the ignore files, relative to the walk's root ("" for the root). */
  base: string;
  rules: Ignore;
}

function readIgnoreFiles(dir: string): Ignore | undefined {
  let rules: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch {
      continue;
    }
    rules ??= ignore();
    rules.add(text);
  }
  return rules;
}

function ignored(levels: readonly Level[], rel: string, isDir: boolean): boolean {
  for (const level of levels) {
    const inner = level.base === "" ? rel : rel.slice(level.base.length + 1);
    if (level.rules.ignores(isDir ? `${inner}/` : inner)) return true;
  }
  return false;
}

/** Every file below `root` that `keep` accepts (given its path relative to root, with `/`), sorted. */
export function walk(root: string, keep: (rel: string, name: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string, levels: Level[]): void => {
    const own = readIgnoreFiles(dir);
    const here = own ? [...levels, { base: rel, rules: own }] : levels;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to find there
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === ".git") continue;
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const isDir = entry.isDirectory();
      if (ignored(here, childRel, isDir)) continue;
      if (isDir) visit(join(dir, entry.name), childRel, here);
      else if ((entry.isFile() || entry.isSymbolicLink()) && keep(childRel, entry.name)) out.push(childRel);
    }
  };
  visit(root, "", []);
  return out;
}

function display(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return rel === "" || rel.startsWith("..") ? absolute : rel.split(sep).join("/");
}

/** The files named by `args` (paths, folders, globs), or found under `cwd` when there are none. */
export function discover(args: readonly string[], cwd: string): Discovered {
  const files: string[] = [];
  const problems: string[] = [];
  const add = (path: string): void => {
    if (!files.includes(path)) files.push(path);
  };
  const walkFolder = (dir: string): void => {
    for (const rel of walk(dir, (r) => isImageFile(r, join(dir, r)))) add(display(cwd, join(dir, rel)));
  };
  if (args.length === 0) {
    walkFolder(resolve(cwd));
    return { files, problems };
  }
  for (const arg of args) {
    const absolute = resolve(cwd, arg);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(absolute);
    } catch (error) {
      if (!isGlob(arg)) {
        problems.push(`${arg}: ${describe(error)}`);
        continue;
      }
    }
    if (stat?.isDirectory()) {
      walkFolder(absolute);
      continue;
    }
    if (stat) {
      add(display(cwd, absolute));
      continue;
    }
    const matcher = picomatch(arg.replace(/^\.\//, ""), { dot: true });
    const found = walk(resolve(cwd), (rel) => matcher(rel));
    if (found.length === 0) problems.push(`${arg}: no file matches`);
    for (const rel of found) add(rel);
  }
  return { files, problems };
}
