/**
 * The results file the in-VS-Code suite writes and the hosts (code-server harness, test-electron
 * runner) read. Shared here so both sides agree; no `vscode` import, so the harness can load it.
 *
 * Where it goes: $FROM_LENS_TEST_RESULTS when the extension host has it, else
 * `<first workspace folder>/.test-output/vscode-results.json` (code-server's extension host does
 * not always see the environment of the process that opened the page, but it always has the
 * workspace the page opened).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const RESULTS_ENV = "FROM_LENS_TEST_RESULTS";

export function resultsPathIn(workspaceFolder: string): string {
  return join(workspaceFolder, ".test-output", "vscode-results.json");
}

export interface CaseResult {
  name: string;
  ok: boolean;
  durationMs: number;
  /** The failure's message and stack, when `ok` is false. */
  error?: string;
}

export interface SuiteResults {
  /** "running" while cases are still being run (written after each one), then "done". */
  state: "running" | "done";
  /** `vscode.env.appName` and `vscode.version`, e.g. "code-server 1.99.3". */
  host: string;
  /** The extension's version as VS Code loaded it. */
  extensionVersion: string | undefined;
  startedAt: string;
  finishedAt?: string;
  cases: CaseResult[];
}

function isCase(value: unknown): value is CaseResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === "string" && typeof v.ok === "boolean" && typeof v.durationMs === "number";
}

/** Parses a results file; undefined while it does not exist yet or holds something else. */
export async function readResults(path: string): Promise<SuiteResults | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const v = parsed as Record<string, unknown>;
  if ((v.state !== "running" && v.state !== "done") || !Array.isArray(v.cases) || !v.cases.every(isCase))
    return undefined;
  return parsed as SuiteResults;
}
