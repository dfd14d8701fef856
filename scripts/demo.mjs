// `npm run demo`: FROM Lens in real VS Code (code-server) in your browser, on sample Dockerfiles.
// (`predemo` runs scripts/setup.sh first: Debian packages, npm ci, code-server.)
//
// Steps, one function each:
//   obtainExtension()   build and package the extension (`npm run package`) → dist/from-lens.vsix
//   copyWorkspace()     demo/workspace/ → a fresh temp dir (edit freely; removed on exit)
//   editorSettings()    the user settings the editor starts with
//   startSampleRegistry()  a loopback registry filled with sample official images (built from the
//                       real records in ../shared/realdata, each also with an older build that
//                       the workspace's pins point at, so "Update pin" has a moved tag) standing in for docker.io
//                       (FROM_LENS_DOCKER_HUB_URL, so nothing tries the unreachable Hub), and a
//                       loopback Docker Hub web API answering for them (fromLens.hubApiUrl)
//   startEditor()       a fresh code-server profile under ~/.cache/from-lens-demo, the .vsix
//                       installed into it, code-server on 127.0.0.1 (PORT, or a free port)
//   verify()            (DEMO_NO_WAIT=1) /healthz, the printed URL, the installed extension
// Every service started registers its stop() in `running`; Ctrl+C stops them in reverse order.
//
// Environment:
//   PORT=8080            bind code-server to this port (default: a free one)
//   DEMO_NO_WAIT=1       start, print the URL, verify it, stop, exit (for tests and CI)
//   DEMO_VSIX=<file>     install this .vsix instead of building and packaging
//   DEMO_FROM_SOURCE=1   don't build or package: load dist/ (from `npm run build`) as a
//                        development extension
//   FROM_LENS_DEMO_HOME  where the code-server profile goes (default ~/.cache/from-lens-demo)
//   DEMO_REGISTRY=always|auto|never  always (default): the sample registry, which holds every image
//                        the workspace names; auto: Docker Hub when it answers, else the samples;
//                        never: Docker Hub (the workspace's pins are to sample builds, so Docker Hub
//                        reports them as unknown digests)
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DEMO_HOME = process.env.FROM_LENS_DEMO_HOME || join(homedir(), ".cache", "from-lens-demo");
const NO_WAIT = process.env.DEMO_NO_WAIT === "1";
const MANIFEST = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
const EXTENSION_ID = `${MANIFEST.publisher}.${MANIFEST.name}`;

// One code-server launcher for the tests and the demo (TypeScript, loaded through tsx).
const { startCodeServer, CODE_SERVER_VERSION } = await tsImport(
  "../test/support/codeServer.ts",
  import.meta.url,
);
const { makeTempDir, removeTempDir } = await tsImport("../test/support/tmp.ts", import.meta.url);
const { startRegistry } = await tsImport("../test/support/registry.ts", import.meta.url);
const { startHubApi } = await tsImport("../test/support/hubApi.ts", import.meta.url);
const { pushSampleImages, hubRepositories } = await tsImport(
  "../test/support/sampleImages.ts",
  import.meta.url,
);

/** @type {{ name: string, stop: () => Promise<void> }[]} what to stop on exit, in start order */
const running = [];

function say(message) {
  console.log(`demo: ${message}`);
}

function npmRun(script) {
  const result = spawnSync("npm", ["run", "--silent", script], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.signal) throw new Error(`npm run ${script} was interrupted (${result.signal})`);
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

/**
 * The extension to put into the editor: `{ vsix }` (what users install) or, when packaging is not
 * possible, `{ developmentPath }` (the dev build in dist/, loaded like F5 debugging does).
 */
function obtainExtension() {
  if (process.env.DEMO_VSIX) {
    const vsix = resolve(process.env.DEMO_VSIX);
    if (!existsSync(vsix)) throw new Error(`DEMO_VSIX: no such file: ${vsix}`);
    say(`using ${vsix} (DEMO_VSIX)`);
    return { vsix };
  }
  if (process.env.DEMO_FROM_SOURCE === "1") {
    if (!existsSync(join(REPO, "dist", "client.js")))
      throw new Error("DEMO_FROM_SOURCE=1 needs dist/client.js: run `npm run build`");
    say("using dist/ as a development extension (DEMO_FROM_SOURCE=1)");
    return { developmentPath: REPO };
  }
  say("building and packaging the extension (npm run package)…");
  const packaged = npmRun("package");
  const vsix = join(REPO, "dist", "from-lens.vsix");
  if (packaged.ok && existsSync(vsix)) return { vsix };
  console.warn(
    `demo: WARNING: packaging failed, so the demo runs the extension from source instead:\n` +
      packaged.output
        .split("\n")
        .slice(-12)
        .map((line) => `  | ${line}`)
        .join("\n"),
  );
  const built = npmRun("build");
  if (!built.ok) throw new Error(`npm run build failed too:\n${built.output}`);
  return { developmentPath: REPO };
}

/** A private copy of demo/workspace/, so the demo's edits never touch the repository. */
async function copyWorkspace() {
  const workspace = await makeTempDir("from-lens-demo-workspace");
  await cp(join(REPO, "demo", "workspace"), workspace, { recursive: true });
  running.push({ name: "demo workspace copy", stop: () => removeTempDir(workspace) });
  return workspace;
}

/** The user settings the demo's editor starts with (over the launcher's: no trust prompt, no welcome page, no telemetry). */
function editorSettings() {
  return {
    "workbench.colorTheme": "Default Dark Modern",
    "editor.hover.delay": 300,
    "fromLens.logLevel": "info",
  };
}

/** True when Docker Hub's registry answers at all (any HTTP status: 401 is the normal answer). */
async function dockerHubReachable() {
  try {
    await fetch("https://registry-1.docker.io/v2/", { method: "HEAD", signal: AbortSignal.timeout(4000) });
    return true;
  } catch {
    return false;
  }
}

/** The offline stand-in for Docker Hub: the settings and environment that point FROM Lens at it. */
async function startSampleRegistry() {
  const mode = process.env.DEMO_REGISTRY ?? "always";
  if (!["always", "auto", "never"].includes(mode))
    throw new Error(`DEMO_REGISTRY takes always, auto or never, not ${JSON.stringify(mode)}`);
  if (mode === "never") return { settings: {}, env: {} };
  if (mode !== "always" && (await dockerHubReachable())) {
    say("Docker Hub answers: FROM Lens will use it");
    return { settings: {}, env: {} };
  }
  say(
    mode === "always"
      ? "starting a loopback registry with sample official images, standing in for Docker Hub…"
      : "Docker Hub cannot be reached from here: starting a loopback registry with sample official images…",
  );
  const registry = await startRegistry({ auth: "none" });
  running.push({ name: `sample registry ${registry.url}`, stop: () => registry.stop() });
  const pushed = await pushSampleImages(registry);
  const hub = await startHubApi({ repositories: hubRepositories(pushed) });
  running.push({ name: `sample Docker Hub API ${hub.url}`, stop: () => hub.stop() });
  const tags = pushed.reduce((n, p) => n + p.sample.tags.length, 0);
  say(
    `sample registry ${registry.url}: ${pushed.length} images under ${tags} tags, standing in for docker.io`,
  );
  return {
    settings: { "fromLens.hubApiUrl": hub.url },
    env: { FROM_LENS_DOCKER_HUB_URL: registry.url },
  };
}

async function startEditor({ extension, workspace, settings, env }) {
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new Error(`PORT is not a port number: ${process.env.PORT}`);
  if ("vsix" in extension) say(`installing the extension into a fresh profile at ${DEMO_HOME}…`);
  const server = await startCodeServer({
    folder: workspace,
    extension,
    settings,
    profileDir: DEMO_HOME,
    port,
    env,
  });
  running.push({ name: `code-server (process group ${server.pid})`, stop: () => server.stop() });
  return server;
}

/** DEMO_NO_WAIT: proves the printed URL works and the extension is there, then returns. */
async function verify(server, extension) {
  const health = await fetch(new URL("/healthz", server.origin), { signal: AbortSignal.timeout(5000) });
  if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
  say(
    `verified: ${new URL("/healthz", server.origin).href} answered ${health.status} ${JSON.stringify(await health.json())}`,
  );
  const page = await fetch(server.url, { signal: AbortSignal.timeout(5000) });
  const html = await page.text();
  if (!page.ok || !html.includes("<html"))
    throw new Error(`${server.url} answered ${page.status} without the workbench page`);
  say(`verified: the URL answered ${page.status} with the VS Code workbench page`);
  if ("vsix" in extension) {
    const installed = await server.listExtensions();
    const ours = installed.find((entry) => entry.startsWith(`${EXTENSION_ID}@`));
    if (!ours)
      throw new Error(
        `${EXTENSION_ID} is not installed; code-server lists: ${installed.join(", ") || "nothing"}`,
      );
    say(`verified: ${ours} is installed in ${server.extensionsDir}`);
  } else {
    say(`verified: the extension runs from ${REPO} (development mode)`);
  }
}

async function stopAll() {
  for (const service of running.splice(0).reverse()) {
    try {
      await service.stop();
    } catch (error) {
      console.error(
        `demo: stopping ${service.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function printBanner(server, extension, workspace) {
  const how =
    "vsix" in extension
      ? `${EXTENSION_ID} ${MANIFEST.version} installed from ${extension.vsix}`
      : "the extension loaded from source (development mode)";
  console.log(
    [
      "",
      `  FROM Lens demo: VS Code in the browser (code-server ${CODE_SERVER_VERSION}) with ${how}`,
      "",
      "  Open this URL in your browser:",
      "",
      `      ${server.url}`,
      "",
      `  Workspace (a temp copy of demo/workspace): ${workspace}`,
      "  Sample Dockerfiles: python/ go/ nginx/ args/ mistakes/ (see README.md there)",
      "  It listens on 127.0.0.1 only; from another machine, forward the port (ssh -L).",
      NO_WAIT ? "" : "  Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
}

/** Ctrl+C / SIGTERM: stop every service gracefully; a second Ctrl+C exits at once. */
function stopOnSignal() {
  return new Promise((resolvePromise) => {
    for (const signal of ["SIGINT", "SIGTERM"]) {
      // test/support/processes.ts kills children with SIGKILL and exits at once on a signal (right
      // for tests); the demo stops them gracefully instead. Its exit hook still runs at exit, as
      // the safety net for anything left.
      for (const listener of process.listeners(signal)) process.off(signal, listener);
      process.on(signal, () => {
        if (running.length === 0) process.exit(130);
        console.log(`\ndemo: ${signal}: stopping…`);
        resolvePromise();
      });
    }
  });
}

async function main() {
  const stopped = stopOnSignal();
  const extension = obtainExtension();
  const workspace = await copyWorkspace();
  const registry = await startSampleRegistry();
  const server = await startEditor({
    extension,
    workspace,
    settings: { ...editorSettings(), ...registry.settings },
    env: registry.env,
  });
  printBanner(server, extension, workspace);
  if (NO_WAIT) await verify(server, extension);
  else await stopped;
  await stopAll();
  say("stopped");
}

main().then(
  () => process.exit(0),
  async (error) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  },
);
