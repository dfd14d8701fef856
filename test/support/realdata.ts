/**
 * Typed access to the shared reference data (docker-library/repo-info extract,
 * `../shared/realdata/tags.json` and `tags-2.json`), and image-config presets built from it.
 */
import { existsSync, readFileSync } from "node:fs";
import type { HistoryEntry } from "../../server/src/oci/types";
import { realdataPath } from "./paths";

export interface RealdataPlatform {
  os: string;
  architecture: string;
  variant: string | null;
  osVersion?: string;
  isAttestation: boolean;
  digest: string | null;
}

export interface RealdataRecord {
  id: string;
  image: string;
  tag: string;
  indexDigest: string;
  indexMediaType: string;
  platformCount: number;
  platformsComplete: boolean;
  platforms: RealdataPlatform[];
  amd64: { digest: string; entrypoint: string[] | null; cmd: string[] | null; historyExcerpt: string[] };
  env: Record<string, string>;
  labels: Record<string, string>;
  /** `null` (baseOs, version, codename, runtime, runtime.version): the metadata does not establish it. */
  expected: {
    baseOs: { distro: string; version: string | null; codename?: string | null } | null;
    libc: string;
    runtime: { name: string; version: string | null; source: string } | null;
  };
  evidence: string;
  sameIndexDigestAs: string[];
  source: { repo: string; path: string; commit: string };
  notes?: string;
}

/** The record files of ../shared/realdata: the first dev set and the wider second one (see its README). */
export const REALDATA_FILES = ["tags.json", "tags-2.json"] as const;

let records: RealdataRecord[] | undefined;

/** All records of every file in REALDATA_FILES, in file order (read once). */
export function realdataRecords(): RealdataRecord[] {
  records ??= REALDATA_FILES.flatMap((file) => {
    const path = realdataPath(file);
    if (!existsSync(path)) {
      throw new Error(
        `realdata: ${path} is missing. Put the project's shared/ folder beside the repository (shared/realdata), or set FROM_LENS_REALDATA.`,
      );
    }
    return (JSON.parse(readFileSync(path, "utf8")) as { records: RealdataRecord[] }).records;
  });
  return records;
}

/** One record by id, e.g. "python:3.12-slim"; throws when absent. */
export function realdataRecord(id: string): RealdataRecord {
  const record = realdataRecords().find((r) => r.id === id);
  if (!record) throw new Error(`realdata: no record "${id}" in ${REALDATA_FILES.join(" or ")}`);
  return record;
}

/** Dockerfile instructions that never create a layer (BuildKit marks them empty_layer). */
const EMPTY_LAYER_INSTRUCTIONS = new Set([
  "ARG",
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/** Whether a history line (as repo-info renders it) created a layer. */
export function historyLineIsEmptyLayer(line: string): boolean {
  const instruction = /^\s*([A-Z]+)\b/.exec(line)?.[1];
  return instruction !== undefined && EMPTY_LAYER_INSTRUCTIONS.has(instruction);
}

/**
 * History entries from repo-info lines. `created_by` keeps the line exactly as repo-info shows
 * it (e.g. "RUN # debian.sh --arch 'amd64' out/ 'trixie' '@1785715200'", "ENV PYTHON_VERSION=3.12.13");
 * `created` counts up one second per entry from `base`.
 */
export function historyFromLines(lines: string[], base = "2026-07-31T20:37:20Z"): HistoryEntry[] {
  const start = Date.parse(base);
  return lines.map((line, i) => {
    const entry: HistoryEntry = {
      created: new Date(start + i * 1000).toISOString().replace(".000Z", "Z"),
      created_by: line,
      comment: "buildkit.dockerfile.v0",
    };
    if (historyLineIsEmptyLayer(line)) entry.empty_layer = true;
    return entry;
  });
}

/** The parts of a platform spec a preset fills in (spread it into a PlatformSpec). */
export interface RealdataPreset {
  os: string;
  architecture: string;
  osVersion?: string;
  env: string[];
  labels: Record<string, string>;
  history: HistoryEntry[];
  cmd?: string[];
  entrypoint?: string[];
}

const DEFAULT_LINUX_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Config contents of a real tag's amd64 image: Env (the record's ENV lines; a default PATH is
 * prepended on Linux when the record has none, since repo-info omits inherited variables),
 * Labels, history (from the amd64 history excerpt), Cmd/Entrypoint, and os / architecture /
 * os.version of its amd64 platform. Use as `{ ...presetFromRealdata("python:3.12-slim") }`, or
 * override `architecture` / `variant` for the other platforms.
 */
export function presetFromRealdata(id: string): RealdataPreset {
  const record = realdataRecord(id);
  const amd64 =
    record.platforms.find((p) => p.architecture === "amd64" && !p.isAttestation && p.os === "linux") ??
    record.platforms.find((p) => p.architecture === "amd64" && !p.isAttestation);
  const os = amd64?.os ?? "linux";
  const env = Object.entries(record.env).map(([k, v]) => `${k}=${v}`);
  if (os === "linux" && !env.some((e) => e.startsWith("PATH="))) env.unshift(DEFAULT_LINUX_PATH);
  const preset: RealdataPreset = {
    os,
    architecture: "amd64",
    env,
    labels: { ...record.labels },
    history: historyFromLines(record.amd64.historyExcerpt),
  };
  if (amd64?.osVersion !== undefined) preset.osVersion = amd64.osVersion;
  if (record.amd64.cmd) preset.cmd = [...record.amd64.cmd];
  if (record.amd64.entrypoint) preset.entrypoint = [...record.amd64.entrypoint];
  return preset;
}
