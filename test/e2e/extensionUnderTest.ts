/**
 * Which build of the extension the UI tests put into code-server: the packaged .vsix (what users
 * install) when there is one at least as new as the sources, else the dev build in dist/ loaded
 * through extensionDevelopmentPath — and a note saying which and why, for the test log.
 * FROM_LENS_VSIX names a .vsix to install as it is.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ExtensionSource } from "../support/codeServer";
import { REPO_ROOT } from "../support/paths";

export const VSIX_PATH = join(REPO_ROOT, "dist", "from-lens.vsix");

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

export interface ChosenExtension {
  source: ExtensionSource;
  kind: "vsix" | "development";
  note: string;
}

/** $FROM_LENS_VSIX if set (used as given); else dist/from-lens.vsix if fresh; else dist/ from source. */
export function extensionUnderTest(): ChosenExtension {
  const explicit = process.env.FROM_LENS_VSIX;
  if (explicit !== undefined && explicit !== "") {
    return { source: { vsix: explicit }, kind: "vsix", note: `installing ${explicit} (FROM_LENS_VSIX)` };
  }
  const required = ["dist/client.js", "dist/server.js"].filter((file) => !existsSync(join(REPO_ROOT, file)));
  if (existsSync(VSIX_PATH)) {
    const sources = Math.max(
      ...["package.json", "client/src", "server/src", "syntaxes"].map((p) => newestMtime(join(REPO_ROOT, p))),
    );
    if (statSync(VSIX_PATH).mtimeMs >= sources) {
      return { source: { vsix: VSIX_PATH }, kind: "vsix", note: `installing ${VSIX_PATH}` };
    }
    if (required.length === 0) {
      return {
        source: { developmentPath: REPO_ROOT },
        kind: "development",
        note: `${VSIX_PATH} is older than the sources (run \`npm run package\`): using dist/ via extensionDevelopmentPath`,
      };
    }
  }
  if (required.length > 0) {
    throw new Error(
      `no extension to test: no ${VSIX_PATH} and no ${required.join(", ")}; run \`npm run package\` or \`npm run build\``,
    );
  }
  return {
    source: { developmentPath: REPO_ROOT },
    kind: "development",
    note: `no ${VSIX_PATH} (run \`npm run package\`): using dist/ via extensionDevelopmentPath`,
  };
}
