/**
 * The demo workspace against the demo's sample registry (as `npm run demo` serves it offline):
 * every image a demo Dockerfile names is there, every pinned digest is a build the registry has
 * (whose tag has moved on, for "Update pin"), and no folder shows a message that is not true
 * (nothing "not found", "unreachable" or "not checked"). Runs the shipped CLI (dist/cli.js).
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { extractImageRefs } from "../../server/src/dockerfile";
import { parseReference } from "../../server/src/reference";
import { startHubApi, type HubApiServer } from "../support/hubApi";
import { REPO_ROOT } from "../support/lsp";
import { startRegistry, type Registry } from "../support/registry";
import { hubRepositories, pushSampleImages, type PushedSample } from "../support/sampleImages";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const WORKSPACE = join(REPO_ROOT, "demo", "workspace");
const FOLDERS = readdirSync(WORKSPACE, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

let registry: Registry;
let hub: HubApiServer;
let pushed: PushedSample[];
let cache: string;

before(async () => {
  registry = await startRegistry({ auth: "none" });
  pushed = await pushSampleImages(registry);
  hub = await startHubApi({ repositories: hubRepositories(pushed) });
  cache = mkdtempSync(join(tmpdir(), "from-lens-demo-check-"));
});
after(async () => {
  await hub.stop();
  await registry.stop();
  rmSync(cache, { recursive: true, force: true });
});

interface Report {
  diagnostics: { code?: string; message: string; range: { start: { line: number } } }[];
  unchecked: { image: string; reason: string }[];
}

/**
 * Runs the CLI on one folder. Asynchronously: the Hub API stand-in runs in this process, and a
 * spawnSync would keep it from answering while the CLI waits for it.
 */
async function check(folder: string): Promise<Report> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "check",
      "--format",
      "json",
      "--platform",
      "linux/amd64",
      "--hub-api-url",
      hub.url,
      "--cache-dir",
      cache,
      join(WORKSPACE, folder, "Dockerfile"),
    ],
    { env: { ...process.env, FROM_LENS_DOCKER_HUB_URL: registry.url } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 60_000);
  const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  clearTimeout(timer);
  assert.ok(status === 0 || status === 1, `${folder}: exit ${String(status)}\n${stderr}`);
  const [report] = JSON.parse(stdout) as Report[];
  assert.ok(report !== undefined);
  return report;
}

describe("demo workspace", () => {
  it("has the folders the demo README lists", () => {
    const readme = readFileSync(join(WORKSPACE, "README.md"), "utf8");
    for (const folder of FOLDERS) assert.match(readme, new RegExp(`\`${folder}/\``), `${folder} in README`);
  });

  it("names only images the sample registry holds, pinned to builds it has", () => {
    for (const folder of FOLDERS) {
      const refs = extractImageRefs(readFileSync(join(WORKSPACE, folder, "Dockerfile"), "utf8"));
      let unpinned = 0;
      let movedPins = 0;
      for (const ref of refs) {
        if (ref.isStageRef || ref.isScratch || ref.resolved === undefined) continue;
        const parsed = parseReference(ref.resolved);
        assert.ok(parsed.ok, ref.resolved);
        const { registry: host, repository, tag = "latest", digest } = parsed.value;
        assert.equal(host, "docker.io", `${folder}: ${ref.raw} is not a Docker Hub image`);
        const sample = pushed.find((p) => p.sample.repository === repository && p.sample.tags.includes(tag));
        assert.ok(sample !== undefined, `${folder}: the sample registry has no ${repository}:${tag}`);
        if (digest === undefined) unpinned++;
        else {
          assert.equal(digest, sample.previous.digest, `${folder}: ${ref.raw} is not the older sample build`);
          movedPins++;
        }
      }
      assert.ok(unpinned > 0, `${folder}: nothing to pin`);
      assert.ok(movedPins > 0, `${folder}: no pin whose tag has moved`);
    }
  });

  for (const folder of FOLDERS) {
    it(`${folder}/: every image checked, stale pins reported, nothing false`, async () => {
      const report = await check(folder);
      assert.deepEqual(report.unchecked, [], `${folder}: images not checked`);
      const codes = report.diagnostics.map((d) => d.code);
      for (const wrong of [
        "unknown-repository",
        "unknown-tag",
        "unknown-digest",
        "registry-unreachable",
        "unauthorized",
        "rate-limited",
        "platform-unavailable",
      ]) {
        assert.ok(!codes.includes(wrong), `${folder}: ${wrong}: ${JSON.stringify(report.diagnostics)}`);
      }
      assert.ok(codes.includes("stale-pin"), `${folder}: no stale-pin among ${codes.join(", ")}`);
    });
  }
});
