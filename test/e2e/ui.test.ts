/**
 * UI tests: the extension as users get it (the packaged .vsix installed into code-server; the dev
 * build when there is no fresh .vsix), driven in headless Chromium like a person would: open a
 * Dockerfile with Ctrl+P, read the status bar, hover FROM, open the Problems panel, ask for
 * completion. Each step saves a screenshot to .test-output/screenshots/.
 */
import * as assert from "node:assert/strict";
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { startCodeServer } from "../support/codeServer";
import { fixturePath } from "../support/paths";
import { makeTempDir, removeTempDir } from "../support/tmp";
import { extensionUnderTest } from "./extensionUnderTest";
import { openWithQuickOpen, screenshot, SCREENSHOTS, step, STEP_TIMEOUT_MS, type Session } from "./uiSupport";

describe("FROM Lens in code-server, through the UI", { timeout: 60_000 }, () => {
  let session: Session | undefined;
  const page = (): Page => {
    assert.ok(session, "set-up failed");
    return session.page;
  };

  before(async () => {
    const chosen = extensionUnderTest();
    console.log(`# ui: ${chosen.note}`);
    await mkdir(SCREENSHOTS, { recursive: true });
    // Screenshots this test writes, left by an earlier run, would mislead: clear them.
    for (const name of await readdir(SCREENSHOTS)) {
      if (/^(failed-)?[0-4]-[\w-]+\.png$/.test(name)) await rm(join(SCREENSHOTS, name));
    }
    const workspace = await makeTempDir("from-lens-ui-workspace");
    await cp(fixturePath("workspace"), workspace, { recursive: true });
    const server = await startCodeServer({
      folder: workspace,
      extension: chosen.source,
      // Offline: this test is about the standard features; nothing may reach a real registry.
      settings: {
        "editor.hover.delay": 150,
        "workbench.colorTheme": "Default Dark Modern",
        "fromLens.offline": true,
      },
    });
    const browser = await launchBrowser().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const newPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    newPage.setDefaultTimeout(STEP_TIMEOUT_MS);
    session = { workspace, server, browser, page: newPage };
    await step(newPage, "0-setup", async () => {
      await newPage.goto(server.url);
      await newPage.locator(".monaco-workbench").waitFor();
      // The explorer lists the workspace once the remote file system answers.
      await newPage
        .locator(".explorer-folders-view .monaco-list-row", { hasText: "broken.Dockerfile" })
        .waitFor();
      await openWithQuickOpen(newPage, "broken.Dockerfile");
    });
  });

  after(async () => {
    if (!session) return;
    await session.browser.close();
    await session.server.stop();
    await removeTempDir(session.workspace);
  });

  it("shows its status bar item, ready and (as set up here) offline, once a Dockerfile is open", () =>
    step(page(), "1-status-bar", async () => {
      const item = page().locator(".statusbar-item", { hasText: "FROM Lens" });
      await item.locator(".codicon-package").waitFor();
      assert.match((await item.textContent()) ?? "", /FROM Lens · offline/);
      // Its tooltip is the server's own `fromLens/status` message.
      await item.hover();
      await page()
        .locator(".workbench-hover, .monaco-hover", { hasText: "FROM Lens is ready · offline" })
        .first()
        .waitFor();
      await screenshot(page(), "1-status-bar");
      await page().mouse.move(700, 400);
    }));

  it("shows FROM's documentation when hovering FROM", () =>
    step(page(), "2-hover-from", async () => {
      const fromKeyword = page()
        .locator(".monaco-editor .view-line span span", { hasText: /^FROM$/ })
        .first();
      await fromKeyword.hover();
      const hover = page().locator(".monaco-hover:not(.hidden)", { hasText: "baseImage" });
      await hover.waitFor();
      assert.match((await hover.textContent()) ?? "", /Set the baseImage to use for subsequent instructions/);
      await screenshot(page(), "2-hover-from");
      await page().mouse.move(0, 0);
      await page().keyboard.press("Escape");
    }));

  it("lists the broken line in the Problems panel", () =>
    step(page(), "3-problems", async () => {
      await page().keyboard.press("Control+Shift+M");
      const row = page().locator(".markers-panel .monaco-list-row", { hasText: "Unknown instruction: RUNN" });
      await row.waitFor();
      assert.match((await row.textContent()) ?? "", /dockerfile-utils/);
      await screenshot(page(), "3-problems");
    }));

  it("offers instructions in the completion list", () =>
    step(page(), "4-completion", async () => {
      await page().locator(".monaco-editor .view-lines").first().click();
      await page().keyboard.press("Control+End");
      await page().keyboard.press("Enter");
      await page().keyboard.press("Control+Space");
      const rows = page().locator(".suggest-widget.visible .monaco-list-row");
      await rows.filter({ hasText: "COPY" }).first().waitFor();
      const labels = await rows.allTextContents();
      for (const instruction of ["ADD", "ARG", "CMD", "COPY"]) {
        assert.ok(
          labels.some((l) => l.startsWith(instruction)),
          `${instruction} not in the completion list: ${JSON.stringify(labels)}`,
        );
      }
      await screenshot(page(), "4-completion");
      await page().keyboard.press("Escape");
    }));
});
