/**
 * Runtime and server versions an image is built around. The one the image is named after comes
 * first, found by docker-library's conventions rather than a list of images:
 *   1. the repository's own version variable in the config Env, spelled from the repository name
 *      (redis → REDIS_VERSION, r-base → R_BASE_VERSION, rakudo-star → rakudo_version,
 *      websphere-liberty → LIBERTY_VERSION, bash → _BASH_VERSION);
 *   2. a well-known variable naming it (PG_VERSION for postgres, OTP_VERSION for erlang);
 *   3. such a version ARG of the image's own build (history `ARG LIBERTY_VERSION=26.0.0.8`), or a
 *      bare VERSION / version ARG or ENV it sets above its base;
 *   4. a version label the image itself set, not one inherited from its base (Ubuntu's
 *      org.opencontainers.image.version=24.04 and UBI's version=9.8 are the base's: see ownBuild.ts);
 *   5. a download of the program named in its own Env or ARG values (flink-2.3.0-bin…tgz,
 *      couchbase-server-enterprise_8.0.2…deb) or fetched by its own RUN line (perl-5.40.0.tar.xz),
 *      or a `version='3.1.1'` set in its own RUN line that names it (registry_${version}_linux…).
 * Then the other runtimes the well-known variables name (PYTHON_VERSION=3.12.13 under an app,
 * JAVA_VERSION), and BusyBox's build line. Helper tools (GOSU_VERSION, NJS_VERSION) are left out.
 * Every fact says which variable, label or history line it came from.
 */
import { Annotation } from "../oci/types";
import { quoteLine } from "./config";
import { baseSetsLabel, instructionOf, ownLines, stripNop } from "./ownBuild";
import { distroOfRepository } from "./os/fromTag";
import { repositoryName } from "./tagTokens";
import type { OsFact, RuntimeFact } from "./types";

interface RuntimeVariable {
  env: string;
  name: string;
  /** Refines the name from the value (JAVA_VERSION=jdk-21.0.5+11 is an Eclipse Temurin release name). */
  nameFor?: (value: string) => string;
}

/** Eclipse Temurin (Adoptium) release names look like "jdk-21.0.5+11" or "jdk8u432-b06". */
function javaName(value: string): string {
  // IBM Semeru's release names are Temurin-like with the OpenJ9 version appended (jdk-21.0.9+10_openj9-0.56.0).
  if (/_openj9-/.test(value)) return "ibm-semeru-runtimes";
  return /^jdk-?\d|^jdk8u/.test(value) ? "eclipse-temurin" : "java";
}

/** In order of preference where several name the same runtime (PG_VERSION before PG_MAJOR). */
export const RUNTIME_VARIABLES: readonly RuntimeVariable[] = [
  { env: "PYTHON_VERSION", name: "python" },
  { env: "PYPY_VERSION", name: "pypy" },
  { env: "NODE_VERSION", name: "node" },
  { env: "YARN_VERSION", name: "yarn" },
  { env: "DENO_VERSION", name: "deno" },
  { env: "GOLANG_VERSION", name: "golang" },
  { env: "JAVA_VERSION", name: "java", nameFor: javaName },
  { env: "RUBY_VERSION", name: "ruby" },
  { env: "JRUBY_VERSION", name: "jruby" },
  { env: "PHP_VERSION", name: "php" },
  { env: "RUST_VERSION", name: "rust" },
  { env: "OTP_VERSION", name: "erlang" },
  { env: "ELIXIR_VERSION", name: "elixir" },
  { env: "JULIA_VERSION", name: "julia" },
  { env: "SWIFT_VERSION", name: "swift" },
  { env: "GCC_VERSION", name: "gcc" },
  { env: "R_BASE_VERSION", name: "r-base" },
  { env: "GROOVY_VERSION", name: "groovy" },
  { env: "MAVEN_VERSION", name: "maven" },
  { env: "GRADLE_VERSION", name: "gradle" },
  { env: "DOTNET_VERSION", name: "dotnet" },
  { env: "ASPNET_VERSION", name: "aspnetcore" },
  { env: "NGINX_VERSION", name: "nginx" },
  { env: "HTTPD_VERSION", name: "httpd" },
  { env: "TOMCAT_VERSION", name: "tomcat" },
  { env: "JETTY_VERSION", name: "jetty" },
  { env: "HAPROXY_VERSION", name: "haproxy" },
  { env: "CADDY_VERSION", name: "caddy" },
  { env: "KONG_VERSION", name: "kong" },
  { env: "PG_VERSION", name: "postgres" },
  { env: "PG_MAJOR", name: "postgres" },
  { env: "MYSQL_VERSION", name: "mysql" },
  { env: "MYSQL_MAJOR", name: "mysql" },
  { env: "MARIADB_VERSION", name: "mariadb" },
  { env: "MONGO_VERSION", name: "mongo" },
  { env: "MONGO_MAJOR", name: "mongo" },
  { env: "REDIS_VERSION", name: "redis" },
  { env: "MEMCACHED_VERSION", name: "memcached" },
  { env: "RABBITMQ_VERSION", name: "rabbitmq" },
  { env: "CASSANDRA_VERSION", name: "cassandra" },
  { env: "COUCHDB_VERSION", name: "couchdb" },
  { env: "INFLUXDB_VERSION", name: "influxdb" },
  { env: "SOLR_VERSION", name: "solr" },
  { env: "DOCKER_VERSION", name: "docker" },
  { env: "GHOST_VERSION", name: "ghost" },
  { env: "WORDPRESS_VERSION", name: "wordpress" },
  { env: "DRUPAL_VERSION", name: "drupal" },
  { env: "NEXTCLOUD_VERSION", name: "nextcloud" },
  { env: "ODOO_VERSION", name: "odoo" },
  { env: "LEIN_VERSION", name: "leiningen" },
  { env: "NATS_SERVER", name: "nats" },
  { env: "CLOJURE_VERSION", name: "clojure" },
  // ROS images name their release (jazzy, humble) rather than a number.
  { env: "ROS_DISTRO", name: "ros" },
];

export interface RuntimeSources {
  env: ReadonlyMap<string, string>;
  labels: Readonly<Record<string, string>>;
  historyLines: readonly string[];
  repository: string;
  os: OsFact;
}

function fromEnv(env: ReadonlyMap<string, string>): RuntimeFact[] {
  const found: RuntimeFact[] = [];
  for (const v of RUNTIME_VARIABLES) {
    const value = env.get(v.env)?.trim();
    if (value === undefined || !usableValue(value)) continue;
    const name = v.nameFor?.(value) ?? v.name;
    if (found.some((r) => r.name === name || (v.nameFor !== undefined && r.name === v.name))) continue;
    found.push({ name, version: value, evidence: `config Env ${v.env}=${value}` });
  }
  return found;
}

function fromBusyBox(lines: readonly string[]): RuntimeFact | undefined {
  for (const line of lines) {
    const m = /\bBusyBox v?(\d+(?:\.\d+)+) \(/.exec(line);
    if (m?.[1] !== undefined)
      return { name: "busybox", version: m[1], evidence: `config history ${quoteLine(line, "BusyBox")}` };
  }
  return undefined;
}

/** A value that states a version: not empty, not an unexpanded "$VAR", not a URL or path. */
function usableValue(value: string): boolean {
  return value !== "" && !/[$\s/]/.test(value) && value.length <= 64;
}

/**
 * The stems a repository's version variable is spelled with: the name with hyphens (and dots) as
 * underscores, run together, and each part of a compound name ("websphere-liberty" → LIBERTY,
 * "rakudo-star" → RAKUDO). Matched case-insensitively, with an optional leading underscore.
 */
export function versionStems(repository: string): string[] {
  const name = repositoryName(repository).toUpperCase();
  const parts = name.split(/[-_.]+/).filter((p) => p !== "");
  const whole = parts.join("_");
  const stems = [
    whole,
    parts.join(""),
    ...(parts.length > 1 ? parts.filter((p) => p.length >= 4) : []),
    // arangodb → ARANGO_VERSION: a database named "<x>db" often spells its variable without the "db".
    ...(/^[A-Z]{4,}DB$/.test(whole) ? [whole.slice(0, -2)] : []),
  ];
  return [...new Set(stems)];
}

function stemPattern(repository: string): RegExp {
  const stems = versionStems(repository).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^_?(?:${stems.join("|")})_VERSION$`, "i");
}

/** 1. The repository's own `<NAME>_VERSION` in the config Env. */
function ownVersionVariable(sources: RuntimeSources, name: string): RuntimeFact | undefined {
  const pattern = stemPattern(sources.repository);
  for (const [key, raw] of sources.env) {
    const value = raw.trim();
    if (pattern.test(key) && usableValue(value)) {
      return { name, version: value, evidence: `config Env ${key}=${value}` };
    }
  }
  return undefined;
}

/** `ARG K=V` / `ENV K=V` pairs of one history line (buildkit and classic-builder forms). */
function assignments(line: string, instruction: "ARG" | "ENV"): [string, string][] {
  const clean = stripNop(line);
  if (instructionOf(clean) !== instruction) return [];
  const body = clean.slice(instruction.length).trim();
  const pairs: [string, string][] = [];
  for (const m of body.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)) {
    if (m[1] !== undefined && m[2] !== undefined) pairs.push([m[1], m[2].replace(/^(["'])(.*)\1$/, "$2")]);
  }
  return pairs;
}

/**
 * 3. A version ARG of the image's own build (`ARG LIBERTY_VERSION=26.0.0.8`, amazoncorretto's
 * `ARG version=1.8.0_502.b07-1`), or a bare `ENV VERSION=2.0.15` its own build sets (eclipse-mosquitto):
 * a bare VERSION counts only above the base, where no parent image can have set it.
 */
function ownVersionArg(sources: RuntimeSources, name: string): RuntimeFact | undefined {
  const pattern = stemPattern(sources.repository);
  for (const line of ownLines(sources.historyLines)) {
    for (const [key, value] of [...assignments(line, "ARG"), ...assignments(line, "ENV")]) {
      if ((pattern.test(key) || /^version$/i.test(key)) && usableValue(value)) {
        return { name, version: value, evidence: `config history ${quoteLine(line, key)}` };
      }
    }
  }
  return undefined;
}

/** Version labels, most specific first; `<stem>.version` keys (liberty.version) are found by name. */
const VERSION_LABELS: readonly string[] = [Annotation.version, "org.label-schema.version"];

/**
 * 4. A version label the image set itself: not set to the same value by its base's LABEL lines,
 * and not the base OS's own version (a squashed history shows no base lines).
 */
function ownVersionLabel(sources: RuntimeSources, name: string): RuntimeFact | undefined {
  // A distro's own image labels its OS release (archlinux: 20260823.0.578598), not a program's.
  const distro = distroOfRepository(sources.repository);
  if (distro !== undefined && sources.os.status === "known" && sources.os.distro === distro) return undefined;
  const stems = versionStems(sources.repository).map((s) => s.toLowerCase());
  const keys = Object.keys(sources.labels);
  const candidates = [
    ...VERSION_LABELS,
    ...keys.filter((k) =>
      stems.some((s) => k.toLowerCase() === `${s}.version` || k.toLowerCase().endsWith(`.${s}.version`)),
    ),
    "version",
  ];
  for (const key of candidates) {
    const value = sources.labels[key]?.trim();
    if (value === undefined || !usableValue(value)) continue;
    if (sources.os.status === "known" && sources.os.version === value) continue;
    if (baseSetsLabel(sources.historyLines, key, value)) continue;
    return { name, version: value, evidence: `label ${key}=${value} (the ${name} image's own version)` };
  }
  return undefined;
}

/** `flink-2.3.0`, `couchbase-server-enterprise_8.0.2`, `apache-zookeeper-3.9.3-bin`: the program's own download. */
function artifactPattern(repository: string): RegExp {
  const name = repositoryName(repository)
    .split(/[-_.]+/)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[-_.]");
  return new RegExp(`(?<![\\w.])${name}(?:[-_][a-z][a-z0-9]*)*[-_]v?(\\d+(?:\\.\\d+)+)(?![\\d])`, "i");
}

/** 5a. The program's download named in an ARG of its own build or an Env value (PATH last). */
function ownArtifact(sources: RuntimeSources, name: string): RuntimeFact | undefined {
  const pattern = artifactPattern(sources.repository);
  for (const line of ownLines(sources.historyLines)) {
    for (const [key, value] of assignments(line, "ARG")) {
      const m = pattern.exec(value);
      if (m?.[1] !== undefined) {
        return { name, version: m[1], evidence: `config history ${quoteLine(line, key)} names ${m[0]}` };
      }
    }
  }
  const env = [...sources.env].sort(([a], [b]) => Number(a === "PATH") - Number(b === "PATH"));
  for (const [key, value] of env) {
    const m = pattern.exec(value);
    if (m?.[1] !== undefined) {
      return { name, version: m[1], evidence: `config Env ${key} names ${m[0]}` };
    }
  }
  // A RUN line of its own build that fetches the program's archive (perl-5.40.0.tar.xz).
  const archive = new RegExp(
    `${pattern.source}[^\\s"'/]*?\\.(?:tar\\.(?:gz|xz|bz2|zst)|tgz|txz|zip|deb|rpm|jar)\\b`,
    "i",
  );
  for (const line of ownLines(sources.historyLines)) {
    if (instructionOf(line) !== "RUN") continue;
    const m = archive.exec(line);
    if (m?.[1] !== undefined) {
      return { name, version: m[1], evidence: `config history: a RUN line fetches ${m[0]}` };
    }
  }
  return undefined;
}

/** 5b. `version='3.1.1'` (or `<NAME>_VERSION=…`) set in an own RUN line that also names the program. */
function ownShellVersion(sources: RuntimeSources, name: string): RuntimeFact | undefined {
  const stems = versionStems(sources.repository).join("|");
  const assignment = new RegExp(
    `(?:^|[\\s;&(])(?:_?(?:${stems})_)?version=(["']?)(\\d[\\w.+~-]*)\\1(?=[\\s;&)]|$)`,
    "i",
  );
  const program = repositoryName(sources.repository);
  for (const line of ownLines(sources.historyLines)) {
    if (instructionOf(line) !== "RUN") continue;
    const m = assignment.exec(line);
    if (m?.[2] === undefined) continue;
    const rest = line.slice(m.index + m[0].length).toLowerCase();
    if (!rest.includes(program)) continue;
    const at = m[0].trim().replace(/^[;&(]/, "");
    return { name, version: m[2], evidence: `config history: a RUN line naming ${program} sets ${at}` };
  }
  return undefined;
}

/** The version of the program the repository is named after, by the conventions above. */
function repositoryRuntime(
  sources: RuntimeSources,
  fromVariables: readonly RuntimeFact[],
): RuntimeFact | undefined {
  const name = repositoryName(sources.repository);
  return (
    ownVersionVariable(sources, name) ??
    fromVariables.find((r) => r.name === name) ??
    ownVersionArg(sources, name) ??
    ownVersionLabel(sources, name) ??
    ownArtifact(sources, name) ??
    ownShellVersion(sources, name)
  );
}

/** Runtimes found, the one named like the repository first (python:… → python). */
export function deriveRuntimes(sources: RuntimeSources): RuntimeFact[] {
  const found = fromEnv(sources.env);
  const busybox = fromBusyBox(sources.historyLines);
  if (busybox !== undefined) found.push(busybox);
  const own = repositoryRuntime(sources, found);
  if (own === undefined) return found;
  return [own, ...found.filter((r) => r !== own && r.name !== own.name)];
}
