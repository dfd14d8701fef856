/**
 * Every kind of file FROM Lens reads image references from, behind one function:
 * `extractRefs(doc, env)` → the same `ImageRef[]` the features work on. The kind of a file comes
 * from its name (and, for Kubernetes manifests, its content); Dockerfiles go to dockerfile/.
 * Each other kind is one module here. Pure; never throws.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import { extractImageRefs, type ExtractOptions, type ImageRef } from "../dockerfile";
import { githubWorkflowRefs, gitlabCiRefs } from "./ciYaml";
import { composeRefs } from "./compose";
import { helmValuesRefs } from "./helm";
import { bakeJsonRefs, devcontainerRefs } from "./json";
import { kubernetesRefs, looksLikeKubernetes } from "./kubernetes";
import { kustomizeRefs } from "./kustomize";
import { parseYaml } from "./yaml";

export type SourceKind =
  | "dockerfile"
  | "compose"
  | "kubernetes"
  | "helm-values"
  | "kustomize"
  | "github-workflow"
  | "gitlab-ci"
  | "devcontainer"
  | "bake";

/**
 * What each kind is called for the user, and its line-comment prefix for suppression comments
 * (none for Bake's JSON, which `docker buildx bake` reads as strict JSON).
 */
export const SOURCE_KINDS: Readonly<Record<SourceKind, { label: string; comment: "#" | "//" | undefined }>> =
  {
    dockerfile: { label: "Dockerfile", comment: "#" },
    compose: { label: "Compose file", comment: "#" },
    kubernetes: { label: "Kubernetes manifest", comment: "#" },
    "helm-values": { label: "Helm values", comment: "#" },
    kustomize: { label: "Kustomization", comment: "#" },
    "github-workflow": { label: "GitHub Actions workflow", comment: "#" },
    "gitlab-ci": { label: "GitLab CI pipeline", comment: "#" },
    devcontainer: { label: "dev container", comment: "//" },
    bake: { label: "Bake file", comment: undefined },
  };

const DOCKERFILE_NAME =
  /^(?:(?:Dockerfile|Containerfile)(?:\..+)?|dockerfile|containerfile|.+\.(?:Dockerfile|Containerfile|dockerfile|containerfile))$/;

function pathOf(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/**
 * The kind of a file from its path (or URI) and, for YAML that no name tells, its text. Undefined:
 * FROM Lens reads nothing there.
 */
export function sourceKindOf(uriOrPath: string, languageId?: string, text?: string): SourceKind | undefined {
  const path = uriOrPath.includes("://") ? pathOf(uriOrPath) : uriOrPath;
  const normalized = path.replace(/\\/g, "/");
  const name = normalized.split("/").pop() ?? normalized;
  if (languageId === "dockerfile" || DOCKERFILE_NAME.test(name)) return "dockerfile";
  if (/^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/.test(name)) return "compose";
  if (/^kustomization\.ya?ml$/i.test(name)) return "kustomize";
  if (/(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(normalized)) return "github-workflow";
  if (/^(?:.+\.)?gitlab-ci\.ya?ml$/.test(name) || name === ".gitlab-ci.yml") return "gitlab-ci";
  if (
    name === ".devcontainer.json" ||
    /(?:^|\/)\.devcontainer\/(?:[^/]+\/)?devcontainer\.json$/.test(normalized)
  )
    return "devcontainer";
  if (/^docker-bake(?:\.[\w-]+)?\.json$/.test(name)) return "bake";
  if (/^values(?:[.-][\w.-]+)?\.ya?ml$/.test(name)) return "helm-values";
  if (/\.ya?ml$/.test(name) && text !== undefined && looksLikeKubernetes(text)) return "kubernetes";
  return undefined;
}

/** The `.env` variables a Compose file sees (read by the caller: this module does no I/O). */
export type EnvLookup = (doc: TextDocument) => Readonly<Record<string, string>>;

/** The image references of any file FROM Lens reads; [] for others, or for a file it cannot parse. */
export function extractRefs(
  doc: TextDocument,
  env: EnvLookup = () => ({}),
  options: ExtractOptions = {},
): ImageRef[] {
  const refs = extractUnsorted(doc, env, options);
  return refs.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

function extractUnsorted(doc: TextDocument, env: EnvLookup, options: ExtractOptions): ImageRef[] {
  const text = doc.getText();
  const kind = sourceKindOf(doc.uri, doc.languageId, text);
  try {
    switch (kind) {
      case undefined:
        return [];
      case "dockerfile":
        return extractImageRefs(text, options);
      case "compose":
        return composeRefs(parseYaml(doc), env(doc));
      case "kubernetes":
        return kubernetesRefs(parseYaml(doc));
      case "helm-values":
        return helmValuesRefs(parseYaml(doc));
      case "kustomize":
        return kustomizeRefs(parseYaml(doc));
      case "github-workflow":
        return githubWorkflowRefs(parseYaml(doc));
      case "gitlab-ci":
        return gitlabCiRefs(parseYaml(doc));
      case "devcontainer":
        return devcontainerRefs(doc);
      case "bake":
        return bakeJsonRefs(doc);
    }
  } catch {
    // A parser surprise must never take the server down; the file just shows no references.
    return [];
  }
}

export function isDockerfileDocument(doc: { uri: string; languageId: string }): boolean {
  return sourceKindOf(doc.uri, doc.languageId) === "dockerfile";
}

/** The line-comment prefix of a document's kind ("#" for Dockerfiles and YAML, "//" for JSON with comments). */
export function commentPrefix(doc: { uri: string; languageId: string }): "#" | "//" | undefined {
  const kind = sourceKindOf(doc.uri, doc.languageId);
  return kind === undefined ? "#" : SOURCE_KINDS[kind].comment;
}
