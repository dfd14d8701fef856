/**
 * Provenance on the card, end to end: an image pushed to the CNCF registry on loopback with the
 * org.opencontainers.image.* annotations on its index entries (real values: kibana's, from
 * ../shared/realdata) and a BuildKit attestation entry, resolved by the built server over stdio.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { HoverRequest, type MarkupContent } from "vscode-languageserver-protocol";
import { Annotation } from "../../../server/src/oci/types";
import { buildImage, presetFromRealdata, pushImage, realdataRecord } from "../../support/images";
import { startServer } from "../../support/lsp";
import { startRegistry, type Registry } from "../../support/registry";

let registry: Registry;
let storage: string;

function ociLabels(id: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(realdataRecord(id).labels).filter(([k]) => k.startsWith("org.opencontainers.image.")),
  );
}

before(async () => {
  registry = await startRegistry({ auth: "none" });
  storage = mkdtempSync(join(tmpdir(), "from-lens-provenance-"));
});
after(async () => {
  await registry.stop();
  rmSync(storage, { recursive: true, force: true });
});

describe("provenance from index annotations", () => {
  it("shows built date, source @ revision and base on the card; the attestation is no platform", async () => {
    const preset = presetFromRealdata("kibana:9.5.3");
    const baseDigest = realdataRecord("ubuntu:noble").indexDigest;
    const entryAnnotations = {
      ...ociLabels("kibana:9.5.3"),
      [Annotation.baseName]: "docker.io/library/ubuntu:noble",
      [Annotation.baseDigest]: baseDigest,
    };
    const image = buildImage({
      format: "oci",
      attestation: true,
      platforms: [
        { ...preset, entryAnnotations },
        { ...preset, architecture: "arm64", variant: "v8", entryAnnotations },
      ],
    });
    await pushImage(registry, "library/kibana", "9.5.3", image);
    const host = new URL(registry.url).host;

    const server = await startServer({
      initializationOptions: { storagePath: storage },
      settings: { defaultPlatform: "linux/amd64", hover: { waitMs: 15_000 } },
    });
    try {
      const uri = "file:///work/provenance/Dockerfile";
      await server.open(uri, `FROM ${host}/library/kibana:9.5.3\n`);
      const hover = await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 8 },
      });
      const card = (hover?.contents as MarkupContent | undefined)?.value ?? "";
      const rev = "2169f1de4c917fce03905cc3110f3f523e2184d2";
      assert.ok(
        card.includes(
          `**Built** 2026-09-01 from [github.com/elastic/kibana](https://github.com/elastic/kibana/tree/${rev}) @ [2169f1d](https://github.com/elastic/kibana/commit/${rev}), on [ubuntu:noble](https://hub.docker.com/_/ubuntu)@\`${baseDigest.slice(0, 19)}\``,
        ),
        card,
      );
      assert.match(card, /\*\*Version\*\* `9\.5\.3`/);
      assert.match(
        card,
        /\*\*Platforms\*\* linux: \*\*amd64\*\* ← build \([^)]*\) · arm64\/v8\n/,
        "two platforms; the two attestation entries are not platforms",
      );
      assert.doesNotMatch(card, /unknown\/unknown/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
