/**
 * A loopback stand-in for Docker Hub's web API (hub.docker.com), serving the recorded-shape
 * fixtures in test/fixtures/hub/ (one JSON file per repository; see the README there):
 *
 *   GET|HEAD /v2/namespaces/{ns}/repositories/{repo}/tags[?page&page_size&name&ordering]
 *   GET|HEAD /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}
 *   GET      /v2/namespaces/{ns}/repositories/{repo}
 *   the legacy /v2/repositories/{ns}/{repo}/tags[/{tag}] and /v2/repositories/{ns}/{repo}/
 *   GET      /api/search/v4?query=…  (search with trust badges)
 *
 * Pages follow HUB-API.md §2: {count, next, previous, results}, `next` an absolute URL on this
 * server, page_size default 10, max 100. Keys starting with "_" in fixtures are never served.
 * Built on the fault server's rule table, so tests can script 429 / 500 / delays per path.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { jsonAnswer, startScriptedServer } from "./faultServer";
import type { Fault, FaultRule, HttpAnswer, RecordedRequest, RouteHandle } from "./faultServer";
import { fixturePath } from "./paths";

/** A Hub tag object (HUB-API.md §2). Only the fields tests commonly read are typed. */
export interface HubTag {
  name: string;
  digest: string | null;
  media_type?: string;
  content_type?: string;
  last_updated: string | null;
  tag_last_pushed?: string | null;
  tag_status?: string;
  full_size?: number;
  images: {
    architecture: string | null;
    os: string | null;
    variant: string | null;
    digest: string | null;
    size: number;
    os_version?: string | null;
    [key: string]: unknown;
  }[];
  [key: string]: unknown;
}

/** One fixture file: a repository, its search entry (badge) and its tags. */
export interface HubRepositoryFixture {
  namespace: string;
  name: string;
  /** repository_info (HUB-API.md §3). */
  repository: Record<string, unknown>;
  /** The search v4 result entry (carries `badge`). */
  search?: Record<string, unknown>;
  tags: HubTag[];
  [key: string]: unknown;
}

export interface HubApiOptions {
  /** Fixture directory (default test/fixtures/hub); ignored when `repositories` is given. */
  fixturesDir?: string;
  /** Use these repositories instead of the fixture files. */
  repositories?: HubRepositoryFixture[];
  /** Send X-RateLimit-* headers on every answer (HUB-API.md §2). Default: none. */
  rateLimit?: { limit: number; remaining: number; resetEpochSeconds?: number };
  /** Initial fault rules (see faultServer.ts). */
  rules?: FaultRule[];
}

export interface HubApiServer {
  /** http://127.0.0.1:PORT — what `fromLens.hubApiUrl` should be set to. */
  url: string;
  requests: RecordedRequest[];
  route(rule: FaultRule): RouteHandle;
  clearRoutes(): void;
  count(filter?: { method?: string; path?: string | RegExp }): number;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Adds or replaces a repository. */
  addRepository(fixture: HubRepositoryFixture): void;
  /** The fixture served for ns/repo (e.g. to compare with what a client parsed). */
  repository(namespace: string, name: string): HubRepositoryFixture | undefined;
  stop(): Promise<void>;
}

/** Reads every *.json fixture in a directory. */
export function loadHubFixtures(dir = fixturePath("hub")): HubRepositoryFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as HubRepositoryFixture);
}

/** Removes fixture-only keys (those starting with "_") at every depth. */
export function stripFixtureKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => stripFixtureKeys(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!k.startsWith("_")) out[k] = stripFixtureKeys(v);
    }
    return out as T;
  }
  return value;
}

/**
 * The Hub's 429 (HUB-API.md §2: Retry-After seconds, X-RateLimit-* headers, example body
 * `{"detail": "Rate limit exceeded", "error": false}` from latest.yaml).
 */
export function hubRateLimitFault(retryAfterSeconds = 60): Fault {
  return {
    kind: "status",
    status: 429,
    headers: {
      "retry-after": String(retryAfterSeconds),
      "x-ratelimit-limit": "180",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + retryAfterSeconds),
    },
    body: { detail: "Rate limit exceeded", error: false },
  };
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;

export async function startHubApi(opts: HubApiOptions = {}): Promise<HubApiServer> {
  const repos = new Map<string, HubRepositoryFixture>();
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  const addRepository = (fixture: HubRepositoryFixture): void => {
    repos.set(key(fixture.namespace, fixture.name), fixture);
  };
  for (const fixture of opts.repositories ?? loadHubFixtures(opts.fixturesDir)) addRepository(fixture);

  let baseUrl = "";

  const headers = (): Record<string, string> => {
    if (!opts.rateLimit) return {};
    return {
      "x-ratelimit-limit": String(opts.rateLimit.limit),
      "x-ratelimit-remaining": String(opts.rateLimit.remaining),
      "x-ratelimit-reset": String(opts.rateLimit.resetEpochSeconds ?? Math.floor(Date.now() / 1000) + 60),
    };
  };
  const ok = (body: unknown): HttpAnswer => jsonAnswer(200, stripFixtureKeys(body), headers());
  // 404 bodies: shape observed from the Hub in public reports, not in the OpenAPI (unverified).
  const notFound = (message: string, errinfo: Record<string, string> = {}): HttpAnswer =>
    jsonAnswer(404, { message, errinfo }, headers());

  const tagPage = (url: URL, path: string, repo: HubRepositoryFixture): HttpAnswer => {
    const pageParam = url.searchParams.get("page");
    const sizeParam = url.searchParams.get("page_size");
    const page = pageParam === null ? 1 : Number(pageParam);
    const requestedSize = sizeParam === null ? DEFAULT_PAGE_SIZE : Number(sizeParam);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(requestedSize) || requestedSize < 1) {
      return jsonAnswer(400, { message: "invalid page or page_size", errinfo: {} }, headers());
    }
    const pageSize = Math.min(requestedSize, MAX_PAGE_SIZE);
    let tags = [...repo.tags];
    const nameFilter = url.searchParams.get("name");
    // Semantics of `name` and `ordering` are not documented (HUB-API.md: unverified): substring
    // match; last_updated newest first.
    if (nameFilter) tags = tags.filter((t) => t.name.includes(nameFilter));
    const ordering = url.searchParams.get("ordering");
    if (ordering === "last_updated" || ordering === "-last_updated") {
      tags.sort((a, b) => (b.last_updated ?? "").localeCompare(a.last_updated ?? ""));
    } else if (ordering === "name" || ordering === "-name") {
      tags.sort((a, b) => a.name.localeCompare(b.name) * (ordering === "name" ? 1 : -1));
    }
    const start = (page - 1) * pageSize;
    if (start >= tags.length && page > 1) return notFound("httperror 404: page not found");
    const link = (p: number): string => {
      const next = new URL(path, baseUrl);
      for (const [k, v] of url.searchParams)
        if (k !== "page" && k !== "page_size") next.searchParams.append(k, v);
      next.searchParams.set("page", String(p));
      next.searchParams.set("page_size", String(pageSize));
      return next.toString();
    };
    return ok({
      count: tags.length,
      next: start + pageSize < tags.length ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: tags.slice(start, start + pageSize),
    });
  };

  const respond = (ctx: { method: string; path: string; url: URL }): HttpAnswer => {
    const { path, url } = ctx;
    if (ctx.method !== "GET" && ctx.method !== "HEAD")
      return jsonAnswer(405, { detail: "Method not allowed" }, headers());
    if (path === "/api/search/v4" || path === "/api/search/v4/") {
      const query = (url.searchParams.get("query") ?? "").toLowerCase();
      const results = [...repos.values()]
        .filter((r) => r.search && `${r.namespace}/${r.name}`.toLowerCase().includes(query))
        .map((r) => r.search);
      return ok({ total: results.length, results });
    }
    const m =
      /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)(?:\/(tags)(?:\/([^/]+))?)?\/?$/.exec(path) ??
      /^\/v2\/repositories\/([^/]+)\/([^/]+)(?:\/(tags)(?:\/([^/]+))?)?\/?$/.exec(path);
    if (!m?.[1] || !m[2]) return notFound("httperror 404: object not found");
    const [, ns, name, tagsPart, tagName] = m;
    const repo = repos.get(key(ns, name));
    if (!repo) return notFound("httperror 404: object not found", { namespace: ns, repository: name });
    if (tagsPart === undefined) return ok(repo.repository);
    if (tagName === undefined) return tagPage(url, path, repo);
    const tag = repo.tags.find((t) => t.name === decodeURIComponent(tagName));
    if (!tag)
      return notFound(`httperror 404: tag '${tagName}' not found`, {
        namespace: ns,
        repository: name,
        tag: tagName,
      });
    return ok(tag);
  };

  const server = await startScriptedServer({ respond });
  baseUrl = server.url;
  for (const rule of opts.rules ?? []) server.route(rule);
  return {
    url: server.url,
    requests: server.requests,
    route: (rule) => server.route(rule),
    clearRoutes: () => server.clearRoutes(),
    count: (filter) => server.count(filter),
    resetRequests: () => server.resetRequests(),
    addRepository,
    repository: (ns, name) => repos.get(key(ns, name)),
    stop: () => server.stop(),
  };
}
