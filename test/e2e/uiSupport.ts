/** Helpers shared by the UI tests: screenshots, steps that save a picture when they fail, Quick Open. */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { CodeServer } from "../support/codeServer";
import { REPO_ROOT } from "../support/paths";

export const SCREENSHOTS = join(REPO_ROOT, ".test-output", "screenshots");
export const STEP_TIMEOUT_MS = 15_000;

export interface Session {
  workspace: string;
  server: CodeServer;
  browser: Browser;
  page: Page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Animations off: a hover caught mid fade-in would show the text beneath it.
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: "disabled" });
}

/** Runs a UI step; when it fails, saves what the page showed as failed-<name>.png first. */
export async function step(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    await screenshot(page, `failed-${name}`).catch(() => undefined);
    throw error;
  }
}

export async function openWithQuickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible" });
  await input.fill(fileName);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: fileName }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".tabs-container .tab.active", { hasText: fileName }).waitFor();
}
