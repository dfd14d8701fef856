/**
 * Host 2 of the in-VS-Code suite: desktop VS Code through @vscode/test-electron (`npm run
 * test:electron`, after `npm run build`; built to dist/test/electron.js). It downloads VS Code
 * from Microsoft, which some networks refuse (this machine's: only the npm registry and Debian
 * are reachable). Then it says plainly that it cannot run and why, and exits 0: here it counts as
 * nothing, and the same suite runs in code-server instead (`npm run test:vscode`).
 *
 * Environment:
 *   FROM_LENS_VSCODE_VERSION     VS Code to download (default "stable"; e.g. "1.91.0", the
 *                                oldest our engines field allows)
 *   FROM_LENS_VSCODE_EXECUTABLE  use this VS Code instead of downloading one
 * On Linux without a display, run it under `xvfb-run -a`.
 */
import { existsSync } from "node:fs";
import { cp, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { download, runTests } from "@vscode/test-electron";
import { fixturePath, REPO_ROOT } from "../support/paths";
import { makeTempDir, removeTempDir } from "../support/tmp";
import { readResults, RESULTS_ENV } from "./results";

const SUITE = join(REPO_ROOT, "dist", "test", "suite", "index.js");
const CACHE = join(process.env.FROM_LENS_CACHE ?? join(homedir(), ".cache", "from-lens-test"), "vscode-test");

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}

async function vscodeExecutable(): Promise<string | undefined> {
  const explicit = process.env.FROM_LENS_VSCODE_EXECUTABLE;
  if (explicit !== undefined && explicit !== "") return explicit;
  const version = process.env.FROM_LENS_VSCODE_VERSION ?? "stable";
  try {
    return await download({
      version,
      cachePath: CACHE,
      timeout: 15_000,
      extensionDevelopmentPath: REPO_ROOT,
    });
  } catch (error) {
    console.log(
      `test:electron: NOT RUN. VS Code ${version} could not be downloaded (${reason(error)}).\n` +
        "@vscode/test-electron needs to download VS Code from Microsoft, and this network does not allow it.\n" +
        "Nothing was tested by this runner; the same suite runs in code-server: `npm run test:vscode`.\n" +
        "(Or set FROM_LENS_VSCODE_EXECUTABLE to an installed VS Code.)",
    );
    return undefined;
  }
}

async function main(): Promise<number> {
  if (!existsSync(SUITE)) {
    console.error(`test:electron: ${SUITE} is missing: run \`npm run build\` first`);
    return 1;
  }
  const executable = await vscodeExecutable();
  if (executable === undefined) return 0;

  const dir = await makeTempDir("from-lens-electron");
  try {
    const workspace = join(dir, "workspace");
    await cp(fixturePath("workspace"), workspace, { recursive: true });
    await mkdir(join(dir, "user"), { recursive: true });
    const resultsFile = join(dir, "vscode-results.json");
    let runError: unknown;
    try {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: SUITE,
        extensionTestsEnv: { [RESULTS_ENV]: resultsFile },
        launchArgs: [
          workspace,
          "--disable-extensions",
          "--disable-workspace-trust",
          "--skip-welcome",
          "--skip-release-notes",
          `--user-data-dir=${join(dir, "user")}`,
          `--extensions-dir=${join(dir, "extensions")}`,
        ],
      });
    } catch (error) {
      runError = error;
    }
    const results = await readResults(resultsFile);
    if (results === undefined) {
      console.error(`test:electron: the suite wrote no results (${reason(runError)})`);
      if (process.platform === "linux" && process.env.DISPLAY === undefined)
        console.error("No DISPLAY: run it under `xvfb-run -a`.");
      return 1;
    }
    for (const result of results.cases) {
      console.log(`${result.ok ? "ok  " : "FAIL"} ${result.name} (${result.durationMs} ms)`);
      if (!result.ok) console.log(`     ${(result.error ?? "").split("\n").join("\n     ")}`);
    }
    const failed = results.cases.filter((c) => !c.ok).length;
    console.log(
      `test:electron: ${results.host}: ${results.cases.length - failed} passed, ${failed} failed${results.state === "done" ? "" : " (the suite did not finish)"}`,
    );
    return failed === 0 && results.state === "done" && runError === undefined ? 0 : 1;
  } finally {
    await removeTempDir(dir);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:electron: ${reason(error)}`);
    process.exit(1);
  },
);
