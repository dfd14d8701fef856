/**
 * Docker Hub's web API (hub.docker.com, base URL configurable so tests use a loopback server with
 * recorded answers). It does not count against the pull limit and knows what the registry does
 * not: when a tag was pushed, per-platform sizes, repository descriptions, trust badges, and
 * searchable, ordered tag lists. Endpoints (docs content/reference/api/hub/latest.yaml):
 * `GET /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}`, `…/tags?page&page_size≤100`,
 * `GET /v2/namespaces/{ns}/repositories/{repo}`; badges from search
 * `GET /api/search/v4?query=` (docker/hub-mcp). Answers are parsed defensively (renovate's
 * schema.ts: nullable fields, `images` sometimes missing); `next` links must stay on the base
 * origin. Hub's own rate limit (`X-RateLimit-*`, `Retry-After`) blocks its host like a registry's.
 */
import {
  badResponse,
  cancelledError,
  err,
  notFoundError,
  ok,
  rateLimitedError,
  RegistryError,
  toResolveError,
} from "./errors";
import type { Result } from "./errors";
import { sleep } from "./http/concurrency";
import type { HttpResponse } from "./http/types";
import type { HttpTransport } from "./http/transport";
import { isRecord } from "../json";

export interface HubImage {
  os?: string;
  architecture?: string;
  variant?: string;
  /** The platform manifest's digest. */
  digest?: string;
  /** Compressed size in bytes. */
  size?: number;
  lastPushed?: string;
  status?: string;
}

export interface HubTag {
  name: string;
  /** The tag's digest (the index digest for multi-platform tags). */
  digest?: string;
  mediaType?: string;
  lastPushed?: string;
  lastUpdated?: string;
  status?: string;
  fullSize?: number;
  images: HubImage[];
}

export interface HubRepository {
  namespace: string;
  name: string;
  description?: string;
  starCount?: number;
  pullCount?: number;
  lastUpdated?: string;
  isPrivate?: boolean;
  categories: string[];
  /**
   * Hub search's `badge` for the repository, as Hub spells it ("verified_publisher",
   * "open_source", "none", …); undefined when not looked up (`library/` repositories, or
   * `badge: false`) or when search does not list the repository. facts/trust.ts says what it means.
   */
  badge?: string;
}

export interface HubTagPage {
  tags: HubTag[];
  /** The count Hub reports for the whole list (all pages). */
  count?: number;
  complete: boolean;
  pages: number;
}

export interface HubListOptions {
  signal?: AbortSignal;
  /** 1…100 (Hub's maximum). Default 100. */
  pageSize?: number;
  maxPages?: number;
  /** `last_updated` (newest first) or `name`. */
  ordering?: "last_updated" | "-last_updated" | "name" | "-name";
  /** Hub's `name` filter (tags containing the text). */
  name?: string;
}

export const DEFAULT_HUB_API_URL = "https://hub.docker.com";

/** Search results per page asked for (the most Hub's list endpoints give). */
const SEARCH_PAGE_SIZE = 100;
/** Search pages read at most when looking for one repository's badge. */
const SEARCH_PAGES = 3;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined; // 400 digits read as Infinity
  }
  return undefined;
}
function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): T {
  for (const [k, v] of Object.entries(values))
    if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

export function parseHubTag(v: unknown): HubTag | undefined {
  if (!isRecord(v)) return undefined;
  const name = str(v.name);
  if (!name) return undefined;
  const images: HubImage[] = [];
  // The OpenAPI types `images` as one object; real answers use an array (docker/docs#20553).
  const rawImages = Array.isArray(v.images) ? v.images : isRecord(v.images) ? [v.images] : [];
  for (const i of rawImages) {
    if (!isRecord(i)) continue;
    images.push(
      assignDefined<HubImage>(
        {},
        {
          os: str(i.os),
          architecture: str(i.architecture),
          variant: str(i.variant),
          digest: str(i.digest),
          size: num(i.size),
          lastPushed: str(i.last_pushed),
          status: str(i.status),
        },
      ),
    );
  }
  return assignDefined<HubTag>(
    { name, images },
    {
      digest: str(v.digest),
      mediaType: str(v.media_type),
      lastPushed: str(v.tag_last_pushed),
      lastUpdated: str(v.last_updated),
      status: str(v.tag_status) ?? str(v.status),
      fullSize: num(v.full_size),
    },
  );
}

/** Client for the Hub web API; one per RegistryClient. */
export class HubApi {
  readonly baseUrl: URL;

  constructor(
    private readonly http: HttpTransport,
    baseUrl: string,
  ) {
    let url: URL;
    try {
      url = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    } catch {
      http.log("warn", `hubApiUrl "${baseUrl}" is not a URL; using ${DEFAULT_HUB_API_URL}`);
      url = new URL(`${DEFAULT_HUB_API_URL}/`);
    }
    this.baseUrl = url;
  }

  private split(repository: string): { ns: string; repo: string } | undefined {
    const parts = repository.split("/");
    if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
    return { ns: parts[0], repo: parts[1] };
  }

  private url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const u = new URL(path.replace(/^\//, ""), this.baseUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  private async getJson(
    url: URL,
    subject: string,
    what: "tag" | "repository",
    signal?: AbortSignal,
  ): Promise<Result<{ data: unknown; res: HttpResponse }>> {
    const host = url.host;
    const send = (): Promise<Result<HttpResponse>> =>
      this.http.send({
        url,
        method: "GET",
        headers: { accept: "application/json" },
        kind: "hub-api",
        maxBytes: this.http.options.limits.maxHubBytes,
        ...(signal ? { signal } : {}),
      });
    let res = await send();
    // One retry after a short jittered delay for a 5xx (Hub's list endpoints have returned 500s,
    // docker/hub-feedback#2190), never more.
    if (res.ok && res.value.status >= 500) {
      const delay = Math.round(
        this.http.options.limits.retryBaseDelayMs * (0.5 + this.http.options.random()),
      );
      if (!(await sleep(delay, signal))) return err(cancelledError(host));
      res = await send();
    }
    if (!res.ok) return res;
    const r = res.value;
    if (r.status === 429) {
      const { resetAt, estimate } = this.http.rateLimits.block(host, r.headers);
      return err(
        rateLimitedError(
          host,
          new Date(resetAt),
          estimate,
          new RegistryError({ status: 429, method: "GET", url: url.href, body: r.body }).toInfo(),
        ),
      );
    }
    if (r.status === 404) {
      return err(
        notFoundError(
          what,
          subject,
          host,
          new RegistryError({ status: 404, method: "GET", url: url.href, body: r.body }).toInfo(),
        ),
      );
    }
    if (r.status < 200 || r.status >= 300) {
      return err(
        toResolveError(new RegistryError({ status: r.status, method: "GET", url: url.href, body: r.body }), {
          subject,
          host,
          target: "hub",
        }),
      );
    }
    try {
      return ok({ data: JSON.parse(Buffer.from(r.body).toString("utf8")) as unknown, res: r });
    } catch {
      return err(
        badResponse("malformed", `${host} (Docker Hub API) sent an answer that is not valid JSON.`, host),
      );
    }
  }

  private notHub(repository: string): Result<never> {
    return err(
      badResponse(
        "not-docker-hub",
        `${repository} is not a Docker Hub repository path (namespace/name).`,
        this.baseUrl.host,
      ),
    );
  }

  /** One tag: digest, per-platform digests and sizes, last pushed. */
  async tag(repository: string, tag: string, opts: { signal?: AbortSignal } = {}): Promise<Result<HubTag>> {
    const p = this.split(repository);
    if (!p) return this.notHub(repository);
    const url = this.url(`/v2/namespaces/${p.ns}/repositories/${p.repo}/tags/${encodeURIComponent(tag)}`);
    const r = await this.getJson(url, `docker.io/${repository}:${tag}`, "tag", opts.signal);
    if (!r.ok) return r;
    const t = parseHubTag(r.value.data);
    if (!t)
      return err(
        badResponse("malformed", `${url.host} (Docker Hub API) sent a tag without a name.`, url.host),
      );
    return ok(t);
  }

  /**
   * Repository information and its trust level: `library/*` is a Docker Official Image; for the
   * rest the badge comes from Hub search (`badge`), since `repository_info` has no trust field.
   */
  async repository(
    repository: string,
    opts: { signal?: AbortSignal; badge?: boolean } = {},
  ): Promise<Result<HubRepository>> {
    const p = this.split(repository);
    if (!p) return this.notHub(repository);
    const url = this.url(`/v2/namespaces/${p.ns}/repositories/${p.repo}`);
    const r = await this.getJson(url, `docker.io/${repository}`, "repository", opts.signal);
    if (!r.ok) return r;
    const d = isRecord(r.value.data) ? r.value.data : {};
    const categories: string[] = [];
    if (Array.isArray(d.categories))
      for (const c of d.categories) if (isRecord(c) && typeof c.name === "string") categories.push(c.name);
    const info = assignDefined<HubRepository>(
      {
        namespace: str(d.namespace) ?? p.ns,
        name: str(d.name) ?? p.repo,
        categories,
      },
      {
        description: str(d.description),
        starCount: num(d.star_count),
        pullCount: num(d.pull_count),
        lastUpdated: str(d.last_updated),
        isPrivate: typeof d.is_private === "boolean" ? d.is_private : undefined,
      },
    );
    // Official images are known by their namespace: no search needed.
    if (p.ns === "library" || opts.badge === false) return ok(info);
    const badge = await this.badge(repository, opts.signal);
    if (badge.ok && badge.value !== undefined) info.badge = badge.value;
    else if (!badge.ok && badge.error.kind === "cancelled") return badge;
    return ok(info);
  }

  /**
   * The search badge of one repository ("none" when it has none), or undefined when search does
   * not list it. Search ranks by relevance, not by name: the exact `namespace/repo` can be far
   * down (Docker Hub's recorded "gmail" search lists airbyte/source-gmail 22nd), so pages of the
   * largest size are read until it turns up or the results end, at most `SEARCH_PAGES`.
   */
  async badge(repository: string, signal?: AbortSignal): Promise<Result<string | undefined>> {
    for (let page = 0; page < SEARCH_PAGES; page++) {
      const from = page * SEARCH_PAGE_SIZE;
      const url = this.url("/api/search/v4", { query: repository, from, size: SEARCH_PAGE_SIZE });
      const r = await this.getJson(url, `docker.io/${repository}`, "repository", signal);
      if (!r.ok) return r.error.kind === "not-found" ? ok(undefined) : r;
      const data = isRecord(r.value.data) ? r.value.data : {};
      const results = Array.isArray(data.results) ? data.results : [];
      for (const x of results) {
        if (!isRecord(x)) continue;
        // Search v4 names a repository "namespace/repo" in id, name and slug alike.
        const names = [str(x.id), str(x.name), str(x.slug)];
        if (!names.includes(repository)) continue;
        return ok(typeof x.badge === "string" ? x.badge : "none");
      }
      const total = num(data.total);
      if (results.length < SEARCH_PAGE_SIZE || (total !== undefined && from + results.length >= total)) break;
    }
    return ok(undefined);
  }

  /** Tags with details, page by page (bounded), following Hub's `next` on the same origin only. */
  async listTags(repository: string, opts: HubListOptions = {}): Promise<Result<HubTagPage>> {
    const p = this.split(repository);
    if (!p) return this.notHub(repository);
    const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
    const maxPages = Math.max(1, opts.maxPages ?? this.http.options.limits.maxTagPages);
    let url: URL = this.url(`/v2/namespaces/${p.ns}/repositories/${p.repo}/tags`, {
      page: 1,
      page_size: pageSize,
      ordering: opts.ordering,
      name: opts.name,
    });
    const tags: HubTag[] = [];
    let count: number | undefined;
    for (let page = 1; ; page++) {
      const r = await this.getJson(url, `docker.io/${repository}`, "repository", opts.signal);
      if (!r.ok) return r;
      const d = isRecord(r.value.data) ? r.value.data : {};
      count ??= num(d.count);
      if (!Array.isArray(d.results))
        return err(
          badResponse("malformed", `${url.host} (Docker Hub API) sent a tag page without results.`, url.host),
        );
      for (const t of d.results) {
        const parsed = parseHubTag(t);
        if (parsed) tags.push(parsed);
      }
      const next = str(d.next);
      const result = (complete: boolean): Result<HubTagPage> =>
        ok(assignDefined<HubTagPage>({ tags, complete, pages: page }, { count }));
      if (!next) return result(true);
      let nextUrl: URL;
      try {
        nextUrl = new URL(next, url);
      } catch {
        return result(false);
      }
      if (nextUrl.origin !== this.baseUrl.origin) {
        this.http.log("warn", `Docker Hub API pointed the next tag page at ${nextUrl.host}; not followed`);
        return result(false);
      }
      if (page >= maxPages) return result(false);
      url = nextUrl;
    }
  }
}
