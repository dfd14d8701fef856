/**
 * BuildKit's shell wildcard patterns (`?`, `*`, escapes) as used by `${VAR#p}`, `${VAR%p}` and
 * `${VAR/p/r}` in expand.ts: a port of convertShellPatternToRegex and the prefix/suffix trims.
 */

/** A malformed word: BuildKit's lexer error, with its message. */
export class LexError extends Error {}

/**
 * A shell wildcard pattern (`?` one char, `*` any run) as a regular expression, like BuildKit's
 * convertShellPatternToRegex (no bracket expressions).
 */
export function shellPatternToRegex(
  pattern: string,
  greedy: boolean,
  anchored: boolean,
  global = false,
  shown = pattern,
): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? "^" : "";
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i] as string;
    if (tok === "*") {
      out += greedy ? ".*" : ".*?";
    } else if (tok === "?") {
      out += ".";
    } else if (tok === "\\") {
      const next = chars[i + 1];
      if (next === "}" || next === "/") continue; // escaped only for ${}, not part of the pattern
      i++;
      if (next !== "*" && next !== "?" && next !== "\\") {
        throw new LexError(`invalid pattern (${shown}) in substitution: invalid escape '\\${next ?? ""}'`);
      }
      out += "\\" + next;
    } else if ("[]{}.+()|^$".includes(tok)) {
      out += "\\" + tok;
    } else {
      out += tok;
    }
  }
  return new RegExp(out, global ? "gu" : "u");
}

export function trimPrefix(pattern: string, value: string, greedy: boolean, shown = pattern): string {
  const m = shellPatternToRegex(pattern, greedy, true, false, shown).exec(value);
  return m === null ? value : value.slice(m.index + m[0].length);
}

/** Reverses a pattern, keeping each escape before the character it escapes (a\*c → c\*a). */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const tok = chars[i] as string;
    if (tok === "\\" && i !== last) {
      out[last - i - 1] = tok;
      out[last - i] = chars[i + 1] as string;
      i += 2;
    } else {
      out[last - i] = tok;
      i++;
    }
  }
  return out.join("");
}

export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // A regex cannot find the shortest rightmost match, so reverse both and trim a prefix.
  // (BuildKit's error message then shows the reversed pattern; this one shows it as written.)
  const reversed = trimPrefix(reversePattern(pattern), Array.from(value).reverse().join(""), greedy, pattern);
  return Array.from(reversed).reverse().join("");
}
