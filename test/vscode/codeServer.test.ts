/**
 * Host 1 of the in-VS-Code suite: code-server's real extension host. Opens the workbench in
 * headless Chromium with `extensionDevelopmentPath` + `extensionTestsPath` in the URL payload
 * (../shared/TEST-INFRA.md, "Two ways to test inside it" #1); VS Code loads the extension from
 * this repository's dist/ and calls dist/test/suite/index.js's run(), which writes its results
 * into the workspace. Each case becomes its own subtest here, so a failure names the case.
 *
 * Needs `npm run build` first (it builds nothing itself) and code-server installed
 * (scripts/install-code-server.sh).
 */
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { launchBrowser } from "../support/browser";
import { startCodeServer } from "../support/codeServer";
import { fixturePath, REPO_ROOT } from "../support/paths";
import { pollUntil } from "../support/processes";
import { tempDirFor } from "../support/tmp";
import { readResults, resultsPathIn } from "./results";
import type { SuiteResults } from "./results";

const RESULTS_TIMEOUT_MS = 45_000;
const BUILT = ["dist/client.js", "dist/server.js", "dist/test/suite/index.js"];

function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

test(
  "the in-VS-Code suite in code-server's extension host",
  { timeout: RESULTS_TIMEOUT_MS + 30_000 },
  async (t) => {
    const missing = BUILT.filter((file) => !existsSync(join(REPO_ROOT, file)));
    assert.deepEqual(missing, [], `missing ${missing.join(", ")}: run \`npm run build\` first`);

    const workspace = await tempDirFor(t, "from-lens-vscode-workspace");
    await cp(fixturePath("workspace"), workspace, { recursive: true });

    const server = await startCodeServer({
      folder: workspace,
      extension: {
        developmentPath: REPO_ROOT,
        testsPath: join(REPO_ROOT, "dist", "test", "suite", "index.js"),
      },
      // The suite is about the standard features: nothing may reach a real registry.
      settings: { "fromLens.offline": true },
    });
    const browser = await launchBrowser().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    t.after(async () => {
      await browser.close(); // first, so the workbench is gone before its extension host is stopped
      await server.stop();
    });

    const page = await browser.newPage();
    const browserLog: string[] = [];
    page.on("console", (message) => browserLog.push(`[${message.type()}] ${message.text()}`));
    page.on("pageerror", (error) => browserLog.push(`[pageerror] ${error.message}`));
    await page.goto(server.url);

    const resultsFile = resultsPathIn(workspace);
    let results: SuiteResults | undefined;
    try {
      await pollUntil(
        async () => {
          results = await readResults(resultsFile);
          return results?.state === "done";
        },
        {
          timeoutMs: RESULTS_TIMEOUT_MS,
          intervalMs: 100,
          what: `waiting for ${resultsFile}`,
          abort: () => (server.hasExited() ? "code-server exited" : undefined),
        },
      );
    } catch (error) {
      const progress = results
        ? results.cases.map((c) => `  ${c.ok ? "ok" : "FAILED"} ${c.name}`).join("\n")
        : "  (no results file: run() was never called, or failed before its first case)";
      throw new Error(
        `${(error as Error).message}\n` +
          `--- cases finished so far ---\n${progress}\n` +
          `--- code-server log (tail) ---\n${tail(server.logs(), 40)}\n` +
          `--- browser console (tail) ---\n${tail(browserLog.join("\n"), 40)}`,
      );
    }
    const done = results as SuiteResults;
    const suiteMs = Date.parse(done.finishedAt ?? done.startedAt) - Date.parse(done.startedAt);
    t.diagnostic(
      `host: ${done.host}; extension ${done.extensionVersion ?? "?"}; ${done.cases.length} cases in ${suiteMs} ms inside VS Code: ` +
        done.cases.map((c) => `${c.durationMs} ms`).join(", "),
    );
    assert.ok(done.cases.length > 0, "the suite ran no cases");
    for (const result of done.cases) {
      await t.test(result.name, () => {
        if (result.ok) return;
        // The case's own message and stack (from inside VS Code) say it all; ours would be noise.
        const failure = new Error(`inside VS Code (${done.host}):\n${result.error ?? "failed"}`);
        failure.stack = failure.message;
        throw failure;
      });
    }
  },
);
