/**
 * How each host wants to be authenticated (learnt from its first 401), remembered in memory and,
 * through a `HostAuthStore`, across restarts.
 */

/** How a host wants to be authenticated, learnt from its first 401. */
export type HostAuth =
  { scheme: "none" } | { scheme: "basic" } | { scheme: "bearer"; realm: string; service?: string };

/**
 * Where each host's auth scheme is remembered across restarts (the disk cache), so the first
 * request after a restart can carry a token at once. What it gives is a hint: a stale scheme is
 * corrected by the host's next 401, as on first contact.
 */
export interface HostAuthStore {
  get(origin: string): HostAuth | undefined;
  set(origin: string, auth: HostAuth): void;
}

/**
 * A map of origin → scheme that reads through to `store` (once per origin: a host first met
 * sends a burst of requests, and each would read the disk for nothing while its first 401 is on
 * its way) and writes to it (only when the scheme changes). A failing store is ignored:
 * remembering is an optimisation.
 */
export function hostAuthMemory(store?: HostAuthStore): Map<string, HostAuth> {
  const known = new Map<string, HostAuth>();
  /** Origins the store was asked about: it is read once per origin, not on every request. */
  const asked = new Set<string>();
  const remembered = (origin: string): HostAuth | undefined => {
    if (!store || asked.has(origin)) return undefined;
    asked.add(origin);
    try {
      return store.get(origin);
    } catch {
      return undefined;
    }
  };
  // A map that reads through to the store and writes to it (only when the scheme changes).
  return new (class extends Map<string, HostAuth> {
    override get(origin: string): HostAuth | undefined {
      let auth = super.get(origin);
      if (auth === undefined) {
        auth = remembered(origin);
        if (auth !== undefined) super.set(origin, auth);
      }
      return auth;
    }
    override has(origin: string): boolean {
      return this.get(origin) !== undefined;
    }
    override set(origin: string, auth: HostAuth): this {
      const before = super.get(origin);
      super.set(origin, auth);
      if (store && JSON.stringify(before) !== JSON.stringify(auth)) {
        try {
          store.set(origin, auth);
        } catch {
          /* remembering is an optimisation: never fail a request for it */
        }
      }
      return this;
    }
  })(known);
}
