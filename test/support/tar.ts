/**
 * A minimal POSIX ustar writer (and reader, for self-tests): regular files and directories only,
 * deterministic (fixed mtime, uid/gid 0), which is all an image layer in a test needs.
 */

export interface TarEntry {
  /** Relative path, no leading "/"; directories end with "/". */
  path: string;
  content?: Buffer;
  mode?: number;
}

const BLOCK = 512;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // length - 1 octal digits, then NUL.
  const text = value.toString(8).padStart(length - 1, "0");
  if (text.length > length - 1) throw new Error(`tar: ${value} does not fit in a ${length}-byte field`);
  writeString(header, offset, length, text + "\0");
}

/** Splits a long path into ustar's prefix (≤155) + name (≤100) at a "/". */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== "/") continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0)
      return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(entry: TarEntry, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const isDir = entry.path.endsWith("/");
  const { prefix, name } = splitPath(entry.path);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode ?? (isDir ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  writeString(block, 156, 1, isDir ? "5" : "0");
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  writeString(block, 265, 32, "root");
  writeString(block, 297, 32, "root");
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/**
 * A tar archive of `files` (path → content). Parent directories are added automatically;
 * entries are sorted so the same files always give the same bytes.
 */
export function createTar(files: Record<string, string | Buffer>, opts: { mtime?: number } = {}): Buffer {
  const mtime = opts.mtime ?? 0;
  const entries = new Map<string, TarEntry>();
  for (const [rawPath, content] of Object.entries(files)) {
    const path = rawPath.replace(/^\/+/, "");
    if (path.length === 0 || path.split("/").includes("..")) throw new Error(`tar: bad path ${rawPath}`);
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/") + "/";
      if (!entries.has(dir)) entries.set(dir, { path: dir });
    }
    entries.set(path, {
      path,
      content: typeof content === "string" ? Buffer.from(content, "utf8") : content,
    });
  }
  const chunks: Buffer[] = [];
  for (const key of [...entries.keys()].sort()) {
    const entry = entries.get(key);
    if (!entry) continue;
    const content = entry.content ?? Buffer.alloc(0);
    chunks.push(header(entry, content.length, mtime));
    if (content.length > 0) {
      chunks.push(content);
      const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
      if (pad > 0) chunks.push(Buffer.alloc(pad, 0));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(chunks);
}

/** Reads a ustar archive back (files only; used by self-tests and image inspectors in tests). */
export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const field = (start: number, length: number): string =>
      block
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = field(0, 100);
    const prefix = field(345, 155);
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    offset += BLOCK;
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === "0" || type === "") files.set(path, Buffer.from(archive.subarray(offset, offset + size)));
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
