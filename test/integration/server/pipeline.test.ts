/**
 * The product path end to end: the built language server over stdio, resolving real images in the
 * CNCF registry on loopback (standing in for registry-1.docker.io through the same code path, via
 * `hubRegistryUrl`), with a loopback Docker Hub web API, a fault proxy in front of the registry that
 * counts and breaks requests, and the disk cache shared across server restarts.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeLensRequest,
  CompletionRequest,
  DiagnosticSeverity,
  ExecuteCommandRequest,
  HoverRequest,
  type MarkupContent,
  type TextDocumentEdit,
} from "vscode-languageserver-protocol";
import { faultPaths, startFaultServer, type FaultServer } from "../../support/faultServer";
import { buildImage, pushImage } from "../../support/images";
import { startHubApi, type HubApiServer } from "../../support/hubApi";
import { startServer, type TestServer } from "../../support/lsp";
import { startRegistry, type Registry } from "../../support/registry";
import { startTokenServer } from "../../support/tokenServer";
import {
  hubRepositories,
  pushSampleImages,
  SAMPLE_IMAGES,
  type PushedSample,
} from "../../support/sampleImages";

let registry: Registry;
let proxy: FaultServer;
let hub: HubApiServer;
let pushed: PushedSample[];
let storage: string;
let uriCount = 0;

before(async () => {
  registry = await startRegistry({ auth: "none" });
  pushed = await pushSampleImages(
    registry,
    SAMPLE_IMAGES.filter(
      (s) =>
        s.record === "python:3.12-slim" || s.record === "python:3.13-alpine" || s.record === "ubuntu:jammy",
    ),
  );
  hub = await startHubApi({ repositories: hubRepositories(pushed) });
  proxy = await startFaultServer({ upstream: registry.url });
  storage = mkdtempSync(join(tmpdir(), "from-lens-pipeline-"));
});
after(async () => {
  await proxy.stop();
  await hub.stop();
  await registry.stop();
  rmSync(storage, { recursive: true, force: true });
});

function digestOf(record: string): string {
  const p = pushed.find((x) => x.sample.record === record);
  assert.ok(p);
  return p.image.digest;
}

function launch(settings: Record<string, unknown> = {}): Promise<TestServer> {
  return startServer({
    initializationOptions: { storagePath: storage, hubRegistryUrl: proxy.url },
    // The hover waits for resolution (the product's own event-driven wait), so tests need no sleeps.
    settings: { hubApiUrl: hub.url, defaultPlatform: "linux/amd64", hover: { waitMs: 15_000 }, ...settings },
  });
}

async function hoverText(server: TestServer, uri: string, line: number, character = 6): Promise<string> {
  const hover = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line, character },
  });
  return (hover?.contents as MarkupContent | undefined)?.value ?? "";
}

const nextUri = (): string => `file:///work/pipeline${++uriCount}/Dockerfile`;

describe("the server resolving images from a real registry", () => {
  it("shows facts in the hover, offers a pin lens that edits the document, and reports an unknown tag", async () => {
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.12-slim AS build\nRUN echo hi\nFROM python:3.12-slimm\n");
      const card = await hoverText(server, uri, 0);
      const digest = digestOf("python:3.12-slim");
      assert.match(card, /docker\.io\/library\/python:3\.12-slim/);
      assert.ok(card.includes(digest), "the index digest, in full");
      assert.match(card, /Debian 13 trixie/);
      assert.match(card, /python 3\.12\.13/);
      assert.match(card, /Docker Official Image/);
      assert.match(card, /3\.12\.13-slim-trixie/, "the other tags with the same digest");
      assert.match(card, /\*\*Platforms\*\* linux: .*arm64\/v8/, "every platform, the OS said once");

      const unknown = await server.diagnostics(uri, (p) =>
        p.diagnostics.some((d) => d.code === "unknown-tag"),
      );
      const diagnostic = unknown.diagnostics.find((d) => d.code === "unknown-tag");
      assert.equal(diagnostic?.range.start.line, 2);
      const message = diagnostic?.message;
      assert.match(
        typeof message === "string" ? message : (message?.value ?? ""),
        /3\.12-slim/,
        "did you mean the close tag",
      );

      const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      const pin = lenses?.find(
        (l) => l.range.start.line === 0 && /Pin to digest/.test(l.command?.title ?? ""),
      );
      assert.ok(pin?.command, JSON.stringify(lenses));
      await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: pin.command.command,
        arguments: pin.command.arguments ?? [],
      });
      const edit = server.appliedEdits.at(-1)?.documentChanges?.[0] as TextDocumentEdit | undefined;
      assert.ok(edit, "the server asked the editor to apply the pin");
      assert.equal(edit.textDocument.version, 1);
      assert.deepEqual(
        edit.edits.map((e) => ("newText" in e ? e.newText : "")),
        [`@${digest}`],
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("a pin whose tag is gone still shows the digest's facts, and stale-pin names the tag it has now", async () => {
    const server = await launch();
    try {
      const uri = nextUri();
      const digest = digestOf("python:3.12-slim");
      // 3.12.9-slim was never pushed: the registry answers 404 for the tag, the digest exists.
      await server.open(uri, `FROM python:3.12.9-slim@${digest}\n`);
      const card = await hoverText(server, uri, 0);
      assert.match(card, /`3\.12\.9-slim` no longer exists — the digest still pulls/);
      assert.match(card, /python 3\.12\.13/);
      const published = await server.diagnostics(uri, (p) =>
        p.diagnostics.some((d) => d.code === "stale-pin"),
      );
      const codes = published.diagnostics.map((d) => d.code);
      assert.ok(!codes.includes("unknown-tag"), JSON.stringify(codes));
      const stale = published.diagnostics.find((d) => d.code === "stale-pin");
      const text = typeof stale?.message === "string" ? stale.message : (stale?.message.value ?? "");
      assert.match(text, /no longer exists on Docker Hub[^]*This digest is the tag 3\.12\.13-slim/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("a Docker Hub repository the web API does not show (private) still gets 'did you mean' from the registry", async () => {
    // Pushed to the registry only: the Hub API stand-in answers 404 for it, as hub.docker.com does
    // for a private repository it is not asked about with credentials.
    const image = buildImage({ format: "oci", platforms: [{ os: "linux", architecture: "amd64" }] });
    await pushImage(registry, "acme/private-app", "1.4.2", image);
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, "FROM acme/private-app:1.4.3\n");
      const published = await server.diagnostics(uri, (p) =>
        p.diagnostics.some((d) => d.code === "unknown-tag"),
      );
      const unknown = published.diagnostics.find((d) => d.code === "unknown-tag");
      const text = typeof unknown?.message === "string" ? unknown.message : (unknown?.message.value ?? "");
      assert.match(text, /Did you mean 1\.4\.2\?/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("reopening the workspace after a restart shows the facts with zero registry and Hub requests", async () => {
    proxy.resetRequests();
    hub.resetRequests();
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.12-slim\n");
      const card = await hoverText(server, uri, 0);
      assert.match(card, /Debian 13 trixie/);
      assert.equal(
        proxy.requests.length,
        0,
        JSON.stringify(proxy.requests.map((r) => `${r.method} ${r.path}`)),
      );
      assert.equal(hub.requests.length, 0);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("shows a changed trustedRegistries setting at once, worked out from the cache with no request", async () => {
    const host = new URL(proxy.url).host;
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, `FROM ${host}/library/python:3.12-slim\n`);
      const before = await hoverText(server, uri, 0);
      assert.match(before, /python 3\.12\.13/);
      assert.doesNotMatch(before, /trusted by your settings/);
      proxy.resetRequests();
      server.settings = { ...server.settings, trustedRegistries: [host] };
      await server.settingsChanged();
      const after = await hoverText(server, uri, 0);
      assert.match(after, /trusted by your settings/);
      assert.equal(
        proxy.requests.length,
        0,
        JSON.stringify(proxy.requests.map((r) => `${r.method} ${r.path}`)),
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("revalidates a known tag with one HEAD after the TTL, and fetches nothing it has", async () => {
    proxy.resetRequests();
    const server = await launch({ cache: { tagTtl: 0 } });
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.12-slim\n");
      assert.match(await hoverText(server, uri, 0), /python 3\.12\.13/);
      const manifestGets = proxy.requests.filter(
        (r) => r.method === "GET" && faultPaths.manifest().test(r.path),
      );
      const heads = proxy.requests.filter((r) => r.method === "HEAD" && faultPaths.manifest().test(r.path));
      assert.equal(heads.length, 1);
      assert.equal(manifestGets.length, 0, "no counted pull for a digest already cached");
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("when the registry is down, serves the cached facts marked offline", async () => {
    const route = proxy.routeFirst({ path: /^\/v2\//, fault: { kind: "drop" } });
    const server = await launch({ cache: { tagTtl: 0 } });
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.12-slim\n");
      const card = await hoverText(server, uri, 0);
      assert.match(card, /python 3\.12\.13/, "the cached facts");
      assert.match(card, /offline/i);
    } finally {
      route.remove();
      assert.equal(await server.stop(), 0);
    }
  });

  it("offers “Update pin” once the tag is re-pushed, and the lens's edit moves the pin", async () => {
    const python = pushed.find((p) => p.sample.record === "python:3.12-slim");
    const alpine = pushed.find((p) => p.sample.record === "python:3.13-alpine");
    assert.ok(python && alpine);
    await pushImage(registry, "library/python", "moving", python.image);
    const server = await launch({ cache: { tagTtl: 0 } });
    try {
      const uri = nextUri();
      await server.open(uri, `FROM python:moving@${python.image.digest}\n`);
      assert.match(await hoverText(server, uri, 0), /python 3\.12\.13/);
      await pushImage(registry, "library/python", "moving", alpine.image);
      await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: "fromLens.server.refresh",
        arguments: [{ uri }],
      });
      await hoverText(server, uri, 0);
      const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      const update = lenses?.find((l) => /Update pin/.test(l.command?.title ?? ""));
      assert.ok(update?.command, JSON.stringify(lenses?.map((l) => l.command?.title)));
      await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: update.command.command,
        arguments: update.command.arguments ?? [],
      });
      const edit = server.appliedEdits.at(-1)?.documentChanges?.[0] as TextDocumentEdit | undefined;
      const text = edit?.edits.map((e) => ("newText" in e ? e.newText : "")).join("");
      assert.ok(text?.includes(alpine.image.digest), text);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("pins every image of a multi-stage file, leaving stage references and scratch alone", async () => {
    const server = await launch();
    try {
      const uri = nextUri();
      const text =
        "FROM python:3.12-slim AS build\nRUN true\nFROM scratch AS empty\nCOPY --from=build /a /a\nFROM build AS final\nFROM ubuntu:jammy\n";
      await server.open(uri, text);
      await hoverText(server, uri, 0);
      await hoverText(server, uri, 5);
      const result = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: "fromLens.server.pinAll",
        arguments: [{ uri, mode: "pin" }],
      })) as { ok: boolean; result?: { applied: number } };
      assert.equal(result.ok, true);
      assert.equal(result.result?.applied, 2);
      const edit = server.appliedEdits.at(-1)?.documentChanges?.[0] as TextDocumentEdit | undefined;
      assert.deepEqual(
        edit?.edits.map((e) => [e.range.start.line, "newText" in e ? e.newText : ""]),
        [
          [0, `@${digestOf("python:3.12-slim")}`],
          [5, `@${digestOf("ubuntu:jammy")}`],
        ],
      );
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("with fromLens.offline, asks no registry, mirror, token server or Docker Hub: only the cache answers", async () => {
    const empty = mkdtempSync(join(tmpdir(), "from-lens-offline-"));
    const server = await startServer({
      initializationOptions: { storagePath: empty, hubRegistryUrl: proxy.url },
      settings: {
        hubApiUrl: hub.url,
        defaultPlatform: "linux/amd64",
        hover: { waitMs: 15_000 },
        offline: true,
        registryMirrors: [proxy.url],
        facts: { inspectLayers: true },
      },
    });
    proxy.resetRequests();
    hub.resetRequests();
    try {
      const uri = nextUri();
      await server.open(
        uri,
        `FROM python:3.12-slim\nFROM ${proxy.host}/library/ubuntu:jammy\nFROM pyhton:3\n`,
      );
      for (const line of [0, 1, 2]) assert.match(await hoverText(server, uri, line), /[Oo]ffline/);
      await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 17 },
      });
      await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      assert.deepEqual(
        proxy.requests.map((r) => `${r.method} ${r.path}`),
        [],
        "no request to the registry, the mirror or a token server",
      );
      assert.deepEqual(
        hub.requests.map((r) => `${r.method} ${r.path}`),
        [],
        "no request to Docker Hub's web API",
      );
    } finally {
      assert.equal(await server.stop(), 0);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("completes tags from the registry after `name:`", async () => {
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.12-slim\n");
      await hoverText(server, uri, 0);
      const items = await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 17 },
      });
      const list = Array.isArray(items) ? items : (items?.items ?? []);
      const labels = list.map((i) => i.label);
      for (const tag of ["3.12-slim", "3.12.13-slim-trixie", "3.13-alpine"])
        assert.ok(labels.includes(tag), `${tag} in ${labels.join(", ")}`);
      // Each tag's platforms, from the Hub tag list the stand-in serves.
      const alpine = list.find((i) => i.label === "3.13-alpine");
      assert.match(alpine?.detail ?? "", /^linux amd64, arm64 \+1$/, JSON.stringify(alpine));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("a token realm answering 404 is a warning about the registry's auth server, not a missing image", async () => {
    const tokens = await startTokenServer({});
    // The registry's auth config names a path its token server does not serve.
    const misconfigured = await startRegistry({
      auth: "token",
      tokenServer: { ...tokens, realm: `${tokens.url}/auth/token` },
    });
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(
        uri,
        `FROM ${misconfigured.host}/team/app:1\nFROM ${misconfigured.host}/team/app:1@${digestOf("ubuntu:jammy")}\n`,
      );
      // Both lines answered (whatever the verdict), so a wrong one fails here instead of waiting.
      const published = await server.diagnostics(uri, (p) =>
        [0, 1].every((line) => p.diagnostics.some((d) => d.range.start.line === line)),
      );
      assert.deepEqual(
        published.diagnostics.map((d) => `${d.range.start.line}: ${String(d.code)}`),
        ["0: auth-misconfigured", "1: auth-misconfigured"],
        "no unknown-repository, unknown-tag, unknown-digest or stale-pin",
      );
      const realmHost = new URL(tokens.url).host;
      for (const d of published.diagnostics.filter((x) => x.code === "auth-misconfigured")) {
        assert.equal(d.severity, DiagnosticSeverity.Warning);
        const message = typeof d.message === "string" ? d.message : d.message.value;
        assert.ok(message.includes(`token server ${realmHost}`), message);
      }
      assert.match(await hoverText(server, uri, 0), /The registry's sign-in is misconfigured/);
    } finally {
      assert.equal(await server.stop(), 0);
      await misconfigured.stop();
      await tokens.stop();
    }
  });

  it("on 429 says so once, with no further requests to that registry", async () => {
    const route = proxy.routeFirst({
      path: faultPaths.manifest(),
      fault: { kind: "rateLimit", limit: 100, remaining: 0, windowSeconds: 21600 },
    });
    proxy.resetRequests();
    const server = await launch();
    try {
      const uri = nextUri();
      await server.open(uri, "FROM python:3.13-alpine\n");
      const published = await server.diagnostics(uri, (p) =>
        p.diagnostics.some((d) => d.code === "rate-limited"),
      );
      assert.equal(published.diagnostics.filter((d) => d.code === "rate-limited").length, 1);
      const asked = proxy.count({ path: faultPaths.manifest() });
      const other = nextUri();
      await server.open(other, "FROM ubuntu:jammy\n");
      await hoverText(server, other, 0);
      assert.equal(
        proxy.count({ path: faultPaths.manifest() }),
        asked,
        "the registry is left alone until the window passes",
      );
    } finally {
      route.remove();
      assert.equal(await server.stop(), 0);
    }
  });
});
