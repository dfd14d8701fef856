/**
 * The registry transport, one name for its two halves (go-containerregistry's
 * pkg/v1/remote/transport): `http/` is one HTTP exchange (options, counters, per-host
 * concurrency, dispatcher / proxy choice, body caps, redirects) and `auth/` is one registry
 * request with auth on top of it (session, challenge, bearer token, basic, scope, host-auth memory).
 */
export { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, REQUEST_KINDS } from "./http/options";
export type { Limits, LogLevel, RegistryLog, RequestKind, Timeouts, TransportOptions } from "./http/options";
export { RequestCounters } from "./http/counters";
export type { RequestCounts } from "./http/counters";
export { Coalescer, sleep } from "./http/concurrency";
export { headerValue, headerValues, hostOf, normaliseRegistryHost } from "./http/types";
export type { BodySink, HttpRequest, HttpResponse } from "./http/types";
export { HttpTransport } from "./http/transport";
export { RegistrySession } from "./auth/session";
export type { RegistryFetch } from "./auth/session";
export type { RegistryEndpoint } from "./auth/types";
export type { HostAuth, HostAuthStore } from "./auth/hostAuth";
export { parseTokenResponse } from "./auth/token";
export type { TokenResponse } from "./auth/token";
