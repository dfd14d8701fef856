/**
 * A raw tar writer for the tar reader's tests: any type flag, ustar or GNU headers, GNU long
 * names (`L`/`K`), pax records (`x`/`g`), base-256 sizes — the shapes real layers contain and
 * test/support/tar.ts (regular files only) does not write.
 */

const BLOCK = 512;

/**
 * Debian 13's /usr/lib/os-release, which /etc/os-release links to (as debian:trixie ships it;
 * written down from knowledge of the image, not copied out of one on this machine).
 */
export const DEBIAN_TRIXIE_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.1
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** Alpine 3.22's /etc/os-release (a regular file there; /usr/lib/os-release links to it). Same provenance. */
export const ALPINE_3_22_OS_RELEASE = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.22.2
PRETTY_NAME="Alpine Linux v3.22"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`;

export interface RawEntry {
  /** The name field as written (≤ 100 bytes, or use `prefix`). */
  name: string;
  /** ustar prefix field (≤ 155 bytes). */
  prefix?: string;
  /** "0" file (default), "1" hard link, "2" symlink, "5" directory, "L", "K", "x", "g", … */
  flag?: string;
  content?: Buffer | string;
  linkName?: string;
  /** "ustar" (default: "ustar\0" + "00") or "gnu" ("ustar  \0"). */
  magic?: "ustar" | "gnu";
  /** Write the size in GNU base-256. */
  base256Size?: boolean;
  /** Store this in the size field instead of the content's length. */
  sizeField?: number;
  /** Spoil the checksum. */
  badChecksum?: boolean;
}

function put(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar writer: "${value}" does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  put(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

export function header(e: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  put(block, 0, 100, e.name);
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  const sizeValue = e.sizeField ?? size;
  if (e.base256Size) {
    block[124] = 0x80;
    let v = sizeValue;
    for (let i = 135; i > 124; i--) {
      block[i] = v % 256;
      v = Math.floor(v / 256);
    }
  } else octal(block, 124, 12, sizeValue);
  octal(block, 136, 12, 1_700_000_000);
  block.fill(0x20, 148, 156);
  put(block, 156, 1, e.flag ?? "0");
  if (e.linkName !== undefined) put(block, 157, 100, e.linkName);
  if (e.magic === "gnu") put(block, 257, 8, "ustar  \0");
  else {
    put(block, 257, 6, "ustar\0");
    put(block, 263, 2, "00");
  }
  put(block, 265, 32, "root");
  put(block, 297, 32, "root");
  if (e.prefix !== undefined) put(block, 345, 155, e.prefix);
  let sum = 0;
  for (const b of block) sum += b;
  if (e.badChecksum) sum += 1;
  put(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** Entries → archive bytes, with the two zero blocks at the end unless `end: false`. */
export function tarOf(entries: RawEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const content = typeof e.content === "string" ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
    parts.push(header(e, content.length));
    if (content.length > 0) {
      parts.push(content);
      const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad));
    }
  }
  if (opts.end !== false) parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** One pax record, "<len> key=value\n", where len counts the whole record. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

export const file = (name: string, content: string | Buffer, extra: Partial<RawEntry> = {}): RawEntry => ({
  name,
  content,
  ...extra,
});
export const dir = (name: string): RawEntry => ({ name, flag: "5" });
export const symlink = (name: string, target: string): RawEntry => ({ name, flag: "2", linkName: target });
export const hardlink = (name: string, target: string): RawEntry => ({ name, flag: "1", linkName: target });

/** A GNU long-name entry: the `L` record, then the entry with a truncated name. */
export function gnuLong(path: string, entry: Omit<RawEntry, "name">, linkPath?: string): RawEntry[] {
  const out: RawEntry[] = [{ name: "././@LongLink", flag: "L", content: `${path}\0`, magic: "gnu" }];
  if (linkPath !== undefined)
    out.push({ name: "././@LongLink", flag: "K", content: `${linkPath}\0`, magic: "gnu" });
  out.push({
    ...entry,
    name: path.slice(0, 99),
    magic: "gnu",
    ...(linkPath !== undefined ? { linkName: linkPath.slice(0, 99) } : {}),
  });
  return out;
}

/** A pax `x` header carrying `records` for the entry that follows it. */
export function pax(records: Record<string, string>, flag: "x" | "g" = "x"): RawEntry {
  return {
    name: "PaxHeaders.0/entry",
    flag,
    content: Object.entries(records)
      .map(([k, v]) => paxRecord(k, v))
      .join(""),
  };
}

/** Splits `data` into chunks of the given sizes, cycling. */
export function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}
