/**
 * Edit distance in the Damerau-Levenshtein sense (optimal string alignment): insertions,
 * deletions, substitutions and swaps of two adjacent characters each count one. Used to suggest
 * the tag or name meant ("3.12-slim" for "3.12-slimm") and to spot names that imitate popular
 * images (`pyhton`, `ngnix`, `alpin`).
 */

/** The number of edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(i === 0 ? j : 0);
    rows.push(row);
  }
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}

/** True when `a` and `b` differ by exactly one edit (equal strings are not one edit apart). */
export function isOneEditApart(a: string, b: string): boolean {
  // Names whose lengths differ by two or more are never one edit apart: skip the table.
  return Math.abs(a.length - b.length) <= 1 && editDistance(a, b) === 1;
}
