/** WWW-Authenticate parsing and scopes, now in `auth/`; kept here for existing importers. */
export { parseChallenges, pickChallenge, toBearerChallenge } from "./auth/challenge";
export type { BearerChallenge, Challenge } from "./auth/challenge";
export { pullScope, splitScopes } from "./auth/scope";
