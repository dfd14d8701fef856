/**
 * Docker Hub's own recorded answers, read at test time from `../shared/hub-recordings/` (see its
 * SOURCES.md for where each comes from; nothing is copied into the repository). Two parts:
 *
 * - `registry/responses.json`: registry-1.docker.io, auth.docker.io and the CDN, headers in
 *   recorded order and spelling, for library/hello-world (index, amd64 manifest, config, layer,
 *   token), the 401 challenges, a 404 and the 429 `TOOMANYREQUESTS`.
 * - `hub/routes.json`: which recorded Hub web API body answers which request (tag objects,
 *   repository records, search pages, the 404 body, the `X-RateLimit-*` headers and the 429).
 *
 * The only rewrites are the ones SOURCES.md allows: the token realm, the CDN origin and Hub
 * `next` links point at the loopback replay, and `x-ratelimit-reset` is a time in the near future.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths";

/** `<repo>/../shared/hub-recordings` (override with FROM_LENS_HUB_RECORDINGS). */
export function hubRecordingsPath(...segments: string[]): string {
  const base = process.env.FROM_LENS_HUB_RECORDINGS ?? join(REPO_ROOT, "..", "shared", "hub-recordings");
  return join(base, ...segments);
}

function readRecording(...segments: string[]): Buffer {
  const file = hubRecordingsPath(...segments);
  if (!existsSync(file))
    throw new Error(`Docker Hub recording ${file} is missing (see ../shared/hub-recordings/SOURCES.md)`);
  return readFileSync(file);
}

function readJson<T>(...segments: string[]): T {
  return JSON.parse(readRecording(...segments).toString("utf8")) as T;
}

/** Headers as recorded: ordered [name, value] pairs. */
export type RecordedHeaders = [string, string][];

/** One recorded registry answer. */
export interface RecordedAnswer {
  source: string;
  status: number;
  headers: RecordedHeaders;
  body?: string;
  bodyFile?: string;
}

export interface RegistryRecordings {
  ping401: RecordedAnswer;
  manifest401: RecordedAnswer;
  token200: RecordedAnswer;
  indexByTag: RecordedAnswer;
  amd64Manifest: RecordedAnswer;
  blob307: RecordedAnswer & { verify: Record<string, string> };
  cdn200: RecordedAnswer & { etag: Record<string, string>; files: Record<string, string> };
  manifestUnknown404: RecordedAnswer;
  tooManyRequests429: RecordedAnswer;
}

/** The recorded registry answers (registry/responses.json). */
export function registryRecordings(): RegistryRecordings {
  return readJson<RegistryRecordings>("registry", "responses.json");
}

/** A recorded registry file (manifest, config, layer or token body) as bytes. */
export function registryFile(name: string): Buffer {
  return readRecording("registry", name);
}

/** Replaces `{NAME}`-style placeholders in a recorded value. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{([A-Z0-9]+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

/** A recorded answer's body (inline or from its file), placeholders filled. */
export function recordedBody(answer: RecordedAnswer, vars: Record<string, string> = {}): Buffer {
  if (answer.bodyFile !== undefined) return registryFile(answer.bodyFile);
  return Buffer.from(fill(answer.body ?? "", vars));
}

/** A recorded answer's headers as an object for node:http, placeholders filled, order kept. */
export function recordedHeaders(
  headers: RecordedHeaders,
  vars: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = fill(value, vars);
  return out;
}

// ---- Hub web API ------------------------------------------------------------------------------

export interface HubRoutes {
  repositories: Record<
    string,
    {
      repository?: string;
      tagsPage?: string;
      tags: Record<string, string | { fromPage: string; index: number }>;
    }
  >;
  search: { match: string; file: string }[];
  notFoundTag: string;
  headers: RecordedHeaders;
  rateLimited429: { status: number; headers: RecordedHeaders; body: string };
}

/** Which recorded body answers which Hub web API request (hub/routes.json). */
export function hubRoutes(): HubRoutes {
  return readJson<HubRoutes>("hub", "routes.json");
}

/** A recorded Hub web API body, parsed. */
export function hubRecording<T = unknown>(file: string): T {
  return readJson<T>("hub", file);
}
