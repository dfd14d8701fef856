/**
 * "What changed" when a pin goes stale, end to end: python:3.12-slim (built from its real record
 * in ../shared/realdata) is pushed to the loopback registry, pinned, then the tag moves to a
 * rebuild with a newer Python, another source revision and base digest, and one more platform.
 * `from-lens pin --update --dry-run` and the server's hover, lens and quick fix say what moves.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CodeActionRequest,
  CodeLensRequest,
  HoverRequest,
  type CodeAction,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { Annotation } from "../../../server/src/oci/types";
import {
  buildImage,
  presetFromRealdata,
  pushImage,
  type BuiltImage,
  type PlatformSpec,
} from "../../support/images";
import { REPO_ROOT, startServer } from "../../support/lsp";
import { startRegistry, type Registry } from "../../support/registry";

let registry: Registry;
let dir: string;
let old: BuiltImage;
let now: BuiltImage;

const REV_OLD = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const REV_NEW = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const BASE_OLD = `sha256:${"0a".repeat(32)}`;
const BASE_NEW = `sha256:${"0b".repeat(32)}`;

function platforms(opts: {
  python: string;
  revision: string;
  base: string;
  created: string;
  extra?: boolean;
}): PlatformSpec[] {
  const preset = presetFromRealdata("python:3.12-slim");
  const swap = (s: string): string => s.replaceAll("3.12.13", opts.python);
  const entryAnnotations = {
    [Annotation.source]: `https://github.com/docker-library/python.git#${opts.revision}:3.12/slim-trixie`,
    [Annotation.revision]: opts.revision,
    [Annotation.created]: opts.created,
    [Annotation.baseName]: "debian:trixie-slim",
    [Annotation.baseDigest]: opts.base,
  };
  const spec: PlatformSpec = {
    ...preset,
    env: preset.env.map(swap),
    history: preset.history.map((h) => ({ ...h, created_by: swap(h.created_by ?? "") })),
    created: opts.created,
    entryAnnotations,
  };
  const list: PlatformSpec[] = [spec, { ...spec, architecture: "arm64", variant: "v8" }];
  if (opts.extra) list.push({ ...spec, architecture: "s390x" });
  return list;
}

before(async () => {
  registry = await startRegistry({ auth: "none" });
  dir = mkdtempSync(join(tmpdir(), "from-lens-changed-"));
  old = buildImage({
    format: "oci",
    platforms: platforms({
      python: "3.12.12",
      revision: REV_OLD,
      base: BASE_OLD,
      created: "2026-10-01T10:00:00Z",
    }),
  });
  now = buildImage({
    format: "oci",
    platforms: platforms({
      python: "3.12.13",
      revision: REV_NEW,
      base: BASE_NEW,
      created: "2026-11-28T10:00:00Z",
      extra: true,
    }),
  });
  await pushImage(registry, "library/python", "3.12-slim", old);
  await pushImage(registry, "library/python", "3.12-slim", now); // the tag moves
});
after(async () => {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CHANGES = [
  "python 3.12.12 → 3.12.13",
  "base debian:trixie-slim sha256:0a0a0a0a0a0a → sha256:0b0b0b0b0b0b",
  `source 1111111 → 2222222 (https://github.com/docker-library/python/compare/${REV_OLD}...${REV_NEW})`,
  "built 2026-10-01 → 2026-11-28",
  "platforms added: linux/s390x",
];

describe("what changed when a pin moved", () => {
  it("from-lens pin --update --dry-run says what moves for each stale pin", () => {
    const root = join(dir, "cli");
    rmSync(root, { recursive: true, force: true });
    spawnSync("mkdir", ["-p", root]);
    writeFileSync(join(root, "Dockerfile"), `FROM python:3.12-slim@${old.digest}\n`);
    const r = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, "dist", "cli.js"),
        "pin",
        "--update",
        "--dry-run",
        "--cache-dir",
        join(dir, ".cache"),
        "--platform",
        "linux/amd64",
        "--hub-api-url",
        "http://127.0.0.1:9",
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, GITHUB_ACTIONS: "", FROM_LENS_DOCKER_HUB_URL: registry.url },
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const line = r.stderr
      .split("\n")
      .find((l) => l.startsWith("Dockerfile:1: python:3.12-slim — what changes: "));
    assert.ok(line, r.stderr);
    for (const change of CHANGES) assert.ok(line.includes(change), `${change}\n${line}`);
    assert.match(r.stdout, new RegExp(`\\+FROM python:3\\.12-slim@${now.digest}`));
  });

  it("the hover, the Update pin lens and the stale-pin quick fix say what moves", async () => {
    const server = await startServer({
      initializationOptions: { storagePath: join(dir, "server") },
      settings: {
        defaultPlatform: "linux/amd64",
        hover: { waitMs: 15_000 },
        hubApiUrl: "http://127.0.0.1:9",
      },
    });
    try {
      const host = new URL(registry.url).host;
      const uri = "file:///work/changed/Dockerfile";
      await server.open(uri, `FROM ${host}/library/python:3.12-slim@${old.digest}\n`);
      const hover = await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 8 },
      });
      const card = (hover?.contents as MarkupContent | undefined)?.value ?? "";
      assert.match(card, /\*\*What changes\*\* python 3\.12\.12 → 3\.12\.13 · /);
      assert.ok(
        card.includes(
          `[source 1111111 → 2222222](https://github.com/docker-library/python/compare/${REV_OLD}...${REV_NEW})`,
        ),
        card,
      );
      assert.match(card, /platforms added: linux/);

      const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      const update = lenses?.find((l) => /Update pin/.test(l.command?.title ?? ""));
      assert.ok(update?.command?.tooltip?.includes("python 3.12.12 → 3.12.13"), JSON.stringify(lenses));

      const diagnostics = await server.diagnostics(uri, (p) =>
        p.diagnostics.some((d) => d.code === "stale-pin"),
      );
      const stale = diagnostics.diagnostics.filter((d) => d.code === "stale-pin");
      const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: stale[0]!.range,
        context: { diagnostics: stale },
      })) as CodeAction[] | null;
      const fix = actions?.find((a) => /python 3\.12\.12 → 3\.12\.13/.test(a.title));
      assert.ok(fix, JSON.stringify(actions?.map((a) => a.title)));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
