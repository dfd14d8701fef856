/**
 * What the resolver is asked and configured with: requests (a reference and a platform, keyed by
 * `requestKey`), its settings and options, and the job a queued request becomes.
 */
import { formatReference, type Reference } from "../reference";
import type { DiskCache } from "./cache";
import type { Prepare } from "./prepare";
import type { ImageSource } from "./source";
import type { ResolverStatus } from "./types";

export type Priority = "visible" | "background";

export interface ResolveRequest {
  readonly reference: Reference;
  /** "linux/amd64": the platform the facts should describe. */
  readonly platform: string;
}

export interface ResolverSettings {
  tagTtlMs: number;
  hubTtlMs: number;
  offline: boolean;
  trustedRegistries: readonly string[];
  /** fromLens.facts.inspectLayers: read /etc/os-release out of the base layer as a last resort. */
  inspectLayers?: boolean;
}

export interface ResolverOptions {
  source: ImageSource;
  cache: DiskCache;
  settings: () => ResolverSettings;
  now?: () => number;
  /**
   * How many references resolve at once (default DEFAULT_CONCURRENCY). The registry client bounds
   * the requests per host and sends a tag's digest request before the manifests and configs
   * waiting for the same host, so with more references in flight than connections the digests
   * of all of them come first (breadth first) and the facts follow.
   */
  concurrency?: number;
  /** Called with the keys whose lookup changed. */
  onDidChange?: (keys: string[]) => void;
  /**
   * Gets ready for a batch of references of one registry that need the network (the client's
   * `authorize`); a failure that says the registry cannot be reached marks it unreachable.
   */
  prepare?: Prepare;
  /** Hub's rate-limit state, request counts: read for the status. */
  stats?: () => Pick<ResolverStatus, "hubRateLimit" | "requests">;
  log?: (message: string) => void;
}

export interface Job {
  key: string;
  request: ResolveRequest;
  priority: Priority;
  owners: Set<string>;
  force: boolean;
  controller?: AbortController;
  /** The settings generation the job read its settings in (set when it starts). */
  generation?: number;
  /** Settings changed while it ran: queue it again once it settles. */
  again?: boolean;
  /** How many times this work was queued again because settings changed while it ran. */
  reruns: number;
  /** A re-run waiting for its turn of the event loop: not started before. */
  held?: boolean;
}

/** References resolved at once by default: a Dockerfile's worth, wider than any per-host limit. */
export const DEFAULT_CONCURRENCY = 32;

export function requestKey(r: ResolveRequest): string {
  let key = keys.get(r);
  if (key === undefined) {
    key = `${formatReference(r.reference)} ${r.platform}`;
    keys.set(r, key);
  }
  return key;
}

/** Requests are never changed once made (requestFor keeps one per reference): their keys neither. */
const keys = new WeakMap<ResolveRequest, string>();
