/**
 * Whole Dockerfiles as people write them (multi-stage Python, Go, Node, Java builds using
 * official images such as those in ../shared/realdata/tags.json), checked reference by reference.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { itBoth } from "./helpers";
import type { Case } from "./helpers";

/** [kind, raw, resolved, isStageRef, targetStage] for every reference. */
function summary(c: Case): unknown[] {
  return c.refs.map((r) => [r.kind, r.raw, r.resolved ?? null, r.isStageRef, r.targetStage ?? null]);
}

const python = `# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12
ARG DEBIAN=bookworm

FROM python:\${PYTHON_VERSION}-slim-\${DEBIAN} AS builder
ENV PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/pip \\
    --mount=type=bind,source=requirements.txt,target=requirements.txt \\
    pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:\${PYTHON_VERSION}-slim-\${DEBIAN} AS runtime
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \\
    pip install --no-index /wheels/*.whl
COPY --chown=1000:1000 . /app
USER 1000
CMD ["python", "-m", "app"]
`;

const go = `# syntax=docker/dockerfile:1.7
FROM --platform=$BUILDPLATFORM golang:1.25-bookworm AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    go mod download -x
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,target=. \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server ./cmd/server

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
USER nonroot:nonroot
ENTRYPOINT ["/server"]
`;

const node = `ARG NODE_VERSION=22
FROM node:\${NODE_VERSION}-alpine AS base
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build

FROM base AS final
ENV NODE_ENV=production
USER node
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=nginx:alpine /etc/nginx/mime.types /etc/mime.types
CMD ["node", "dist/server.js"]
`;

const java = `FROM eclipse-temurin:21-jdk-jammy AS jdk
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw dependency:go-offline
COPY src src
RUN ./mvnw -q package -DskipTests && java -Djarmode=layertools -jar target/*.jar extract --destination target/extracted

FROM eclipse-temurin:21-jre-alpine
RUN addgroup -S spring && adduser -S spring -G spring
USER spring:spring
COPY --from=0 /workspace/target/extracted/dependencies/ ./
COPY --from=jdk /workspace/target/extracted/application/ ./
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
`;

const crossCompiled = `# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx
FROM --platform=$BUILDPLATFORM rust:slim AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN xx-apt-get install -y gcc libc6-dev
RUN --mount=type=cache,target=/usr/local/cargo/registry \\
    xx-cargo build --release --target-dir ./build
FROM --platform=$TARGETPLATFORM ubuntu:noble
COPY --from=build /src/build/release/app /usr/local/bin/app
`;

describe("realistic Dockerfiles", () => {
  itBoth("multi-stage Python build with pip wheels", python, (c) => {
    assert.deepEqual(summary(c), [
      ["syntax", "docker/dockerfile:1", "docker/dockerfile:1", false, null],
      ["from", "python:${PYTHON_VERSION}-slim-${DEBIAN}", "python:3.12-slim-bookworm", false, null],
      ["from", "python:${PYTHON_VERSION}-slim-${DEBIAN}", "python:3.12-slim-bookworm", false, null],
      ["mount-from", "builder", "builder", true, 0],
    ]);
    assert.deepEqual(
      c.refs[1]?.argsUsed.map((a) => [a.name, a.value, c.slice(a.declaredAt)]),
      [
        ["PYTHON_VERSION", "3.12", "PYTHON_VERSION"],
        ["DEBIAN", "bookworm", "DEBIAN"],
      ],
    );
    assert.equal(c.refs[3]?.range.start.line, 12);
  });

  itBoth("Go build on the build platform into distroless", go, (c) => {
    assert.deepEqual(summary(c), [
      ["syntax", "docker/dockerfile:1.7", "docker/dockerfile:1.7", false, null],
      ["from", "golang:1.25-bookworm", "golang:1.25-bookworm", false, null],
      ["from", "build", "build", true, 0],
      [
        "from",
        "gcr.io/distroless/static-debian12:nonroot",
        "gcr.io/distroless/static-debian12:nonroot",
        false,
        null,
      ],
      ["copy-from", "build", "build", true, 0],
    ]);
    assert.equal(c.refs[1]?.platform?.raw, "$BUILDPLATFORM");
    assert.equal(c.refs[1]?.platform?.resolved, undefined);
    assert.deepEqual(
      c.refs.map((r) => r.stage ?? null),
      [null, "build", "test", null, null],
    );
  });

  itBoth("Node build with shared base stage", node, (c) => {
    assert.deepEqual(summary(c), [
      ["from", "node:${NODE_VERSION}-alpine", "node:22-alpine", false, null],
      ["from", "base", "base", true, 0],
      ["from", "base", "base", true, 0],
      ["from", "base", "base", true, 0],
      ["copy-from", "deps", "deps", true, 1],
      ["copy-from", "build", "build", true, 2],
      ["copy-from", "nginx:alpine", "nginx:alpine", false, null],
    ]);
    assert.deepEqual(
      c.ofKind("copy-from").map((r) => r.stageIndex),
      [3, 3, 3],
    );
  });

  itBoth("Java build copying from stage 0 and by name", java, (c) => {
    assert.deepEqual(summary(c), [
      ["from", "eclipse-temurin:21-jdk-jammy", "eclipse-temurin:21-jdk-jammy", false, null],
      ["from", "eclipse-temurin:21-jre-alpine", "eclipse-temurin:21-jre-alpine", false, null],
      ["copy-from", "0", "0", true, 0],
      ["copy-from", "jdk", "jdk", true, 0],
    ]);
  });

  itBoth("cross-compiled Rust with xx", crossCompiled, (c) => {
    assert.deepEqual(summary(c), [
      ["syntax", "docker/dockerfile:1", "docker/dockerfile:1", false, null],
      ["from", "tonistiigi/xx:1.6.1", "tonistiigi/xx:1.6.1", false, null],
      ["from", "rust:slim", "rust:slim", false, null],
      ["copy-from", "xx", "xx", true, 0],
      ["from", "ubuntu:noble", "ubuntu:noble", false, null],
      ["copy-from", "build", "build", true, 1],
    ]);
    assert.deepEqual(
      c.ofKind("from").map((r) => r.platform?.raw),
      ["$BUILDPLATFORM", "$BUILDPLATFORM", "$TARGETPLATFORM"],
    );
  });

  itBoth("every range covers its raw text", python + go + node + java + crossCompiled, (c) => {
    for (const ref of c.refs) assert.equal(c.slice(ref.range), ref.raw);
  });
});
