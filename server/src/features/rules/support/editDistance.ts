/**
 * "One edit away" in the Damerau-Levenshtein sense (optimal string alignment): one insertion,
 * deletion, substitution, or swap of two adjacent characters. Linear time; used to spot names
 * that imitate popular images (`pyhton`, `ngnix`, `alpin`).
 */

/** True when `a` and `b` differ by exactly one edit (equal strings are not one edit apart). */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    // substitution at i, or a swap of i and i+1
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // insertion or deletion at i
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
