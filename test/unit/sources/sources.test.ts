import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { sourceKindOf } from "../../../server/src/sources";
import { interpolate, parseDotEnv } from "../../../server/src/sources/compose";
import { refsOf, summary } from "./helpers";

describe("which files FROM Lens reads images from", () => {
  it("tells the kind from the name, and Kubernetes manifests from their content", () => {
    const cases: [string, string | undefined, string?][] = [
      ["Dockerfile", "dockerfile"],
      ["build/api.Dockerfile", "dockerfile"],
      ["compose.yaml", "compose"],
      ["docker-compose.override.yml", "compose"],
      ["docker-compose-dev.yml", "compose"],
      ["compose.prod.yaml", "compose"],
      ["deploy/kustomization.yaml", "kustomize"],
      [".github/workflows/ci.yml", "github-workflow"],
      ["ci/.github/workflows/release.yaml", "github-workflow"],
      [".gitlab-ci.yml", "gitlab-ci"],
      [".devcontainer.json", "devcontainer"],
      [".devcontainer/devcontainer.json", "devcontainer"],
      [".devcontainer/python/devcontainer.json", "devcontainer"],
      ["docker-bake.json", "bake"],
      ["chart/values.yaml", "helm-values"],
      ["chart/values-prod.yaml", "helm-values"],
      ["k8s/app.yaml", "kubernetes", "apiVersion: apps/v1\nkind: Deployment\n"],
      ["k8s/other.yaml", undefined, "name: not kubernetes\n"],
      ["package.json", undefined],
      ["docker-bake.hcl", undefined],
    ];
    for (const [path, kind, text] of cases) assert.equal(sourceKindOf(path, undefined, text), kind, path);
    assert.equal(sourceKindOf("file:///w/My%20App/compose.yaml"), "compose");
  });
});

describe("Compose files", () => {
  it("read services' images, through anchors and merge keys, with CRLF and comments", () => {
    const text = [
      "# the app",
      "x-base: &base",
      '  image: "python:3.12-slim" # shared',
      "  restart: always",
      "services:",
      "  web:",
      "    <<: *base",
      "    ports: ['8000:8000']",
      "  worker:",
      "    <<: *base",
      "    image: python:3.13-slim",
      "  db:",
      "    image: postgres:${PG_VERSION:-17}",
      "  cache:",
      "    image: redis:$REDIS_TAG",
      "  built:",
      "    build: .",
      "",
    ].join("\r\n");
    assert.deepEqual(summary("compose.yaml", text, { REDIS_TAG: "7.4-alpine" }), [
      ["python:3.12-slim", "python:3.12-slim", "Compose service web"],
      ["python:3.13-slim", "python:3.13-slim", "Compose service worker"],
      ["postgres:${PG_VERSION:-17}", "postgres:17", "Compose service db"],
      ["redis:$REDIS_TAG", "redis:7.4-alpine", "Compose service cache"],
    ]);
  });

  it("interpolate as Compose does, and say why a variable cannot be read", () => {
    const env = { SET: "a", EMPTY: "" };
    assert.deepEqual(interpolate("x:${SET}", env), { resolved: "x:a" });
    assert.deepEqual(interpolate("x:${EMPTY:-d}", env), { resolved: "x:d" });
    assert.deepEqual(interpolate("x:${EMPTY-d}", env), { resolved: "x:" });
    assert.deepEqual(interpolate("x:${UNSET-d}", env), { resolved: "x:d" });
    assert.deepEqual(interpolate("x:${SET:+alt}", env), { resolved: "x:alt" });
    assert.deepEqual(interpolate("x:${UNSET:-${SET}}", env), { resolved: "x:a" });
    assert.deepEqual(interpolate("a$$b", env), { resolved: "a$b" });
    assert.match(JSON.stringify(interpolate("x:${UNSET}", env)), /UNSET is not set in the \.env file/);
    assert.match(JSON.stringify(interpolate("x:${UNSET:?say it}", env)), /UNSET must be set \(say it\)/);
    assert.match(JSON.stringify(interpolate("x:${OPEN", env)), /no closing brace/);
    const deep = "${A:-".repeat(3000) + "x" + "}".repeat(3000);
    assert.ok("unresolvable" in interpolate(deep, {}), "deep nesting is bounded, not a stack overflow");
  });

  it("reads .env files", () => {
    assert.deepEqual(
      { ...parseDotEnv("# c\nTAG=3.12\nexport PG=\"17\"\nQ='x y'\nBAD LINE\nC=v # note\n") },
      { TAG: "3.12", PG: "17", Q: "x y", C: "v" },
    );
  });
});

describe("Kubernetes manifests", () => {
  it("read containers, init and ephemeral containers of every workload in a multi-document file", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "ghcr.io/acme/migrate:1.2"
      containers:
        - name: app
          image: ghcr.io/acme/api:2.0 # the API
        - name: proxy
          image: nginx:1.27
---
# a job
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: job, image: "busybox:1.36" }]
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: main
      image: alpine:3.22
  ephemeralContainers:
    - name: shell
      image: busybox:1.36
`;
    assert.deepEqual(summary("deploy/app.yaml", text), [
      ["ghcr.io/acme/migrate:1.2", "ghcr.io/acme/migrate:1.2", "Deployment api, init container migrate"],
      ["ghcr.io/acme/api:2.0", "ghcr.io/acme/api:2.0", "Deployment api, container app"],
      ["nginx:1.27", "nginx:1.27", "Deployment api, container proxy"],
      ["busybox:1.36", "busybox:1.36", "CronJob nightly, container job"],
      ["alpine:3.22", "alpine:3.22", "Pod debug, container main"],
      ["busybox:1.36", "busybox:1.36", "Pod debug, ephemeral container shell"],
    ]);
  });
});

describe("Helm values and Kustomize", () => {
  it("read image strings and the split form; templates are unresolvable", () => {
    const text = `image:
  registry: docker.io
  repository: bitnami/nginx
  tag: 1.27
  pullPolicy: IfNotPresent
metrics:
  image:
    repository: "prom/statsd-exporter"
    tag: "v0.28.0"
    digest: "sha256:${"b".repeat(64)}"
sidecar:
  image: busybox:1.36
templated:
  image: "{{ .Values.global.image }}"
`;
    const { doc, refs } = refsOf("chart/values.yaml", text);
    assert.deepEqual(
      refs.map((r) => [doc.getText(r.range), r.resolved ?? "unresolvable", r.where]),
      [
        ["bitnami/nginx", "docker.io/bitnami/nginx:1.27", "values image"],
        [
          "prom/statsd-exporter",
          `prom/statsd-exporter:v0.28.0@sha256:${"b".repeat(64)}`,
          "values metrics.image",
        ],
        ["busybox:1.36", "busybox:1.36", "values sidecar.image"],
        ["{{ .Values.global.image }}", "unresolvable", "values templated.image"],
      ],
    );
    assert.match(refs[3]?.unresolvable ?? "", /Helm template/);
    assert.deepEqual(refs[0]?.split?.insertAt, { line: 4, indent: "  " });
    assert.equal(doc.getText(refs[1]?.split?.digestRange), `sha256:${"b".repeat(64)}`);
  });

  it("read Kustomize images[] with newName, newTag and digest", () => {
    assert.deepEqual(
      summary(
        "kustomization.yaml",
        'resources: [deploy.yaml]\nimages:\n  - name: nginx\n    newTag: "1.27"\n  - name: app\n    newName: ghcr.io/acme/app\n    newTag: v2\n',
      ),
      [
        ["nginx", "nginx:1.27", "Kustomize image nginx"],
        ["ghcr.io/acme/app", "ghcr.io/acme/app:v2", "Kustomize image app"],
      ],
    );
  });
});

describe("CI pipelines", () => {
  it("read GitHub Actions job containers, services and docker:// steps", () => {
    const text = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: node:20-bookworm
    services:
      db:
        image: postgres:17
      cache: redis:7
    steps:
      - uses: actions/checkout@v4
      - uses: "docker://alpine:3.22"
  matrix:
    container:
      image: \${{ matrix.image }}
`;
    const out = summary(".github/workflows/ci.yml", text);
    assert.deepEqual(out.slice(0, 4), [
      ["node:20-bookworm", "node:20-bookworm", "job test container"],
      ["postgres:17", "postgres:17", "job test service db"],
      ["redis:7", "redis:7", "job test service cache"],
      ["alpine:3.22", "alpine:3.22", "job test step 2"],
    ]);
    assert.match(out[4]?.[1] ?? "", /unresolvable: .*GitHub Actions expression/);
  });

  it("read GitLab CI images and services at the top, under default and in jobs", () => {
    const text = `default:
  image: python:3.12
stages: [test]
services:
  - postgres:17
test:
  image:
    name: node:20
    entrypoint: [""]
  services:
    - name: redis:7
      alias: cache
release:
  image: $CI_REGISTRY_IMAGE:latest
`;
    const out = summary(".gitlab-ci.yml", text);
    assert.deepEqual(out.slice(0, 4), [
      ["python:3.12", "python:3.12", "default image"],
      ["postgres:17", "postgres:17", "pipeline service"],
      ["node:20", "node:20", "job test image"],
      ["redis:7", "redis:7", "job test service"],
    ]);
    assert.match(out[4]?.[1] ?? "", /CI variable CI_REGISTRY_IMAGE/);
  });
});

describe("JSON files", () => {
  it("read a dev container's image from JSON with comments and trailing commas", () => {
    assert.deepEqual(
      summary(
        ".devcontainer/devcontainer.json",
        '{\n  // Python\n  "name": "app",\n  "image": "mcr.microsoft.com/devcontainers/python:3.12",\n  "features": { "ghcr.io/devcontainers/features/node:1": {} },\n}\n',
      ),
      [
        [
          "mcr.microsoft.com/devcontainers/python:3.12",
          "mcr.microsoft.com/devcontainers/python:3.12",
          "dev container image",
        ],
      ],
    );
  });

  it("read Bake contexts written docker-image://", () => {
    assert.deepEqual(
      summary(
        "docker-bake.json",
        '{"target": {"app": {"contexts": {"base": "docker-image://alpine:3.22", "src": "./src"}}}}',
      ),
      [["alpine:3.22", "alpine:3.22", "Bake target app context base"]],
    );
  });

  it("never throw on broken input", () => {
    for (const [path, text] of [
      ["compose.yaml", "services: [\n  : : :"],
      ["k8s.yaml", "apiVersion: v1\nkind: Pod\nspec: {containers: [{image: *missing}]}"],
      [".devcontainer.json", '{"image": '],
      ["values.yaml", "image: {repository: 1, tag: [x]}"],
    ] as const)
      assert.doesNotThrow(() => refsOf(path, text), path);
  });
});
