/**
 * A streaming tar reader for image layers: bytes are pushed in as they arrive (any chunking), each
 * entry's header is handed to a visitor, and only the contents the visitor asks for are kept —
 * everything else is skipped by counting, never copied. It understands what layer tars contain:
 * POSIX ustar (name + prefix), GNU tar (`L` long names, `K` long link names, base-256 sizes) and
 * pax extended headers (`x`: path, linkpath, size; `g` global headers are skipped), regular files,
 * hard links, symlinks and directories; every header's checksum is checked, so a body that is not a
 * tar is refused at its first block instead of being misread.
 *
 * `tarFinder.ts` builds on it to find one file by path.
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
