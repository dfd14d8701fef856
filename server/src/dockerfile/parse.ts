/**
 * One dockerfile-ast parse per text. The reference extractor, the flag checks, the standard
 * checks and the suppression comments each need the parsed file, and each document version
 * reached all of them: on a 2,000-stage Dockerfile that was five parses per edit. The last two
 * texts' parses are kept (the document being typed in and one other, say the Dockerfile beside
 * a Compose file); a `Dockerfile` is only ever read, never changed, by FROM Lens.
 *
 * Two, not more: every parse kept made each young-generation GC of an edit slower. Measured on
 * the 200-FROM edit benchmark (bench/peers.ts, 20 edits): scavenges took 68 ms in all keeping
 * four parses, 58 keeping two, 46 keeping one, and the median edit 18 → 13.5 → 12 ms.
 *
 * dockerfile-utils' validator and the rest of dockerfile-language-service parse with
 * `DockerfileParser.parse` themselves, so every edit was parsed twice (and each instruction's
 * arguments computed twice). `shareParsesWithLibraries()` routes their calls through the same
 * memo: one parse per edit for both. They, too, only read the parse.
 */
import { DockerfileParser, type Dockerfile } from "dockerfile-ast";

const KEPT_PARSES = 2;
const libraryParse = DockerfileParser.parse.bind(DockerfileParser);

/** A parse of its own, not kept (a slice of a document, say: it would evict whole documents). */
export function parseUncached(text: string): Dockerfile {
  return libraryParse(text);
}
const recent: { text: string; dockerfile: Dockerfile }[] = [];

export function parseDockerfile(text: string): Dockerfile {
  const at = recent.findIndex((r) => r.text === text);
  if (at !== -1) {
    const [hit] = recent.splice(at, 1);
    if (hit !== undefined) {
      recent.unshift(hit);
      return hit.dockerfile;
    }
  }
  const dockerfile = parseUncached(text);
  recent.unshift({ text, dockerfile });
  recent.length = Math.min(recent.length, KEPT_PARSES);
  return dockerfile;
}

/** Drops the kept parses (their documents were closed: the memory goes back). */
export function forgetParses(): void {
  recent.length = 0;
}

/** Makes the libraries' own `DockerfileParser.parse` calls share the memo (idempotent). */
export function shareParsesWithLibraries(): void {
  DockerfileParser.parse = parseDockerfile;
}
