/**
 * Tag lists features ask for (completion, the slim-final-stage suggestion): which repositories
 * want theirs, loading one now, and searching beyond its first page while the user types.
 * Identical loads and searches share one request; each answers within its wait with what it has.
 */
import type { Reference } from "../reference";
import type { ResolveImageOptions } from "./source";
import { searchTags, tagsFor } from "./tagLists";
import type { FoundTag } from "./types";

export function repositoryKey(r: Reference): string {
  return `${r.registry}/${r.repository}`;
}

/** `running`'s value within `waitMs`, else `fallback` (the work goes on). */
function within<T>(running: Promise<T>, waitMs: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), waitMs);
    void running.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export class TagRequests {
  /**
   * Repositories (`registry/repository`) whose tag list a feature needs (completion, the
   * slim-final-stage suggestion). Other registries' lists are fetched for these only: the facts
   * never need them. Docker Hub's list always is (its digests tell "Also tagged").
   */
  private readonly wanted = new Set<string>();
  private readonly loads = new Map<string, Promise<void>>();
  private readonly searches = new Map<string, Promise<FoundTag[]>>();

  constructor(
    /** Options for a lookup of `host`'s repositories outside any job. */
    private readonly options: (host: string) => ResolveImageOptions,
    /** A repository's list arrived (`repo` is its `repositoryKey`). */
    private readonly onList: (repo: string, names: string[]) => void,
  ) {}

  /** Marks the repository's tag list as needed: the next resolution of it fetches the list too. */
  want(reference: Reference): void {
    this.wanted.add(repositoryKey(reference));
  }

  isWanted(reference: Reference): boolean {
    return this.wanted.has(repositoryKey(reference));
  }

  /** Fetches the repository's tag list now (cache within its TTL); waits at most `waitMs`. */
  load(reference: Reference, waitMs: number): Promise<void> {
    const repo = repositoryKey(reference);
    this.wanted.add(repo);
    let load = this.loads.get(repo);
    if (!load) {
      load = tagsFor(this.options(reference.registry), reference)
        .then((list) => {
          if (list) this.onList(repo, list.names);
        })
        .catch(() => undefined)
        .finally(() => this.loads.delete(repo));
      this.loads.set(repo, load);
    }
    return within(load, waitMs, undefined);
  }

  /** Tags starting with `prefix` beyond the first page; within `waitMs`, else none (for now). */
  search(reference: Reference, prefix: string, waitMs: number): Promise<FoundTag[]> {
    const key = `${reference.registry}/${reference.repository}:${prefix}`;
    let search = this.searches.get(key);
    if (!search) {
      search = searchTags(this.options(reference.registry), reference, prefix)
        .catch(() => [])
        .finally(() => this.searches.delete(key));
      this.searches.set(key, search);
    }
    return within(search, waitMs, []);
  }
}
