/**
 * Kustomize (`kustomization.yaml`): `images[]` entries — `name` (the image in the resources),
 * `newName`, `newTag`, `digest`. The image deployed is `newName` (else `name`) with `newTag` and
 * `digest`; pinning writes `digest:`.
 */
import type { Node } from "yaml";
import type { ImageRef } from "../dockerfile";
import { fieldText, splitRef } from "./split";
import { get, items, type YamlFile } from "./yaml";

export function kustomizeRefs(file: YamlFile): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const document of file.documents) {
    for (const entry of items(file, document, get(file, document, document.contents, "images"))) {
      const nameNode = get(file, document, entry, "name");
      const newNameNode = get(file, document, entry, "newName");
      const repositoryNode = newNameNode ?? nameNode;
      const name = fieldText(file, repositoryNode);
      if (repositoryNode === undefined || name === undefined) continue;
      const tagNode = get(file, document, entry, "newTag");
      const digestNode = get(file, document, entry, "digest");
      const tag = fieldText(file, tagNode);
      const digest = fieldText(file, digestNode);
      const original = fieldText(file, nameNode);
      const ref = splitRef(file, {
        repositoryNode,
        name,
        ...(tag ? { tag } : {}),
        ...(digest ? { digest } : {}),
        ...(digestNode ? { digestNode } : {}),
        fieldNodes: [nameNode, newNameNode, tagNode, digestNode].filter((n): n is Node => n !== undefined),
        where: `Kustomize image ${original ?? name}`,
        digestKey: "digest",
      });
      if (ref) refs.push(ref);
    }
  }
  return refs;
}
