/**
 * The offline setting switched on while a lookup is on the wire: from then on nothing more
 * reaches the network, not even the rest of that lookup.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../../../server/src/engine";
import type { Logger } from "../../../server/src/log";
import { DEFAULT_SETTINGS } from "../../../server/src/settings";

const quiet: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

describe("Engine", () => {
  it("stops a lookup in flight when offline is switched on: no request after the switch", async () => {
    const requests: string[] = [];
    let held: ServerResponse | undefined;
    let firstArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const server = createServer((req, res) => {
      requests.push(`${req.method ?? "?"} ${req.url ?? ""}`);
      if (held === undefined) {
        held = res; // the first request waits until the test lets it go
        firstArrived();
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const storage = mkdtempSync(join(tmpdir(), "from-lens-engine-"));
    const online = { ...DEFAULT_SETTINGS, hubApiUrl: url };
    const engine = new Engine(online, { storagePath: storage, hubRegistryUrl: url }, quiet, () => undefined);
    try {
      const doc = TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, "FROM alpine:3.22\n");
      const [ref] = engine.workspace.update(doc, online);
      assert.ok(ref !== undefined);
      await arrived;
      const before = requests.length;
      const offline = { ...online, offline: true };
      engine.configure(offline);
      held?.writeHead(404, { "content-type": "application/json" });
      held?.end('{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}');
      await engine.workspace.waitFor(ref, offline, 5000);
      engine.workspace.update(doc, offline, "visible", true);
      await engine.workspace.waitFor(ref, offline, 5000);
      assert.deepEqual(
        requests.slice(before),
        [],
        `asked after going offline; before: ${requests.join(", ")}`,
      );
      assert.equal(engine.workspace.lookup(ref, offline).state, "error");
    } finally {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(storage, { recursive: true, force: true });
    }
  });

  it("offline, an edit re-queues nothing it already answered; going online asks again", async () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method ?? "?"} ${req.url ?? ""}`);
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const storage = mkdtempSync(join(tmpdir(), "from-lens-engine-"));
    const offline = { ...DEFAULT_SETTINGS, hubApiUrl: url, offline: true };
    const changed: string[][] = [];
    const engine = new Engine(offline, { storagePath: storage, hubRegistryUrl: url }, quiet, (keys) =>
      changed.push(keys),
    );
    try {
      const text = "FROM alpine:3.22\n";
      const [ref] = engine.workspace.update(
        TextDocument.create("file:///w/Dockerfile", "dockerfile", 1, text),
        offline,
      );
      assert.ok(ref !== undefined);
      await engine.workspace.waitFor(ref, offline, 5000);
      assert.equal(engine.workspace.lookup(ref, offline).state, "error");
      // Every keystroke used to queue the image again, answer "offline" again and refresh the
      // document's diagnostics once more.
      changed.length = 0;
      for (let version = 2; version <= 4; version++)
        engine.workspace.update(
          TextDocument.create("file:///w/Dockerfile", "dockerfile", version, `${text}# edit ${version}\n`),
          offline,
        );
      assert.deepEqual(changed, []);
      assert.equal(engine.status().queued + engine.status().resolving, 0);
      const online = { ...offline, offline: false };
      engine.configure(online);
      engine.workspace.update(TextDocument.create("file:///w/Dockerfile", "dockerfile", 5, text), online);
      assert.equal(changed.length, 1, "going online queues the image again");
      await engine.workspace.waitFor(ref, online, 5000);
      assert.ok(requests.length > 0, "online, the registry is asked");
    } finally {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
