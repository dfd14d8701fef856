/**
 * Images built in memory for tests: real gzip'd tar layers, configs with real-looking Env /
 * history / labels, image manifests per platform, an OCI index or Docker manifest list, and
 * optional BuildKit-style attestation manifests. pushImage() uploads one through the registry
 * API (blobs, then manifests by digest, then the top manifest by tag).
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MediaType } from "../../server/src/oci/types";
import type {
  Descriptor,
  HistoryEntry,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  Platform,
} from "../../server/src/oci/types";
import { basicAuthHeader } from "./http";
import { createTar } from "./tar";
import { fetchTrusting } from "./tls";

export { presetFromRealdata, realdataRecord, realdataRecords } from "./realdata";
export type { RealdataPreset, RealdataRecord } from "./realdata";

export const LayerMediaType = {
  ociGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  inToto: "application/vnd.in-toto+json",
} as const;

export type ImageFormat = "oci" | "docker";

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
  /** Platform `os.version` (Windows images). */
  osVersion?: string;
  /** Config Env as "K=V"; default: a Linux PATH. */
  env?: string[];
  labels?: Record<string, string>;
  /**
   * Config history. One layer is made per entry without `empty_layer` (at least one layer),
   * as Docker requires; default: an "ADD … # buildkit" entry (+ CMD when `cmd` is set).
   */
  history?: HistoryEntry[];
  /** Config `created`; default 2026-08-01T00:00:00Z. */
  created?: string;
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  /** Files of the first (base) layer, path → content, e.g. { "etc/os-release": "ID=debian\n…" }. */
  layerFiles?: Record<string, string | Buffer>;
  /** Image-manifest annotations (e.g. org.opencontainers.image.base.name). OCI only. */
  annotations?: Record<string, string>;
  /** Annotations on this platform's index entry (where Docker Official Images put source, revision, base). */
  entryAnnotations?: Record<string, string>;
}

export interface BuildImageOptions {
  format: ImageFormat;
  platforms: PlatformSpec[];
  /** Add a BuildKit attestation manifest (platform unknown/unknown) after each platform. */
  attestation?: boolean;
  /**
   * The in-toto statements of each attestation manifest (one layer each, annotated with its
   * predicate type), instead of the default minimal SLSA v0.2 provenance. `bytes` overrides the
   * JSON encoding (e.g. to make a statement too large or malformed).
   */
  attestationStatements?: (
    subject: BuiltManifest,
  ) => { predicateType: string; statement?: unknown; bytes?: Buffer }[];
  /** Index annotations (or manifest annotations when `single`). */
  annotations?: Record<string, string>;
  /** A single image manifest, no index (needs exactly one platform). */
  single?: boolean;
}

/** Any content-addressed document or blob. */
export interface BuiltBlob {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Buffer;
}

export interface BuiltConfig extends BuiltBlob {
  json: ImageConfig;
}

export interface BuiltLayer extends BuiltBlob {
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  /** Files in the layer. */
  files: Record<string, string | Buffer>;
}

export interface BuiltManifest extends BuiltBlob {
  json: ImageManifest;
  /** unknown/unknown for attestation manifests. */
  platform: Platform;
  attestation: boolean;
  config: BuiltConfig;
  layers: BuiltLayer[];
  /** Its descriptor as listed in the index (with platform and annotations). */
  descriptor: Descriptor;
}

export interface BuiltIndex extends BuiltBlob {
  json: ImageIndex;
}

export interface BuiltImage {
  format: ImageFormat;
  /** The OCI index / Docker manifest list (absent for `single`). */
  index?: BuiltIndex;
  /** Image manifests in index order (attestations included). */
  manifests: BuiltManifest[];
  /** Config blobs, one per manifest, in the same order. */
  configs: BuiltConfig[];
  /** Every non-manifest blob (configs + layers) by digest. */
  blobs: Map<string, Buffer>;
  /** Every manifest document (index included) by digest. */
  manifestsByDigest: Map<string, { mediaType: string; bytes: Buffer }>;
  /** Digest / media type / bytes of the top manifest (index, or the single manifest). */
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export function sha256(data: Buffer | string): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

function blob(bytes: Buffer, mediaType: string): BuiltBlob {
  return { digest: sha256(bytes), size: bytes.length, mediaType, bytes };
}

function descriptorOf(b: BuiltBlob, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size, ...extra };
}

const DEFAULT_CREATED = "2026-08-01T00:00:00Z";
const DEFAULT_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

function platformString(p: { os: string; architecture: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== "").join("/");
}

function buildPlatformManifest(
  format: ImageFormat,
  spec: PlatformSpec,
  extraAnnotations?: Record<string, string>,
): BuiltManifest {
  const created = spec.created ?? DEFAULT_CREATED;
  const history: HistoryEntry[] = spec.history
    ? spec.history.map((h) => ({ ...h }))
    : [
        { created, created_by: "ADD rootfs.tar.gz / # buildkit", comment: "buildkit.dockerfile.v0" },
        ...(spec.cmd
          ? [
              {
                created,
                created_by: `CMD ${JSON.stringify(spec.cmd)}`,
                comment: "buildkit.dockerfile.v0",
                empty_layer: true,
              },
            ]
          : []),
      ];
  const layerCount = Math.max(1, history.filter((h) => !h.empty_layer).length);
  const layerType = format === "oci" ? LayerMediaType.ociGzip : LayerMediaType.dockerGzip;
  const mtime = Math.floor(Date.parse(created) / 1000) || 0;
  const layers: BuiltLayer[] = [];
  const nonEmpty = history.filter((h) => !h.empty_layer);
  for (let i = 0; i < layerCount; i++) {
    const files: Record<string, string | Buffer> =
      i === 0
        ? (spec.layerFiles ?? { "etc/from-lens-test": `${platformString(spec)}\n` })
        : { [`from-lens/layer-${i}`]: `${nonEmpty[i]?.created_by ?? "layer"}\n${platformString(spec)}\n` };
    const tar = createTar(files, { mtime });
    const gz = gzipSync(tar, { level: 6 });
    layers.push({ ...blob(gz, layerType), diffId: sha256(tar), files });
  }
  const containerConfig: NonNullable<ImageConfig["config"]> = { Env: spec.env ?? DEFAULT_ENV };
  if (spec.user !== undefined) containerConfig.User = spec.user;
  if (spec.entrypoint) containerConfig.Entrypoint = spec.entrypoint;
  if (spec.cmd) containerConfig.Cmd = spec.cmd;
  if (spec.workingDir !== undefined) containerConfig.WorkingDir = spec.workingDir;
  if (spec.labels && Object.keys(spec.labels).length > 0) containerConfig.Labels = spec.labels;
  const configJson: ImageConfig = {
    architecture: spec.architecture,
    ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
    os: spec.os,
    ...(spec.osVersion !== undefined ? { "os.version": spec.osVersion } : {}),
    created,
    config: containerConfig,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const config: BuiltConfig = {
    ...blob(
      Buffer.from(JSON.stringify(configJson)),
      format === "oci" ? MediaType.ociConfig : MediaType.dockerConfig,
    ),
    json: configJson,
  };
  const annotations = { ...extraAnnotations, ...spec.annotations };
  const manifestJson: ImageManifest = {
    schemaVersion: 2,
    mediaType: format === "oci" ? MediaType.ociManifest : MediaType.dockerManifest,
    config: descriptorOf(config),
    layers: layers.map((l) => descriptorOf(l)),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  const manifest = blob(
    Buffer.from(JSON.stringify(manifestJson)),
    manifestJson.mediaType ?? MediaType.ociManifest,
  );
  const platform: Platform = {
    architecture: spec.architecture,
    os: spec.os,
    ...(spec.osVersion !== undefined ? { "os.version": spec.osVersion } : {}),
    ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
  };
  return {
    ...manifest,
    json: manifestJson,
    platform,
    attestation: false,
    config,
    layers,
    descriptor: descriptorOf(manifest, {
      platform,
      ...(spec.entryAnnotations !== undefined ? { annotations: { ...spec.entryAnnotations } } : {}),
    }),
  };
}

/** A BuildKit-style provenance attestation for `subject` (always OCI-typed, as BuildKit makes them). */
function buildAttestation(
  subject: BuiltManifest,
  created: string,
  custom?: BuildImageOptions["attestationStatements"],
): BuiltManifest {
  const statement = {
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://slsa.dev/provenance/v0.2",
    subject: [
      {
        name: `pkg:docker/from-lens-test@latest?platform=${encodeURIComponent(platformString(subject.platform))}`,
        digest: { sha256: subject.digest.slice("sha256:".length) },
      },
    ],
    predicate: {
      builder: { id: "" },
      buildType: "https://mobyproject.org/buildkit@v1",
      metadata: { buildStartedOn: created, buildFinishedOn: created, completeness: { parameters: false } },
    },
  };
  const statements = custom?.(subject) ?? [{ predicateType: statement.predicateType, statement }];
  const layers: BuiltLayer[] = statements.map((st) => {
    const bytes = st.bytes ?? Buffer.from(JSON.stringify(st.statement));
    return { ...blob(bytes, LayerMediaType.inToto), diffId: sha256(bytes), files: {} };
  });
  const configJson: ImageConfig = {
    architecture: "unknown",
    os: "unknown",
    config: {},
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
  };
  const config: BuiltConfig = {
    ...blob(Buffer.from(JSON.stringify(configJson)), MediaType.ociConfig),
    json: configJson,
  };
  const manifestJson: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: descriptorOf(config),
    layers: layers.map((l, i) =>
      descriptorOf(l, {
        annotations: { "in-toto.io/predicate-type": statements[i]?.predicateType ?? "" },
      }),
    ),
  };
  const manifest = blob(Buffer.from(JSON.stringify(manifestJson)), MediaType.ociManifest);
  const platform: Platform = { architecture: "unknown", os: "unknown" };
  return {
    ...manifest,
    json: manifestJson,
    platform,
    attestation: true,
    config,
    layers,
    descriptor: descriptorOf(manifest, {
      annotations: {
        "vnd.docker.reference.digest": subject.digest,
        "vnd.docker.reference.type": "attestation-manifest",
      },
      platform,
    }),
  };
}

/** Builds an image (index + manifests + configs + layers) in memory. Deterministic for equal input. */
export function buildImage(opts: BuildImageOptions): BuiltImage {
  if (opts.platforms.length === 0) throw new Error("buildImage: at least one platform");
  if (opts.single && (opts.platforms.length !== 1 || opts.attestation)) {
    throw new Error("buildImage: `single` takes exactly one platform and no attestation");
  }
  const manifests: BuiltManifest[] = [];
  for (const spec of opts.platforms) {
    const m = buildPlatformManifest(opts.format, spec, opts.single ? opts.annotations : undefined);
    manifests.push(m);
    if (opts.attestation)
      manifests.push(buildAttestation(m, spec.created ?? DEFAULT_CREATED, opts.attestationStatements));
  }
  const blobs = new Map<string, Buffer>();
  for (const m of manifests) {
    blobs.set(m.config.digest, m.config.bytes);
    for (const l of m.layers) blobs.set(l.digest, l.bytes);
  }
  const manifestsByDigest = new Map<string, { mediaType: string; bytes: Buffer }>();
  for (const m of manifests) manifestsByDigest.set(m.digest, { mediaType: m.mediaType, bytes: m.bytes });
  const configs = manifests.map((m) => m.config);

  const first = manifests[0];
  if (opts.single && first) {
    return {
      format: opts.format,
      manifests,
      configs,
      blobs,
      manifestsByDigest,
      digest: first.digest,
      mediaType: first.mediaType,
      bytes: first.bytes,
    };
  }
  const indexType = opts.format === "oci" ? MediaType.ociIndex : MediaType.dockerManifestList;
  const indexJson: ImageIndex = {
    schemaVersion: 2,
    mediaType: indexType,
    manifests: manifests.map((m) => m.descriptor),
    ...(opts.annotations && Object.keys(opts.annotations).length > 0
      ? { annotations: opts.annotations }
      : {}),
  };
  const index: BuiltIndex = { ...blob(Buffer.from(JSON.stringify(indexJson)), indexType), json: indexJson };
  manifestsByDigest.set(index.digest, { mediaType: index.mediaType, bytes: index.bytes });
  return {
    format: opts.format,
    index,
    manifests,
    configs,
    blobs,
    manifestsByDigest,
    digest: index.digest,
    mediaType: index.mediaType,
    bytes: index.bytes,
  };
}

export interface BuildArtifactOptions {
  /** Manifest `artifactType` (OCI 1.1), e.g. "application/vnd.example.sbom". */
  artifactType?: string;
  /** Config media type; default the OCI empty descriptor type with `{}` as content. */
  configMediaType?: string;
  config?: string | Buffer;
  layers: { mediaType: string; content: string | Buffer; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

/**
 * A non-image OCI artifact (Helm chart, SBOM, …) as a single OCI manifest: the real registry
 * stores these (unlike manifests with an unknown Content-Type, which it refuses with 400
 * MANIFEST_INVALID; serve those from the fault server instead). Push it with pushImage.
 */
export function buildArtifact(opts: BuildArtifactOptions): BuiltImage {
  const configBytes = Buffer.from(opts.config ?? "{}");
  const config: BuiltConfig = {
    ...blob(configBytes, opts.configMediaType ?? "application/vnd.oci.empty.v1+json"),
    json: { architecture: "", os: "" },
  };
  const layers: BuiltLayer[] = opts.layers.map((l) => {
    const bytes = Buffer.from(l.content);
    return { ...blob(bytes, l.mediaType), diffId: sha256(bytes), files: {} };
  });
  const manifestJson: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    ...(opts.artifactType !== undefined ? { artifactType: opts.artifactType } : {}),
    config: descriptorOf(config),
    layers: opts.layers.map((l, i) => {
      const layer = layers[i];
      if (!layer) throw new Error("unreachable");
      return descriptorOf(layer, l.annotations ? { annotations: l.annotations } : {});
    }),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const manifest = blob(Buffer.from(JSON.stringify(manifestJson)), MediaType.ociManifest);
  const platform: Platform = { architecture: "unknown", os: "unknown" };
  const built: BuiltManifest = {
    ...manifest,
    json: manifestJson,
    platform,
    attestation: false,
    config,
    layers,
    descriptor: descriptorOf(manifest),
  };
  const blobs = new Map<string, Buffer>([[config.digest, config.bytes]]);
  for (const l of layers) blobs.set(l.digest, l.bytes);
  return {
    format: "oci",
    manifests: [built],
    configs: [config],
    blobs,
    manifestsByDigest: new Map([[manifest.digest, { mediaType: manifest.mediaType, bytes: manifest.bytes }]]),
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    bytes: manifest.bytes,
  };
}

/** The manifest for "os/arch[/variant]" (e.g. "linux/arm64/v8"); throws when absent. */
export function platformManifest(image: BuiltImage, platform: string): BuiltManifest {
  const found = image.manifests.find((m) => !m.attestation && platformString(m.platform) === platform);
  if (!found)
    throw new Error(
      `image has no platform ${platform} (has ${image.manifests.map((m) => platformString(m.platform)).join(", ")})`,
    );
  return found;
}

// ---------------------------------------------------------------------------------------------
// Pushing through the registry API

export type PushAuth = { user: string; pass: string } | { token: string };

export interface RegistryTarget {
  /** http://127.0.0.1:PORT, or https:// with `ca` */
  url: string;
  /** The CA that signed an https registry's certificate. */
  ca?: Buffer;
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (test-grade parser). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const match = /^\s*(\S+)\s*(.*)$/s.exec(header);
  const scheme = (match?.[1] ?? "").toLowerCase();
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const m of (match?.[2] ?? "").matchAll(re)) {
    if (m[1]) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return { scheme, params };
}

/**
 * A tiny authenticated HTTP client for one registry, as `docker push` behaves: tries the request,
 * answers a 401 challenge with Basic credentials or a Bearer token (fetched from the challenge's
 * realm with the credentials), retries once. Exposed for tests that need other writes.
 */
export class RegistryWriter {
  private authorization: string | undefined;
  /** Every request made (method + URL + status), for debugging failing tests. */
  readonly log: { method: string; url: string; status: number }[] = [];

  constructor(
    readonly registry: RegistryTarget,
    readonly repository: string,
    private readonly auth?: PushAuth,
  ) {
    if (auth && "token" in auth) this.authorization = `Bearer ${auth.token}`;
  }

  async request(
    method: string,
    pathOrUrl: string,
    init: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<Response> {
    const url = new URL(pathOrUrl, this.registry.url).toString();
    const send = (): Promise<Response> =>
      fetchTrusting(this.registry.ca)(url, {
        method,
        headers: { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        ...(init.body ? { body: init.body } : {}),
        redirect: "manual",
      });
    let res = await send();
    this.log.push({ method, url, status: res.status });
    if (res.status === 401 && this.auth && "user" in this.auth) {
      const challenge = res.headers.get("www-authenticate");
      await res.arrayBuffer();
      if (challenge === null) throw new Error(`${method} ${url}: 401 without WWW-Authenticate`);
      await this.answerChallenge(challenge);
      res = await send();
      this.log.push({ method, url, status: res.status });
    }
    return res;
  }

  private async answerChallenge(header: string): Promise<void> {
    if (!this.auth || !("user" in this.auth)) return;
    const { scheme, params } = parseChallenge(header);
    if (scheme === "basic") {
      this.authorization = basicAuthHeader(this.auth.user, this.auth.pass);
      return;
    }
    if (scheme !== "bearer" || params.realm === undefined)
      throw new Error(`unsupported challenge: ${header}`);
    const tokenUrl = new URL(params.realm);
    if (params.service !== undefined) tokenUrl.searchParams.set("service", params.service);
    tokenUrl.searchParams.append("scope", params.scope ?? `repository:${this.repository}:pull,push`);
    const res = await fetch(tokenUrl, {
      headers: { authorization: basicAuthHeader(this.auth.user, this.auth.pass) },
    });
    if (!res.ok) throw new Error(`token request ${tokenUrl.toString()}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new Error("token response without token");
    this.authorization = `Bearer ${token}`;
  }

  /** Uploads a blob unless the registry has it: POST uploads/ → PUT <location>?digest=. */
  async pushBlob(digest: string, bytes: Buffer): Promise<void> {
    const name = this.repository;
    const head = await this.request("HEAD", `/v2/${name}/blobs/${digest}`);
    await head.arrayBuffer();
    if (head.status === 200) return;
    const start = await this.request("POST", `/v2/${name}/blobs/uploads/`);
    await start.arrayBuffer();
    const location = start.headers.get("location");
    if (start.status !== 202 || location === null)
      throw new Error(`POST blob upload for ${name}: ${start.status}`);
    const putUrl = new URL(location, this.registry.url);
    putUrl.searchParams.set("digest", digest);
    const put = await this.request("PUT", putUrl.toString(), {
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    const text = await put.text();
    if (put.status !== 201) throw new Error(`PUT blob ${digest} to ${name}: ${put.status} ${text}`);
  }

  /** PUT /v2/<name>/manifests/<reference>; checks the registry's Docker-Content-Digest. */
  async pushManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.request("PUT", `/v2/${this.repository}/manifests/${reference}`, {
      headers: { "content-type": mediaType },
      body: bytes,
    });
    const text = await res.text();
    if (res.status !== 201)
      throw new Error(`PUT manifest ${this.repository}:${reference} (${mediaType}): ${res.status} ${text}`);
    const digest = res.headers.get("docker-content-digest") ?? "";
    if (digest !== sha256(bytes))
      throw new Error(`registry stored manifest as ${digest}, expected ${sha256(bytes)}`);
    return digest;
  }
}

/**
 * Pushes every blob, then each image manifest by digest, then the top manifest (index, or the
 * single manifest) under `tag` (a "sha256:…" tag pushes by digest only).
 */
export async function pushImage(
  registry: RegistryTarget,
  repository: string,
  tag: string,
  image: BuiltImage,
  auth?: PushAuth,
): Promise<void> {
  const writer = new RegistryWriter(registry, repository, auth);
  // The first request settles auth; then blobs go up concurrently.
  const blobs = [...image.blobs];
  const [firstBlob, ...rest] = blobs;
  if (firstBlob) await writer.pushBlob(firstBlob[0], firstBlob[1]);
  await Promise.all(rest.map(([digest, bytes]) => writer.pushBlob(digest, bytes)));
  if (image.index) {
    await Promise.all(image.manifests.map((m) => writer.pushManifest(m.digest, m.bytes, m.mediaType)));
  }
  await writer.pushManifest(tag, image.bytes, image.mediaType);
}

/** Pushes one blob (e.g. a layer built by hand). */
export async function pushBlob(
  registry: RegistryTarget,
  repository: string,
  bytes: Buffer,
  auth?: PushAuth,
): Promise<string> {
  const digest = sha256(bytes);
  await new RegistryWriter(registry, repository, auth).pushBlob(digest, bytes);
  return digest;
}

/** Pushes one manifest document under a tag or digest; returns the digest the registry reports. */
export async function pushManifest(
  registry: RegistryTarget,
  repository: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
  auth?: PushAuth,
): Promise<string> {
  return new RegistryWriter(registry, repository, auth).pushManifest(reference, bytes, mediaType);
}
