/**
 * One dockerfile-ast parse per text. The reference extractor, the flag checks, the standard
 * checks and the suppression comments each need the parsed file, and each document version
 * reached all of them: on a 2,000-stage Dockerfile that was five parses per edit. The last few
 * texts' parses are kept; a `Dockerfile` is only ever read, never changed, by FROM Lens.
 */
import { DockerfileParser, type Dockerfile } from "dockerfile-ast";

const KEEP = 4;
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
  const dockerfile = DockerfileParser.parse(text);
  recent.unshift({ text, dockerfile });
  recent.length = Math.min(recent.length, KEEP);
  return dockerfile;
}

/** Drops the kept parses (their documents were closed: the memory goes back). */
export function forgetParses(): void {
  recent.length = 0;
}
