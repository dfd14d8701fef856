/**
 * The registry layer's public surface: create one `RegistryClient` and call it; every method
 * returns `Result<T, ResolveError>`. The modules behind it are named after protocol concepts
 * (challenge, credentials, transport, manifest, blob, tags, hub, ratelimit, errors).
 */
export { RegistryClient, createRegistryClient } from "./client";
export type { CallOptions, RegistryClientOptions, ResolveOptions, Resolved } from "./client";
export { RegistryError, err, ok, redactText, redactUrl } from "./errors";
export type {
  BadResponseReason,
  NotFoundWhat,
  RegistryErrorInfo,
  ResolveError,
  ResolveErrorKind,
  Result,
  TimeoutPhase,
} from "./errors";
export type { FetchedBlob, FetchedConfig } from "./blob";
export { DEFAULT_LAYER_READ_LIMITS, OS_RELEASE_PATHS } from "./layer";
export type { LayerCompression, LayerFileSearch, LayerReadLimits } from "./layer";
export type { FoundFile } from "./tarFinder";
export type { TarEntryType, TarHeader } from "./tarParser";
export type { FetchedManifest, ParsedManifest } from "./manifest";
export { computeDigest, isDigest, verifyDigest } from "./manifest";
export type { HubImage, HubListOptions, HubRepository, HubTag, HubTagPage } from "./hub";
export type { TagList } from "./tags";
export type { HostRateLimitState, RateLimitInfo } from "./ratelimit";
export { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, REQUEST_KINDS } from "./http/options";
export type { Limits, LogLevel, RegistryLog, RequestKind, Timeouts } from "./http/options";
export type { RequestCounts } from "./http/counters";
export type { HostAuth, HostAuthStore } from "./auth/hostAuth";
export type { Credential, CredentialLookup } from "./credentials";
