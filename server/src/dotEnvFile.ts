/** The `.env` file beside a Compose file on disk (what `docker compose` reads), or nothing. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { parseDotEnv } from "./sources/compose";

export function dotEnvBeside(doc: TextDocument): Record<string, string> {
  if (!doc.uri.startsWith("file:")) return {};
  try {
    return parseDotEnv(readFileSync(join(dirname(fileURLToPath(doc.uri)), ".env"), "utf8"));
  } catch {
    return {};
  }
}
