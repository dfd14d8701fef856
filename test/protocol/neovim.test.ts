/**
 * FROM Lens' server in a second, independent LSP client: Neovim's built-in one (Debian's nvim),
 * proving the server is not tied to VS Code — and that the Neovim configuration the README shows
 * (docs/editors/neovim.lua) works: hover, the Pin lens, a quick fix and a pushed offline setting,
 * against a real registry on loopback.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startFaultServer } from "../support/faultServer";
import { startHubApi } from "../support/hubApi";
import { REPO_ROOT, SERVER_JS } from "../support/lsp";
import { startRegistry } from "../support/registry";
import { hubRepositories, pushSampleImages, SAMPLE_IMAGES } from "../support/sampleImages";

const NEOVIM_CONFIG = join(REPO_ROOT, "docs", "editors", "neovim.lua");

/** Runs nvim headless to the end without blocking the loopback servers of this process. */
function runNeovim(args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("nvim", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`nvim did not finish in ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`nvim exited with ${String(code)}: ${output}`));
    });
  });
}

interface FlowResult {
  error?: string;
  notifications: { msg: string; level?: number }[];
  hover?: { kind: string; value: string };
  pin_lens?: { title: string; command: string };
  pinned_line?: string;
  fixed_line?: string;
  offline_hover?: { kind: string; value: string };
  diagnostics?: unknown;
}

describe("Neovim as the client", () => {
  it("gets diagnostics, hover docs and completion from the server", () => {
    const dir = mkdtempSync(join(tmpdir(), "from-lens-nvim-"));
    try {
      const dockerfile = join(dir, "Dockerfile");
      writeFileSync(dockerfile, "from alpine:3.22\nWORKDIR /app\n\n");
      const out = join(dir, "result.json");
      execFileSync(
        "nvim",
        [
          "--headless",
          "-n",
          "-u",
          "NONE",
          "-c",
          `luafile ${join(REPO_ROOT, "test/fixtures/neovim/lsp-check.lua")}`,
          dockerfile,
        ],
        {
          cwd: dir,
          // docker.io → a closed loopback port: image lookups fail at once, never on the internet.
          env: {
            ...process.env,
            FROM_LENS_OUT: out,
            FROM_LENS_SERVER: SERVER_JS,
            FROM_LENS_DOCKER_HUB_URL: "http://127.0.0.1:9",
            XDG_CACHE_HOME: dir,
          },
          timeout: 30_000,
          stdio: "pipe",
        },
      );
      const result = JSON.parse(readFileSync(out, "utf8")) as {
        error?: string;
        hover?: { kind: string; value: string };
        completion: string[];
        diagnostics: { message: string; range: { start: { line: number } } }[];
      };
      assert.equal(result.error, undefined);
      assert.ok(
        result.diagnostics.some((d) => d.range.start.line === 0 && /upper ?case/i.test(d.message)),
        JSON.stringify(result.diagnostics),
      );
      assert.match(result.hover?.value ?? "", /working directory/i);
      assert.ok(
        result.completion.some((label) => label.startsWith("FROM")),
        JSON.stringify(result.completion),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the README's configuration: hover, Pin lens, quick fix, and a pushed offline setting", async () => {
    const registry = await startRegistry({ auth: "none" });
    const dir = mkdtempSync(join(tmpdir(), "from-lens-nvim-flow-"));
    try {
      const pushed = await pushSampleImages(
        registry,
        SAMPLE_IMAGES.filter((s) => s.record === "python:3.12-slim" || s.record === "alpine:3.22"),
      );
      const hub = await startHubApi({ repositories: hubRepositories(pushed) });
      const proxy = await startFaultServer({ upstream: registry.url });
      try {
        const first = join(dir, "Dockerfile");
        const second = join(dir, "Dockerfile.offline");
        writeFileSync(first, "FROM python:3.12-slim AS base\nFROM alpine:3.222\n");
        writeFileSync(second, "FROM python:3.13-alpine\n");
        const out = join(dir, "result.json");
        await runNeovim(
          [
            "--headless",
            "-n",
            "-u",
            "NONE",
            "-c",
            `luafile ${join(REPO_ROOT, "test/fixtures/neovim/lsp-flow.lua")}`,
          ],
          {
            ...process.env,
            FROM_LENS_OUT: out,
            FROM_LENS_SERVER: SERVER_JS,
            FROM_LENS_CONFIG: NEOVIM_CONFIG,
            FROM_LENS_DOCKERFILE: first,
            FROM_LENS_SECOND_DOCKERFILE: second,
            FROM_LENS_TEST_SETTINGS: JSON.stringify({
              fromLens: { hubApiUrl: hub.url, hover: { waitMs: 15_000 } },
            }),
            // docker.io → the loopback registry, through a proxy that records every request.
            FROM_LENS_DOCKER_HUB_URL: proxy.url,
            XDG_CACHE_HOME: dir,
          },
          dir,
          90_000,
        );
        const result = JSON.parse(readFileSync(out, "utf8")) as FlowResult;
        assert.equal(result.error, undefined, JSON.stringify(result));
        const digest = pushed.find((p) => p.sample.record === "python:3.12-slim")?.image.digest ?? "";
        assert.match(result.hover?.value ?? "", /docker\.io\/library\/python:3\.12-slim/);
        assert.match(result.hover?.value ?? "", /Debian/);
        assert.equal(result.pin_lens?.command, "fromLens.server.applyEdits");
        assert.equal(result.pinned_line, `FROM python:3.12-slim@${digest} AS base`);
        assert.equal(result.fixed_line, "FROM alpine:3.22");
        assert.match(result.offline_hover?.value ?? "", /offline/i);
        assert.ok(
          !proxy.requests.some((r) => r.path.includes("3.13-alpine")),
          JSON.stringify(proxy.requests.map((r) => `${r.method} ${r.path}`)),
        );
        assert.deepEqual(
          result.notifications.filter((n) => /does not support|not supported|error/i.test(n.msg)),
          [],
        );
      } finally {
        await proxy.stop();
        await hub.stop();
      }
    } finally {
      await registry.stop();
      // FROM_LENS_DEBUG=1 keeps the folder, with Neovim's LSP log in nvim/lsp.log.
      if (!process.env.FROM_LENS_DEBUG) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the configuration the README shows", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const config = readFileSync(NEOVIM_CONFIG, "utf8");
    assert.ok(
      readme.includes("```lua\n" + config + "```"),
      "README.md shows docs/editors/neovim.lua verbatim",
    );
  });
});
