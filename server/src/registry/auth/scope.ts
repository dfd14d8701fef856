/** Docker token scopes (distribution docs/spec/auth/scope.md). */

/** RFC 6749 scopes are space-separated; a docker scope itself may contain commas (`pull,push`). */
export function splitScopes(scope: string | undefined): string[] {
  if (!scope) return [];
  return scope.split(/\s+/).filter((s) => s.length > 0);
}

/** The docker scope for reading a repository: `repository:<name>:pull`. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
