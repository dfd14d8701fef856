/**
 * `npm run demo` (scripts/demo.mjs), run as a user would but on the extension already built: the
 * packaged .vsix when fresh (DEMO_VSIX), else dist/ as a development extension
 * (DEMO_FROM_SOURCE=1), so the test never rebuilds dist/ under other tests' feet.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../support/paths";
import { tempDirFor } from "../support/tmp";
import { extensionUnderTest } from "./extensionUnderTest";

const DEMO = join(REPO_ROOT, "scripts", "demo.mjs");
const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m;

interface Demo {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startDemo(home: string, extra: Record<string, string>): Demo {
  const chosen = extensionUnderTest();
  // DEMO_REGISTRY=always: the sample registry, without first probing Docker Hub (tests stay on loopback).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FROM_LENS_DEMO_HOME: home,
    DEMO_REGISTRY: "always",
    ...extra,
  };
  delete env.PORT;
  if ("vsix" in chosen.source) env.DEMO_VSIX = chosen.source.vsix;
  else env.DEMO_FROM_SOURCE = "1";
  const child = spawn(process.execPath, [DEMO], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves with the demo's exit code, or rejects (after killing it) when it takes too long. */
async function exitWithin(demo: Demo, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      demo.child.kill("SIGKILL");
      reject(new Error(`the demo did not exit within ${ms} ms; output:\n${demo.output()}`));
    }, ms);
  });
  return Promise.race([demo.exited, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the URL the demo prints, as soon as it prints it. */
async function printedUrl(demo: Demo, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = URL_LINE.exec(demo.output());
    if (match?.[1]) return match[1];
    if (demo.child.exitCode !== null)
      throw new Error(`the demo exited (${demo.child.exitCode}) without a URL:\n${demo.output()}`);
    if (Date.now() > deadline) throw new Error(`no URL printed within ${ms} ms:\n${demo.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function refusesConnections(origin: string): Promise<boolean> {
  try {
    await fetch(new URL("/healthz", origin), { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

/** Processes whose command line or environment mentions `path` (the demo's profile dir). */
function processesMentioning(path: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (cmdline.includes(path) || environ.includes(path))
        found.push(`${pid}: ${cmdline.replaceAll("\0", " ").slice(0, 120)}`);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

describe("npm run demo", { timeout: 60_000 }, () => {
  it("with DEMO_NO_WAIT=1 prints a working URL, verifies the extension, and exits cleanly", async (t) => {
    const home = await tempDirFor(t, "from-lens-demo-home");
    const demo = startDemo(home, { DEMO_NO_WAIT: "1" });
    const code = await exitWithin(demo, 45_000);
    const output = demo.output();
    assert.equal(code, 0, `demo exit code; output:\n${output}`);
    const url = URL_LINE.exec(output)?.[1];
    assert.ok(url, `no URL in:\n${output}`);
    const parsed = new URL(url);
    assert.ok(
      parsed.searchParams.get("folder")?.includes("from-lens-demo-workspace"),
      `the URL opens the demo workspace: ${url}`,
    );
    assert.match(output, /verified: http:\/\/127\.0\.0\.1:\d+\/healthz answered 200/);
    assert.match(
      output,
      /sample registry http:\/\/127\.0\.0\.1:\d+: \d+ images under \d+ tags, standing in for docker\.io/,
    );
    assert.match(output, /verified: the URL answered 200 with the VS Code workbench page/);
    assert.match(
      output,
      /verified: (from-lens\.from-lens@\d+\.\d+\.\d+ is installed|the extension runs from )/,
    );
    assert.ok(await refusesConnections(parsed.origin), "code-server still answers after the demo exited");
    assert.deepEqual(processesMentioning(home), [], "processes left behind by the demo");
  });

  it("serves the workbench until Ctrl+C, then stops code-server and exits 0", async (t) => {
    const home = await tempDirFor(t, "from-lens-demo-home");
    const demo = startDemo(home, {});
    t.after(() => {
      if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
    });
    const url = await printedUrl(demo, 45_000);
    const page = await fetch(url, { signal: AbortSignal.timeout(5000) });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/);
    demo.child.kill("SIGINT");
    const code = await exitWithin(demo, 15_000);
    assert.equal(code, 0, `exit code after Ctrl+C; output:\n${demo.output()}`);
    assert.match(demo.output(), /demo: SIGINT: stopping…[\s\S]*demo: stopped/);
    assert.ok(await refusesConnections(new URL(url).origin), "code-server still answers after Ctrl+C");
    assert.deepEqual(processesMentioning(home), [], "processes left behind by the demo");
  });
});
