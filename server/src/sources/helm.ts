/**
 * Helm values files (`values.yaml`, `values-prod.yaml`, …): every `image:` key, written either as
 * one string (`image: "nginx:1.27"`) or in the chart convention's parts
 * (`image: {registry, repository, tag, digest}`; pinning writes `digest:`). Template expressions
 * (`{{ … }}`) are reported as unresolvable, never guessed.
 */
import type { Node } from "yaml";
import type { ImageRef } from "../dockerfile";
import { fieldText, splitRef } from "./split";
import { deref, entries, get, imageRef, stringValue, walkMaps, yamlLib, type YamlFile } from "./yaml";

function helmTemplate(v: string): { resolved: string } | { unresolvable: string } {
  return /\{\{/.test(v)
    ? {
        unresolvable:
          "the image is written with a Helm template ({{ … }}), which only helm template can expand",
      }
    : { resolved: v };
}

export function helmValuesRefs(file: YamlFile): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const document of file.documents) {
    walkMaps(file, document, document.contents, (map, path) => {
      for (const [key, raw] of entries(file, document, map)) {
        if (key !== "image") continue;
        const node = deref(file, document, raw);
        const where = `values ${[...path, "image"].join(".")}`;
        const value = stringValue(node);
        if (value !== undefined) {
          const ref = imageRef(file, value, { where, substitute: helmTemplate });
          if (ref) refs.push(ref);
          continue;
        }
        if (!yamlLib().isMap(node)) continue;
        const repositoryNode = get(file, document, node, "repository");
        const repository = fieldText(file, repositoryNode);
        if (repositoryNode === undefined || repository === undefined) continue;
        const registry = fieldText(file, get(file, document, node, "registry"));
        const tagNode = get(file, document, node, "tag");
        const digestNode = get(file, document, node, "digest");
        const tag = fieldText(file, tagNode);
        const digest = fieldText(file, digestNode);
        const fieldNodes = [
          repositoryNode,
          tagNode,
          digestNode,
          get(file, document, node, "registry"),
        ].filter((n): n is Node => n !== undefined);
        const ref = splitRef(file, {
          repositoryNode,
          name: registry ? `${registry}/${repository}` : repository,
          ...(tag ? { tag } : {}),
          ...(digest ? { digest } : {}),
          ...(digestNode ? { digestNode } : {}),
          fieldNodes,
          where,
          digestKey: "digest",
        });
        if (ref) refs.push(ref);
      }
    });
  }
  return refs;
}
