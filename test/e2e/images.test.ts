/**
 * UI test of FROM Lens' own features in real VS Code (code-server + Chromium): the sample
 * official images are served by a CNCF registry on loopback standing in for docker.io
 * (FROM_LENS_DOCKER_HUB_URL, as `npm run demo` does offline), Docker Hub's web API by a loopback
 * stand-in; nothing reaches the internet. A person hovers an
 * image, reads the Problems panel, completes a tag, and pins with the CodeLens. Screenshots:
 * .test-output/screenshots/5-*.png … 8-*.png.
 */
import * as assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { startCodeServer } from "../support/codeServer";
import { startHubApi, type HubApiServer } from "../support/hubApi";
import { startRegistry, type Registry } from "../support/registry";
import { hubRepositories, pushSampleImages, SAMPLE_IMAGES } from "../support/sampleImages";
import { makeTempDir, removeTempDir } from "../support/tmp";
import { extensionUnderTest } from "./extensionUnderTest";
import { openWithQuickOpen, screenshot, SCREENSHOTS, step, STEP_TIMEOUT_MS, type Session } from "./uiSupport";

const DOCKERFILE = [
  "FROM python:3.12-slim AS build",
  "RUN pip wheel --wheel-dir /wheels flask",
  "",
  "FROM python:3.12-slimm",
  "COPY --from=build /wheels /wheels",
  "",
  "FROM pyhton:3.12 AS typo",
  "",
].join("\n");

describe("FROM Lens image features in code-server, through the UI", { timeout: 90_000 }, () => {
  let session: Session | undefined;
  let registry: Registry | undefined;
  let hub: HubApiServer | undefined;
  const page = (): Page => {
    assert.ok(session, "set-up failed");
    return session.page;
  };

  before(async () => {
    const chosen = extensionUnderTest();
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const name of await readdir(SCREENSHOTS)) {
      if (/^(failed-)?[5-9]-[\w-]+\.png$/.test(name)) await rm(join(SCREENSHOTS, name));
    }
    registry = await startRegistry({ auth: "none" });
    const pushed = await pushSampleImages(
      registry,
      SAMPLE_IMAGES.filter((s) => s.repository === "library/python"),
    );
    hub = await startHubApi({ repositories: hubRepositories(pushed) });
    const workspace = await makeTempDir("from-lens-ui-images");
    await writeFile(join(workspace, "Dockerfile"), DOCKERFILE);
    await mkdir(join(workspace, "worker"));
    await writeFile(join(workspace, "worker", "Dockerfile"), 'FROM python:3.13-alpine\nCMD ["python"]\n');
    await writeFile(
      join(workspace, "compose.yaml"),
      'services:\n  web:\n    image: "python:3.12-slim" # the app\n    ports: ["8000:8000"]\n',
    );
    await mkdir(join(workspace, ".github", "workflows"), { recursive: true });
    await writeFile(
      join(workspace, ".github", "workflows", "ci.yml"),
      "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: python:3.13-alpine\n",
    );
    const server = await startCodeServer({
      folder: workspace,
      extension: chosen.source,
      env: { FROM_LENS_DOCKER_HUB_URL: registry.url },
      settings: {
        "editor.hover.delay": 150,
        "workbench.colorTheme": "Default Dark Modern",
        "fromLens.hubApiUrl": hub.url,
        "fromLens.defaultPlatform": "linux/amd64",
      },
    });
    const browser = await launchBrowser().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const newPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    newPage.setDefaultTimeout(STEP_TIMEOUT_MS);
    session = { workspace, server, browser, page: newPage };
    await step(newPage, "5-setup", async () => {
      await newPage.goto(server.url);
      await newPage.locator(".monaco-workbench").waitFor();
      await newPage
        .locator(".explorer-folders-view .monaco-list-row", { hasText: "Dockerfile" })
        .first()
        .waitFor();
      await openWithQuickOpen(newPage, "Dockerfile");
    });
  });

  after(async () => {
    if (session) {
      await session.browser.close();
      await session.server.stop();
      await removeTempDir(session.workspace);
    }
    await hub?.stop();
    await registry?.stop();
  });

  it("hovering an image shows its facts card", () =>
    step(page(), "5-image-hover", async () => {
      // Wait for the resolution to land: the pin lens appears above the reference.
      await page()
        .locator(".contentWidgets .codelens-decoration, .codelens-decoration", { hasText: "Pin to digest" })
        .first()
        .waitFor();
      const image = page()
        .locator(".monaco-editor .view-line", { hasText: "AS build" })
        .locator("span span", { hasText: /python/ })
        .first();
      await image.hover();
      const hover = page().locator(".monaco-hover:not(.hidden)", { hasText: "Docker Official Image" });
      await hover.waitFor();
      const text = (await hover.textContent()) ?? "";
      assert.match(text, /Debian 13 trixie/);
      assert.match(text, /python 3\.12\.13/);
      assert.match(text, /Platforms linux: amd64 ← build/);
      assert.match(text, /The image describes itself as: “FROM Lens sample of python:3\.12-slim/);
      // The facts come before the warnings and the small print (the card's order, not scrolled away).
      assert.ok(text.indexOf("Platforms") < text.indexOf("The tag moves"), text);
      await screenshot(page(), "5-image-hover");
      await page().mouse.move(0, 0);
      await page().keyboard.press("Escape");
    }));

  it("the Problems panel warns of a look-alike name and an unknown tag, with the close one", () =>
    step(page(), "6-image-problems", async () => {
      await page().keyboard.press("Control+Shift+M");
      const lookalike = page()
        .locator(".markers-panel .monaco-list-row", { hasText: "lookalike-image" })
        .first();
      await lookalike.waitFor();
      assert.match((await lookalike.textContent()) ?? "", /pyhton/);
      const unknownTag = page()
        .locator(".markers-panel .monaco-list-row", { hasText: "unknown-tag" })
        .first();
      await unknownTag.waitFor();
      assert.match((await unknownTag.textContent()) ?? "", /3\.12-slimm/);
      await screenshot(page(), "6-image-problems");
      await page().keyboard.press("Control+Shift+M");
    }));

  it("completes tags after `name:`, with each tag's platforms and push date", () =>
    step(page(), "6-tag-completion", async () => {
      await page().locator(".monaco-editor .view-lines").first().click();
      // Line 4 is `FROM python:3.12-slimm`: put the cursor after `python:3.1` and ask for completion.
      await page().keyboard.press("Control+G");
      const input = page().locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible" });
      await input.fill(":4:16");
      await page().keyboard.press("Enter");
      await input.waitFor({ state: "hidden" });
      await page().locator(".statusbar-item", { hasText: "Ln 4, Col 16" }).first().waitFor();
      await page().keyboard.press("Control+Space");
      const rows = page().locator(".suggest-widget.visible .monaco-list-row");
      await rows.filter({ hasText: "3.13-alpine" }).first().waitFor();
      const focused = page().locator(".suggest-widget.visible .monaco-list-row.focused");
      await focused.filter({ hasText: /linux amd64/ }).waitFor();
      const labels = await rows.allTextContents();
      assert.ok(
        labels.some((l) => l.startsWith("3.12.13-slim")),
        `tags from the registry: ${JSON.stringify(labels)}`,
      );
      // Ctrl+Space again opens the details beside the list: every platform, the digest, the push date.
      await page().keyboard.press("Control+Space");
      const details = page().locator(".suggest-details-container .suggest-details", { hasText: "Platforms" });
      await details.waitFor();
      assert.match((await details.textContent()) ?? "", /Pushed [^]*sha256:[^]*linux\/arm64\/v8/);
      await screenshot(page(), "6-tag-completion");
      await page().keyboard.press("Escape");
    }));

  it("clicking “Pin to digest” pins the image, keeping the tag", () =>
    step(page(), "7-pinned", async () => {
      await page().locator(".codelens-decoration a", { hasText: "Pin to digest" }).first().click();
      await page()
        .locator(".monaco-editor .view-line", { hasText: "python:3.12-slim@sha256:" })
        .first()
        .waitFor();
      await page().locator(".codelens-decoration", { hasText: "Pinned ✓ current" }).first().waitFor();
      await screenshot(page(), "7-pinned");
    }));

  it("a Compose file and a workflow get the image lenses; “Pin to digest” pins the Compose value", () =>
    step(page(), "9-compose", async () => {
      await openWithQuickOpen(page(), "ci.yml");
      await page().locator(".codelens-decoration a", { hasText: "Pin to digest" }).first().waitFor();
      await openWithQuickOpen(page(), "compose.yaml");
      await page().locator(".codelens-decoration a", { hasText: "Pin to digest" }).first().click();
      await page()
        .locator(".monaco-editor .view-line", { hasText: "python:3.12-slim@sha256:" })
        .first()
        .waitFor();
      await page().locator(".codelens-decoration", { hasText: "Pinned ✓ current" }).first().waitFor();
      await screenshot(page(), "9-compose");
      // Only the value changed: the quotes and the comment are still there.
      const line = await page()
        .locator(".monaco-editor .view-line", { hasText: "python:3.12-slim@sha256:" })
        .first()
        .textContent();
      assert.match(
        (line ?? "").replace(/\u00a0/g, " "),
        /image: "python:3\.12-slim@sha256:[0-9a-f]{64}" # the app/,
      );
    }));
  it("“Pin All Images in Workspace” asks to confirm, then pins every Dockerfile and workflow", () =>
    step(page(), "8-pin-workspace", async () => {
      await page().keyboard.press("F1");
      const input = page().locator(".quick-input-widget input.input");
      await input.waitFor({ state: "visible" });
      await input.fill(">FROM Lens: Pin All Images in Workspace");
      await page()
        .locator(".quick-input-list .monaco-list-row", { hasText: "Pin All Images in Workspace" })
        .first()
        .waitFor();
      await page().keyboard.press("Enter");
      // A confirmation says how many images in how many files; "Pin" applies, "Preview…" opens the Refactor Preview.
      const dialog = page().locator(".monaco-dialog-box", {
        hasText: "Pin 2 images in 2 files to their digests?",
      });
      await dialog.waitFor({ timeout: 30_000 });
      await screenshot(page(), "8-pin-workspace");
      await dialog.locator(".monaco-button", { hasText: /^Pin$/ }).click();
      const file = join(session?.workspace ?? "", "worker", "Dockerfile");
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      let text = "";
      while (Date.now() < deadline && !text.includes("@sha256:")) {
        // The editor saves nothing by itself: open the file's editor state through the explorer's dirty marker.
        await page().keyboard.press("Control+K");
        await page().keyboard.press("s");
        text = await readFile(file, "utf8");
      }
      assert.match(text, /^FROM python:3\.13-alpine@sha256:[0-9a-f]{64}\n/);
    }));
});
