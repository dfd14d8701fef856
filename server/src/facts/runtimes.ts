/**
 * Runtime and server versions an image is built around, from the version variables official
 * images set in their config Env (PYTHON_VERSION=3.12.13), BusyBox's build line, or, failing
 * those, the image's own `org.opencontainers.image.version` label (traefik). The variable names
 * are the ones docker-library's Dockerfiles use; helper tools (GOSU_VERSION, NJS_VERSION) are left out.
 */
import { Annotation } from "../registry/oci";
import { quoteLine } from "./config";
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
    if (value === undefined || value === "") continue;
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

/**
 * The image's own version label, unless it is the distro's (Ubuntu's base sets
 * org.opencontainers.image.version=24.04, and images built on it inherit the label).
 */
function fromVersionLabel(sources: RuntimeSources): RuntimeFact | undefined {
  const value = sources.labels[Annotation.version]?.trim();
  if (value === undefined || value === "") return undefined;
  if (sources.os.status === "known" && sources.os.version === value) return undefined;
  const name = repositoryName(sources.repository);
  return {
    name,
    version: value,
    evidence: `label ${Annotation.version}=${value} (the ${name} image's own version)`,
  };
}

/** Runtimes found, the one named like the repository first (python:… → python). */
export function deriveRuntimes(sources: RuntimeSources): RuntimeFact[] {
  const found = fromEnv(sources.env);
  const busybox = fromBusyBox(sources.historyLines);
  if (busybox !== undefined) found.push(busybox);
  if (found.length === 0) {
    const labelled = fromVersionLabel(sources);
    if (labelled !== undefined) found.push(labelled);
  }
  const repo = repositoryName(sources.repository);
  const primary = found.findIndex((r) => r.name === repo);
  if (primary > 0) found.unshift(...found.splice(primary, 1));
  return found;
}
