import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { isAttestationDescriptor, MANIFEST_ACCEPT, MediaType } from "../../../server/src/oci/types";
import type { ImageIndex, ImageManifest } from "../../../server/src/oci/types";
import {
  buildArtifact,
  buildImage,
  LayerMediaType,
  platformManifest,
  presetFromRealdata,
  pushImage,
  pushManifest,
  realdataRecord,
  sha256,
} from "../../support/images";
import { schema1Manifest } from "../../support/faultServer";
import { startRegistry } from "../../support/registry";
import { createTar, readTar } from "../../support/tar";
import { tempDirFor } from "../../support/tmp";

const execFileAsync = promisify(execFile);

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n';

describe("tar writer", () => {
  it("writes ustar archives that GNU tar reads, with parent directories and long paths", async (t) => {
    const longPath = `usr/share/${"d".repeat(60)}/${"e".repeat(60)}/file.txt`;
    const tar = createTar({ "etc/os-release": OS_RELEASE, [longPath]: "long\n", "bin/empty": "" });
    assert.equal(tar.length % 512, 0);
    const dir = await tempDirFor(t, "from-lens-tar");
    const file = join(dir, "layer.tar");
    await writeFile(file, tar);
    const { stdout } = await execFileAsync("tar", ["-tf", file]);
    assert.deepEqual(
      stdout.trim().split("\n").sort(),
      [
        "bin/",
        "bin/empty",
        "etc/",
        "etc/os-release",
        "usr/",
        "usr/share/",
        `usr/share/${"d".repeat(60)}/`,
        `usr/share/${"d".repeat(60)}/${"e".repeat(60)}/`,
        longPath,
      ].sort(),
    );
    const { stdout: content } = await execFileAsync("tar", ["-xOf", file, "etc/os-release"]);
    assert.equal(content, OS_RELEASE);
    const back = readTar(tar);
    assert.equal(back.get("etc/os-release")?.toString(), OS_RELEASE);
    assert.equal(back.get(longPath)?.toString(), "long\n");
  });
});

describe("buildImage", () => {
  it("builds an OCI index with platforms, attestations, real layers and configs", () => {
    const amd64 = { ...presetFromRealdata("python:3.12-slim"), layerFiles: { "etc/os-release": OS_RELEASE } };
    const image = buildImage({
      format: "oci",
      attestation: true,
      annotations: { "org.opencontainers.image.source": "https://example.invalid/src" },
      platforms: [amd64, { ...amd64, architecture: "arm64", variant: "v8" }],
    });
    const index = image.index;
    assert.ok(index);
    assert.equal(image.digest, index.digest);
    assert.equal(index.digest, sha256(index.bytes));
    assert.deepEqual(JSON.parse(index.bytes.toString()), index.json);
    const json: ImageIndex = index.json;
    assert.equal(json.mediaType, MediaType.ociIndex);
    assert.equal(json.annotations?.["org.opencontainers.image.source"], "https://example.invalid/src");
    assert.deepEqual(
      json.manifests.map(
        (d) =>
          `${d.platform?.os}/${d.platform?.architecture}${d.platform?.variant ? "/" + d.platform.variant : ""}`,
      ),
      ["linux/amd64", "unknown/unknown", "linux/arm64/v8", "unknown/unknown"],
    );
    const [amd, att] = json.manifests;
    assert.ok(amd && att);
    assert.equal(isAttestationDescriptor(amd), false);
    assert.equal(isAttestationDescriptor(att), true);
    assert.deepEqual(att.annotations, {
      "vnd.docker.reference.digest": amd.digest,
      "vnd.docker.reference.type": "attestation-manifest",
    });

    for (const m of image.manifests) {
      assert.equal(m.digest, sha256(m.bytes));
      assert.equal(m.size, m.bytes.length);
      assert.equal(image.manifestsByDigest.get(m.digest)?.bytes, m.bytes);
      const manifest = JSON.parse(m.bytes.toString()) as ImageManifest;
      assert.equal(manifest.config.digest, sha256(image.blobs.get(manifest.config.digest) ?? ""));
      for (const layer of manifest.layers)
        assert.equal(layer.digest, sha256(image.blobs.get(layer.digest) ?? ""));
    }
    const linux = platformManifest(image, "linux/amd64");
    assert.equal(linux.json.mediaType, MediaType.ociManifest);
    assert.equal(linux.json.config.mediaType, MediaType.ociConfig);
    assert.ok(linux.json.layers.every((l) => l.mediaType === LayerMediaType.ociGzip));
    const config = linux.config.json;
    assert.equal(config.architecture, "amd64");
    assert.ok(config.config?.Env?.includes("PYTHON_VERSION=3.12.13"));
    assert.deepEqual(config.config?.Cmd, ["python3"]);
    assert.equal(
      config.history?.[0]?.created_by,
      "RUN # debian.sh --arch 'amd64' out/ 'trixie' '@1785715200'",
    );
    const nonEmpty = config.history?.filter((h) => !h.empty_layer).length;
    assert.equal(config.rootfs?.diff_ids.length, nonEmpty);
    assert.equal(linux.layers.length, nonEmpty);
    for (const [i, layer] of linux.layers.entries()) {
      const tar = gunzipSync(layer.bytes);
      assert.equal(config.rootfs?.diff_ids[i], sha256(tar));
    }
    assert.equal(
      readTar(gunzipSync(linux.layers[0]?.bytes ?? Buffer.alloc(0)))
        .get("etc/os-release")
        ?.toString(),
      OS_RELEASE,
    );
    assert.equal(platformManifest(image, "linux/arm64/v8").config.json.variant, "v8");

    const attestation = image.manifests[1];
    assert.equal(attestation?.attestation, true);
    assert.equal(attestation?.json.layers[0]?.mediaType, LayerMediaType.inToto);
    const statement = JSON.parse(attestation?.layers[0]?.bytes.toString() ?? "{}") as {
      subject: { digest: { sha256: string } }[];
    };
    assert.equal(`sha256:${statement.subject[0]?.digest.sha256}`, amd.digest);
  });

  it("is deterministic, and Docker format uses Docker media types", () => {
    const spec = {
      format: "docker" as const,
      platforms: [{ os: "linux", architecture: "amd64", cmd: ["sh"] }],
    };
    const a = buildImage(spec);
    const b = buildImage(spec);
    assert.equal(a.digest, b.digest);
    assert.equal(a.mediaType, MediaType.dockerManifestList);
    const m = a.manifests[0];
    assert.equal(m?.mediaType, MediaType.dockerManifest);
    assert.equal(m?.json.config.mediaType, MediaType.dockerConfig);
    assert.equal(m?.json.layers[0]?.mediaType, LayerMediaType.dockerGzip);
    assert.deepEqual(
      m?.config.json.history?.map((h) => h.created_by),
      ["ADD rootfs.tar.gz / # buildkit", 'CMD ["sh"]'],
    );
  });

  it("builds a single manifest without an index", () => {
    const image = buildImage({
      format: "oci",
      single: true,
      annotations: { "org.opencontainers.image.base.name": "docker.io/library/debian:trixie" },
      platforms: [{ os: "linux", architecture: "amd64" }],
    });
    assert.equal(image.index, undefined);
    assert.equal(image.mediaType, MediaType.ociManifest);
    assert.equal(image.digest, image.manifests[0]?.digest);
    assert.equal(
      image.manifests[0]?.json.annotations?.["org.opencontainers.image.base.name"],
      "docker.io/library/debian:trixie",
    );
    assert.throws(() =>
      buildImage({
        format: "oci",
        single: true,
        platforms: [
          { os: "linux", architecture: "amd64" },
          { os: "linux", architecture: "arm64" },
        ],
      }),
    );
  });

  it("presetFromRealdata gives Env, Labels, history and Cmd of the record's amd64 image", () => {
    const noble = presetFromRealdata("ubuntu:noble");
    assert.deepEqual(noble.labels, { "org.opencontainers.image.version": "24.04" });
    assert.deepEqual(noble.cmd, ["/bin/bash"]);
    assert.deepEqual(
      noble.history.map((h) => [h.created_by, h.empty_layer ?? false]),
      realdataRecord("ubuntu:noble").amd64.historyExcerpt.map((line) => [
        line,
        !/^(ADD|COPY|RUN)\b/.test(line),
      ]),
    );
    assert.ok(noble.env.some((e) => e.startsWith("PATH=")));
    const windows = presetFromRealdata("golang:1.25-nanoserver-ltsc2025");
    assert.equal(windows.os, "windows");
    assert.equal(windows.osVersion, "10.0.26100.33158");
    assert.ok(windows.env.includes("GOLANG_VERSION=1.25.12"));
    assert.equal(
      windows.env.some((e) => e.startsWith("PATH=")),
      false,
    );
    assert.throws(() => presetFromRealdata("nope:latest"), /no record/);
  });
});

describe("pushImage", () => {
  it("pushes an image skopeo can inspect, and pushes by digest without a tag", async (t) => {
    const registry = await startRegistry();
    t.after(() => registry.stop());
    const image = buildImage({
      format: "oci",
      attestation: true,
      platforms: [presetFromRealdata("alpine:3.22")],
    });
    await pushImage(registry, "library/alpine", "3.22", image);
    const { stdout } = await execFileAsync("skopeo", [
      "inspect",
      "--tls-verify=false",
      "--config",
      `docker://${registry.host}/library/alpine:3.22`,
    ]);
    const config = JSON.parse(stdout) as { config: { Cmd: string[] }; history: { created_by: string }[] };
    assert.deepEqual(config.config.Cmd, ["/bin/sh"]);
    assert.equal(config.history[0]?.created_by, "ADD alpine-minirootfs-3.22.6-x86_64.tar.gz / # buildkit");

    const other = buildImage({
      format: "docker",
      single: true,
      platforms: [{ os: "linux", architecture: "arm64", variant: "v8" }],
    });
    await pushImage(registry, "library/alpine", other.digest, other);
    const byDigest = await fetch(`${registry.url}/v2/library/alpine/manifests/${other.digest}`, {
      method: "HEAD",
      headers: { accept: MANIFEST_ACCEPT.join(",") },
    });
    assert.equal(byDigest.headers.get("docker-content-digest"), other.digest);
    const tags = (await (await fetch(`${registry.url}/v2/library/alpine/tags/list`)).json()) as {
      tags: string[];
    };
    assert.deepEqual(tags.tags, ["3.22"]);
  });

  it("pushes OCI artifacts; the registry refuses unknown manifest types and fake-signed schema 1", async (t) => {
    const registry = await startRegistry({ schema1: true });
    t.after(() => registry.stop());
    const chart = buildArtifact({
      configMediaType: "application/vnd.cncf.helm.config.v1+json",
      config: '{"name":"app","version":"1.0.0"}',
      layers: [{ mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", content: "chart" }],
    });
    await pushImage(registry, "charts/app", "1.0.0", chart);
    const head = await fetch(`${registry.url}/v2/charts/app/manifests/1.0.0`, {
      method: "HEAD",
      headers: { accept: MANIFEST_ACCEPT.join(",") },
    });
    assert.equal(head.headers.get("docker-content-digest"), chart.digest);

    await assert.rejects(
      pushManifest(registry, "charts/app", "x", chart.bytes, "application/vnd.example.unknown+json"),
      /400 .*MANIFEST_INVALID/,
    );
    const s1 = schema1Manifest("charts/app", "old");
    await assert.rejects(
      pushManifest(registry, "charts/app", "old", s1.body, s1.mediaType),
      /400 .*MANIFEST_INVALID/,
    );
  });
});
