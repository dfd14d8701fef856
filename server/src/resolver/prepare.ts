/**
 * Before a batch that will go to the network, the registry client gets the tokens for all its
 * repositories at once (one token request per registry instead of one per repository). Per
 * registry, so one that does not answer holds up only its own images (issue 12).
 */
import { formatReference, type Reference } from "../reference";
import type { ResolveError } from "../registry/errors";
import type { DiskCache } from "./cache";

export type Prepare = (
  references: Reference[],
) => Promise<void | { ok: true } | { ok: false; error: ResolveError }>;

/**
 * The references that will go to the network: their registry is not being left alone and their
 * tag is not cached within the TTL (so a warm start still makes no request at all).
 */
export function coldReferences(
  refs: readonly Reference[],
  cache: DiskCache,
  tagTtlMs: number,
  now: number,
  backingOff: (registry: string) => boolean,
): Reference[] {
  return refs
    .filter((ref) => !backingOff(ref.registry))
    .filter((ref) => {
      const tagKey = formatReference({
        registry: ref.registry,
        repository: ref.repository,
        tag: ref.tag ?? "latest",
      });
      const entry = cache.getEntry("tags", tagKey);
      return !entry || now - entry.fetchedAt >= tagTtlMs;
    });
}

export class RegistryPreparation {
  /** Token prefetch per registry; a job starts once its own registry's settles (it never rejects). */
  private readonly preparing = new Map<string, Promise<void>>();

  /** Settles when `registry`'s preparation has (undefined: none running). */
  wait(registry: string): Promise<void> | undefined {
    return this.preparing.get(registry);
  }

  /** Prepares `refs`, per registry after that registry's previous preparation. */
  start(
    refs: readonly Reference[],
    prepare: Prepare,
    onFailure: (registry: string, error: ResolveError) => void,
  ): void {
    const byRegistry = new Map<string, Reference[]>();
    for (const ref of refs) byRegistry.set(ref.registry, [...(byRegistry.get(ref.registry) ?? []), ref]);
    for (const [registry, list] of byRegistry) {
      const previous = this.preparing.get(registry) ?? Promise.resolve();
      const next = previous
        .then(() => prepare(list))
        .then(
          (r) => {
            if (r && !r.ok) onFailure(registry, r.error);
          },
          () => undefined,
        );
      this.preparing.set(registry, next);
      void next.then(() => {
        if (this.preparing.get(registry) === next) this.preparing.delete(registry);
      });
    }
  }
}
