/**
 * Kubernetes manifests (any YAML document with `apiVersion` and `kind`; multi-document files):
 * `containers[].image`, `initContainers[].image` and `ephemeralContainers[].image` wherever a pod
 * spec sits — a Pod, the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job, a
 * CronJob's job template, a List's items.
 */
import type { ImageRef } from "../dockerfile";
import { get, imageRef, items, stringValue, walkMaps, type YamlFile } from "./yaml";

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;
const LIST_NAME: Record<(typeof CONTAINER_LISTS)[number], string> = {
  containers: "container",
  initContainers: "init container",
  ephemeralContainers: "ephemeral container",
};

function scalarText(node: unknown): string | undefined {
  return stringValue(node)?.value;
}

/** True for a YAML document that is a Kubernetes object. */
export function looksLikeKubernetes(text: string): boolean {
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text);
}

export function kubernetesRefs(file: YamlFile): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const document of file.documents) {
    const root = document.contents;
    if (scalarText(get(file, document, root, "apiVersion")) === undefined) continue;
    const kind = scalarText(get(file, document, root, "kind")) ?? "object";
    const objectName = scalarText(get(file, document, get(file, document, root, "metadata"), "name"));
    const owner = objectName === undefined ? kind : `${kind} ${objectName}`;
    walkMaps(file, document, root, (map) => {
      for (const list of CONTAINER_LISTS) {
        for (const container of items(file, document, get(file, document, map, list))) {
          const value = stringValue(get(file, document, container, "image"));
          if (value === undefined) continue;
          const name = scalarText(get(file, document, container, "name"));
          const ref = imageRef(file, value, {
            where: `${owner}, ${LIST_NAME[list]}${name === undefined ? "" : ` ${name}`}`,
          });
          if (ref) refs.push(ref);
        }
      }
    });
  }
  return refs;
}
