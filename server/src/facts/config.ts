/** Small readers over an image config, and the quoting evidence strings use. */
import type { ImageConfig } from "../oci/types";

/** The config's history `created_by` lines, bottom layer first (empty entries dropped). */
export function historyLines(config: ImageConfig | undefined): string[] {
  return (config?.history ?? []).map((h) => (h.created_by ?? "").trim()).filter((line) => line !== "");
}

/** Config `Env` as a map ("K=V" split at the first "="; later entries win, as in Docker). */
export function envMap(config: ImageConfig | undefined): ReadonlyMap<string, string> {
  const env = new Map<string, string>();
  for (const entry of config?.config?.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

export function labelsOf(config: ImageConfig | undefined): Readonly<Record<string, string>> {
  return config?.config?.Labels ?? {};
}

const MAX_QUOTE = 100;

/**
 * A history line as evidence: the classic builder's "/bin/sh -c #(nop) " prefix dropped, and a
 * long line cut to a window around `focus` (the part that matters) with "…" marking the cuts.
 */
export function quoteLine(line: string, focus?: string): string {
  const clean = line
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (clean.length <= MAX_QUOTE) return `"${clean}"`;
  const at = focus === undefined ? -1 : clean.indexOf(focus);
  if (at < 0) return `"${clean.slice(0, MAX_QUOTE - 1)}…"`;
  const start = Math.max(0, Math.min(at - 20, clean.length - MAX_QUOTE));
  const end = Math.min(clean.length, start + MAX_QUOTE);
  return `"${start > 0 ? "…" : ""}${clean.slice(start, end)}${end < clean.length ? "…" : ""}"`;
}
