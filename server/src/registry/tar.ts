/**
 * A streaming tar reader for image layers: bytes are pushed in as they arrive (any chunking), each
 * entry's header is handed to a visitor, and only the contents the visitor asks for are kept —
 * everything else is skipped by counting, never copied. It understands what layer tars contain:
 * POSIX ustar (name + prefix), GNU tar (`L` long names, `K` long link names, base-256 sizes) and
 * pax extended headers (`x`: path, linkpath, size; `g` global headers are skipped), regular files,
 * hard links, symlinks and directories; every header's checksum is checked, so a body that is not a
 * tar is refused at its first block instead of being misread.
 *
 * `TarFileFinder` builds on it to find one file by path the way a process opening it would:
 * following symlinks (also through symlinked directories) and hard links inside the archive.
 */

const BLOCK = 512;
/** Long names, long link names and pax records: generous, but never unbounded. */
const MAX_EXTENSION_BYTES = 1024 * 1024;

export type TarEntryType = "file" | "hardlink" | "symlink" | "directory" | "other";

export interface TarHeader {
  /** Normalised: no leading `/` or `./`, no trailing `/`, no `.` or empty segments. */
  path: string;
  type: TarEntryType;
  /** Bytes of content that follow the header (0 for links and directories). */
  size: number;
  /** Symlink target as written (relative or absolute), or a hard link's archive path. */
  linkPath: string;
  /** The raw type flag, e.g. "0", "2", "S". */
  flag: string;
}

export interface TarVisitor {
  /** Every entry in order (extensions applied). Return true to receive its content. */
  entry(header: TarHeader): boolean;
  /** The whole content of an entry `entry` asked for. */
  content?(header: TarHeader, content: Buffer): void;
}

/** Removes leading `/` and `./`, `.` and empty segments, and a trailing `/`. `..` is kept. */
export function normaliseTarPath(path: string): string {
  return path
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString("utf8");
}

/** An octal numeric field, or GNU base-256 (high bit of the first byte set). NaN when malformed. */
function numeric(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return Number.NaN; // negative base-256: not a size
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : Number.NaN;
}

function checksumMatches(block: Buffer): boolean {
  const stored = numeric(block, 148, 8);
  if (Number.isNaN(stored)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // Some old tars summed signed bytes; both are accepted, as GNU tar does.
  return stored === unsigned || stored === signed;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case "0":
    case "":
    case "7": // contiguous file
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}

/** pax records: "<length> <key>=<value>\n", length counting the whole record. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length);
    const text = record.toString("utf8").replace(/\n$/, "");
    const eq = text.indexOf("=");
    if (eq > 0) out.set(text.slice(0, eq), text.slice(eq + 1));
    at += length;
  }
  return out;
}

type Meta = "L" | "K" | "x" | "g";
const META_FLAGS: ReadonlySet<string> = new Set<Meta>(["L", "K", "x", "g"]);

/** Header overrides collected from meta entries, for the next real entry. */
interface Pending {
  path?: string;
  linkPath?: string;
  size?: number;
}

/**
 * Push-driven tar reader. Feed it with `push`, finish with `end`; after a malformed block, `failure`
 * says why and everything after is ignored. `stop()` ends reading on purpose (found what it wanted).
 */
export class TarParser {
  /** Bytes pushed so far (uncompressed archive bytes). */
  bytes = 0;
  failure: string | undefined;
  /** True after the end-of-archive marker, `stop()` or a failure: further input is ignored. */
  finished = false;
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Content bytes left in the current entry, then padding to the next block. */
  private remaining = 0;
  private padding = 0;
  private current: TarHeader | undefined;
  private meta: Meta | undefined;
  private collecting: Buffer[] | undefined;
  private pending: Pending = {};
  private zeroBlocks = 0;
  private headersRead = 0;

  constructor(private readonly visitor: TarVisitor) {}

  stop(): void {
    this.finished = true;
  }

  push(chunk: Uint8Array): void {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.bytes += data.length;
    while (data.length > 0 && !this.finished) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, data.length);
        if (this.collecting) this.collecting.push(Buffer.from(data.subarray(0, n)));
        this.remaining -= n;
        data = data.subarray(n);
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, data.length);
        this.padding -= n;
        data = data.subarray(n);
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, data.length);
      data.copy(this.header, this.headerFill, 0, n);
      this.headerFill += n;
      data = data.subarray(n);
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.readHeader(this.header);
      }
    }
  }

  /** The input ended. An archive cut inside an entry is a failure; a missing end marker is not. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.remaining > 0 || this.headerFill > 0)
      this.failure = "the layer's tar archive ends in the middle of an entry";
  }

  private fail(message: string): void {
    this.failure = message;
    this.finished = true;
  }

  private readHeader(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      // Two zero blocks end the archive; one is tolerated the way GNU tar does.
      this.zeroBlocks++;
      if (this.zeroBlocks >= 2) this.finished = true;
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumMatches(block)) {
      this.fail(
        this.headersRead === 0
          ? "the layer is not a tar archive (its first header's checksum does not match)"
          : "the layer's tar archive has a corrupt header (checksum mismatch)",
      );
      return;
    }
    this.headersRead++;
    const flag = String.fromCharCode(block[156] ?? 0).replace("\0", "");
    let size = numeric(block, 124, 12);
    if (Number.isNaN(size)) {
      this.fail("the layer's tar archive has an entry with an unreadable size");
      return;
    }
    if (META_FLAGS.has(flag)) {
      if (size > MAX_EXTENSION_BYTES) {
        this.fail(
          `the layer's tar archive has a ${size}-byte extended header; at most ${MAX_EXTENSION_BYTES} are read`,
        );
        return;
      }
      this.meta = flag as Meta;
      this.current = undefined;
      this.collecting = [];
      this.begin(size);
      return;
    }
    this.meta = undefined;
    // ustar ("ustar\0" + "00") has a 155-byte path prefix; GNU ("ustar  \0") uses that space otherwise.
    const magic = block.subarray(257, 263).toString("latin1");
    const prefix = magic === "ustar\0" ? cString(block, 345, 155) : "";
    const name = cString(block, 0, 100);
    const pending = this.pending;
    this.pending = {};
    if (pending.size !== undefined) size = pending.size;
    const type = entryType(flag);
    const header: TarHeader = {
      path: normaliseTarPath(pending.path ?? (prefix ? `${prefix}/${name}` : name)),
      type,
      size,
      linkPath: pending.linkPath ?? cString(block, 157, 100),
      flag,
    };
    this.current = header;
    const wanted = this.visitor.entry(header);
    if (this.finished) return; // the visitor stopped reading
    this.collecting = wanted && size > 0 ? [] : undefined;
    if (wanted && size === 0) this.visitor.content?.(header, Buffer.alloc(0));
    if (this.finished) return;
    this.begin(size);
  }

  private begin(size: number): void {
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.finishEntry();
  }

  private finishEntry(): void {
    const parts = this.collecting;
    this.collecting = undefined;
    if (this.meta !== undefined) {
      const data = Buffer.concat(parts ?? []);
      const meta = this.meta;
      this.meta = undefined;
      if (meta === "L") this.pending.path = cString(data, 0, data.length);
      else if (meta === "K") this.pending.linkPath = cString(data, 0, data.length);
      else if (meta === "x") {
        const records = parsePaxRecords(data);
        const path = records.get("path");
        const linkPath = records.get("linkpath");
        const size = records.get("size");
        if (path !== undefined) this.pending.path = path;
        if (linkPath !== undefined) this.pending.linkPath = linkPath;
        if (size !== undefined && /^\d+$/.test(size)) this.pending.size = Number(size);
      }
      // "g" (global) records are not applied: layers do not set paths or sizes globally.
      return;
    }
    const header = this.current;
    this.current = undefined;
    if (parts && header) this.visitor.content?.(header, Buffer.concat(parts));
  }
}

// ---------------------------------------------------------------------------------------------
// Finding one file

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
