// Runs node:test over every *.test.ts below the folders named (Node 20's --test takes no globs),
// through tsx so tests run straight from TypeScript. Folders and files named with --serial=PATH run
// after the others, one file at a time (real VS Code and browsers want both cores, timing tests a
// quiet machine); a file named both ways runs only serially. Ends with one line that totals every
// group: "tests: N passed, N failed, N skipped".
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
  if (dir.endsWith(".test.ts")) return [dir];
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const parallel = [];
const serial = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith("--serial=")) serial.push(arg.slice("--serial=".length));
  else parallel.push(arg);
}
// The shared data the tests read at run time (real Docker Hub recordings, docker-library records)
// lives beside the repository, never inside it: without it, say so once instead of failing dozens
// of tests one by one.
const repoRoot = join(import.meta.dirname, "..");
const shared = [
  ["FROM_LENS_REALDATA", join(repoRoot, "..", "shared", "realdata"), "tags.json"],
  ["FROM_LENS_HUB_RECORDINGS", join(repoRoot, "..", "shared", "hub-recordings"), "SOURCES.md"],
];
const missingShared = shared.filter(([env, dir, file]) => !existsSync(join(process.env[env] ?? dir, file)));
if (missingShared.length > 0) {
  console.error(
    "run-tests: the shared test data is missing:\n" +
      missingShared
        .map(([env, dir, file]) => `  ${join(process.env[env] ?? dir, file)} (or set ${env})`)
        .join("\n") +
      `\nPut the project's shared/ folder beside the repository (${join(repoRoot, "..", "shared")}), as CI does.`,
  );
  process.exit(1);
}

// A file named with --serial= runs only in the serial group, even when its folder is named too.
const serialFiles = serial.flatMap(find).sort();
const groups = [
  {
    files: parallel
      .flatMap(find)
      .filter((f) => !serialFiles.includes(f))
      .sort(),
    concurrency: process.env.TEST_CONCURRENCY ?? "2",
  },
  { files: serialFiles, concurrency: "1" },
].filter((g) => g.files.length > 0);
if (groups.length === 0) {
  console.error(`run-tests: no test files under ${process.argv.slice(2).join(", ")}`);
  process.exit(1);
}

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
const scratch = mkdtempSync(join(tmpdir(), "from-lens-tests-"));
let status = 0;
groups.forEach((group, i) => {
  const tap = join(scratch, `group-${i}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      `--test-concurrency=${group.concurrency}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      ...group.files,
    ],
    { stdio: "inherit" },
  );
  if (r.status !== 0) status = r.status ?? 1;
  let text = "";
  try {
    text = readFileSync(tap, "utf8");
  } catch {
    status = status || 1;
  }
  for (const key of Object.keys(totals)) {
    const m = new RegExp(`^# ${key} (\\d+)$`, "m").exec(text);
    if (m) totals[key] += Number(m[1]);
  }
});
rmSync(scratch, { recursive: true, force: true });
if (totals.fail + totals.cancelled > 0 && status === 0) status = 1;
console.log(
  `\ntests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped + totals.todo} skipped`,
);
process.exit(status);
