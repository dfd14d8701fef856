/**
 * `TarFileFinder`: finds one file by path in a layer tar the way a process opening it would,
 * following symlinks (also through symlinked directories) and hard links inside the archive, on
 * top of the streaming `TarParser`.
 */
import { TarParser, normaliseTarPath } from "./tarParser";
import type { TarHeader } from "./tarParser";

export interface TarFileFinderOptions {
  /** Paths to look for (absolute or relative to the root), best first. */
  paths: readonly string[];
  /** A wanted file larger than this is not read. */
  maxFileBytes: number;
  /** Uncompressed archive bytes read at most (a decompression bomb stops here). */
  maxArchiveBytes: number;
}

export interface FoundFile {
  /** The wanted path, as normalised (`etc/os-release`). */
  path: string;
  /** The archive entry whose content it is, when links led elsewhere (`usr/lib/os-release`). */
  target?: string;
  content: Buffer;
}

/** Symlink expansions per lookup before giving up (Linux's ELOOP limit is 40). */
const MAX_LINK_HOPS = 40;
/**
 * Linux's PATH_MAX: a link path, link target or resolved path longer than this cannot be opened
 * (ENAMETOOLONG), so it is never followed — and never kept.
 */
export const MAX_LINK_PATH_BYTES = 4096;
/**
 * Bytes of link paths and targets kept for one layer, in total (a long pax linkpath costs what it
 * is long, not one "entry"). Counted as links arrive and never given back, so replacing links
 * over and over cannot grow the maps either. Real base layers keep well under 1 MiB.
 */
export const MAX_LINK_BYTES = 8 * 1024 * 1024;
/** What one kept link costs beyond its strings (map entries, trie nodes). */
const LINK_OVERHEAD_BYTES = 64;
/**
 * Trie steps spent resolving paths for one layer, at most (each step is one map lookup). Far
 * above what a real layer needs (a few per file), low enough that a hostile one costs well
 * under a second.
 */
export const MAX_RESOLVE_STEPS = 2_000_000;
/** Small files named like a wanted file, kept in case a later hard link points at one. */
const MAX_KEPT_FILES = 32;

/** A directory level of the symlink trie: `symlink` is set on a path that is a symlink. */
interface LinkNode {
  children?: Map<string, LinkNode>;
  /** The target as written; null when it is too long to follow. */
  symlink?: string | null;
}

/**
 * Joins a symlink's target to the directory the symlink is in (`base`, a leading `/` in the
 * target means the root) and appends `rest`; `..` at the root stays at the root. Linear in its
 * input.
 */
function resolveLinkTarget(base: readonly string[], target: string, rest: readonly string[]): string[] {
  const out = target.startsWith("/") ? [] : [...base];
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  for (const part of rest) out.push(part);
  return out;
}

/** Bytes of `parts` joined with "/". */
function joinedLength(parts: readonly string[]): number {
  let n = Math.max(0, parts.length - 1);
  for (const p of parts) n += p.length;
  return n;
}

/**
 * Finds the first of `paths` in a tar stream. `done` turns true as soon as the best path's content
 * is known (or known to be too large), so the caller can stop reading; at the end, a lower-ranked
 * path that was found is the answer.
 */
export class TarFileFinder {
  readonly parser: TarParser;
  private readonly paths: string[];
  private readonly basenames: ReadonlySet<string>;
  /** Symlinks by path, as a trie of path segments: resolving walks it in linear time. */
  private links: LinkNode = {};
  private hardlinks = new Map<string, string>();
  private readonly contents = new Map<string, Buffer>();
  private readonly tooLarge = new Map<string, number>();
  private archiveCapped = false;
  /** Bytes of links kept so far (see MAX_LINK_BYTES). */
  private linkBytes = 0;
  private linksCapped = false;
  private resolveSteps = 0;
  private resolveCapped = false;
  /** Bumped whenever a link is added or replaced: resolutions from before are stale. */
  private linkVersion = 0;
  private readonly resolved = new Map<string, { version: number; target: string | undefined }>();

  constructor(private readonly options: TarFileFinderOptions) {
    this.paths = options.paths.map(normaliseTarPath).filter((p) => p !== "");
    this.basenames = new Set(this.paths.map((p) => p.slice(p.lastIndexOf("/") + 1)));
    this.parser = new TarParser({
      entry: (h) => this.onEntry(h),
      content: (h, c) => this.onContent(h, c),
    });
  }

  push(chunk: Uint8Array): void {
    if (this.done || this.parser.finished) return;
    this.parser.push(chunk);
    if (!this.parser.finished && this.parser.bytes > this.options.maxArchiveBytes) {
      this.archiveCapped = true;
      this.parser.stop();
    }
  }

  end(): void {
    this.parser.end();
  }

  get failure(): string | undefined {
    return this.parser.failure;
  }

  /** Uncompressed bytes seen. */
  get bytes(): number {
    return this.parser.bytes;
  }

  /**
   * Reading on cannot change the answer: the best path is settled, a cap was reached, or the
   * archive is malformed. (The end of the archive is not "done": the rest of the blob is still
   * read, so that a layer which does not have the file is verified against its digest.)
   */
  get done(): boolean {
    return (
      this.settled(0) ||
      this.archiveCapped ||
      this.linksCapped ||
      this.resolveCapped ||
      this.parser.failure !== undefined
    );
  }

  /** Bytes of link paths and targets held (bounded by MAX_LINK_BYTES); 0 after `dispose`. */
  get retainedLinkBytes(): number {
    return this.linkBytes;
  }

  /** Frees the links and kept files (call when the read ends; `found()` is empty afterwards). */
  dispose(): void {
    this.links = {};
    this.hardlinks = new Map();
    this.contents.clear();
    this.tooLarge.clear();
    this.resolved.clear();
    this.linkBytes = 0;
    this.linkVersion++;
  }

  /** Whether reading stopped at `maxArchiveBytes`. */
  get capped(): boolean {
    return this.archiveCapped;
  }

  /** The answer so far: the best wanted path whose content is known. */
  found(): FoundFile | undefined {
    for (const path of this.paths) {
      const target = this.resolve(path);
      if (target === undefined) continue;
      const content = this.contents.get(target);
      if (content === undefined) continue;
      return { path, ...(target !== path ? { target } : {}), content };
    }
    return undefined;
  }

  /** Why nothing was found, for the user. */
  missing(): string {
    for (const path of this.paths) {
      const target = this.resolve(path);
      const size = target === undefined ? undefined : this.tooLarge.get(target);
      if (size !== undefined)
        return `/${path} is ${size} bytes, more than the ${this.options.maxFileBytes} read at most`;
    }
    const list = this.paths.map((p) => `/${p}`).join(" or ");
    if (this.linksCapped)
      return `the layer has more than ${MAX_LINK_BYTES} bytes of symlinks and hard links before ${list}; FROM Lens stopped reading it`;
    if (this.resolveCapped)
      return `the layer's symlinks take more than ${MAX_RESOLVE_STEPS} steps to resolve; FROM Lens stopped reading it`;
    if (this.archiveCapped)
      return `${list} not within the first ${this.options.maxArchiveBytes} uncompressed bytes of the layer`;
    return `the layer has no ${list}`;
  }

  /** The best path's content is known, or it is known to be too large to read. */
  private settled(index: number): boolean {
    const path = this.paths[index];
    if (path === undefined) return false;
    const target = this.resolve(path);
    return target !== undefined && (this.contents.has(target) || this.tooLarge.has(target));
  }

  /**
   * Where `path` leads through the symlinks and hard links seen so far, like path resolution in
   * the layer's filesystem; undefined on a loop, a too-long name or target, or when the
   * resolution budget is spent. Later entries may still change the answer. Cached until a link
   * changes.
   */
  private resolve(path: string): string | undefined {
    const cached = this.resolved.get(path);
    if (cached?.version === this.linkVersion) return cached.target;
    const target = this.walk(path);
    this.resolved.set(path, { version: this.linkVersion, target });
    return target;
  }

  /** Walks the symlink trie segment by segment, restarting from the root after each expansion. */
  private walk(path: string): string | undefined {
    let parts = path.split("/");
    let hops = 0;
    for (let i = 0, node: LinkNode | undefined = this.links; i < parts.length; i++) {
      if (++this.resolveSteps > MAX_RESOLVE_STEPS) {
        this.resolveCapped = true;
        this.parser.stop();
        return undefined;
      }
      node = node.children?.get(parts[i] ?? "");
      if (node === undefined) break; // no link at or below this prefix
      if (node.symlink === undefined) continue;
      if (node.symlink === null || ++hops > MAX_LINK_HOPS) return undefined;
      parts = resolveLinkTarget(parts.slice(0, i), node.symlink, parts.slice(i + 1));
      if (joinedLength(parts) > MAX_LINK_PATH_BYTES) return undefined;
      node = this.links;
      i = -1;
    }
    const resolved = parts.join("/");
    return this.hardlinks.get(resolved) ?? resolved;
  }

  /** The trie node of `path`, created when `create`. */
  private linkNode(path: string, create: boolean): LinkNode | undefined {
    let node = this.links;
    for (const part of path.split("/")) {
      let next = node.children?.get(part);
      if (next === undefined) {
        if (!create) return undefined;
        next = {};
        (node.children ??= new Map()).set(part, next);
      }
      node = next;
    }
    return node;
  }

  /** Counts a link against MAX_LINK_BYTES; false (and reading stops) when it does not fit. */
  private keepLink(bytes: number): boolean {
    if (this.linkBytes + bytes > MAX_LINK_BYTES) {
      this.linksCapped = true;
      this.parser.stop();
      return false;
    }
    this.linkBytes += bytes;
    return true;
  }

  /** Forgets a link at `path` (a later entry replaces it). */
  private dropLink(path: string): void {
    if (path.length > MAX_LINK_PATH_BYTES) return; // never kept
    const node = this.linkNode(path, false);
    if (node?.symlink !== undefined) {
      delete node.symlink;
      this.linkVersion++;
    }
    if (this.hardlinks.delete(path)) this.linkVersion++;
  }

  private wanted(path: string): boolean {
    return this.paths.some((p) => this.resolve(p) === path);
  }

  private onEntry(h: TarHeader): boolean {
    // A later entry for the same path replaces an earlier one, as extracting the layer would.
    this.contents.delete(h.path);
    this.tooLarge.delete(h.path);
    this.dropLink(h.path);
    // A link whose own path is too long cannot be on any path that resolves: not kept.
    if ((h.type === "symlink" || h.type === "hardlink") && h.path.length > MAX_LINK_PATH_BYTES) return false;
    if (h.type === "symlink") {
      // A target too long to follow is kept as unfollowable (a few bytes), not as written.
      const target = h.linkPath.length > MAX_LINK_PATH_BYTES ? null : h.linkPath;
      if (!this.keepLink(2 * h.path.length + (target?.length ?? 0) + LINK_OVERHEAD_BYTES)) return false;
      const node = this.linkNode(h.path, true);
      if (node) node.symlink = target;
      this.linkVersion++;
      return false;
    }
    if (h.type === "hardlink") {
      if (h.linkPath.length > MAX_LINK_PATH_BYTES) return false; // its target cannot be opened
      const target = normaliseTarPath(h.linkPath);
      if (!this.keepLink(h.path.length + target.length + LINK_OVERHEAD_BYTES)) return false;
      this.hardlinks.set(h.path, target);
      this.linkVersion++;
      return false;
    }
    if (h.type !== "file") return false;
    const basename = h.path.slice(h.path.lastIndexOf("/") + 1);
    const keep = this.wanted(h.path) || (this.basenames.has(basename) && this.contents.size < MAX_KEPT_FILES);
    if (!keep) return false;
    if (h.size > this.options.maxFileBytes) {
      this.tooLarge.set(h.path, h.size);
      if (this.settled(0)) this.parser.stop();
      return false;
    }
    return true;
  }

  private onContent(h: TarHeader, content: Buffer): void {
    this.contents.set(h.path, content);
    if (this.settled(0)) this.parser.stop();
  }
}
