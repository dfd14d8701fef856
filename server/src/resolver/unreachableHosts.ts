/**
 * Registries the network failed for: left alone (the cache answers) for a while, with the failure
 * that is told to the user while it lasts.
 */
import { isUnreachable } from "./source";
import type { LookupError } from "./types";

/** After the network fails, a host is left alone (cache answers) for this long. */
export const UNREACHABLE_BACKOFF_MS = 60_000;

export class UnreachableHosts {
  private readonly until = new Map<string, number>();
  private readonly errors = new Map<string, LookupError>();

  constructor(private readonly now: () => number) {}

  /** A failure that says `host` cannot be reached: leave it alone (the cache answers) for a while. */
  note(host: string, error: LookupError): void {
    if (!isUnreachable(error) || error.kind === "rate-limited" || error.kind === "offline") return;
    this.mark(host, error);
  }

  /** Leaves `host` alone for UNREACHABLE_BACKOFF_MS, telling `error` meanwhile. */
  mark(host: string, error: LookupError): void {
    this.until.set(host, this.now() + UNREACHABLE_BACKOFF_MS);
    this.errors.set(host, error);
  }

  /** Whether `host` is being left alone now. */
  backingOff(host: string): boolean {
    return (this.until.get(host) ?? 0) > this.now();
  }

  /** The failure behind `host`'s backoff. */
  error(host: string): LookupError | undefined {
    return this.errors.get(host);
  }

  /** Whether any host is being left alone now. */
  any(): boolean {
    const now = this.now();
    return [...this.until.values()].some((until) => until > now);
  }

  clear(): void {
    this.until.clear();
    this.errors.clear();
  }
}
