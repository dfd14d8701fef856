/**
 * Docker Official Image names, for `lookalike-image`, `unknown-repository` ("did you mean") and
 * `diverges-from-official`.
 *
 * OFFICIAL_IMAGES is the complete list of files in docker-library/official-images `library/`
 * (https://github.com/docker-library/official-images/tree/master/library) at commit
 * 37079fb336f572a88700cf32e5e1f6be54a04e8f (2026-08-21): one file per Official Image.
 * RETIRED_OFFICIAL_IMAGES are the names whose `library/` file that repository has since deleted
 * (`git log --diff-filter=D -- library/`): deprecated images that still live in Docker Hub's
 * `library/` namespace, which only Docker can publish to, so they are never lookalikes.
 *
 * POPULAR_OFFICIAL_IMAGES is hand-picked from OFFICIAL_IMAGES: the base OSes, language runtimes
 * and build tools, web servers, databases and queues that FROM lines most often name. It is a
 * judgement, not a ranking: Docker Hub publishes pull counts per repository, but this list was
 * made without access to Hub, so no count decided it. A name here is what typosquatters imitate;
 * keep the list short (about 60), because every name in it widens what `lookalike-image` flags.
 */

export const POPULAR_OFFICIAL_IMAGES: readonly string[] = [
  // Base operating systems
  "alpine",
  "ubuntu",
  "debian",
  "busybox",
  "fedora",
  "amazonlinux",
  "oraclelinux",
  "rockylinux",
  "almalinux",
  "archlinux",
  "photon",
  // Language runtimes and build tools
  "python",
  "node",
  "golang",
  "openjdk",
  "eclipse-temurin",
  "amazoncorretto",
  "ruby",
  "php",
  "rust",
  "perl",
  "gcc",
  "erlang",
  "elixir",
  "haskell",
  "julia",
  "swift",
  "dart",
  "clojure",
  "groovy",
  "gradle",
  "maven",
  "pypy",
  "r-base",
  "bash",
  "composer",
  "buildpack-deps",
  "docker",
  // Web servers and proxies
  "nginx",
  "httpd",
  "tomcat",
  "traefik",
  "haproxy",
  "caddy",
  "varnish",
  "jetty",
  // Databases, caches, queues and search
  "postgres",
  "mysql",
  "mariadb",
  "mongo",
  "redis",
  "memcached",
  "cassandra",
  "couchdb",
  "elasticsearch",
  "rabbitmq",
  "zookeeper",
  "influxdb",
  "neo4j",
  "solr",
  // Applications
  "registry",
  "wordpress",
  "nextcloud",
  "ghost",
  "sonarqube",
];

// prettier-ignore
export const OFFICIAL_IMAGES: readonly string[] = [
  "adminer", "aerospike", "almalinux", "alpine", "alt", "amazoncorretto", "amazonlinux",
  "api-firewall", "arangodb", "archlinux", "azul-zulu", "backdrop", "bash", "bonita",
  "buildpack-deps", "busybox", "caddy", "cassandra", "chronograf", "cirros", "clearlinux",
  "clefos", "clickhouse", "clojure", "composer", "convertigo", "couchbase", "couchdb", "crate",
  "dart", "debian", "docker", "drupal", "eclipse-mosquitto", "eclipse-temurin", "eggdrop",
  "elasticsearch", "elixir", "emqx", "erlang", "espocrm", "fedora", "flink", "fluentd",
  "friendica", "gazebo", "gcc", "geonetwork", "ghost", "golang", "gradle", "groovy", "haproxy",
  "haskell", "haxe", "hello-world", "hitch", "httpd", "hylang", "ibm-semeru-runtimes", "ibmjava",
  "influxdb", "irssi", "jetty", "joomla", "jruby", "julia", "kapacitor", "kibana", "kong",
  "krakend", "lightstreamer", "liquibase", "logstash", "mageia", "mariadb", "matomo", "maven",
  "mediawiki", "memcached", "mongo", "mongo-express", "monica", "mysql", "nats", "neo4j",
  "neurodebian", "nextcloud", "nginx", "nim", "node", "notary", "odoo", "open-liberty", "openjdk",
  "oraclelinux", "orientdb", "percona", "perl", "photon", "php", "php-zendserver", "phpmyadmin",
  "plone", "postfixadmin", "postgres", "pypy", "python", "r-base", "rabbitmq", "rakudo-star",
  "redis", "redmine", "registry", "rethinkdb", "rocket.chat", "rockylinux", "ros", "ruby", "rust",
  "sapmachine", "satosa", "silverpeas", "solr", "sonarqube", "spark", "spiped", "storm", "swift",
  "swipl", "teamspeak", "telegraf", "tomcat", "tomee", "traefik", "ubuntu", "unit", "varnish",
  "websphere-liberty", "wordpress", "xwiki", "yourls", "znc", "zookeeper",
];

// prettier-ignore
export const RETIRED_OFFICIAL_IMAGES: readonly string[] = [
  "adoptopenjdk", "celery", "centos", "consul", "couchdb-nouveau", "crux", "django", "docker-dev",
  "euleros", "express-gateway", "fsharp", "glassfish", "hello-seattle", "hipache", "hola-mundo",
  "iojs", "java", "jenkins", "jobber", "kaazing-gateway", "known", "lightstreamer-server", "mono",
  "mosquitto", "nats-streaming", "notary-server", "notary-signer", "nuxeo", "opensuse", "owncloud",
  "piwik", "rails", "rapidoid", "sentry", "sl", "sourcemage", "swarm", "thrift",
  "ubuntu-debootstrap", "ubuntu-upstart", "vault", "zend-php",
];

const ALL_OFFICIAL: ReadonlySet<string> = new Set([...OFFICIAL_IMAGES, ...RETIRED_OFFICIAL_IMAGES]);

/** True for a name that is (or was) a Docker Official Image: `library/<name>` on Docker Hub. */
export function isOfficialImage(name: string): boolean {
  return ALL_OFFICIAL.has(name);
}
