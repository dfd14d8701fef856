/**
 * readLogical: the one-slice path (no escape char in the line) and the escaped path give the same
 * logical text and document offsets as a plain character-by-character reading of BuildKit's
 * rules, for every start and end in thousands of generated documents; documentSpan and
 * logicalOffset read both shapes alike.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { documentSpan, logicalOffset, readLogical } from "../../../server/src/dockerfile/logicalText";

/** The reading every path must agree with: one character at a time, every offset recorded. */
function oracle(
  doc: string,
  start: number,
  end: number,
  esc: string,
  stopAtNewline: boolean,
): { text: string; offsets: number[] } {
  const limit = Math.min(Math.max(end, 0), doc.length);
  let text = "";
  const offsets: number[] = [];
  let i = Math.max(0, start);
  const lineBreakAt = (j: number): number =>
    doc[j] === "\n" ? 1 : doc[j] === "\r" && doc[j + 1] === "\n" ? 2 : 0;
  while (i < limit) {
    const ch = doc[i] as string;
    if (ch === esc) {
      let j = i + 1;
      while (j < doc.length && (doc[j] === " " || doc[j] === "\t")) j++;
      const br = j >= doc.length ? -1 : lineBreakAt(j);
      if (j >= doc.length || br > 0) {
        // a continuation: skip the blank and comment lines after it
        let k = j >= doc.length ? doc.length : j + br;
        for (;;) {
          if (k >= limit) break;
          let m = k;
          while (m < limit && (doc[m] === " " || doc[m] === "\t")) m++;
          const blank = m >= limit || lineBreakAt(m) > 0;
          if (!blank && doc[m] !== "#") break;
          const nl = doc.indexOf("\n", m);
          if (nl === -1 || nl >= limit) {
            k = limit;
            break;
          }
          k = nl + 1;
        }
        i = k;
        continue;
      }
      text += ch;
      offsets.push(i);
      const next = doc[i + 1];
      if (i + 1 < limit && next !== undefined && next !== "\n" && next !== "\r") {
        text += next;
        offsets.push(i + 1);
        i += 2;
      } else i += 1;
      continue;
    }
    if (stopAtNewline && lineBreakAt(i) > 0) break;
    text += ch;
    offsets.push(i);
    i++;
  }
  return { text, offsets };
}

/** A small deterministic generator (xorshift), so a failure names a reproducible document. */
function generator(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const ALPHABET = ["a", "b", " ", "\t", "\\", "`", "\n", "\r", "\r\n", "#", "=", "$"];

describe("readLogical", () => {
  it("agrees with a character-by-character reading on generated documents", () => {
    const random = generator(0x5eed);
    let checked = 0;
    for (let n = 0; n < 1500; n++) {
      const length = Math.floor(random() * 24);
      let doc = "";
      for (let c = 0; c < length; c++) doc += ALPHABET[Math.floor(random() * ALPHABET.length)];
      const esc = random() < 0.8 ? "\\" : "`";
      for (const stop of [true, false]) {
        const start = Math.floor(random() * (doc.length + 1));
        const end = start + Math.floor(random() * (doc.length + 2 - start));
        const got = readLogical(doc, start, end, esc, stop);
        const want = oracle(doc, start, end, esc, stop);
        const where = `${JSON.stringify(doc)} [${String(start)}, ${String(end)}) esc ${esc} stop ${String(stop)}`;
        assert.equal(got.text, want.text, where);
        assert.deepEqual(
          Array.from(got.text, (_, i) => logicalOffset(got, i)),
          want.offsets,
          where,
        );
        assert.equal(logicalOffset(got, -1), undefined);
        assert.equal(logicalOffset(got, got.text.length), undefined);
        checked++;
      }
    }
    assert.equal(checked, 3000);
  });

  it("reads a line without an escape char as one slice, with no offset table", () => {
    const doc = "FROM alpine:3.20 AS base\nRUN echo\n";
    const line = readLogical(doc, 4, doc.length, "\\", true);
    assert.equal(line.text, " alpine:3.20 AS base");
    assert.equal(line.offsets, undefined);
    assert.equal(logicalOffset(line, 1), 5);
    assert.deepEqual(documentSpan(line, 1, 12), { start: 5, end: 16 });
  });

  it("maps text across a continuation back to both lines", () => {
    const doc = "FROM \\\n  # a comment\n  alpine AS b\n";
    const line = readLogical(doc, 4, doc.length, "\\", true);
    assert.equal(line.text, "   alpine AS b");
    assert.deepEqual(documentSpan(line, 3, 9), {
      start: doc.indexOf("alpine"),
      end: doc.indexOf("alpine") + 6,
    });
  });

  it("gives an empty reading the place it was read at, not the start of the document", () => {
    const doc = "ARG A=\nFROM x\n";
    const empty = readLogical(doc, 6, 6, "\\", true);
    assert.equal(empty.text, "");
    assert.deepEqual(documentSpan(empty, 0, 0), { start: 6, end: 6 });
  });
});
