import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import type { RuntimeFact } from "../../../server/src/facts/types";
import { NOW, input, type ImageSpec } from "./helpers";

function runtimesOf(spec: ImageSpec): RuntimeFact[] {
  return deriveFacts(input(spec), NOW).runtimes;
}

const brief = (r: RuntimeFact[]): string[] => r.map((x) => `${x.name} ${x.version}`);

describe("runtimes", () => {
  const cases: readonly [string, Record<string, string>, string][] = [
    ["python", { PYTHON_VERSION: "3.12.13" }, "python 3.12.13"],
    ["node", { NODE_VERSION: "22.11.0" }, "node 22.11.0"],
    ["golang", { GOLANG_VERSION: "1.26.5" }, "golang 1.26.5"],
    ["ruby", { RUBY_VERSION: "3.3.6" }, "ruby 3.3.6"],
    ["php", { PHP_VERSION: "8.5.9" }, "php 8.5.9"],
    ["rust", { RUST_VERSION: "1.97.1" }, "rust 1.97.1"],
    ["nginx", { NGINX_VERSION: "1.31.3" }, "nginx 1.31.3"],
    ["redis", { REDIS_VERSION: "8.10.2" }, "redis 8.10.2"],
    ["httpd", { HTTPD_VERSION: "2.4.68" }, "httpd 2.4.68"],
    ["mysql", { MYSQL_MAJOR: "9.1", MYSQL_VERSION: "9.1.0-1.el9" }, "mysql 9.1.0-1.el9"],
    ["mariadb", { MARIADB_VERSION: "1:12.3.2+maria~ubu2404" }, "mariadb 1:12.3.2+maria~ubu2404"],
    ["mongo", { MONGO_MAJOR: "8.3", MONGO_VERSION: "8.3.9" }, "mongo 8.3.9"],
    ["postgres", { PG_MAJOR: "17", PG_VERSION: "17.11-1.pgdg13+2" }, "postgres 17.11-1.pgdg13+2"],
  ];
  for (const [image, env, expected] of cases) {
    it(`reads ${Object.keys(env).join(" / ")} for ${image}`, () => {
      const r = runtimesOf({ repository: `library/${image}`, env });
      assert.deepEqual(brief(r), [expected]);
      assert.match(r[0]?.evidence ?? "", /^config Env [A-Z_]+=/);
    });
  }

  it("falls back to PG_MAJOR when PG_VERSION is missing", () => {
    assert.deepEqual(brief(runtimesOf({ env: { PG_MAJOR: "16" } })), ["postgres 16"]);
  });

  it("names Temurin's JAVA_VERSION release names eclipse-temurin, and plain versions java", () => {
    assert.deepEqual(brief(runtimesOf({ env: { JAVA_VERSION: "jdk-21.0.5+11" } })), [
      "eclipse-temurin jdk-21.0.5+11",
    ]);
    assert.deepEqual(brief(runtimesOf({ env: { JAVA_VERSION: "jdk8u432-b06" } })), [
      "eclipse-temurin jdk8u432-b06",
    ]);
    assert.deepEqual(brief(runtimesOf({ env: { JAVA_VERSION: "17.0.2" } })), ["java 17.0.2"]);
  });

  it("leaves helper tools out (GOSU_VERSION, NJS_VERSION)", () => {
    assert.deepEqual(
      brief(runtimesOf({ env: { GOSU_VERSION: "1.19", NJS_VERSION: "1.0.1", NGINX_VERSION: "1.31.6" } })),
      ["nginx 1.31.6"],
    );
  });

  it("lists the runtime named like the repository first", () => {
    const r = runtimesOf({
      repository: "library/node",
      env: { PYTHON_VERSION: "3.11.2", NODE_VERSION: "22.11.0", YARN_VERSION: "1.22.22" },
    });
    assert.deepEqual(brief(r), ["node 22.11.0", "python 3.11.2", "yarn 1.22.22"]);
  });

  it("reads BusyBox's version from its build line", () => {
    const r = runtimesOf({ history: ["RUN BusyBox 1.38.0 (musl), Alpine 3.23.5"] });
    assert.deepEqual(brief(r), ["busybox 1.38.0"]);
    assert.match(r[0]?.evidence ?? "", /BusyBox 1\.38\.0/);
  });

  it("uses the image's own version label when no Env names a runtime (traefik)", () => {
    const r = runtimesOf({
      repository: "library/traefik",
      labels: { "org.opencontainers.image.version": "v3.7.13" },
    });
    assert.deepEqual(brief(r), ["traefik v3.7.13"]);
    assert.match(r[0]?.evidence ?? "", /^label org\.opencontainers\.image\.version=v3\.7\.13/);
  });

  it("does not mistake Ubuntu's inherited version label for a runtime", () => {
    const r = runtimesOf({
      repository: "library/ubuntu",
      history: ["ARG LAUNCHPAD_BUILD_ARCH", "LABEL org.opencontainers.image.version=24.04"],
      labels: { "org.opencontainers.image.version": "24.04" },
    });
    assert.deepEqual(r, []);
  });
});
