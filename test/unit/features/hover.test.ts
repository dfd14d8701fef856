/**
 * Hover cards: a `|` in each Dockerfile marks the cursor. Facts come from real official-image
 * records (../shared/realdata); the clock is fixed (fixtures.NOW) and times are shown in UTC.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { provideHover } from "../../../server/src/features/hover";
import { card, markdownOf } from "./hoverCard";
import { deriveFacts } from "../../../server/src/facts/derive";
import { fromNetworkError, tokenRealmNotFoundError } from "../../../server/src/registry/errors";
import { MediaType } from "../../../server/src/oci/types";
import type { ImageFacts } from "../../../server/src/facts/types";
import type { Lookup } from "../../../server/src/resolver/types";
import {
  HOUR,
  MINUTE,
  NOW,
  PYTHON_SLIM,
  PYTHON_SLIM_DIGEST,
  PYTHON_SLIM_OLD_AMD64,
  PYTHON_SLIM_OLD_DIGEST,
  failed,
  featureCase,
  itBoth,
  pythonSlimFacts,
  realFacts,
  realInput,
  resolved,
  resolving,
  ubuntuNobleFacts,
  type CaseOptions,
  pinnedPythonLookups,
} from "./fixtures";

process.env.TZ = "UTC";

const PYTHON = pythonSlimFacts();
const UBUNTU = ubuntuNobleFacts();
const ALPINE = realFacts("alpine:3.22");
const WINDOWS = realFacts("python:3.13-windowsservercore-ltsc2022");
const HELLO = realFacts("hello-world:latest");

/** Facts of a pin to the amd64 manifest of an older python:3.12-slim index (illustrative digest). */
const PYTHON_AMD64_ONLY: ImageFacts = {
  ...PYTHON,
  indexDigest: PYTHON_SLIM_OLD_AMD64,
  mediaType: MediaType.ociManifest,
  platforms: PYTHON.platforms
    .filter((p) => p.architecture === "amd64")
    .map((p) => ({ ...p, digest: PYTHON_SLIM_OLD_AMD64 })),
};

const UNAUTHORIZED: Lookup = failed({
  kind: "unauthorized",
  host: "ghcr.io",
  message:
    "ghcr.io asks for credentials to read ghcr.io/acme/private:1.0 (HTTP 401). The image may be private, or the repository may not exist (Docker Hub answers 401 for both). Log in with `docker login ghcr.io` or check the name.",
});

const LOOKUPS: Record<string, Lookup> = {
  [PYTHON_SLIM]: resolved(PYTHON_SLIM, PYTHON),
  "ubuntu:noble": resolved("ubuntu:noble", UBUNTU),
  "alpine:3.22": resolved("alpine:3.22", ALPINE),
  "python:3.13-windowsservercore-ltsc2022": resolved("python:3.13-windowsservercore-ltsc2022", WINDOWS),
  "hello-world": resolved("hello-world", HELLO),
  "ghcr.io/acme/private:1.0": UNAUTHORIZED,
  ...pinnedPythonLookups({
    moved: { ...PYTHON, indexDigest: PYTHON_SLIM_OLD_DIGEST },
    platform: PYTHON_AMD64_ONLY,
  }),
};

function includesAll(text: string, parts: readonly string[]): void {
  for (const part of parts) assert.ok(text.includes(part), `card lacks ${JSON.stringify(part)}:\n${text}`);
}

const opts: CaseOptions = { lookups: LOOKUPS };

const PYTHON_CARD = `**docker.io/library/python:3.12-slim**  
✓ Docker Official Image · [Docker Hub](https://hub.docker.com/_/python)

**Digest** \`sha256:229a2c5bfa27\` · pushed 3 days ago · cached 12 min ago  
**Base OS** Debian 13 trixie — supported until 2030-06-30  
**libc** glibc  
**Runtime** python 3.12.13  
**Platforms** linux: **amd64** ← build (\`sha256:d657ab0ade19\`, 41.2 MB) · arm/v5 · arm/v7 · arm64/v8 · 386 · ppc64le · riscv64 · s390x  
**Also tagged** \`3.12.13-slim-trixie\` \`3.12.13-slim\` \`3.12-slim-trixie\`

⚠ The tag moves to the next Debian release with the image; \`3.12-slim-trixie\` stays on trixie.

---

*Base OS from config history "RUN # debian.sh --arch 'amd64' out/ 'tri…" names Debian suite trixie; libc: Debian is built on glibc.*  
*Debian security support until 2028-08-09, then Debian LTS until 2030-06-30 (the EOL shown).*  
\`sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36\``;

const UNAUTHORIZED_CARD = `**ghcr.io/acme/private:1.0**  
[GitHub Packages](https://ghcr.io/acme/private)

⚠ **Sign-in needed** — run \`docker login ghcr.io\`, then refresh.

ghcr.io asks for credentials to read ghcr.io/acme/private:1.0 (HTTP 401). The image may be private, or the repository may not exist (Docker Hub answers 401 for both). Log in with \`docker login ghcr.io\` or check the name.`;

describe("hover card", () => {
  itBoth("shows the full card of python:3.12-slim", "FROM pyth|on:3.12-slim AS base\n", opts, (c) => {
    const hover = provideHover(c.ctx, c.cursor);
    assert.ok(hover !== null);
    assert.equal(markdownOf(hover), PYTHON_CARD);
    assert.deepEqual(hover.range, c.ref("python:3.12-slim").range);
  });

  itBoth(
    "gives the same card as plain text to an editor without Markdown",
    "FROM pyth|on:3.12-slim AS base\n",
    opts,
    (c) => {
      const hover = provideHover(c.ctx, c.cursor, "plaintext");
      const contents = hover?.contents;
      assert.ok(contents !== undefined && typeof contents === "object" && "kind" in contents);
      assert.equal(contents.kind, "plaintext");
      const lines = contents.value.split("\n");
      for (const line of [
        "docker.io/library/python:3.12-slim",
        "✓ Docker Official Image · Docker Hub (https://hub.docker.com/_/python)",
        "Digest sha256:229a2c5bfa27 · pushed 3 days ago · cached 12 min ago",
        "Platforms linux: amd64 ← build (sha256:d657ab0ade19, 41.2 MB) · arm/v5 · arm/v7 · arm64/v8 · 386 · ppc64le · riscv64 · s390x",
        "Also tagged 3.12.13-slim-trixie 3.12.13-slim 3.12-slim-trixie",
      ])
        assert.ok(lines.includes(line), `no line ${JSON.stringify(line)} in:\n${contents.value}`);
      assert.doesNotMatch(contents.value, /\*\*|`|\\| {2}$/m, "no Markdown left");
    },
  );

  itBoth("keeps escaped characters of the facts in the plain-text card", "FROM alpine:3.2|2\n", opts, (c) => {
    const hover = provideHover(c.ctx, c.cursor, "plaintext");
    const value = (hover?.contents as { value: string } | undefined)?.value ?? "";
    assert.ok(value.includes('"ADD alpine-minirootfs-3.22.6-x86_64.tar.…": Alpine minirootfs'), value);
  });

  itBoth(
    "puts the key facts first, one line each, then warnings, then short evidence",
    "FROM pyth|on:3.12-slim AS base\n",
    opts,
    (c) => {
      const text = card(c);
      const order = [
        "**Digest**",
        "**Base OS**",
        "**libc**",
        "**Runtime**",
        "**Platforms**",
        "⚠ The tag moves",
        "---",
        "*Base OS from",
      ];
      const at = order.map((part) => text.indexOf(part));
      assert.ok(
        at.every((i) => i >= 0),
        `card lacks one of ${JSON.stringify(order)}:\n${text}`,
      );
      assert.deepEqual(
        [...at].sort((a, b) => a - b),
        at,
        "facts in order",
      );
      // VS Code's default hover shows about 13 lines: the facts must come within the first 10.
      const lines = text.split("\n");
      const platformsLine = lines.findIndex((l) => l.startsWith("**Platforms**"));
      assert.ok(platformsLine < 10, `platforms on line ${platformsLine + 1}:\n${text}`);
      for (const line of lines) assert.ok(line.length <= 200, `line too long: ${line}`);
      assert.doesNotMatch(text, /Toy Story|kid who breaks|\*\*slim\*\* —/, "no codename or variant trivia");
    },
  );

  itBoth(
    "quotes the image's own description in the small print, escaped",
    "FROM pyth|on:3.12-slim\n",
    {
      lookups: {
        [PYTHON_SLIM]: resolved(PYTHON_SLIM, {
          ...PYTHON,
          description: "FROM Lens *sample* of python:3.12-slim: stand-in layers",
        }),
      },
    },
    (c) => {
      const text = card(c);
      includesAll(text, [
        "---\n\n*The image describes itself as: “FROM Lens \\*sample\\* of python:3.12-slim: stand-in layers”*  \n*Base OS from",
      ]);
    },
  );

  itBoth("shows a sign-in card for a private registry", "FROM ghcr.io/acme/|private:1.0\n", opts, (c) => {
    assert.equal(card(c), UNAUTHORIZED_CARD);
  });

  itBoth("is null outside image references", "ARG V=1\nFR|OM alpine:3.22 AS build\n", opts, (c) => {
    assert.equal(provideHover(c.ctx, c.cursor), null);
    for (const p of [
      { line: 0, character: 5 },
      { line: 1, character: 25 },
      { line: 2, character: 0 },
    ]) {
      assert.equal(provideHover(c.ctx, p), null, JSON.stringify(p));
    }
  });

  itBoth("answers at both ends of the reference", "FROM |alpine:3.22 AS build\n", opts, (c) => {
    assert.match(card(c), /Alpine Linux 3\.22\.6/);
    const end = c.ref("alpine:3.22").range.end;
    assert.match(markdownOf(provideHover(c.ctx, end) ?? assert.fail("no hover at the end")), /Alpine/);
  });

  itBoth("explains musl in one line for Alpine", "FROM alpine:3.2|2\n", opts, (c) => {
    includesAll(card(c), [
      "**Base OS** Alpine Linux 3.22.6 — supported until 2027-05-01",
      "**libc** musl — prebuilt glibc binaries (manylinux wheels) won't run",
      '*Base OS from config history "ADD alpine-minirootfs-3.22.6-x86\\_64.tar.…": Alpine minirootfs 3.22.6; libc: Alpine Linux is built on musl libc, not glibc.*',
      "**Platforms** linux: **amd64** ← build (`sha256:3e9b4b680bfc`) · arm/v6 ·",
    ]);
    assert.doesNotMatch(card(c), / · —/, "no size dashes when no size is known");
  });

  itBoth(
    "highlights the --platform the build uses",
    "FROM --platform=linux/arm64 ubuntu:n|oble\n",
    opts,
    (c) => {
      const text = card(c);
      includesAll(text, [
        "**Base OS** Ubuntu 24.04 noble — supported until 2029-05-31",
        "**Platforms** linux: **arm64/v8** ← build (`sha256:b17516cd982b`, 28.9 MB) · amd64 · arm/v7 ·",
        "pushed 4 months ago",
        "*Base OS, libc and runtime were read from the linux/amd64 image.*",
      ]);
      assert.doesNotMatch(text, /The tag moves/, "ubuntu:noble names its codename");
    },
  );

  itBoth(
    "highlights the default platform setting",
    "FROM ubuntu:no|ble\n",
    { ...opts, defaultPlatform: "linux/s390x" },
    (c) => {
      includesAll(card(c), ["**s390x** ← build (`sha256:3ca9eea4bdb8`, 29.9 MB)"]);
    },
  );

  itBoth(
    "warns when the image has no image for the build's platform",
    "FROM python:3.13-windows|servercore-ltsc2022\n",
    opts,
    (c) => {
      const text = card(c);
      includesAll(text, [
        "**Base OS** Windows Server ltsc2022 (10.0.20348.5622) — supported until 2031-10-14",
        "**Runtime** python 3.13.15",
        "**Platform** windows/amd64 10.0.20348.5622 · `sha256:a251673c8bb8`",
        "⚠ **No linux/amd64 image** — a linux/amd64 build fails; set `--platform` or `fromLens.defaultPlatform` to build for another.",
      ]);
      assert.doesNotMatch(text, /\*\*libc\*\*/, "no libc line for Windows");
    },
  );

  itBoth(
    "has no platform warning when building for Windows",
    "FROM python:3.13-windows|servercore-ltsc2022\n",
    { ...opts, defaultPlatform: "windows/amd64" },
    (c) => {
      assert.doesNotMatch(card(c), /No windows\/amd64 image|were read from/);
    },
  );

  itBoth("says when there is no distro at all", "FROM hello-|world\n", opts, (c) => {
    includesAll(card(c), [
      "**docker.io/library/hello-world:latest**",
      "**Base OS** none (no distro: an empty root with a program in it)",
      "**libc** none — only static binaries run",
      "libc: with no C library to load, its program is a static binary.*",
    ]);
  });

  itBoth(
    "shows the ARG a reference came from",
    "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_|VERSION}-slim\n",
    opts,
    (c) => {
      includesAll(card(c), [
        "**docker.io/library/python:3.12-slim**",
        "`python:${PYTHON_VERSION}-slim` → `python:3.12-slim`  \nFrom ARG `PYTHON_VERSION` = `3.12` (line 1)",
        "**Runtime** python 3.12.13",
      ]);
    },
  );

  itBoth(
    "names the ARG a default came through",
    "ARG PY=3.12\nARG BASE=python:${PY}-slim\nFROM $BA|SE\n",
    opts,
    (c) => {
      includesAll(card(c), [
        "From ARG `BASE` = `python:3.12-slim` (line 2) · `PY` = `3.12` (line 1, via `BASE`)",
      ]);
    },
  );

  itBoth("says why an ARG reference can't be resolved", "ARG V\nFROM python:${|V}\n", opts, (c) => {
    includesAll(card(c), [
      "**`python:${V}`**",
      "⚠ Can't tell which image this is: ARG V has no default value, so it is empty unless the build passes --build-arg V=…",
      "From ARG `V` has no fixed value (line 1)",
    ]);
  });

  itBoth(
    "points a stage reference at its stage",
    "FROM golang:1.25-bookworm AS build\nRUN go build -o /out ./...\nFROM alpine:3.22\nCOPY --from=bu|ild /out /app\nCOPY --from=0 /out /app2\n",
    opts,
    (c) => {
      assert.equal(
        card(c),
        "**Build stage `build`**  \nDefined on line 1: `FROM golang:1.25-bookworm AS build`  \nBuilt by this Dockerfile, not pulled from a registry.",
      );
      const byIndex = provideHover(c.ctx, c.ref("0").range.start);
      assert.match(markdownOf(byIndex ?? assert.fail("no hover")), /^\*\*Build stage 0\*\* \(`build`\)/);
    },
  );

  itBoth("explains scratch", "FROM scr|atch\nCOPY app /\n", opts, (c) => {
    assert.match(
      card(c),
      /^\*\*scratch\*\* — the empty image {2}\nThe stage starts from nothing: no files, no OS/,
    );
  });

  itBoth("says the pin is current", `FROM python:3.12-sl|im@${PYTHON_SLIM_DIGEST}\n`, opts, (c) => {
    includesAll(card(c), ["**Pinned** ✓ current — `3.12-slim` still points here"]);
  });

  itBoth(
    "says when the pinned tag moved",
    `FROM python:3.12-sl|im@${PYTHON_SLIM_OLD_DIGEST}\n`,
    opts,
    (c) => {
      includesAll(card(c), [
        "**Pinned** ⚠ tag moved 5 days ago: `3.12-slim` now points at `sha256:229a2c5bfa27` — *Update pin* rewrites it",
        "**Digest** `sha256:5eed5eed5eed`",
      ]);
    },
  );

  itBoth(
    "says when the pinned tag no longer exists, with the facts of the digest",
    `FROM python:3.12.9-sl|im@${PYTHON_SLIM_DIGEST}\n`,
    opts,
    (c) => {
      includesAll(card(c), [
        "**Pinned** ⚠ `3.12.9-slim` no longer exists — the digest still pulls, but nothing follows the tag",
        "**Runtime** python 3.12.13",
      ]);
    },
  );

  itBoth(
    "warns about a platform-manifest pin",
    `FROM python:3.12-sl|im@${PYTHON_SLIM_OLD_AMD64}\n`,
    opts,
    (c) => {
      includesAll(card(c), [
        "**Pinned** ⚠ tag moved: its linux/amd64 image is now `sha256:d657ab0ade19` — *Update pin* rewrites it",
        "⚠ Only the linux/amd64 manifest is pinned, not the index `sha256:229a2c5bfa27`: other platforms cannot build.",
        "**Platform** linux/amd64 · `sha256:0a4d0a4d0a4d` · 41.2 MB",
      ]);
    },
  );

  itBoth("links images to their page", "FROM bitnami/re|dis:7.4\n", opts, (c) => {
    includesAll(card(c), [
      "**docker.io/bitnami/redis:7.4**  \n[Docker Hub](https://hub.docker.com/r/bitnami/redis)",
      "Not resolved yet.",
    ]);
    const quay = featureCase("FROM quay.io/prometheus/node-exp|orter:v1.8.2\n", c.eol, opts);
    includesAll(card(quay), ["[Quay](https://quay.io/repository/prometheus/node-exporter)"]);
    const own = featureCase("FROM registry.example.com/team/a|pp:1\n", c.eol, opts);
    assert.doesNotMatch(card(own), /\]\(http/, "no link for an unknown registry");
  });
});

describe("hover card states", () => {
  itBoth(
    "says it is resolving",
    "FROM golang:1.25-|bookworm\n",
    { lookups: { "golang:1.25-bookworm": { state: "resolving" } } },
    (c) => {
      assert.equal(
        card(c),
        "**docker.io/library/golang:1.25-bookworm**  \n[Docker Hub](https://hub.docker.com/_/golang)\n\nResolving…",
      );
    },
  );

  itBoth(
    "shows the cached card while resolving again",
    "FROM python:3.12-|slim\n",
    {
      lookups: {
        [PYTHON_SLIM]: resolving(resolved(PYTHON_SLIM, PYTHON), {
          kind: "stale",
          fetchedAt: NOW.getTime() - 2 * HOUR,
        }),
      },
    },
    (c) => {
      includesAll(card(c), [
        "Resolving… (showing the cached answer)",
        "cached 2 h ago, refreshing",
        "**Base OS** Debian 13 trixie",
      ]);
    },
  );

  itBoth(
    "suggests close tags when a tag is not found",
    "FROM python:3.12-sl|imm\n",
    {
      lookups: {
        "python:3.12-slimm": failed(
          {
            kind: "not-found",
            what: "tag",
            host: "registry-1.docker.io",
            message:
              "The tag of docker.io/library/python:3.12-slimm does not exist on registry-1.docker.io. Check the tag name; it may have been removed or renamed.",
          },
          { tags: ["3.12", "3.12-slim", "3.12-slim-trixie", "3.13-slim", "3-slim", "latest"] },
        ),
      },
    },
    (c) => {
      includesAll(card(c), [
        "⚠ **Tag not found** — did you mean `3.12-slim` or `3.13-slim`?",
        "The tag of docker.io/library/python:3.12-slimm does not exist",
      ]);
    },
  );

  itBoth(
    "links to the tag list when no tag is close",
    "FROM python:nope|\n",
    {
      lookups: {
        "python:nope": failed(
          {
            kind: "not-found",
            what: "tag",
            host: "registry-1.docker.io",
            message: "The tag of docker.io/library/python:nope does not exist.",
          },
          { tags: ["3.12-slim"] },
        ),
      },
    },
    (c) => {
      includesAll(card(c), [
        "⚠ **Tag not found** — see the tags on [Docker Hub](https://hub.docker.com/_/python/tags).",
      ]);
    },
  );

  itBoth(
    "says until when it is rate-limited, with the cached facts marked as such",
    "FROM alpine:3.|22\n",
    {
      lookups: {
        "alpine:3.22": failed(
          {
            kind: "rate-limited",
            host: "registry-1.docker.io",
            resetAt: new Date(NOW.getTime() + 25 * MINUTE),
            message:
              "registry-1.docker.io rate limit reached (HTTP 429): FROM Lens stops asking it until 2026-11-23T12:25:00.000Z.",
          },
          {
            previous: resolved("alpine:3.22", ALPINE, {
              freshness: { kind: "offline", fetchedAt: NOW.getTime() - 3 * HOUR, reason: "rate-limited" },
            }),
          },
        ),
      },
    },
    (c) => {
      const text = card(c);
      includesAll(text, [
        "⚠ **Rate-limited until 12:25 (in 25 min)** — wait, or run `docker login` to raise Docker Hub's limit.",
        "---\n\n*Last known answer:*\n\n**Digest** `sha256:365499d9dccb` · ⚠ offline — cached 3 h ago",
        "**Base OS** Alpine Linux 3.22.6",
      ]);
      assert.ok(text.indexOf("Rate-limited") < text.indexOf("Last known answer"));
    },
  );

  itBoth("never shows placeholders or raw values", "FROM a|lpine:3.22\n", opts, (c) => {
    const refsText = [
      "# syntax=docker/dockerfile:1",
      "ARG PY=3.12",
      "ARG UNSET",
      "FROM python:${PY}-slim AS a",
      "FROM python:${UNSET}",
      "FROM --platform=linux/arm64 ubuntu:noble",
      "FROM python:3.13-windowsservercore-ltsc2022",
      "FROM hello-world",
      "FROM ghcr.io/acme/private:1.0",
      `FROM python:3.12-slim@${PYTHON_SLIM_DIGEST}`,
      `FROM python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`,
      `FROM python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}`,
      "FROM Not_A_Reference",
      "FROM scratch",
      "COPY --from=a / /",
      "RUN --mount=from=alpine:3.22,target=/x true",
      "",
    ].join("\n");
    const all = featureCase(refsText, c.eol, opts);
    assert.ok(all.ctx.refs.length >= 14);
    for (const ref of all.ctx.refs) {
      const hover = provideHover(all.ctx, ref.range.start);
      const text = markdownOf(hover ?? assert.fail(`no hover for ${ref.raw}`));
      assert.doesNotMatch(text, /undefined|null|NaN|\[object|Invalid Date/, `${ref.raw}:\n${text}`);
      assert.ok(!text.includes("\r"), "no CR in Markdown");
    }
  });
});

describe("hover card: images a registry mirror served", () => {
  const viaMirror = (hubDigest: string | undefined): ImageFacts => {
    const input = realInput(PYTHON_SLIM);
    input.servedByMirror = "mirror.example";
    if (hubDigest !== undefined) input.hub = { tag: { name: "3.12-slim", digest: hubDigest } };
    return deriveFacts(input, NOW);
  };
  const lookups = (facts: ImageFacts): CaseOptions => ({
    lookups: { "python:3.12-slim": resolved("python:3.12-slim", facts) },
  });

  itBoth(
    "claims no Docker Official Image for what an unchecked mirror served, and names the mirror",
    "FROM pyth|on:3.12-slim\n",
    lookups(viaMirror(undefined)),
    (c) => {
      const text = card(c);
      assert.ok(!text.includes("Docker Official Image"), text);
      includesAll(text, ["Served by mirror `mirror.example`, not checked against Docker Hub"]);
    },
  );

  itBoth(
    "keeps the badge when Docker Hub names the digest the mirror served, and says via which mirror",
    "FROM pyth|on:3.12-slim\n",
    lookups(viaMirror(PYTHON_SLIM_DIGEST)),
    (c) => {
      includesAll(card(c), ["✓ Docker Official Image · via mirror `mirror.example`"]);
    },
  );
});

describe("hover card: an auth server or proxy in the way", () => {
  const proxyRefused = fromNetworkError(
    Object.assign(new Error("Proxy response (407) !== 200 when HTTP Tunneling"), { code: "UND_ERR_ABORTED" }),
    "ghcr.io",
    undefined,
    "http://proxy.corp:3128",
  );
  const realm404 = tokenRealmNotFoundError(
    "registry.corp.example",
    new URL("https://auth.corp.example/token"),
    404,
  );
  const lookups: Record<string, Lookup> = {
    "ghcr.io/acme/tool:1": failed(proxyRefused),
    "registry.corp.example/team/app:2": failed(realm404),
  };

  itBoth(
    "a 407 from the proxy asks for proxy credentials, not a sign-in",
    "FROM ghcr.io/acme/|tool:1\n",
    { lookups },
    (c) => {
      const text = card(c);
      assert.match(
        text,
        /⚠ \*\*Proxy credentials needed\*\* — put them in the proxy URL \(`http\.proxy` or `HTTPS_PROXY`\)/,
      );
      assert.match(text, /The proxy proxy\.corp:3128 wants credentials/);
      assert.doesNotMatch(text, /docker login|UND_ERR/);
    },
  );

  itBoth(
    "a token realm answering 404 says the registry's sign-in is misconfigured, not that the image is missing",
    "FROM registry.corp.example/team/|app:2\n",
    { lookups },
    (c) => {
      const text = card(c);
      assert.match(text, /⚠ \*\*The registry's sign-in is misconfigured\*\*/);
      assert.match(text, /token server auth\.corp\.example/);
      assert.doesNotMatch(text, /(Repository|Tag) not found|does not exist/);
    },
  );
});
