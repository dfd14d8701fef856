/**
 * CI pipelines in YAML. GitHub Actions workflows (`.github/workflows/*.yml`):
 * `jobs.<id>.container` (a string or `.image`), `jobs.<id>.services.<id>.image` and
 * `steps[].uses: docker://…`. GitLab CI (`.gitlab-ci.yml`): `image` (a string or `.name`) and
 * `services` (strings or `.name`), at the top level, under `default:` and in every job. CI
 * variables (`${{ … }}`, `$CI_REGISTRY_IMAGE`) are only known when the pipeline runs: unresolvable.
 */
import type { Document } from "yaml";
import type { ImageRef } from "../dockerfile";
import { entries, get, imageRef, items, stringValue, type Substituted, type YamlFile } from "./yaml";

function githubExpression(v: string): Substituted {
  return /\$\{\{/.test(v)
    ? {
        unresolvable:
          "the image is a GitHub Actions expression (${{ … }}), known only when the workflow runs",
      }
    : { resolved: v };
}

function gitlabVariable(v: string): Substituted {
  const m = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(v);
  return m
    ? { unresolvable: `the image uses the CI variable ${m[1]}, known only when the pipeline runs` }
    : { resolved: v };
}

export function githubWorkflowRefs(file: YamlFile): ImageRef[] {
  const refs: ImageRef[] = [];
  const add = (ref: ImageRef | undefined): void => {
    if (ref) refs.push(ref);
  };
  for (const document of file.documents) {
    for (const [jobId, job] of entries(file, document, get(file, document, document.contents, "jobs"))) {
      const container = get(file, document, job, "container");
      const direct = stringValue(container) ?? stringValue(get(file, document, container, "image"));
      if (direct)
        add(imageRef(file, direct, { where: `job ${jobId} container`, substitute: githubExpression }));
      for (const [serviceId, service] of entries(file, document, get(file, document, job, "services"))) {
        const value = stringValue(get(file, document, service, "image")) ?? stringValue(service);
        if (value)
          add(
            imageRef(file, value, {
              where: `job ${jobId} service ${serviceId}`,
              substitute: githubExpression,
            }),
          );
      }
      items(file, document, get(file, document, job, "steps")).forEach((step, i) => {
        const uses = stringValue(get(file, document, step, "uses"));
        if (uses)
          add(
            imageRef(file, uses, {
              prefix: "docker://",
              where: `job ${jobId} step ${i + 1}`,
              substitute: githubExpression,
            }),
          );
      });
    }
  }
  return refs;
}

/** Keys of .gitlab-ci.yml that are not jobs. */
const GITLAB_GLOBAL = new Set([
  "stages",
  "variables",
  "include",
  "workflow",
  "cache",
  "before_script",
  "after_script",
]);

function gitlabImages(
  file: YamlFile,
  document: Document.Parsed,
  node: unknown,
  owner: string,
  refs: ImageRef[],
): void {
  const image = get(file, document, node, "image");
  const value = stringValue(image) ?? stringValue(get(file, document, image, "name"));
  if (value) {
    const ref = imageRef(file, value, { where: `${owner} image`, substitute: gitlabVariable });
    if (ref) refs.push(ref);
  }
  for (const service of items(file, document, get(file, document, node, "services"))) {
    const s = stringValue(service) ?? stringValue(get(file, document, service, "name"));
    if (!s) continue;
    const ref = imageRef(file, s, { where: `${owner} service`, substitute: gitlabVariable });
    if (ref) refs.push(ref);
  }
}

export function gitlabCiRefs(file: YamlFile): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const document of file.documents) {
    const root = document.contents;
    gitlabImages(file, document, root, "pipeline", refs);
    for (const [key, value] of entries(file, document, root)) {
      if (key === "image" || key === "services" || GITLAB_GLOBAL.has(key)) continue;
      gitlabImages(file, document, value, key === "default" ? "default" : `job ${key}`, refs);
    }
  }
  return refs;
}
