// The corpus check (`npm run corpus [-- DIR…]`, not part of npm test): runs
// `from-lens check --offline --format json` over every Dockerfile below the folders named
// (default: test/fixtures/buildkit) and prints how many findings each code has, in how many files,
// and every crash (a file the CLI could not check). Use it on a folder of real Dockerfiles to see
// where FROM Lens and BuildKit disagree: a code that fires everywhere is usually a false finding.
//
// Offline with an empty cache of its own, so the answer depends on the text alone (registry rules
// stay silent). Exit code: 0, or 1 when anything crashed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli.js");
const BATCH = 100;
const SKIP_DIRS = new Set([".git", "node_modules"]);

/** The names FROM Lens treats as Dockerfiles (package.json contributes.languages). */
function isDockerfile(name) {
  return /^(Dockerfile|Containerfile)(\..+)?$/u.test(name) || /\.(dockerfile|containerfile)$/iu.test(name);
}

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (stat.isDirectory()) {
      if (!SKIP_DIRS.has(name)) find(path, out);
    } else if (stat.isFile() && isDockerfile(name)) out.push(path);
  }
  return out;
}

function runCli(files, cacheDir) {
  const result = spawnSync(
    process.execPath,
    [CLI, "check", "--offline", "--format", "json", "--cache-dir", cacheDir, "--timeout", "5", ...files],
    { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
  );
  if (result.error !== undefined) return { crash: String(result.error) };
  if (result.status !== 0 && result.status !== 1) {
    return {
      crash: `exit ${result.status ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`,
    };
  }
  try {
    return { report: JSON.parse(result.stdout) };
  } catch (error) {
    return { crash: `unreadable output (${String(error)}): ${result.stdout.slice(0, 200)}` };
  }
}

const dirs = process.argv.slice(2);
const roots = (dirs.length > 0 ? dirs : [join(ROOT, "test", "fixtures", "buildkit")]).map((d) => resolve(d));
// Always the CLI of the sources at hand (esbuild takes a second or two).
{
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const files = roots.flatMap((root) => {
  if (!existsSync(root)) {
    console.error(`corpus: no such folder: ${root}`);
    process.exit(2);
  }
  return statSync(root).isDirectory() ? find(root, []) : [root];
});
const cacheDir = mkdtempSync(join(tmpdir(), "from-lens-corpus-"));
const counts = new Map(); // code -> { findings, files:Set }
const crashes = [];
let checked = 0;
try {
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    let outcome = runCli(batch, cacheDir);
    // A crash in a batch: check its files one by one to name the culprit(s).
    const reports = [];
    if (outcome.crash !== undefined) {
      for (const file of batch) {
        const one = runCli([file], cacheDir);
        if (one.crash !== undefined) crashes.push({ file, crash: one.crash });
        else reports.push(...one.report);
      }
    } else reports.push(...outcome.report);
    for (const { file, diagnostics } of reports) {
      checked++;
      for (const d of diagnostics) {
        const code = String(d.code ?? "(no code)");
        const entry = counts.get(code) ?? { findings: 0, files: new Set() };
        entry.findings++;
        entry.files.add(file);
        counts.set(code, entry);
      }
    }
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

const rows = [...counts.entries()].sort((a, b) => b[1].findings - a[1].findings || a[0].localeCompare(b[0]));
const total = rows.reduce((n, [, e]) => n + e.findings, 0);
console.log(
  `checked ${checked} of ${files.length} Dockerfile${files.length === 1 ? "" : "s"} in ${roots.map((r) => relative(process.cwd(), r) || ".").join(", ")}`,
);
console.log(`${total} finding${total === 1 ? "" : "s"}`);
const width = Math.max(4, ...rows.map(([code]) => code.length));
for (const [code, entry] of rows) {
  console.log(
    `  ${code.padEnd(width)}  ${String(entry.findings).padStart(6)}  in ${entry.files.size} file${entry.files.size === 1 ? "" : "s"}`,
  );
}
console.log(`${crashes.length} crash${crashes.length === 1 ? "" : "es"}`);
for (const { file, crash } of crashes)
  console.log(`  ${relative(process.cwd(), file) || basename(file)}: ${crash}`);
process.exit(crashes.length > 0 ? 1 : 0);
