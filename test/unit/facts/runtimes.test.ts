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

/** Ubuntu's Launchpad base as repo-info shows it: its version label is the base's, not the program's. */
const UBUNTU_BASE = [
  "ARG RELEASE",
  "ARG LAUNCHPAD_BUILD_ARCH",
  "LABEL org.opencontainers.image.version=24.04",
  "ADD file:cb9335ce6f27399c2b17787739d6675502767c53e0335ded2a5f0d003d996650 in /",
  'CMD ["/bin/bash"]',
];

/** Red Hat UBI 9's base: its LABEL line sets name and version, which images on top may override. */
const UBI9_BASE = [
  'LABEL com.redhat.component="ubi9-minimal-container"       name="ubi9/ubi-minimal"       version="9.8"       cpe="cpe:/a:redhat:enterprise_linux:9::appstream"',
  "ENV container oci",
  "COPY dir:7d4e1add6b136709dfd81a23f253956035f58d34c5d236b96fba89c53c087ca2 in /",
  'CMD ["/bin/bash"]',
];

const ALPINE_BASE = ["ADD alpine-minirootfs-3.24.2-x86_64.tar.gz / # buildkit", 'CMD ["/bin/sh"]'];

describe("runtimes by docker-library convention (no list of images)", () => {
  it("puts the repository's own <NAME>_VERSION first, before the parent image's interpreter", () => {
    const r = runtimesOf({
      repository: "library/adminer",
      env: { PHP_VERSION: "8.4.26", ADMINER_VERSION: "6.1.0", GOSU_VERSION: "1.19" },
    });
    assert.deepEqual(brief(r), ["adminer 6.1.0", "php 8.4.26"]);
    assert.equal(r[0]?.evidence, "config Env ADMINER_VERSION=6.1.0");
  });

  it("reads a version variable no list names, for any repository", () => {
    for (const [repository, key, value] of [
      ["library/emqx", "EMQX_VERSION", "5.8.8"],
      ["library/spiped", "SPIPED_VERSION", "1.6.4"],
      ["someone/my-tool", "MY_TOOL_VERSION", "0.3.1"],
    ] as const) {
      const r = runtimesOf({ repository, env: { [key]: value } });
      assert.deepEqual(brief(r), [`${repository.split("/")[1] ?? ""} ${value}`]);
      assert.equal(r[0]?.evidence, `config Env ${key}=${value}`);
    }
  });

  it("spells the variable the ways docker-library does: hyphens as underscores, parts, lower case, a leading _", () => {
    const cases: readonly [string, Record<string, string>, string][] = [
      ["library/r-base", { R_BASE_VERSION: "4.5.1-1" }, "r-base 4.5.1-1"],
      ["library/rakudo-star", { rakudo_version: "2026.06-01" }, "rakudo-star 2026.06-01"],
      ["library/bash", { _BASH_COMMIT: "81ddb647", _BASH_VERSION: "devel-20260828" }, "bash devel-20260828"],
    ];
    for (const [repository, env, expected] of cases) {
      assert.deepEqual(brief(runtimesOf({ repository, env })), [expected], repository);
    }
  });

  it("reads a version ARG of the image's own build, and a bare VERSION set above its base", () => {
    const liberty = runtimesOf({
      repository: "library/websphere-liberty",
      history: [...UBUNTU_BASE, "ENV JAVA_VERSION=8.0.8.70", "ARG LIBERTY_VERSION=26.0.0.8"],
      env: { JAVA_VERSION: "8.0.8.70" },
      labels: { "org.opencontainers.image.version": "24.04" },
    });
    assert.deepEqual(brief(liberty), ["websphere-liberty 26.0.0.8", "java 8.0.8.70"]);
    assert.equal(liberty[0]?.evidence, 'config history "ARG LIBERTY_VERSION=26.0.0.8"');

    const mosquitto = runtimesOf({
      repository: "library/eclipse-mosquitto",
      history: ["ADD file:ceeb6e8632fafc65 in / ", 'CMD ["/bin/sh"]', "ENV VERSION=2.0.15 LWS_VERSION=4.2.1"],
      env: { VERSION: "2.0.15", LWS_VERSION: "4.2.1" },
    });
    assert.deepEqual(brief(mosquitto), ["eclipse-mosquitto 2.0.15"]);
  });

  it("does not read a bare VERSION the base set", () => {
    const r = runtimesOf({
      repository: "library/example",
      history: ["ENV VERSION=3.1", "ADD file:abc in /", 'CMD ["sh"]', "RUN true"],
      env: { VERSION: "3.1" },
    });
    assert.deepEqual(r, []);
  });

  it("uses a version label the image set itself, not the one its Ubuntu base set", () => {
    const own = runtimesOf({
      repository: "library/elasticsearch",
      history: [...UBUNTU_BASE, "LABEL org.opencontainers.image.version=8.19.22"],
      labels: { "org.opencontainers.image.version": "8.19.22" },
    });
    assert.deepEqual(brief(own), ["elasticsearch 8.19.22"]);
    assert.match(own[0]?.evidence ?? "", /^label org\.opencontainers\.image\.version=8\.19\.22/);

    const inherited = runtimesOf({
      repository: "library/couchbase",
      history: [...UBUNTU_BASE, "LABEL maintainer=docker@couchbase.com"],
      labels: { "org.opencontainers.image.version": "24.04", maintainer: "docker@couchbase.com" },
    });
    assert.deepEqual(inherited, [], "24.04 is the Ubuntu base's label");
  });

  it("reads an image's own `version` label over UBI's, and never UBI's own", () => {
    const kibana = runtimesOf({
      repository: "library/kibana",
      history: [...UBI9_BASE, "LABEL name=Kibana maintainer=infra@elastic.co vendor=Elastic version=9.5.3"],
      labels: { "com.redhat.component": "ubi9-minimal-container", name: "Kibana", version: "9.5.3" },
    });
    assert.deepEqual(brief(kibana), ["kibana 9.5.3"]);
    assert.match(kibana[0]?.evidence ?? "", /^label version=9\.5\.3/);

    const untouched = runtimesOf({
      repository: "library/some-app",
      history: [...UBI9_BASE, "RUN microdnf install -y tar"],
      labels: { "com.redhat.component": "ubi9-minimal-container", name: "ubi9/ubi-minimal", version: "9.8" },
    });
    assert.deepEqual(untouched, [], "version=9.8 is the UBI base's label");
  });

  it("reads a `<name>.version` label the image set (liberty.version)", () => {
    const r = runtimesOf({
      repository: "library/open-liberty",
      history: [...UBUNTU_BASE, "LABEL liberty.version=26.0.0.8"],
      labels: { "org.opencontainers.image.version": "24.04", "liberty.version": "26.0.0.8" },
    });
    assert.deepEqual(brief(r), ["open-liberty 26.0.0.8"]);
  });

  it("reads the program's download named in an Env value or an own ARG", () => {
    const flink = runtimesOf({
      repository: "library/flink",
      history: [...UBUNTU_BASE],
      env: {
        JAVA_VERSION: "jdk-17.0.20+8",
        FLINK_TGZ_URL: "https://dlcdn.apache.org/flink/flink-2.3.0/flink-2.3.0-bin-scala_2.12.tgz",
      },
      labels: { "org.opencontainers.image.version": "24.04" },
    });
    assert.deepEqual(brief(flink), ["flink 2.3.0", "eclipse-temurin jdk-17.0.20+8"]);
    assert.equal(flink[0]?.evidence, "config Env FLINK_TGZ_URL names flink-2.3.0");

    const couchbase = runtimesOf({
      repository: "library/couchbase",
      history: [
        ...UBUNTU_BASE,
        "ARG CB_RELEASE_URL=https://packages.couchbase.com/releases/8.0.2",
        "ARG CB_PACKAGE=couchbase-server-enterprise_8.0.2-linux_@@ARCH@@.deb",
      ],
      labels: { "org.opencontainers.image.version": "24.04" },
    });
    assert.deepEqual(brief(couchbase), ["couchbase 8.0.2"]);
    assert.match(couchbase[0]?.evidence ?? "", /ARG CB_PACKAGE=couchbase-server-enterprise_8\.0\.2/);
  });

  it("reads a version= its own RUN line sets, only when that line names the program", () => {
    const registry = runtimesOf({
      repository: "library/registry",
      history: [
        ...ALPINE_BASE,
        "RUN set -eux; version='3.1.1'; url=\"https://github.com/distribution/distribution/releases/download/v${version}/registry_${version}_linux_${arch}.tar.gz\"",
      ],
    });
    assert.deepEqual(brief(registry), ["registry 3.1.1"]);
    assert.match(registry[0]?.evidence ?? "", /version='3\.1\.1'/);

    const unrelated = runtimesOf({
      repository: "library/registry",
      history: [
        ...ALPINE_BASE,
        "RUN set -eux; version='1.2'; curl -fsSL https://example.org/tool-${version}.tgz",
      ],
    });
    assert.deepEqual(unrelated, []);
  });

  it("reads the program's archive fetched by its own RUN line (perl), never another program's", () => {
    const debianBase = ["# debian.sh --arch 'amd64' out/ 'trixie' '@1787529600'"];
    const perl = runtimesOf({
      repository: "library/perl",
      history: [
        ...debianBase,
        "WORKDIR /usr/src/perl",
        "RUN true     && curl -fL https://www.cpan.org/src/5.0/perl-5.42.0.tar.xz -o perl-5.42.0.tar.xz     && tar --strip-components=1 -xaf perl-5.42.0.tar.xz -C /usr/src/perl",
      ],
    });
    assert.deepEqual(brief(perl), ["perl 5.42.0"]);
    assert.equal(perl[0]?.evidence, "config history: a RUN line fetches perl-5.42.0.tar.xz");

    const other = runtimesOf({
      repository: "library/perl",
      history: [...debianBase, "RUN curl -fL https://example.org/cpanminus-1.7047.tar.gz -o c.tgz"],
    });
    assert.deepEqual(other, []);
  });

  it("spells <x>db databases without the db (ARANGO_VERSION) and names Semeru's JAVA_VERSION", () => {
    assert.deepEqual(
      brief(runtimesOf({ repository: "library/arangodb", env: { ARANGO_VERSION: "3.12.4" } })),
      ["arangodb 3.12.4"],
    );
    assert.deepEqual(
      brief(
        runtimesOf({
          repository: "library/ibm-semeru-runtimes",
          env: { JAVA_VERSION: "jdk-21.0.9+10_openj9-0.56.0" },
        }),
      ),
      ["ibm-semeru-runtimes jdk-21.0.9+10_openj9-0.56.0"],
    );
    assert.deepEqual(brief(runtimesOf({ repository: "library/nats", env: { NATS_SERVER: "2.11.8" } })), [
      "nats 2.11.8",
    ]);
  });

  it("reads ROS_DISTRO and Leiningen's LEIN_VERSION", () => {
    assert.deepEqual(brief(runtimesOf({ repository: "library/ros", env: { ROS_DISTRO: "jazzy" } })), [
      "ros jazzy",
    ]);
    assert.deepEqual(
      brief(runtimesOf({ repository: "library/clojure", env: { LEIN_VERSION: "2.13.0", LEIN_ROOT: "1" } })),
      ["leiningen 2.13.0"],
    );
  });

  it("claims nothing for a distro or toolchain image (archlinux's version label is the OS's)", () => {
    const r = runtimesOf({
      repository: "library/archlinux",
      tag: "base-devel",
      history: [
        "LABEL org.opencontainers.image.version=20260823.0.578598",
        "COPY /rootfs/ / # buildkit",
        "RUN ldconfig &&     sed -i '/BUILD_ID/a VERSION_ID=20260823.0.578598' /etc/os-release # buildkit",
        'CMD ["/usr/bin/bash"]',
      ],
      labels: { "org.opencontainers.image.version": "20260823.0.578598" },
    });
    assert.deepEqual(r, []);

    const squashed = runtimesOf({
      repository: "library/archlinux",
      tag: "latest",
      labels: { "org.opencontainers.image.version": "20260901.0.580000" },
    });
    assert.deepEqual(squashed, [], "a distro image's version label is its OS release");
  });
});
