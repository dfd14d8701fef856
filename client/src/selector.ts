/**
 * The documents the FROM Lens server is given: Dockerfiles (every feature), and the other files
 * it reads image references from (Compose, Kubernetes and other YAML, dev containers, Bake) —
 * for those it adds only its image features (hover, lenses, image diagnostics, tag completion),
 * leaving formatting, schemas and colouring to their own extensions. YAML files that are none of
 * the kinds it knows get nothing from it (the server tells them apart by name and content).
 */
/** Plain filters, usable both as the language client's selector and with vscode.languages.match. */
type Filter = { language: string; pattern?: string };

const JSON_IMAGE_FILES =
  "**/{.devcontainer.json,.devcontainer/devcontainer.json,.devcontainer/*/devcontainer.json,docker-bake.json,docker-bake.*.json}";

export const DOCUMENT_SELECTOR: Filter[] = [
  { language: "dockerfile" },
  { language: "yaml" },
  // The Docker / Container Tools extensions give Compose files a language of their own.
  { language: "dockercompose" },
  { language: "json", pattern: JSON_IMAGE_FILES },
  { language: "jsonc", pattern: JSON_IMAGE_FILES },
];

/** Files FROM Lens reads images from, for the workspace-wide commands (Kubernetes YAML is found by content). */
export const IMAGE_FILES_GLOB =
  "**/{.github/workflows/*.yml,.github/workflows/*.yaml,Dockerfile,Containerfile,dockerfile,containerfile,*.dockerfile,*.Dockerfile,*.containerfile,*.Containerfile,Dockerfile.*,Containerfile.*,compose*.yml,compose*.yaml,docker-compose*.yml,docker-compose*.yaml,.gitlab-ci.yml,kustomization.yaml,kustomization.yml,.devcontainer.json,devcontainer.json,docker-bake.json}";
