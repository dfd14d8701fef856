/**
 * Reading image references out of YAML with the `yaml` package's document model, which keeps
 * every node's source range: multi-document files, anchors and aliases (the reference is where
 * the anchored value is written), merge keys (`<<: *defaults`), comments and CRLF. Pure.
 */
import type * as Yaml from "yaml";
import type { Document, Node, Scalar } from "yaml";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef, SplitImage } from "../dockerfile";

/**
 * The yaml package, loaded when the first YAML file is read rather than when the server starts
 * (most sessions open only Dockerfiles; evaluating it was a few ms of every start). The build
 * also puts it in a file of its own, dist/yaml.js, so it is not even parsed until then: ~6 ms
 * of the ~110 ms the server's bundle took to load.
 */
export function yamlLib(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (above)
  return require("yaml") as typeof Yaml;
}

export interface YamlFile {
  readonly text: string;
  readonly doc: TextDocument;
  readonly documents: Document.Parsed[];
}

export function parseYaml(doc: TextDocument): YamlFile {
  const text = doc.getText();
  const documents = yamlLib().parseAllDocuments(text, {
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
  });
  // A parse that is not a list of documents (an empty input) yields an empty list.
  return { text, doc, documents: Array.isArray(documents) ? documents : [] };
}

/** Follows aliases to the node they name (at most a few hops: aliases of aliases are rare). */
export function deref(_file: YamlFile, document: Document.Parsed, node: unknown): Node | undefined {
  let current = node;
  for (let hop = 0; hop < 8 && yamlLib().isAlias(current); hop++) current = current.resolve(document);
  return yamlLib().isAlias(current) ? undefined : (current as Node | undefined);
}

function keyName(key: unknown): string | undefined {
  if (!yamlLib().isScalar(key)) return undefined;
  // With merge keys on, `<<` is parsed as a symbol.
  if (typeof key.value === "symbol") return key.value.description === "<<" ? "<<" : undefined;
  return typeof key.value === "string" ? key.value : String(key.value);
}

/** The entries of a mapping, merge keys (`<<`) expanded, own keys winning, in written order. */
export function entries(
  file: YamlFile,
  document: Document.Parsed,
  node: unknown,
  depth = 0,
): [string, Node | undefined][] {
  const map = deref(file, document, node);
  if (!yamlLib().isMap(map) || depth > 8) return [];
  const own: [string, Node | undefined][] = [];
  const merged: [string, Node | undefined][] = [];
  for (const pair of map.items) {
    const name = keyName(pair.key);
    if (name === undefined) continue;
    if (name === "<<") {
      const value = deref(file, document, pair.value);
      const sources = yamlLib().isSeq(value) ? value.items : [value];
      for (const s of sources) merged.push(...entries(file, document, s, depth + 1));
      continue;
    }
    own.push([name, pair.value as Node | undefined]);
  }
  const names = new Set(own.map(([k]) => k));
  return [...own, ...merged.filter(([k]) => !names.has(k))];
}

export function get(file: YamlFile, document: Document.Parsed, node: unknown, key: string): Node | undefined {
  const found = entries(file, document, node).find(([k]) => k === key);
  return found === undefined ? undefined : deref(file, document, found[1]);
}

export function items(file: YamlFile, document: Document.Parsed, node: unknown): Node[] {
  const seq = deref(file, document, node);
  if (!yamlLib().isSeq(seq)) return [];
  return seq.items.map((i) => deref(file, document, i)).filter((i): i is Node => i !== undefined);
}

/** A scalar string value, with where its text is written. */
export interface StringValue {
  readonly value: string;
  /** Offsets of the value as written, quotes included. */
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

export function stringValue(node: unknown): StringValue | undefined {
  if (
    !yamlLib().isScalar(node) ||
    typeof node.value !== "string" ||
    node.range === undefined ||
    node.range === null
  )
    return undefined;
  const scalar = node as Scalar<string>;
  const [start, end] = scalar.range as [number, number, number];
  const type = scalar.type;
  if (type === "BLOCK_FOLDED" || type === "BLOCK_LITERAL") return undefined;
  return { value: scalar.value, start, end, quoted: type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE" };
}

/** The result of substituting variables in a value. */
export type Substituted = { resolved: string } | { unresolvable: string };

export interface RefOptions {
  /** Text before the image inside the value (`docker://`, `docker-image://`), left out of the reference. */
  readonly prefix?: string;
  readonly where: string;
  /** Variable substitution of the file type (Compose); the default takes the value as it is. */
  readonly substitute?: (value: string) => Substituted;
  readonly split?: SplitImage;
}

/** An ImageRef of kind "image" for a string value (undefined when it is empty or not the prefix's). */
export function imageRef(
  file: YamlFile | { doc: TextDocument; text: string },
  value: StringValue,
  options: RefOptions,
): ImageRef | undefined {
  let raw = value.value;
  if (options.prefix !== undefined) {
    if (!raw.startsWith(options.prefix)) return undefined;
    raw = raw.slice(options.prefix.length);
  }
  if (raw.trim() === "") return undefined;
  // The reference's range: the value as written, minus its quotes and prefix, when the written
  // text is the value itself; else the whole written value (escapes inside quotes).
  const written = file.text.slice(value.start, value.end);
  let start = value.start;
  let end = value.end;
  const inner = value.quoted ? written.slice(1, -1) : written;
  if (inner === value.value) {
    if (value.quoted) {
      start += 1;
      end -= 1;
    }
    start += options.prefix?.length ?? 0;
  }
  const substituted = options.substitute ? options.substitute(raw) : { resolved: raw };
  return {
    range: { start: file.doc.positionAt(start), end: file.doc.positionAt(end) },
    raw,
    ...substituted,
    argsUsed: [],
    kind: "image",
    stageIndex: 0,
    isStageRef: false,
    isScratch: false,
    where: options.where,
    ...(options.split ? { split: options.split } : {}),
  };
}

/** Every mapping node below `node` (depth-first, aliases not followed), with its key path. */
export function walkMaps(
  file: YamlFile,
  document: Document.Parsed,
  node: unknown,
  visit: (map: Node, path: readonly string[]) => void,
  path: readonly string[] = [],
  depth = 0,
): void {
  if (depth > 64 || yamlLib().isAlias(node)) return;
  if (yamlLib().isMap(node)) {
    visit(node, path);
    for (const pair of node.items) {
      const name = keyName(pair.key) ?? "?";
      walkMaps(file, document, pair.value, visit, [...path, name], depth + 1);
    }
  } else if (yamlLib().isSeq(node)) {
    node.items.forEach((item, i) => walkMaps(file, document, item, visit, [...path, String(i)], depth + 1));
  }
}

/** A line's leading blanks. */
export function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? "";
}
