/**
 * Images written as separate fields — Helm values' `image: {registry, repository, tag, digest}`
 * and Kustomize's `images[]: {name, newName, newTag, digest}` — become one ImageRef whose range is
 * the repository value and whose `split` says where pinning writes the digest field.
 */
import type { Node } from "yaml";
import type { ImageRef } from "../dockerfile";
import { stringValue, yamlLib, type YamlFile } from "./yaml";

/** A scalar's text as the tool reads it: strings as they are, numbers as written (`tag: 1.25`). */
export function fieldText(file: YamlFile, node: Node | undefined): string | undefined {
  const s = stringValue(node);
  if (s !== undefined) return s.value;
  if (
    yamlLib().isScalar(node) &&
    node.range &&
    (typeof node.value === "number" || typeof node.value === "boolean")
  ) {
    return file.text.slice(node.range[0], node.range[1]).trim();
  }
  return undefined;
}

export interface SplitFields {
  readonly repositoryNode: Node;
  /** registry/repository as the tool composes it. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly digestNode?: Node;
  /** The nodes of the fields, to find the last line of the block. */
  readonly fieldNodes: readonly Node[];
  readonly where: string;
  readonly digestKey: string;
}

/** The ImageRef for a split image, or undefined when its repository is not a usable string. */
export function splitRef(file: YamlFile, fields: SplitFields): ImageRef | undefined {
  const repo = stringValue(fields.repositoryNode);
  if (repo === undefined || fields.name.trim() === "") return undefined;
  const text = `${fields.name}${fields.tag ? `:${fields.tag}` : ""}${fields.digest ? `@${fields.digest}` : ""}`;
  const quoted = repo.quoted && file.text.slice(repo.start + 1, repo.end - 1) === repo.value;
  const start = quoted ? repo.start + 1 : repo.start;
  const end = quoted ? repo.end - 1 : repo.end;
  const lastEnd = Math.max(...fields.fieldNodes.map((n) => (n.range ? n.range[1] : 0)));
  const lastLine = file.doc.positionAt(lastEnd).line;
  const digest = stringValue(fields.digestNode);
  const digestQuoted = digest !== undefined && digest.quoted;
  // The indentation of the fields' keys: the repository line up to its key, a list's "- " as blanks.
  const lineStart = file.text.lastIndexOf("\n", repo.start - 1) + 1;
  const keyIndent = (/^[ \t-]*/.exec(file.text.slice(lineStart, repo.start))?.[0] ?? "").replace(/-/g, " ");
  const flow = /[{[]/.test(file.text.slice(lineStart, repo.start));
  const templated = /\{\{/.test(text);
  return {
    range: { start: file.doc.positionAt(start), end: file.doc.positionAt(end) },
    raw: text,
    ...(templated
      ? {
          unresolvable:
            "the image is written with a Helm template ({{ … }}), which only helm template can expand",
        }
      : { resolved: text }),
    argsUsed: [],
    kind: "image",
    stageIndex: 0,
    isStageRef: false,
    isScratch: false,
    where: fields.where,
    // A flow mapping ({repository: …}) has no line to add a field on: pinning then says it cannot.
    ...(flow
      ? {}
      : {
          split: {
            ...(digest
              ? {
                  digestRange: {
                    start: file.doc.positionAt(digest.start + (digestQuoted ? 1 : 0)),
                    end: file.doc.positionAt(digest.end - (digestQuoted ? 1 : 0)),
                  },
                }
              : {}),
            insertAt: { line: lastLine + 1, indent: keyIndent },
            digestKey: fields.digestKey,
          },
        }),
  };
}
