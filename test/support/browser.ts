/**
 * Headless Debian Chromium driven by playwright-core. playwright-core never downloads a browser;
 * we point it at /usr/bin/chromium (package `chromium`). The flags keep Chromium from reaching for
 * Google's services, which this machine's closed network refuses, many connections at a time.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.FROM_LENS_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium (a fresh temp profile each time); close it with `browser.close()`. */
export async function launchBrowser(options: { headless?: boolean; args?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}: install the Debian package \`chromium\` (scripts/setup.sh does), ` +
        "or set FROM_LENS_CHROMIUM to a Chromium binary",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}
