/**
 * Test helpers for server/src/dockerfile: run each Dockerfile text case with both `\n` and
 * `\r\n` line endings, and read a reference's range back out of the document text.
 */
import { it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Range } from "vscode-languageserver-textdocument";
import { extractImageRefs } from "../../../server/src/dockerfile";
import type { ImageRef, ImageRefKind } from "../../../server/src/dockerfile";

export type Eol = "\n" | "\r\n";

export interface Case {
  /** The document text, with this run's line endings. */
  readonly text: string;
  readonly eol: Eol;
  /** The references extracted from `text`. */
  readonly refs: readonly ImageRef[];
  /** The document text a range covers; fails when there is no range. */
  slice(range: Range | undefined): string;
  /** `s` (written with `\n`) with this run's line endings. */
  lines(s: string): string;
  /** The only reference of a kind whose raw text is `raw`; fails when there is not exactly one. */
  ref(raw: string, kind?: ImageRefKind): ImageRef;
  /** The references of one kind, in document order. */
  ofKind(kind: ImageRefKind): ImageRef[];
}

export function makeCase(lfText: string, eol: Eol): Case {
  const text = lfText.replace(/\r?\n/g, eol);
  const doc = TextDocument.create("file:///Dockerfile", "dockerfile", 0, text);
  const refs = extractImageRefs(text);
  return {
    text,
    eol,
    refs,
    slice(range) {
      if (range === undefined) throw new Error("expected a range, got undefined");
      return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
    },
    lines: (s) => s.replace(/\r?\n/g, eol),
    ref(raw, kind) {
      const found = refs.filter((r) => r.raw === raw && (kind === undefined || r.kind === kind));
      if (found.length !== 1) {
        throw new Error(
          `expected one ${kind ?? "ref"} with raw ${JSON.stringify(raw)}, found ${found.length}: ${JSON.stringify(refs.map((r) => [r.kind, r.raw]))}`,
        );
      }
      return found[0] as ImageRef;
    },
    ofKind: (kind) => refs.filter((r) => r.kind === kind),
  };
}

/** Defines one test per line ending (LF and CRLF) for a Dockerfile text. */
export function itBoth(name: string, lfText: string, check: (c: Case) => void): void {
  for (const eol of ["\n", "\r\n"] as const) {
    it(`${name} (${eol === "\n" ? "LF" : "CRLF"})`, () => check(makeCase(lfText, eol)));
  }
}

/** Every reference's range covers exactly its raw text (single-line references). */
export function assertRangesMatchRaw(c: Case): void {
  for (const ref of c.refs) {
    if (c.slice(ref.range) !== ref.raw) {
      throw new Error(
        `range of ${ref.kind} ${JSON.stringify(ref.raw)} covers ${JSON.stringify(c.slice(ref.range))}`,
      );
    }
  }
}
