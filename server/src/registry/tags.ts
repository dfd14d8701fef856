/**
 * Tag lists from the registry API: `GET /v2/<name>/tags/list?n=<page size>`, following
 * `Link: <…?last=…&n=…>; rel="next"` (distribution docs/spec/api.md "Pagination") for a bounded
 * number of pages, same origin only. The answer says whether the list is complete, so a caller can
 * tell "no more tags" from "stopped reading".
 */
import { badResponse, err, ok } from "./errors";
import type { Result } from "./errors";
import type { ManifestTarget } from "./manifest";
import { headerValues } from "./http/types";
import type { RegistrySession } from "./auth/session";

export interface TagList {
  tags: string[];
  /** False when the page limit stopped the listing before the last page. */
  complete: boolean;
  pages: number;
}

/** The `rel="next"` target of a Link header, resolved against `base`; undefined when none. */
export function parseLinkNext(headers: readonly string[], base: URL): URL | undefined {
  for (const h of headers) {
    for (const link of parseLinks(h)) {
      if (!link.rels.includes("next")) continue;
      try {
        return new URL(link.target, base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The links of one Link header (RFC 8288 §3): `<target>` then `;`-separated parameters, links
 * separated by commas. Commas and semicolons inside `<…>` or a quoted value are data; `rel` is a
 * space-separated list of relation types, compared case-insensitively ("next-archive" is not "next").
 */
function parseLinks(header: string): { target: string; rels: string[] }[] {
  const links: { target: string; rels: string[] }[] = [];
  let i = 0;
  const n = header.length;
  const skipBlanks = (): void => {
    while (i < n && (header[i] === " " || header[i] === "\t")) i++;
  };
  while (i < n) {
    const open = header.indexOf("<", i);
    if (open === -1) break;
    const close = header.indexOf(">", open + 1);
    if (close === -1) break;
    const target = header.slice(open + 1, close);
    i = close + 1;
    let rels: string[] | undefined;
    // Parameters until the comma that ends this link.
    for (;;) {
      skipBlanks();
      if (i >= n || header[i] === ",") {
        i++;
        break;
      }
      if (header[i] !== ";") {
        // Not a parameter: skip to the next link.
        const comma = header.indexOf(",", i);
        i = comma === -1 ? n : comma + 1;
        break;
      }
      i++;
      skipBlanks();
      const nameStart = i;
      while (i < n && !"=;, \t".includes(header[i] ?? "")) i++;
      const name = header.slice(nameStart, i).toLowerCase();
      skipBlanks();
      let value = "";
      if (header[i] === "=") {
        i++;
        skipBlanks();
        if (header[i] === '"') {
          i++;
          while (i < n && header[i] !== '"') {
            if (header[i] === "\\" && i + 1 < n) i++;
            value += header[i];
            i++;
          }
          i++; // the closing quote
        } else {
          const valueStart = i;
          while (i < n && !";, \t".includes(header[i] ?? "")) i++;
          value = header.slice(valueStart, i);
        }
      }
      // RFC 8288 §3.3: only the first rel parameter counts.
      if (name === "rel" && rels === undefined) {
        rels = value
          .toLowerCase()
          .split(/[ \t]+/)
          .filter((r) => r !== "");
      }
    }
    links.push({ target, rels: rels ?? [] });
  }
  return links;
}

export async function listTags(
  session: RegistrySession,
  target: ManifestTarget,
  opts: { pageSize?: number; maxPages?: number; signal?: AbortSignal } = {},
): Promise<Result<TagList>> {
  const host = target.endpoint.origin.host;
  const maxPages = Math.max(1, opts.maxPages ?? session.options.limits.maxTagPages);
  const pageSize = Math.max(1, opts.pageSize ?? 1000);
  let path = `/v2/${target.repository}/tags/list?n=${pageSize}`;
  const tags: string[] = [];
  for (let page = 1; ; page++) {
    const res = await session.fetch({
      endpoint: target.endpoint,
      path,
      method: "GET",
      accept: ["application/json"],
      repository: target.repository,
      kind: "get-tags",
      maxBytes: session.options.limits.maxHubBytes,
      ...(opts.signal ? { signal: opts.signal } : {}),
      error: { subject: target.subject, target: "tags" },
    });
    if (!res.ok) return res;
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(res.value.body).toString("utf8"));
    } catch {
      return err(badResponse("malformed", `${host} sent a tag list that is not valid JSON.`, host));
    }
    const list = typeof data === "object" && data !== null ? (data as { tags?: unknown }).tags : undefined;
    // distribution answers `"tags": null` for a repository without tags.
    if (list !== null && list !== undefined && !Array.isArray(list))
      return err(badResponse("malformed", `${host} sent a tag list without a tags array.`, host));
    for (const t of list ?? []) if (typeof t === "string") tags.push(t);
    const next = parseLinkNext(headerValues(res.value.headers, "link"), res.value.url);
    if (!next) return ok({ tags, complete: true, pages: page });
    if (next.origin !== target.endpoint.origin.origin) {
      return err(
        badResponse(
          "bad-redirect",
          `${host} pointed the next page of tags at another host (${next.host}); not followed.`,
          host,
        ),
      );
    }
    if (page >= maxPages) return ok({ tags, complete: false, pages: page });
    path = `${next.pathname}${next.search}`;
  }
}
