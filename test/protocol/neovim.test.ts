/**
 * FROM Lens' server in a second, independent LSP client: Neovim's built-in one (Debian's nvim),
 * proving the server is not tied to VS Code.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT, SERVER_JS } from "../support/lsp";

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
});
