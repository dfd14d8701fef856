/**
 * The image features on files other than Dockerfiles: pinning edits only the value (keeping quotes,
 * comments, anchors, CRLF), the split form gets a digest field, diagnostics and suppression
 * comments work in the file's own comment syntax, and the hover describes the image.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { FeatureContext } from "../../../server/src/features/context";
import { provideDiagnostics } from "../../../server/src/features/diagnostics";
import { provideHover } from "../../../server/src/features/hover";
import { pinAllEdits } from "../../../server/src/features/pin";
import { provideCodeActions } from "../../../server/src/features/codeActions";
import { extractRefs } from "../../../server/src/sources";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";
import type { Lookup } from "../../../server/src/resolver/types";
import { NOW, PYTHON_SLIM_DIGEST, pythonSlimFacts, resolved } from "../features/fixtures";

function context(path: string, text: string, lookups: Record<string, Lookup>): FeatureContext {
  const doc = TextDocument.create(`file:///repo/${path}`, path.endsWith(".json") ? "jsonc" : "yaml", 3, text);
  return {
    doc,
    refs: extractRefs(doc),
    lookup: (ref) => (ref.resolved === undefined ? undefined : lookups[ref.resolved]) ?? { state: "unknown" },
    settings: DEFAULT_SETTINGS,
    now: NOW,
    defaultPlatform: "linux/amd64",
  };
}

function pinAll(ctx: FeatureContext, mode: "pin" | "update" = "pin"): string {
  const plan = pinAllEdits(ctx, mode);
  assert.equal(plan.error, undefined);
  return TextDocument.applyEdits(ctx.doc, plan.edits);
}

const slim = { "python:3.12-slim": resolved("python:3.12-slim", pythonSlimFacts()) };

describe("pinning outside Dockerfiles", () => {
  it("edits only the value in Compose: quotes, comments, anchors and CRLF stay", () => {
    const text =
      'x-py: &py\r\n  image: "python:3.12-slim" # keep\r\nservices:\r\n  web: *py\r\n  api:\r\n    image: python:3.12-slim\r\n';
    const out = pinAll(context("compose.yaml", text, slim));
    assert.equal(
      out,
      `x-py: &py\r\n  image: "python:3.12-slim@${PYTHON_SLIM_DIGEST}" # keep\r\nservices:\r\n  web: *py\r\n  api:\r\n    image: python:3.12-slim@${PYTHON_SLIM_DIGEST}\r\n`,
    );
  });

  it("pins a docker:// step in a workflow and a dev container image", () => {
    const workflow = "jobs:\n  t:\n    steps:\n      - uses: docker://python:3.12-slim\n";
    assert.equal(
      pinAll(context(".github/workflows/ci.yml", workflow, slim)),
      `jobs:\n  t:\n    steps:\n      - uses: docker://python:3.12-slim@${PYTHON_SLIM_DIGEST}\n`,
    );
    const dc = '{\n  // base\n  "image": "python:3.12-slim",\n}\n';
    assert.equal(
      pinAll(context(".devcontainer/devcontainer.json", dc, slim)),
      `{\n  // base\n  "image": "python:3.12-slim@${PYTHON_SLIM_DIGEST}",\n}\n`,
    );
  });

  it("writes digest: into Helm's split form, with its indentation, and updates it when the tag moves", () => {
    const text = "image:\n  repository: python\n  tag: 3.12-slim\n  pullPolicy: IfNotPresent\nother: 1\n";
    const lookups = { "python:3.12-slim": resolved("python:3.12-slim", pythonSlimFacts()) };
    assert.equal(
      pinAll(context("values.yaml", text, lookups)),
      `image:\n  repository: python\n  tag: 3.12-slim\n  digest: ${PYTHON_SLIM_DIGEST}\n  pullPolicy: IfNotPresent\nother: 1\n`,
    );
    const old = `sha256:${"5eed".repeat(16)}`;
    const pinned = `image:\n  repository: python\n  tag: 3.12-slim\n  digest: "${old}"`;
    const moved = {
      [`python:3.12-slim@${old}`]: resolved(`python:3.12-slim@${old}`, pythonSlimFacts(), {
        pin: { kind: "moved", currentDigest: PYTHON_SLIM_DIGEST },
      }),
    };
    assert.equal(
      pinAll(context("values.yaml", pinned, moved), "update"),
      `image:\n  repository: python\n  tag: 3.12-slim\n  digest: "${PYTHON_SLIM_DIGEST}"`,
    );
  });

  it("adds a last line to a Kustomization without a final newline", () => {
    const text = "images:\n  - name: python\n    newTag: 3.12-slim";
    assert.equal(
      pinAll(context("kustomization.yaml", text, slim)),
      `images:\n  - name: python\n    newTag: 3.12-slim\n    digest: ${PYTHON_SLIM_DIGEST}\n`,
    );
  });

  it("refuses what it cannot rewrite, with the reason", () => {
    const ctx = context("compose.yaml", "services:\n  db:\n    image: postgres:${PG:-17}\n", {
      "postgres:17": resolved("postgres:17", pythonSlimFacts()),
    });
    const plan = pinAllEdits(ctx, "pin");
    assert.equal(plan.edits.length, 0);
    assert.match(plan.skipped[0]?.reason ?? "", /cannot rewrite safely/);
  });
});

describe("diagnostics outside Dockerfiles", () => {
  it("report image rules on the value, and a # from-lens-ignore comment above silences them", () => {
    const text =
      "services:\n  web:\n    image: python:latest\n  api:\n    # from-lens-ignore latest-tag -- nightly\n    image: python:latest\n";
    const ctx = context("compose.yaml", text, {});
    const diagnostics = provideDiagnostics(ctx);
    const latest = diagnostics.filter((d) => d.code === "latest-tag");
    assert.equal(latest.length, 1);
    assert.equal(latest[0]?.range.start.line, 2);
    // The quick fix writes the ignore comment in YAML's own syntax, indented like the line.
    const actions = provideCodeActions(ctx, latest[0]?.range ?? ctx.refs[0]!.range, latest, {
      documentChanges: false,
    });
    const ignore = actions.find((a) => "title" in a && /Ignore/.test(a.title) && /line/.test(a.title));
    assert.ok(ignore && "edit" in ignore, JSON.stringify(actions.map((a) => a.title)));
    const edits = Object.values(ignore.edit?.changes ?? {})[0] ?? [];
    assert.equal(edits[0]?.newText, "    # from-lens-ignore latest-tag\n");
  });

  it("use // comments in dev containers", () => {
    const text = '{\n  // from-lens-ignore latest-tag\n  "image": "python:latest"\n}\n';
    const diagnostics = provideDiagnostics(context(".devcontainer.json", text, {}));
    assert.equal(diagnostics.filter((d) => d.code === "latest-tag").length, 0);
    const unsilenced = provideDiagnostics(context(".devcontainer.json", '{ "image": "python:latest" }', {}));
    assert.equal(unsilenced.filter((d) => d.code === "latest-tag").length, 1);
  });

  it("report an unresolvable variable with its reason", () => {
    const diagnostics = provideDiagnostics(
      context("compose.yaml", "services:\n  c:\n    image: redis:${TAG}\n", {}),
    );
    const d = diagnostics.find((x) => x.code === "unresolvable-arg");
    assert.ok(d, JSON.stringify(diagnostics.map((x) => x.code)));
    const message = typeof d.message === "string" ? d.message : d.message.value;
    assert.match(message, /TAG is not set in the \.env file/);
    assert.doesNotMatch(message, /ARG/, "no Dockerfile advice in a Compose file");
  });
});

describe("the hover outside Dockerfiles", () => {
  it("describes the image under the cursor", () => {
    const ctx = context(
      "k8s.yaml",
      "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: python:3.12-slim\n",
      slim,
    );
    const hover = provideHover(ctx, { line: 5, character: 16 });
    const text = JSON.stringify(hover?.contents ?? "");
    assert.match(text, /python/);
    assert.match(text, /Debian/);
  });
});
