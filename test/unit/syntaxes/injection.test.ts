import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, before } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = join(__dirname, "..", "..", "..");
const INJECTION = "source.dockerfile.image-reference.injection";
let registry: textmate.Registry;

before(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scopeName) => {
      const file =
        scopeName === "source.dockerfile"
          ? join(root, "test/fixtures/grammar/dockerfile.stand-in.tmLanguage.json")
          : scopeName === INJECTION
            ? join(root, "syntaxes/image-reference.injection.tmLanguage.json")
            : undefined;
      return Promise.resolve(file ? textmate.parseRawGrammar(readFileSync(file, "utf8"), file) : null);
    },
    getInjections: (scopeName) => (scopeName === "source.dockerfile" ? [INJECTION] : undefined),
  });
});

/** The text of each token whose scopes include one ending in `.image-reference.dockerfile`, by part. */
async function parts(line: string): Promise<Record<string, string>> {
  const grammar = await registry.loadGrammar("source.dockerfile");
  assert.ok(grammar);
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const out: Record<string, string> = {};
  for (const token of tokens) {
    for (const scope of token.scopes) {
      const m = /^[a-z.]+\.(registry|repository|tag|digest)\.image-reference\.dockerfile$/.exec(scope);
      if (m?.[1] && !scope.startsWith("punctuation"))
        out[m[1]] = (out[m[1]] ?? "") + line.slice(token.startIndex, token.endIndex);
    }
  }
  return out;
}

describe("image reference grammar injection", () => {
  const cases: [string, Record<string, string>][] = [
    ["FROM python:3.12-slim", { repository: "python", tag: "3.12-slim" }],
    ["from ubuntu", { repository: "ubuntu" }],
    [
      "FROM --platform=linux/amd64 golang:1.25-bookworm AS build",
      { repository: "golang", tag: "1.25-bookworm" },
    ],
    [
      "FROM gcr.io/distroless/static-debian12:nonroot",
      { registry: "gcr.io", repository: "distroless/static-debian12", tag: "nonroot" },
    ],
    ["FROM localhost:5000/team/app:1.0", { registry: "localhost:5000", repository: "team/app", tag: "1.0" }],
    ["FROM registry:5000/app", { registry: "registry:5000", repository: "app" }],
    [
      `FROM python:3.12-slim@sha256:${"a".repeat(64)}`,
      { repository: "python", tag: "3.12-slim", digest: `sha256:${"a".repeat(64)}` },
    ],
    [
      `FROM alpine@sha256:${"b".repeat(64)} AS base # pinned`,
      { repository: "alpine", digest: `sha256:${"b".repeat(64)}` },
    ],
    ["  FROM [::1]:5000/app:v2", { registry: "[::1]:5000", repository: "app", tag: "v2" }],
  ];
  for (const [line, expected] of cases) {
    it(`colours the parts of \`${line.trim()}\``, async () => {
      assert.deepEqual(await parts(line), expected);
    });
  }

  it("leaves references built from ARGs to the base grammar", async () => {
    assert.deepEqual(await parts("FROM python:${PY_VERSION}-slim"), {});
    assert.deepEqual(await parts("FROM $BASE"), {});
  });

  it("does not colour upper-case repositories, which are not valid references", async () => {
    assert.deepEqual(await parts("FROM Python:3"), {});
  });

  it("leaves comments alone", async () => {
    assert.deepEqual(await parts("# FROM python:3.12"), {});
  });
});
