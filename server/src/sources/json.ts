/**
 * Image references in JSON files, read with jsonc-parser (comments and trailing commas allowed,
 * offsets kept). Dev containers (`.devcontainer.json`, `.devcontainer/devcontainer.json`,
 * `.devcontainer/<name>/devcontainer.json`): the `image` property. Docker Bake in its JSON form
 * (`docker-bake.json`, `docker-bake.override.json`): `target.<name>.contexts.<name>` values
 * `docker-image://…`. (Bake's HCL form is not read: no maintained HCL parser with positions runs in
 * Node without a native or WebAssembly Go build.) Dev container features are OCI artifacts, not
 * images to run: not read.
 */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from "jsonc-parser";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "../dockerfile";
import { imageRef, type StringValue } from "./yaml";

function stringNode(node: JsonNode | undefined): StringValue | undefined {
  if (node?.type !== "string" || typeof node.value !== "string") return undefined;
  return { value: node.value, start: node.offset, end: node.offset + node.length, quoted: true };
}

function tree(doc: TextDocument): { text: string; root: JsonNode | undefined } {
  const text = doc.getText();
  return { text, root: parseTree(text, [], { allowTrailingComma: true, disallowComments: false }) };
}

function devcontainerVariable(v: string): { resolved: string } | { unresolvable: string } {
  return /\$\{[^}]*\}/.test(v)
    ? {
        unresolvable:
          "the image uses a dev container variable (${…}), expanded only when the container is built",
      }
    : { resolved: v };
}

export function devcontainerRefs(doc: TextDocument): ImageRef[] {
  const { text, root } = tree(doc);
  if (root === undefined) return [];
  const value = stringNode(findNodeAtLocation(root, ["image"]));
  const ref =
    value &&
    imageRef({ doc, text }, value, { where: "dev container image", substitute: devcontainerVariable });
  return ref ? [ref] : [];
}

export function bakeJsonRefs(doc: TextDocument): ImageRef[] {
  const { text, root } = tree(doc);
  const targets = root && findNodeAtLocation(root, ["target"]);
  const refs: ImageRef[] = [];
  for (const target of targets?.type === "object" ? (targets.children ?? []) : []) {
    const targetName = target.children?.[0]?.value as string | undefined;
    const contexts = target.children?.[1];
    const contextsNode = contexts && findNodeAtLocation(contexts, ["contexts"]);
    for (const property of contextsNode?.type === "object" ? (contextsNode.children ?? []) : []) {
      const value = stringNode(property.children?.[1]);
      const name = property.children?.[0]?.value as string | undefined;
      if (value === undefined) continue;
      const ref = imageRef({ doc, text }, value, {
        prefix: "docker-image://",
        where: `Bake target ${targetName ?? "?"} context ${name ?? "?"}`,
      });
      if (ref) refs.push(ref);
    }
  }
  return refs;
}
