/**
 * The settings the CLI runs with: the defaults, then a settings file — `--settings FILE`, else the
 * nearest `.from-lens.json` from the current directory up to the repository root — then the
 * flags. A file takes the keys of the VS Code settings, nested (`{"rules": {"latest-tag": "off"}}`)
 * or dotted as in settings.json (`"fromLens.rules.latest-tag": "off"`, with or without the prefix).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { normalizeSettings, type FromLensSettings } from "../../server/src/settings";
import type { CommonOptions } from "./args";

export const CONFIG_FILE = ".from-lens.json";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{"fromLens.rules.latest-tag": "off", "offline": true}` → `{rules: {"latest-tag": "off"}, offline: true}`. */
export function expandDottedKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    const path = key.replace(/^fromLens\./, "").split(".");
    let target = out;
    for (const segment of path.slice(0, -1)) {
      const next = target[segment];
      if (!isRecord(next)) target[segment] = Object.create(null) as Record<string, unknown>;
      target = target[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1] ?? key;
    const existing = target[last];
    target[last] =
      isRecord(existing) && isRecord(value) ? { ...existing, ...expandDottedKeys(value) } : value;
  }
  return out;
}

/** The nearest `.from-lens.json` from `cwd` upwards, stopping at the repository root (a `.git`). */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, ".git"))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export type LoadedSettings =
  { ok: true; settings: FromLensSettings; file?: string } | { ok: false; message: string };

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? merge(b, v) : v;
  }
  return out;
}

export function loadSettings(options: CommonOptions): LoadedSettings {
  const file = options.settingsFile ?? (options.noConfig ? undefined : findConfigFile(options.cwd));
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    const path = resolve(options.cwd, file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      return { ok: false, message: `cannot read settings from ${file}: ${describe(error)}` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, message: `${file} is not valid JSON: ${describe(error)}` };
    }
    if (!isRecord(parsed)) return { ok: false, message: `${file} must hold a JSON object of settings` };
    fromFile = expandDottedKeys(parsed);
  }
  const raw = merge(fromFile, {
    ...options.flagSettings,
    logLevel: options.verbose ? "debug" : "warn",
  });
  return { ok: true, settings: normalizeSettings(raw), ...(file !== undefined ? { file } : {}) };
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file";
    if (code === "EACCES") return "permission denied";
    if (code === "EISDIR") return "is a folder";
    return error.message;
  }
  return String(error);
}
