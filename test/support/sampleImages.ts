/**
 * Sample official images for the offline demo and the end-to-end tests: each is built from a real
 * record of ../shared/realdata (its amd64 build history, Env and labels — so the facts FROM Lens
 * derives are the ones the real image has), made multi-platform with a BuildKit attestation entry,
 * and pushed under the tags that share a digest on Docker Hub. `hubRepositories` turns what was
 * pushed into Docker Hub web API answers (the repository and badge parts from
 * test/fixtures/hub, the tags from the pushed digests and sizes) so hub-only facts line up too.
 *
 * Each sample also has an older build (the same record, built earlier), pushed by digest only:
 * a reference pinned to it is a pin whose tag has moved on, as the demo's Dockerfiles show. The
 * samples say what they are in their index's description annotation (the hover quotes it): their
 * layers are small stand-ins, so their compressed sizes are the samples' own, not the real image's.
 */
import { buildImage, presetFromRealdata, pushImage, type BuiltImage } from "./images";
import { loadHubFixtures, type HubRepositoryFixture, type HubTag } from "./hubApi";

export interface SampleImage {
  /** Hub repository path: library/python. */
  repository: string;
  /** The realdata record it is built from. */
  record: string;
  /** Tags sharing this image, most specific last (as Hub lists them, newest first, does not matter). */
  tags: string[];
  platforms: { os: string; architecture: string; variant?: string }[];
}

const LINUX = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "arm", variant: "v7" },
];

export const SAMPLE_IMAGES: SampleImage[] = [
  {
    repository: "library/python",
    record: "python:3.12-slim",
    tags: ["3.12-slim", "3.12-slim-trixie", "3.12.13-slim", "3.12.13-slim-trixie"],
    platforms: LINUX,
  },
  {
    repository: "library/python",
    record: "python:3.13-alpine",
    tags: ["3.13-alpine", "3.13-alpine3.24", "3.13.15-alpine", "3.13.15-alpine3.24"],
    platforms: LINUX,
  },
  {
    repository: "library/golang",
    record: "golang:1.25-bookworm",
    tags: ["1.25-bookworm", "1.25.12-bookworm"],
    platforms: LINUX,
  },
  { repository: "library/alpine", record: "alpine:3.22", tags: ["3.22", "3.22.6"], platforms: LINUX },
  {
    repository: "library/ubuntu",
    record: "ubuntu:noble",
    tags: ["noble", "24.04", "latest"],
    platforms: LINUX,
  },
  { repository: "library/ubuntu", record: "ubuntu:jammy", tags: ["jammy", "22.04"], platforms: LINUX },
  {
    repository: "library/nginx",
    record: "nginx:alpine",
    tags: ["alpine", "1.31-alpine", "1.31.6-alpine"],
    platforms: LINUX,
  },
  {
    repository: "library/eclipse-temurin",
    record: "eclipse-temurin:21-jre-alpine",
    tags: ["21-jre-alpine", "21.0.12_1-jre-alpine"],
    platforms: LINUX.slice(0, 2),
  },
  {
    repository: "library/postgres",
    record: "postgres:17",
    tags: ["17", "17.11", "17-trixie", "17.11-trixie"],
    platforms: LINUX,
  },
  {
    repository: "library/redis",
    record: "redis:alpine",
    tags: ["alpine", "8.10-alpine", "8.10.2-alpine"],
    platforms: LINUX,
  },
];

export interface PushedSample {
  sample: SampleImage;
  image: BuiltImage;
  /** The older build of the same sample, pushed by digest only (no tag points at it). */
  previous: BuiltImage;
  pushedAt: string;
}

/** When each build was made: the current one (the tags) and the older one a pin can be stuck on. */
export const SAMPLE_BUILDS = {
  current: "2026-08-01T00:00:00Z",
  previous: "2026-06-01T00:00:00Z",
} as const;

export function buildSample(sample: SampleImage, build: keyof typeof SAMPLE_BUILDS = "current"): BuiltImage {
  const preset = presetFromRealdata(sample.record);
  return buildImage({
    format: "oci",
    attestation: true,
    annotations: {
      "org.opencontainers.image.description": `FROM Lens sample of ${sample.record}: its real build history on small stand-in layers (sizes are the sample's, not the real image's)`,
    },
    platforms: sample.platforms.map((p) => ({
      ...p,
      created: SAMPLE_BUILDS[build],
      env: preset.env,
      labels: preset.labels,
      history: preset.history,
      ...(preset.cmd ? { cmd: preset.cmd } : {}),
      ...(preset.entrypoint ? { entrypoint: preset.entrypoint } : {}),
    })),
  });
}

/** Builds and pushes every sample (all its tags) to `registry`. */
export async function pushSampleImages(
  registry: { url: string },
  samples: readonly SampleImage[] = SAMPLE_IMAGES,
  pushedAt = "2026-11-20T09:30:00.000000Z",
): Promise<PushedSample[]> {
  const out: PushedSample[] = [];
  for (const sample of samples) {
    const image = buildSample(sample);
    const previous = buildSample(sample, "previous");
    await pushImage(registry, sample.repository, previous.digest, previous);
    for (const tag of sample.tags) await pushImage(registry, sample.repository, tag, image);
    out.push({ sample, image, previous, pushedAt });
  }
  return out;
}

function hubTag(name: string, pushed: PushedSample, id: number): HubTag {
  const images = pushed.image.manifests
    .filter((m) => !m.attestation)
    .map((m) => ({
      architecture: m.platform.architecture,
      os: m.platform.os,
      variant: m.platform.variant ?? null,
      digest: m.digest,
      size: m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0),
      status: "active",
      last_pushed: pushed.pushedAt,
    }));
  return {
    id,
    name,
    digest: pushed.image.digest,
    media_type: pushed.image.mediaType,
    content_type: "image",
    last_updated: pushed.pushedAt,
    tag_last_pushed: pushed.pushedAt,
    tag_status: "active",
    full_size: images[0]?.size ?? 0,
    images,
  };
}

/** Hub web API repositories matching what was pushed (badges and descriptions from the fixtures). */
export function hubRepositories(pushed: readonly PushedSample[]): HubRepositoryFixture[] {
  const fixtures = new Map(loadHubFixtures().map((f) => [`${f.namespace}/${f.name}`, f]));
  const repos = new Map<string, HubRepositoryFixture>();
  let id = 1;
  for (const p of pushed) {
    const [namespace = "library", name = p.sample.repository] = p.sample.repository.split("/");
    let repo = repos.get(p.sample.repository);
    if (!repo) {
      const fixture = fixtures.get(p.sample.repository);
      repo = {
        namespace,
        name,
        repository: fixture?.repository ?? {
          namespace,
          name,
          user: namespace,
          is_private: false,
          categories: [],
        },
        ...(fixture?.search ? { search: fixture.search } : {}),
        tags: [],
      };
      repos.set(p.sample.repository, repo);
    }
    for (const tag of p.sample.tags) repo.tags.push(hubTag(tag, p, id++));
  }
  return [...repos.values()];
}
