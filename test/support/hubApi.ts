/**
 * A loopback stand-in for Docker Hub's web API (hub.docker.com). It serves Docker Hub's own
 * recorded answers from ../shared/hub-recordings/hub (hubRecordings.ts: tag objects, repository
 * records, search pages, the 404 body, the X-RateLimit-* headers, the 429), and for repositories
 * with no recording the fixtures in test/fixtures/hub/ (library/* tags with real digests from
 * realdata, in the recorded shape; see the README there):
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
import { hubRecording, hubRoutes, recordedHeaders } from "./hubRecordings";
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

/**
 * The repositories Docker Hub's recorded answers cover (hub/routes.json): their recorded
 * repository record (when one was recorded) and tag objects, exactly as recorded.
 */
export function recordedHubRepositories(): HubRepositoryFixture[] {
  const routes = hubRoutes();
  return Object.entries(routes.repositories).map(([path, entry]) => {
    const [namespace = "", name = ""] = path.split("/");
    const tags = Object.values(entry.tags).map((ref): HubTag => {
      if (typeof ref === "string") return hubRecording<HubTag>(ref);
      const page = hubRecording<{ results: HubTag[] }>(ref.fromPage);
      const tag = page.results[ref.index];
      if (!tag) throw new Error(`hub-recordings: ${ref.fromPage} has no result ${ref.index}`);
      return tag;
    });
    return {
      namespace,
      name,
      repository: entry.repository ? hubRecording<Record<string, unknown>>(entry.repository) : {},
      ...(entry.repository ? {} : { _noRepositoryRecord: true }),
      tags,
    };
  });
}

/**
 * The default repositories: the fixtures, with the recorded answers taking precedence (a
 * recorded tag replaces the fixture's tag of that name; a recorded repository record replaces
 * the fixture's).
 */
export function defaultHubRepositories(dir?: string): HubRepositoryFixture[] {
  const byName = new Map(loadHubFixtures(dir).map((f) => [`${f.namespace}/${f.name}`, f]));
  for (const recorded of recordedHubRepositories()) {
    const key = `${recorded.namespace}/${recorded.name}`;
    const fixture = byName.get(key);
    if (!fixture) {
      byName.set(key, recorded);
      continue;
    }
    const names = new Set(recorded.tags.map((t) => t.name));
    byName.set(key, {
      ...fixture,
      ...(recorded._noRepositoryRecord ? {} : { repository: recorded.repository }),
      tags: [...fixture.tags.filter((t) => !names.has(t.name)), ...recorded.tags],
    });
  }
  return [...byName.values()];
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
 * The Hub web API's 429 from hub/routes.json (`rateLimited429`: Retry-After, X-RateLimit-*, body
 * `{"detail": "Rate limit exceeded", "error": false}` — the documented example of latest.yaml,
 * not a recording), with Retry-After and the reset set to `retryAfterSeconds` from now.
 */
export function hubRateLimitFault(retryAfterSeconds = 60): Fault {
  const recorded = hubRoutes().rateLimited429;
  const reset = String(Math.floor(Date.now() / 1000) + retryAfterSeconds);
  const headers = recordedHeaders(recorded.headers, { RESET: reset });
  for (const name of Object.keys(headers))
    if (name.toLowerCase() === "retry-after") headers[name] = String(retryAfterSeconds);
  return { kind: "status", status: recorded.status, headers, body: recorded.body };
}

/**
 * The search result Docker Hub recorded for exactly `repository` ("airbyte/source-gmail"), from
 * any recorded search page, or undefined when no recording lists it.
 */
export function recordedSearchEntry(repository: string): Record<string, unknown> | undefined {
  for (const route of hubRoutes().search) {
    const page = hubRecording<{ results: Record<string, unknown>[] }>(route.file);
    const hit = page.results.find((r) => r.id === repository || r.name === repository);
    if (hit) return hit;
  }
  return undefined;
}

/** The recorded search page answering `query`, if a recording covers it (hub/routes.json `search`). */
function recordedSearch(query: string): { total: number; results: Record<string, unknown>[] } | undefined {
  const route = hubRoutes().search.find((r) => query.includes(r.match.toLowerCase()));
  return route ? hubRecording<{ total: number; results: Record<string, unknown>[] }>(route.file) : undefined;
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;
/**
 * Search v4's page size when `size` is not sent. Not documented (HUB-API.md: unverified); 10 as
 * the Hub's list endpoints and searxng's Docker Hub engine use. The recorded pages hold 30.
 */
const DEFAULT_SEARCH_SIZE = 10;

export async function startHubApi(opts: HubApiOptions = {}): Promise<HubApiServer> {
  const repos = new Map<string, HubRepositoryFixture>();
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  const addRepository = (fixture: HubRepositoryFixture): void => {
    repos.set(key(fixture.namespace, fixture.name), fixture);
  };
  for (const fixture of opts.repositories ?? defaultHubRepositories(opts.fixturesDir)) addRepository(fixture);
  const routes = hubRoutes();

  let baseUrl = "";

  // The recorded X-RateLimit-* headers on every answer, reset rewritten to a minute from now.
  const headers = (): Record<string, string> => {
    const reset = opts.rateLimit?.resetEpochSeconds ?? Math.floor(Date.now() / 1000) + 60;
    const recorded = recordedHeaders(routes.headers, { RESET: String(reset) });
    delete recorded["Content-Type"];
    if (!opts.rateLimit) return recorded;
    return {
      "x-ratelimit-limit": String(opts.rateLimit.limit),
      "x-ratelimit-remaining": String(opts.rateLimit.remaining),
      "x-ratelimit-reset": String(reset),
    };
  };
  const ok = (body: unknown): HttpAnswer => jsonAnswer(200, stripFixtureKeys(body), headers());
  // Repository / page 404s: the recorded tag 404's shape (no recording of these exact ones).
  const notFound = (message: string, errinfo: Record<string, string> = {}): HttpAnswer =>
    jsonAnswer(404, { message, errinfo }, headers());
  // The recorded tag 404 (rust-tag-404.json), names substituted per request.
  const tagNotFound = (ns: string, name: string, tag: string): HttpAnswer => {
    const recorded = hubRecording<{ message: string; errinfo: Record<string, string> }>(routes.notFoundTag);
    const was = recorded.errinfo.tag ?? "";
    return jsonAnswer(
      404,
      {
        message: recorded.message.replace(`'${was}'`, `'${tag}'`),
        errinfo: { ...recorded.errinfo, namespace: ns, repository: name, tag },
      },
      headers(),
    );
  };

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
      const from = Number(url.searchParams.get("from") ?? 0);
      const size = Number(url.searchParams.get("size") ?? DEFAULT_SEARCH_SIZE);
      if (!Number.isInteger(from) || from < 0 || !Number.isInteger(size) || size < 1)
        return jsonAnswer(400, { detail: "invalid from or size" }, headers());
      // A recorded page where one covers the query (its results in Hub's own ranking, the exact
      // name not necessarily first); otherwise the fixtures' entries whose name contains it.
      const found = recordedSearch(query) ?? {
        results: [...repos.values()]
          .filter((r) => r.search && `${r.namespace}/${r.name}`.toLowerCase().includes(query))
          .map((r) => r.search as Record<string, unknown>),
      };
      const results = found.results.slice(from, from + Math.min(size, MAX_PAGE_SIZE));
      return ok({ total: "total" in found ? found.total : found.results.length, results });
    }
    const m =
      /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)(?:\/(tags)(?:\/([^/]+))?)?\/?$/.exec(path) ??
      /^\/v2\/repositories\/([^/]+)\/([^/]+)(?:\/(tags)(?:\/([^/]+))?)?\/?$/.exec(path);
    if (!m?.[1] || !m[2]) return notFound("httperror 404: object not found");
    const [, ns, name, tagsPart, tagName] = m;
    const repo = repos.get(key(ns, name));
    if (!repo) return notFound("httperror 404: object not found", { namespace: ns, repository: name });
    if (tagsPart === undefined)
      return repo._noRepositoryRecord === true
        ? notFound("httperror 404: object not found", { namespace: ns, repository: name })
        : ok(repo.repository);
    if (tagName === undefined) return tagPage(url, path, repo);
    const tag = repo.tags.find((t) => t.name === decodeURIComponent(tagName));
    if (!tag) return tagNotFound(ns, name, decodeURIComponent(tagName));
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
