// Bundles the client, the server, the CLI and the in-VS-Code test suite with esbuild into dist/,
// one file each. `--production` minifies and drops source maps (what `npm run package` ships);
// `--watch` rebuilds the client, server and CLI on every change (the launch config's pre-launch task).
import * as esbuild from "esbuild";
import { existsSync } from "node:fs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  external: ["vscode"],
  // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow; its ES
  // module build bundles cleanly.
  alias: { "jsonc-parser": "./node_modules/jsonc-parser/lib/esm/main.js" },
};
const entries = [
  { in: "client/src/extension.ts", out: "client" },
  // dist/server.js is the entry (boot.ts): it runs dist/serverMain.js through a V8 code cache.
  { in: "server/src/boot.ts", out: "server" },
  { in: "server/src/server.ts", out: "serverMain" },
  { in: "server/src/refWorker.ts", out: "refWorker" },
  { in: "cli/src/main.ts", out: "cli" },
];
const testEntries = [
  { in: "test/vscode/suite/index.ts", out: "test/suite/index" },
  { in: "test/vscode/electron.ts", out: "test/electron" },
].filter((e) => existsSync(e.in));

// Two packages the server needs only later are bundled into files of their own, so that starting
// the server does not even parse them: undici, loaded on the first registry request
// (registry/http/dispatcher.ts), and yaml, loaded on the first YAML document (sources/yaml.ts; a
// Dockerfile-only user never loads it). Together they were a third of the server's bundle.
const APART = { undici: "node_modules/undici/index.js", yaml: "node_modules/yaml/dist/index.js" };
const packagesApart = {
  name: "packages-apart",
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${Object.keys(APART).join("|")})$`) }, (args) =>
      args.importer.includes("node_modules") ? undefined : { path: `./${args.path}.js`, external: true },
    );
  },
};
const main = {
  ...common,
  entryPoints: [
    ...entries.filter((e) => existsSync(e.in)),
    ...Object.entries(APART).map(([out, entry]) => ({ in: entry, out })),
  ],
  outdir: "dist",
  plugins: [packagesApart],
};
if (watch) {
  // esbuild's problem matcher in VS Code ($esbuild-watch) reads these two lines.
  const context = await esbuild.context({
    ...main,
    plugins: [
      packagesApart,
      {
        name: "watch-log",
        setup(build) {
          build.onStart(() => console.log("[watch] build started"));
          build.onEnd((result) => {
            for (const e of result.errors) console.error(`✘ [ERROR] ${e.text}`);
            console.log("[watch] build finished");
          });
        },
      },
    ],
  });
  await context.watch();
  await new Promise(() => {}); // until the task is stopped
}
await esbuild.build(main);
// Test bundles are built in --production too (`npm test` runs only `npm run package`);
// .vscodeignore keeps them out of the .vsix.
if (testEntries.length > 0) {
  await esbuild.build({
    ...common,
    minify: false,
    sourcemap: "linked",
    entryPoints: testEntries,
    outdir: "dist",
    external: ["vscode", "@vscode/test-electron"],
  });
}
