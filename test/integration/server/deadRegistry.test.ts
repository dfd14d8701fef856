/**
 * One registry that never answers must not stall the others (issue 12): the built server, a
 * Dockerfile with images on a blackholed registry (a loopback port that accepts TCP connections
 * and never sends a byte) and one image on a healthy registry (the CNCF registry on loopback,
 * standing in for Docker Hub through `hubRegistryUrl`). The healthy image resolves promptly, and
 * the dead registry's images say "not answering" within seconds.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { HoverRequest, type MarkupContent } from "vscode-languageserver-protocol";
import { startServer, type TestServer } from "../../support/lsp";
import { LOOPBACK } from "../../support/ports";
import { startRegistry, type Registry } from "../../support/registry";
import { pushSampleImages, SAMPLE_IMAGES, type PushedSample } from "../../support/sampleImages";

let registry: Registry;
let pushed: PushedSample[];
let blackhole: Server;
const sockets = new Set<Socket>();
let deadHost: string;

before(async () => {
  registry = await startRegistry({ auth: "none" });
  pushed = await pushSampleImages(
    registry,
    SAMPLE_IMAGES.filter((s) => s.record === "python:3.12-slim"),
  );
  blackhole = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => blackhole.listen(0, LOOPBACK, resolve));
  const address = blackhole.address();
  assert.ok(address && typeof address === "object");
  deadHost = `${LOOPBACK}:${address.port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => blackhole.close(resolve));
  await registry.stop();
});

async function hoverText(server: TestServer, uri: string, line: number): Promise<string> {
  const hover = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line, character: 6 },
  });
  return (hover?.contents as MarkupContent | undefined)?.value ?? "";
}

describe("a blackholed registry beside a healthy one", () => {
  it(
    "resolves the healthy image promptly and says the dead one is not answering within seconds",
    { timeout: 60_000 },
    async () => {
      const server = await startServer({
        initializationOptions: { hubRegistryUrl: registry.url },
        settings: {
          hubApiUrl: `http://${LOOPBACK}:9`,
          defaultPlatform: "linux/amd64",
          hover: { waitMs: 20_000 },
        },
      });
      try {
        const uri = "file:///work/dead-registry/Dockerfile";
        // More dead images than the resolver runs at once, all before the healthy one.
        const dead = [1, 2, 3, 4, 5].map((i) => `FROM ${deadHost}/team/app${i}:1.0 AS dead${i}`);
        const text = [...dead, "FROM python:3.12-slim AS healthy", ""].join("\n");
        const opened = performance.now();
        await server.open(uri, text);

        const healthy = await hoverText(server, uri, dead.length);
        const healthyMs = performance.now() - opened;
        const digest = pushed[0]?.image.digest;
        assert.ok(digest && healthy.includes(digest), healthy);

        const deadCard = await hoverText(server, uri, 0);
        const deadMs = performance.now() - opened;
        console.log(
          `healthy image ${healthyMs.toFixed(0)} ms; dead registry answered "not answering" after ${deadMs.toFixed(0)} ms`,
        );
        assert.match(deadCard, /not answering/, deadCard);
        assert.ok(healthyMs < 3000, `the healthy image took ${healthyMs.toFixed(0)} ms`);
        assert.ok(deadMs < 9000, `the dead registry took ${deadMs.toFixed(0)} ms to say so`);
        // Every dead image says so, none waits another round of timeouts.
        const last = await hoverText(server, uri, dead.length - 1);
        assert.match(last, /not answering/, last);
        assert.ok(performance.now() - opened < 12_000, "all dead images told within ~2 timeouts");
      } finally {
        await server.stop();
      }
    },
  );
});
