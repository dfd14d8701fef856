/**
 * Results a rate limit left incomplete (details or the trust badge not asked, or manifest
 * downloads refused) are asked again once the limit resets: one timer per key, never a loop.
 */
import type { Lookup } from "./types";

/** When a rate limit lets `lookup`'s missing parts be asked again, if one kept them out. */
export function retryAt(lookup: Lookup): number | undefined {
  return lookup.state === "resolved"
    ? lookup.resolution.retryAt
    : lookup.state === "error" && lookup.error.kind === "rate-limited"
      ? lookup.error.resetAt?.getTime()
      : undefined;
}

export class RetryTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /**
   * Replaces `key`'s timer: `fire` runs a second after `at` (never, when `at` is undefined). The
   * timer does not keep the process alive.
   */
  set(key: string, at: number | undefined, now: number, fire: () => void): void {
    const previous = this.timers.get(key);
    if (previous) clearTimeout(previous);
    this.timers.delete(key);
    if (at === undefined) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        fire();
      },
      Math.min(Math.max(0, at - now) + 1000, 2 ** 31 - 1),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
