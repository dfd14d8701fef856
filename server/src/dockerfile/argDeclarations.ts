/** The ARG declarations of a Dockerfile as globalArgs.ts takes them: names, defaults, ranges. */
import type { Arg } from "dockerfile-ast";
import type { ArgDeclaration } from "./globalArgs";
import { logicalOffset, readLogical } from "./logicalText";
import { excerpt, toRange, type Source } from "./source";

/** The names and values of one ARG instruction, as BuildKit splits them (first `=`). */
export function argDeclarations(src: Source, arg: Arg): ArgDeclaration[] {
  const out: ArgDeclaration[] = [];
  for (const word of arg.getPropertyArguments()) {
    const r = word.getRange();
    const logical = readLogical(
      src.text,
      src.doc.offsetAt(r.start),
      src.doc.offsetAt(r.end),
      src.escapeChar,
      true, // as for FROM: never past the end of the logical line
    );
    const eq = logical.text.indexOf("=");
    const nameEnd = eq === -1 ? logical.text.length : eq;
    const name = logical.text.slice(0, nameEnd);
    if (name === "") continue;
    const nameRange = excerpt(src, logical, 0, nameEnd).range;
    if (eq === -1) {
      out.push({ name, nameRange });
      continue;
    }
    const value = excerpt(src, logical, eq + 1, logical.text.length);
    const afterEq = (logicalOffset(logical, eq) ?? 0) + 1;
    const valueRange = value.raw === "" ? toRange(src, afterEq, afterEq) : value.range;
    out.push({ name, nameRange, rawValue: value.raw, valueRange });
  }
  return out;
}
