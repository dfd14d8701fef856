/**
 * Temporary directories for test services. Each one is removed by its owner's stop(); anything a
 * crashed test leaves behind is removed when the test process exits (see processes.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onProcessExit } from "./processes";

const liveDirs = new Set<string>();

onProcessExit(() => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
});

/** A fresh, empty directory under the OS temp dir, e.g. /tmp/from-lens-registry-Xyz12. */
export async function makeTempDir(prefix = "from-lens-test"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  liveDirs.add(dir);
  return dir;
}

/** Synchronous variant for module-level fixtures. */
export function makeTempDirSync(prefix = "from-lens-test"): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  liveDirs.add(dir);
  return dir;
}

/** Removes a directory made by makeTempDir (idempotent). */
export async function removeTempDir(dir: string): Promise<void> {
  liveDirs.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/**
 * A temp dir for one test: removed after it. `t` is node:test's TestContext (or anything with
 * `after`), so a failing assertion still cleans up.
 */
export async function tempDirFor(
  t: { after(fn: () => Promise<void>): void },
  prefix?: string,
): Promise<string> {
  const dir = await makeTempDir(prefix);
  t.after(() => removeTempDir(dir));
  return dir;
}
