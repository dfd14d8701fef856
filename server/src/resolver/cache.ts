/**
 * The disk cache, in the extension's global storage dir. Two kinds of entries:
 * - blobs: manifests and configs, content-addressed by digest and immutable, laid out like an OCI
 *   image layout (`blobs/sha256/<hex>`); verified against their digest on every read — a corrupt
 *   or truncated file is deleted and reported missing, never believed;
 * - entries: small mutable JSON records (tag → digest, Docker Hub data) with `fetchedAt`, each
 *   carrying a checksum of its payload so a torn or edited file is dropped the same way.
 * Writes are atomic (temp file + rename), so two server processes can share one directory. The
 * total size is bounded; the least recently used files go first (reads touch a file's mtime).
 * Every method is synchronous and never throws: a cache that cannot be read or written behaves
 * as empty and says why once through `onProblem`.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";

export interface CacheOptions {
  dir: string;
  /** Upper bound of the files' total size. */
  maxBytes: number;
  now?: () => number;
  /** Told once per kind of failure (unwritable dir, full disk…); the cache keeps working in memory. */
  onProblem?: (message: string) => void;
}

export interface StoredEntry<T> {
  value: T;
  /** Epoch ms of the network fetch this value came from. */
  fetchedAt: number;
}

interface EntryFile {
  key: string;
  fetchedAt: number;
  checksum: string;
  value: unknown;
}

const LAYOUT_VERSION = "v1";
const SHA256 = /^sha256:([a-f0-9]{64})$/;

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export class DiskCache {
  private readonly root: string;
  private readonly now: () => number;
  private approxBytes: number | undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly options: CacheOptions) {
    this.root = join(options.dir, LAYOUT_VERSION);
    this.now = options.now ?? Date.now;
  }

  /** The verified bytes of a blob, or undefined (absent, unreadable or corrupt). */
  getBlob(digest: string): Uint8Array | undefined {
    const path = this.blobPath(digest);
    if (!path) return undefined;
    const bytes = this.read(path);
    if (!bytes) return undefined;
    if (`sha256:${sha256Hex(bytes)}` !== digest) {
      this.remove(path);
      this.problem(
        "corrupt",
        `dropped a corrupt cache file (${digest.slice(0, 19)}…); it will be fetched again`,
      );
      return undefined;
    }
    this.touch(path);
    return bytes;
  }

  /** Stores a blob if `bytes` really has `digest`; returns whether it was stored. */
  putBlob(digest: string, bytes: Uint8Array): boolean {
    const path = this.blobPath(digest);
    if (!path || `sha256:${sha256Hex(bytes)}` !== digest) return false;
    if (fs.existsSync(path)) return true;
    return this.write(path, bytes);
  }

  getEntry<T>(namespace: string, key: string): StoredEntry<T> | undefined {
    const path = this.entryPath(namespace, key);
    const bytes = this.read(path);
    if (!bytes) return undefined;
    let file: EntryFile;
    try {
      file = JSON.parse(Buffer.from(bytes).toString("utf8")) as EntryFile;
    } catch {
      this.remove(path);
      return undefined;
    }
    if (
      typeof file !== "object" ||
      file === null ||
      file.key !== key ||
      typeof file.fetchedAt !== "number" ||
      file.checksum !== sha256Hex(JSON.stringify(file.value ?? null))
    ) {
      this.remove(path);
      this.problem("corrupt-entry", "dropped a damaged cache entry; it will be fetched again");
      return undefined;
    }
    this.touch(path);
    return { value: file.value as T, fetchedAt: file.fetchedAt };
  }

  putEntry<T>(namespace: string, key: string, value: T, fetchedAt: number = this.now()): boolean {
    const file: EntryFile = { key, fetchedAt, checksum: sha256Hex(JSON.stringify(value ?? null)), value };
    return this.write(this.entryPath(namespace, key), Buffer.from(JSON.stringify(file)));
  }

  deleteEntry(namespace: string, key: string): void {
    this.remove(this.entryPath(namespace, key));
  }

  /** Removes everything. */
  clear(): void {
    try {
      fs.rmSync(this.root, { recursive: true, force: true });
    } catch (error) {
      this.problem("clear", `could not clear the cache: ${String(error)}`);
    }
    this.approxBytes = 0;
  }

  /** Total size of the cache files (a directory walk). */
  sizeBytes(): number {
    return this.files().reduce((sum, f) => sum + f.size, 0);
  }

  /** Deletes least recently used files until the total is at most `targetBytes`. */
  evict(targetBytes: number = Math.floor(this.options.maxBytes * 0.8)): number {
    const files = this.files().sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = files.reduce((sum, f) => sum + f.size, 0);
    let removed = 0;
    for (const f of files) {
      if (total <= targetBytes) break;
      this.remove(f.path);
      total -= f.size;
      removed++;
    }
    this.approxBytes = total;
    return removed;
  }

  private blobPath(digest: string): string | undefined {
    const m = SHA256.exec(digest);
    return m?.[1] ? join(this.root, "blobs", "sha256", m[1]) : undefined;
  }

  private entryPath(namespace: string, key: string): string {
    return join(this.root, "entries", namespace.replace(/[^a-z0-9-]/gi, "_"), `${sha256Hex(key)}.json`);
  }

  private read(path: string): Uint8Array | undefined {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        this.problem("read", `cannot read the cache: ${String(error)}`);
      return undefined;
    }
  }

  private write(path: string, bytes: Uint8Array): boolean {
    const dir = join(path, "..");
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(temp, bytes);
      fs.renameSync(temp, path);
      this.touch(path);
    } catch (error) {
      this.remove(temp);
      this.problem(
        "write",
        `cannot write the cache in ${this.options.dir}: ${String(error)}; working from memory`,
      );
      return false;
    }
    this.approxBytes = (this.approxBytes ?? this.sizeBytes()) + bytes.byteLength;
    if (this.approxBytes > this.options.maxBytes) this.evict();
    return true;
  }

  private touch(path: string): void {
    const t = new Date(this.now());
    try {
      fs.utimesSync(path, t, t);
    } catch {
      // Another process may have evicted it meanwhile: nothing to do.
    }
  }

  private remove(path: string): void {
    try {
      fs.rmSync(path, { force: true });
    } catch {
      // Best effort: a file we cannot delete is dropped again on its next verified read.
    }
  }

  private files(): { path: string; size: number; mtimeMs: number }[] {
    const out: { path: string; size: number; mtimeMs: number }[] = [];
    const walk = (dir: string): void => {
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of names) {
        const p = join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else if (d.isFile()) {
          try {
            const st = fs.statSync(p);
            out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
          } catch {
            // Evicted by another process between readdir and stat.
          }
        }
      }
    };
    walk(this.root);
    return out;
  }

  private problem(kind: string, message: string): void {
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    this.options.onProblem?.(message);
  }
}
