/**
 * Why a lookup failed, in words: a registry failure carries its own message (registry/errors.ts
 * writes it); a failure the resolver found itself arrives as a code (`ResolverError`) and is
 * said here.
 */
import type { LookupError } from "../resolver/types";

export function lookupErrorText(error: LookupError): string {
  if (!("why" in error)) return error.message;
  switch (error.why) {
    case "nothing-cached":
      return `FROM Lens is offline and has nothing cached for ${error.reference} yet. Turn off "fromLens.offline" or reconnect to resolve it.`;
    case "unreachable":
      return `${error.host} could not be reached: ${error.detail}`;
    case "internal":
      return `FROM Lens could not resolve this image: ${error.detail}`;
  }
}
